"""What a staff member may do to a ticket now, as the rules would judge it.

The ticket page offers exactly these actions.  Each one combines the
workflow's transitions out of the current state (with the guards that the
ticket and the actor decide) and who may act (``ticketing.domain.actors``,
which the rules enforce).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from ticketing.domain import choices
from ticketing.domain.actors import callers, holds_post, is_involved, is_supervisor, joined_posts_held
from ticketing.domain.guards import GUARDS, ActionContext, Satisfaction
from ticketing.domain.rules import World, is_dispute, may_mediate
from ticketing.domain.rules.actions import JOINED_MAY
from ticketing.domain.ticket import Ticket
from ticketing.domain.workflow import Action

ORDER = (
    "acknowledge",
    "note",
    "invite",
    "release",
    "transfer",
    "pause",
    "resume",
    "mediate",
    "resolve",
    "refer",
    "callback",
    "return_to_resident",
    "extend",
)
HOLDER_ACTIONS = (
    Action.ACKNOWLEDGE,
    Action.PAUSE,
    Action.RESUME,
    Action.RESOLVE,
    Action.REFER,
    Action.RETURN_TO_RESIDENT,
)


def available_actions(world: World, ticket: Ticket, actor_id: str | None, now: datetime | None = None) -> list[str]:
    """The actions ``actor_id`` may take on ``ticket``, in page order.

    Without ``now`` an extension is offered whenever a deadline runs; with it,
    only before that deadline passes.
    """
    org = world.org
    if actor_id is None or actor_id not in org.staff:
        return []
    acting = [(ticket, ActionContext(actor_id))]
    found: set[str] = set()
    if holds_post(org, ticket, actor_id):
        found |= {action.value for action in HOLDER_ACTIONS if _fires(world, ticket, action, acting)}
    if joined_posts_held(org, ticket, actor_id):
        found |= {"note", *(action.value for action in JOINED_MAY if _fires(world, ticket, action, acting))}
    is_open = not world.spec(ticket).state(ticket.state).final
    if is_involved(org, ticket, actor_id):
        found.add("note")
        if _fires(world, ticket, Action.TRANSFER, acting):
            found.add("transfer")
        if is_open and choices.invite_targets(org, ticket):
            found.add("invite")
        if is_open and ticket.joined:
            found.add("release")
    if is_open and is_dispute(world, ticket) and may_mediate(world, ticket, actor_id):
        found.add("mediate")
    calls = _callback_attempts(ticket, actor_id)
    if actor_id in callers(org, ticket) and _fires(world, ticket, Action.CALLBACK, calls):
        found.add("callback")
    running = ticket.clock is not None and ticket.due_at is not None
    if (
        is_supervisor(org, actor_id)
        and running
        and (now is None or (ticket.due_at is not None and now < ticket.due_at))
    ):
        found.add("extend")
    return [name for name in ORDER if name in found]


def _callback_attempts(ticket: Ticket, actor_id: str) -> list[tuple[Ticket, ActionContext]]:
    """Every callback a person could record: not reached (counted before the guards run), or each verdict."""
    unreached = replace(ticket, callback_attempts=ticket.callback_attempts + 1)
    return [
        (unreached, ActionContext(actor_id, reached=False)),
        *((ticket, ActionContext(actor_id, reached=True, satisfaction=verdict)) for verdict in Satisfaction),
    ]


def _fires(world: World, ticket: Ticket, action: Action, attempts: list[tuple[Ticket, ActionContext]]) -> bool:
    """Whether some transition for ``action`` leaves the ticket's state with its guards passing for an attempt."""
    return any(
        transition.trigger is action
        and ticket.state in transition.sources
        and all(GUARDS[name](seen, ctx) for name in transition.guards)
        for transition in world.spec(ticket).transitions
        for seen, ctx in attempts
    )
