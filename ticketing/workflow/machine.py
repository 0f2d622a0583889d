"""One shared ``transitions`` state machine per workflow, driving any ticket.

A machine per ticket costs ~800 µs to build and keeps the ticket alive; one
machine per workflow built with ``model=None`` reads and sets ``ticket.state``
on whatever object it is handed, in a few microseconds.  Guards reach the
library as callables over the allow-list, never as names: ``transitions``
imports a condition given as a dotted string.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, cast

from transitions import Machine
from transitions.core import EventData

from ticketing.domain.errors import NotAllowed
from ticketing.domain.guards import GUARDS, ActionContext, Guard, GuardedTicket
from ticketing.domain.workflow import Action, Transition, WorkflowSpec
from ticketing.workflow.translation import both

_RECORD_VERDICT = "record whether the resident was satisfied, basically satisfied or unsatisfied"

# Why an action is refused when a guard fails, for guards a person can act on.
GUARD_EXPLANATIONS: dict[str, str] = {
    "actor_is_first_responder": (
        "first-responder responsibility (首问负责制): only the first responder, who answers for the request, "
        "may send the resident away; the other holder of their post may not"
    ),
    "satisfied": _RECORD_VERDICT,
    "unsatisfied": _RECORD_VERDICT,
    "first_unsatisfied": _RECORD_VERDICT,
    "unsatisfied_again": _RECORD_VERDICT,
}


class MachineTicket(GuardedTicket, Protocol):
    """What the machine and the guards read and write on a ticket."""

    state: str


def _condition(guard: Guard) -> Callable[[EventData], bool]:
    """Wrap an allow-listed guard as a ``transitions`` condition (``send_event=True``)."""
    return lambda event: guard(cast(GuardedTicket, event.model), event.kwargs["ctx"])  # the ticket it acts on


def _definition(transition: Transition) -> dict[str, object]:
    return {
        "trigger": transition.trigger.value,
        "source": list(transition.sources),
        "dest": transition.dest,
        "conditions": [_condition(GUARDS[name]) for name in transition.guards],
    }


class WorkflowMachine:
    """Executes one workflow on every ticket that follows it; never holds a ticket."""

    def __init__(self, spec: WorkflowSpec) -> None:
        self.spec = spec
        self._machine = Machine(
            model=None,
            states=list(spec.states),
            transitions=[_definition(t) for t in spec.transitions],
            initial=spec.initial,
            auto_transitions=False,
            send_event=True,
            model_attribute="state",
        )
        self._alternatives: dict[tuple[str, str], list[Transition]] = {}
        self._allowed: dict[str, list[Action]] = {name: [] for name in spec.states}
        for transition in spec.transitions:
            for source in transition.sources:
                self._alternatives.setdefault((source, transition.trigger), []).append(transition)
                if transition.trigger not in self._allowed[source]:
                    self._allowed[source].append(transition.trigger)

    def fire(self, ticket: MachineTicket, action: Action, ctx: ActionContext) -> str:
        """Apply ``action`` to the ticket and return its new state, or raise NotAllowed."""
        alternatives = self._alternatives.get((ticket.state, action))
        if not alternatives:
            raise NotAllowed(
                "cannot %(action)s a ticket in state %(state)s; allowed: %(allowed)s",
                action=action,
                state=self._state_text(ticket.state),
                allowed=self._listed(ticket.state),
            )
        if not self._machine.events[action].trigger(ticket, ctx=ctx):
            raise self._guards_refused(ticket, action, ctx, alternatives)
        return ticket.state

    def can(self, ticket: MachineTicket, action: Action, ctx: ActionContext) -> bool:
        """Whether ``fire`` would succeed, without changing the ticket."""
        return any(
            all(GUARDS[name](ticket, ctx) for name in transition.guards)
            for transition in self._alternatives.get((ticket.state, action), ())
        )

    def allowed(self, state: str) -> list[Action]:
        """Triggers leaving ``state``, in file order, before their guards are asked."""
        return list(self._allowed.get(state, ()))

    def mermaid(self) -> str:
        """The workflow as a Mermaid ``stateDiagram-v2``, for docs and the admin pages."""
        lines = ["stateDiagram-v2"]
        for state in self.spec.states.values():
            label = both(state.label).replace('"', "'")
            lines.append(f'    state "{label}" as {state.name}')
        lines.append(f"    [*] --> {self.spec.initial}")
        for transition in self.spec.transitions:
            guards = f" [{', '.join(transition.guards)}]" if transition.guards else ""
            for source in transition.sources:
                lines.append(f"    {source} --> {transition.dest}: {transition.trigger.value}{guards}")
        lines.extend(f"    {state.name} --> [*]" for state in self.spec.states.values() if state.final)
        return "\n".join(lines) + "\n"

    def _state_text(self, state_name: str) -> str:
        state = self.spec.states.get(state_name)
        labels = f" ({both(state.label)})" if state else f" (not a state of {self.spec.name!r})"
        return f"{state_name!r}{labels}"

    def _listed(self, state_name: str) -> str:
        return ", ".join(self._allowed.get(state_name, ())) or "nothing"

    def _guards_refused(
        self, ticket: MachineTicket, action: Action, ctx: ActionContext, alternatives: list[Transition]
    ) -> NotAllowed:
        failed = [name for t in alternatives for name in t.guards if not GUARDS[name](ticket, ctx)]
        reasons = list(dict.fromkeys(GUARD_EXPLANATIONS[name] for name in failed if name in GUARD_EXPLANATIONS))
        tried = "; ".join(f"[{', '.join(t.guards)}] -> {t.dest}" for t in alternatives)
        because = "; ".join(reasons) or "no alternative's guards pass"
        return NotAllowed(
            "cannot %(action)s a ticket in state %(state)s: %(because)s (tried %(tried)s)",
            action=action,
            state=self._state_text(ticket.state),
            because=because,
            tried=tried,
        )
