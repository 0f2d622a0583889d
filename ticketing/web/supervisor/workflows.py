"""The workflows as supervisors read them: each one's diagram and moves, and its chain of posts with deadlines.

The diagram is drawn (by Mermaid) from words in the reader's language, never
from the workflow's codes: one arrow between two states, labelled with what
moves the ticket there; the conditions (guards) are listed under it, a move
per line, where they have room.  A move that leaves the ticket where it was
(an unreached callback) is listed, not drawn.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import render_template
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ticketing.domain.workflow import Action, WorkflowSpec
from ticketing.web.context import service
from ticketing.web.labels import label_name, term
from ticketing.web.nav import requires
from ticketing.web.supervisor.blueprint import bp

# What moves a ticket, short enough for an arrow.
TRIGGERS: dict[Action, LazyString] = {
    Action.ACKNOWLEDGE: _l("Acknowledge"),
    Action.TRANSFER: _l("Transfer"),
    Action.ESCALATE: _l("Escalate"),
    Action.PAUSE: _l("Pause"),
    Action.RESUME: _l("Resume"),
    Action.RESOLVE: _l("Resolve"),
    Action.REFER: _l("Refer"),
    Action.CALLBACK: _l("Callback"),
    Action.RETURN_TO_RESIDENT: _l("Return to the resident"),
    Action.TERMINATE: _l("Terminate"),
}
# The conditions a move may have (``ticketing.domain.guards``).
GUARDS: dict[str, LazyString] = {
    "satisfied": _l("satisfied or basically satisfied"),
    "unsatisfied": _l("unsatisfied"),
    "first_unsatisfied": _l("unsatisfied for the first time"),
    "unsatisfied_again": _l("unsatisfied again"),
    "checked_solved": _l("result checked: solved"),
    "checked_unsolved": _l("result checked: not solved"),
    "unreached": _l("not reached"),
    "attempts_exhausted": _l("no attempts left"),
    "attempts_remaining": _l("attempts left"),
    "actor_is_first_responder": _l("by the first responder"),
}


# Room between states and between ranks, so the arrows' labels stand apart.
SPACING = '%%{init: {"flowchart": {"nodeSpacing": 90, "rankSpacing": 110}}}%%'


@dataclass(frozen=True, slots=True)
class Move:
    """One move of a workflow in words: from, what, on which conditions, to."""

    source: str
    trigger: str
    conditions: str
    dest: str


@dataclass(frozen=True, slots=True)
class Shown:
    spec: WorkflowSpec
    diagram: str
    moves: list[Move]


@bp.get("/workflows")
@requires("supervisor")
def workflows() -> str:
    """Each workflow's diagram and moves in the reader's language, and its chain with deadlines."""
    catalogue = service().worlds.catalogue
    shown = [Shown(spec, diagram(spec), moves(spec)) for spec in catalogue.workflows.values()]
    return render_template("supervisor/workflows.html", shown=shown)


def _state(spec: WorkflowSpec, name: str) -> str:
    found = spec.states.get(name)
    return label_name(found.label) if found else name


def moves(spec: WorkflowSpec) -> list[Move]:
    """Every transition in file order, in words."""
    return [
        Move(
            _state(spec, source),
            term(TRIGGERS, transition.trigger),
            _listed([term(GUARDS, guard) for guard in transition.guards]),
            _state(spec, transition.dest),
        )
        for transition in spec.transitions
        for source in transition.sources
    ]


def _listed(words: list[str]) -> str:
    """``a, b`` in the reader's language (``a、b``); empty for none."""
    return (
        functools.reduce(lambda first, then: _("%(first)s, %(next)s", first=first, next=then), words) if words else ""
    )


def diagram(spec: WorkflowSpec) -> str:
    """A Mermaid flowchart: each state once, one arrow per pair of states labelled with its triggers.

    Node ids are the state names behind ``s_`` (Mermaid reserves words such as ``end``); only labels show.
    """
    lines = [SPACING, "flowchart TD", f"    start(( )) --> s_{spec.initial}"]
    for state in spec.states.values():
        label = _quoted(label_name(state.label))
        lines.append(f'    s_{state.name}(["{label}"])' if state.final else f'    s_{state.name}["{label}"]')
    arrows: dict[tuple[str, str], list[str]] = {}
    for transition in spec.transitions:
        for source in transition.sources:
            if source != transition.dest:
                words = arrows.setdefault((source, transition.dest), [])
                trigger = term(TRIGGERS, transition.trigger)
                if trigger not in words:
                    words.append(trigger)
    order = list(spec.states)
    for (source, dest), words in arrows.items():
        # Of two arrows between the same states, the one going back is drawn longer, so their labels part.
        back = (dest, source) in arrows and order.index(dest) < order.index(source)
        lines.append(f'    s_{source} {"--->" if back else "-->"}|"{_quoted(" / ".join(words))}"| s_{dest}')
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    """Text inside a Mermaid label's quotes."""
    return text.replace('"', "#quot;")
