"""What a declarative workflow says, as plain data.

A workflow names the ticket categories and location kinds it serves, and its
escalation chain: one tier per post kind, each with acknowledge, resolve and
callback deadlines in working time; and, optionally, when holders are reminded
before a deadline and how a deadline missed at the top is supervised.  Its
states and transitions (with guards from the allow-list in ``guards``) are the
lifecycle every workflow shares, with the workflow's own changes applied.  The
shared state machine that executes it lives outside the domain
(``ticketing.workflow.machine``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from ticketing.domain.guards import DEFAULT_CALLBACK_ATTEMPTS
from ticketing.domain.org import PostKind, UnitKind


class Clock(StrEnum):
    """The deadline a state runs."""

    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"
    CALLBACK = "callback"


class Action(StrEnum):
    """Triggers a workflow file may use; the engine knows what each means."""

    ACKNOWLEDGE = "acknowledge"
    TRANSFER = "transfer"
    ESCALATE = "escalate"
    PAUSE = "pause"
    RESUME = "resume"
    RESOLVE = "resolve"
    REFER = "refer"
    CALLBACK = "callback"
    RETURN_TO_RESIDENT = "return_to_resident"
    TERMINATE = "terminate"  # 诉求终结: fired when a supervisor approves the handler's proposal


class DurationUnit(StrEnum):
    MINUTES = "m"
    HOURS = "h"
    DAYS = "d"


@dataclass(frozen=True, slots=True)
class Duration:
    """An amount of working time: minutes or hours on the calendar, or working days."""

    amount: int
    unit: DurationUnit

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Parse ``"30m"``, ``"4h"`` or ``"3d"``; raise ValueError otherwise."""
        text = text.strip()
        if len(text) < 2 or not text[:-1].isdigit() or text[-1] not in "mhd":
            raise ValueError(f"{text!r} is not a duration; write e.g. 30m, 4h or 3d")
        amount = int(text[:-1])
        if amount <= 0:
            raise ValueError(f"{text!r} must be longer than zero")
        return cls(amount, DurationUnit(text[-1]))

    def __str__(self) -> str:
        return f"{self.amount}{self.unit.value}"


@dataclass(frozen=True, slots=True)
class Tier:
    """One step of the escalation chain and its deadlines.

    ``max_extension`` caps one extension (延期) of a deadline at this tier;
    without it the tier's own resolve time is the cap, so no deadline is ever
    stretched by more than the work it measures.
    """

    post_kind: PostKind
    acknowledge: Duration
    resolve: Duration
    callback: Duration
    max_extension: Duration | None = None

    def deadline(self, clock: Clock) -> Duration:
        return getattr(self, clock.value)

    @property
    def extension_limit(self) -> Duration:
        return self.max_extension or self.resolve


@dataclass(frozen=True, slots=True)
class Supervision:
    """超期督办: after a deadline passes at the top of the chain, supervisors are reminded (催办)
    at the opening of the ``urge_after``-th working day, and ``warn_after`` working days later
    the ticket is flagged for a written warning (通报)."""

    urge_after: int
    warn_after: int


DEFAULT_ATTEMPT_SPACING = Duration(2, DurationUnit.HOURS)
CALLBACK_ATTEMPTS = range(1, 11)  # how many unreached attempts per round a workflow may declare


@dataclass(frozen=True, slots=True)
class CallbackPlan:
    """Who calls back and how unreached attempts are spaced (回访).

    ``by`` None: the first responder (首问负责人) and the holders of their post;
    a post kind: the holders of the community's post of that kind (a 回访岗),
    on whose calendar the callback clock then runs.  Unreached attempts are at
    least ``spacing`` of working time apart; the ``attempts``-th of a round
    closes the ticket as unreachable.
    """

    by: PostKind | None = None
    spacing: Duration = DEFAULT_ATTEMPT_SPACING
    attempts: int = DEFAULT_CALLBACK_ATTEMPTS


@dataclass(frozen=True, slots=True)
class Label:
    """A name people read: English source text that the message catalogues translate.

    ``zh`` is given only for a name a district added to its own workflow files:
    the shipped catalogues cannot know it, and a district does not edit them.
    """

    text: str
    zh: str = ""


@dataclass(frozen=True, slots=True)
class State:
    name: str
    label: Label
    clock: Clock | None = None
    pauses: bool = False
    final: bool = False


@dataclass(frozen=True, slots=True)
class Transition:
    trigger: Action
    sources: tuple[str, ...]
    dest: str
    guards: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Category:
    """What residents pick; ``public`` lets the resident's text be published, masked (``domain.disclosure``)."""

    code: str
    label: Label
    public: bool = False


@dataclass(frozen=True, slots=True)
class WorkflowSpec:
    name: str
    title: Label
    location_kinds: frozenset[UnitKind]
    categories: tuple[Category, ...]
    initial: str
    states: dict[str, State]
    transitions: tuple[Transition, ...]
    chain: tuple[Tier, ...]
    source: str = ""
    lifecycle_source: str = ""  # the lifecycle file its states and transitions start from
    reminders: tuple[int, ...] = ()  # percentages of a deadline's working time at which its holder is reminded
    supervision: Supervision | None = None
    callback: CallbackPlan = CallbackPlan()

    def state(self, name: str) -> State:
        return self.states[name]

    def tier(self, index: int) -> Tier:
        return self.chain[index]


def open_states(workflows: Iterable[WorkflowSpec]) -> list[str]:
    """The states of open tickets in any of these workflows: every state but the final ones, sorted."""
    return sorted({name for spec in workflows for name, state in spec.states.items() if not state.final})
