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

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from ticketing.domain.errors import InvalidInput
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


MAX_DURATION_AMOUNT = 9999  # per unit: longer than any deadline, short enough for calendar arithmetic
_UNIT_WORDS: dict[str, DurationUnit] = {
    **dict.fromkeys(("d", "day", "days", "天", "日", "工作日", "个工作日"), DurationUnit.DAYS),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "小时", "个小时", "钟头", "个钟头"), DurationUnit.HOURS),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes", "分钟", "分"), DurationUnit.MINUTES),
}
_DURATION_PART = re.compile(r"([0-9]+)(" + "|".join(sorted(map(re.escape, _UNIT_WORDS), key=len, reverse=True)) + ")")


@dataclass(frozen=True, slots=True)
class Duration:
    """An amount of working time: working days, then working minutes on the calendar.

    ``1天2小时`` is the close of the next workday, then two working hours more;
    hours are kept as minutes, so ``2h`` and ``120m`` are the same duration.
    """

    days: int = 0
    minutes: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read ``2天``, ``3小时``, ``30分钟``, ``2d``, ``3h``, ``30m`` or a combination (``1天2小时``, ``2h 30m``).

        Full-width digits and letters and any spaces are accepted; each unit at
        most once, each amount from 1 to ``MAX_DURATION_AMOUNT``.  Anything else
        raises InvalidInput naming what is allowed.
        """
        compact = "".join(unicodedata.normalize("NFKC", text).lower().split())
        parts = _DURATION_PART.findall(compact)
        units = [_UNIT_WORDS[word] for _amount, word in parts]
        if not parts or "".join(a + w for a, w in parts) != compact or len(set(units)) < len(units):
            raise InvalidInput(
                "%(text)r is not a working time: write e.g. 2d, 3h or 30m (or 2天, 3小时, 30分钟; 1d2h combines them)",
                text=text.strip(),
            )
        amounts = {unit: int(amount) for (amount, _word), unit in zip(parts, units, strict=True)}
        if not all(0 < amount <= MAX_DURATION_AMOUNT for amount in amounts.values()):
            raise InvalidInput(
                "%(text)r: each amount of a working time is a whole number from 1 to %(most)d",
                text=text.strip(),
                most=MAX_DURATION_AMOUNT,
            )
        hours, minutes = amounts.get(DurationUnit.HOURS, 0), amounts.get(DurationUnit.MINUTES, 0)
        return cls(amounts.get(DurationUnit.DAYS, 0), hours * 60 + minutes)

    @property
    def parts(self) -> tuple[tuple[int, DurationUnit], ...]:
        """The non-zero amounts, largest unit first: ``((1, DAYS), (2, HOURS))`` for ``1d2h``."""
        hours, minutes = divmod(self.minutes, 60)
        amounts = ((self.days, DurationUnit.DAYS), (hours, DurationUnit.HOURS), (minutes, DurationUnit.MINUTES))
        return tuple((amount, unit) for amount, unit in amounts if amount)

    def __str__(self) -> str:
        return "".join(f"{amount}{unit.value}" for amount, unit in self.parts)


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


DEFAULT_ATTEMPT_SPACING = Duration(minutes=120)
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
