"""The fixed allow-list of guards a workflow file may name.

Workflow files name guards, never import paths: a name not in ``GUARDS`` is
refused when the file is loaded.  Each guard reads the ticket and the context
of the action being attempted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

DEFAULT_CALLBACK_ATTEMPTS = 3  # unreached callback attempts per round, unless the workflow says otherwise


class Satisfaction(StrEnum):
    """The resident's verdict at callback (回访满意度)."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


@dataclass(frozen=True, slots=True)
class ActionContext:
    """Who is acting and what they said, as seen by guards."""

    actor_id: str | None = None
    reached: bool = True
    satisfaction: Satisfaction | None = None
    solved: bool | None = None  # 问题是否解决: asked apart from the satisfaction
    attempts: int = DEFAULT_CALLBACK_ATTEMPTS  # unreached callback attempts the workflow allows per round


class GuardedTicket(Protocol):
    first_responder_id: str | None
    callback_attempts: int
    unsatisfied_count: int


Guard = Callable[[GuardedTicket, ActionContext], bool]


def _satisfied(ticket: GuardedTicket, ctx: ActionContext) -> bool:
    return ctx.reached and ctx.satisfaction in (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED)


def _unsatisfied(ticket: GuardedTicket, ctx: ActionContext) -> bool:
    return ctx.reached and ctx.satisfaction is Satisfaction.UNSATISFIED


def _first_unsatisfied(ticket: GuardedTicket, ctx: ActionContext) -> bool:
    return _unsatisfied(ticket, ctx) and ticket.unsatisfied_count == 0


def _unsatisfied_again(ticket: GuardedTicket, ctx: ActionContext) -> bool:
    """A second 不满意 (or later): the ticket goes one tier up (提级办理) instead of back to the same handler."""
    return _unsatisfied(ticket, ctx) and ticket.unsatisfied_count > 0


def _checked_solved(ticket: GuardedTicket, ctx: ActionContext) -> bool:
    """Nobody can be reached (callback means none): the handler's result was checked and holds."""
    return ctx.reached and ctx.satisfaction is None and ctx.solved is True


def _checked_unsolved(ticket: GuardedTicket, ctx: ActionContext) -> bool:
    return ctx.reached and ctx.satisfaction is None and ctx.solved is False


def _unreached(ticket: GuardedTicket, ctx: ActionContext) -> bool:
    return not ctx.reached


def _attempts_exhausted(ticket: GuardedTicket, ctx: ActionContext) -> bool:
    return ticket.callback_attempts >= ctx.attempts


def _attempts_remaining(ticket: GuardedTicket, ctx: ActionContext) -> bool:
    return ticket.callback_attempts < ctx.attempts


def _actor_is_first_responder(ticket: GuardedTicket, ctx: ActionContext) -> bool:
    """Only the first responder sends a resident away; before there is one, the post's holders may."""
    return ticket.first_responder_id is None or ctx.actor_id == ticket.first_responder_id


GUARDS: dict[str, Guard] = {
    "satisfied": _satisfied,
    "unsatisfied": _unsatisfied,
    "first_unsatisfied": _first_unsatisfied,
    "unsatisfied_again": _unsatisfied_again,
    "checked_solved": _checked_solved,
    "checked_unsolved": _checked_unsolved,
    "unreached": _unreached,
    "attempts_exhausted": _attempts_exhausted,
    "attempts_remaining": _attempts_remaining,
    "actor_is_first_responder": _actor_is_first_responder,
}
