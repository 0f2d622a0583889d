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
from ticketing.domain.actors import callers, holds_post, is_involved, is_supervisor, joined_posts_held, may_return
from ticketing.domain.guards import GUARDS, ActionContext, Satisfaction
from ticketing.domain.rules import World, allowed_means, is_dispute, may_mediate
from ticketing.domain.rules.actions import JOINED_MAY
from ticketing.domain.ticket import CallbackMeans, Ticket
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
    "propose_termination",
    "approve_termination",
    "reject_termination",
    "extend",
)
HOLDER_ACTIONS = (
    Action.ACKNOWLEDGE,
    Action.PAUSE,
    Action.RESUME,
    Action.RESOLVE,
    Action.REFER,
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
    if may_return(org, ticket, actor_id) and _fires(world, ticket, Action.RETURN_TO_RESIDENT, acting):
        found.add("return_to_resident")
    calls = _callback_attempts(ticket, actor_id, world.spec(ticket).callback.attempts)
    visits = actor_id == ticket.first_responder_id and CallbackMeans.VISIT in allowed_means(ticket)
    if (actor_id in callers(org, ticket) or visits) and _fires(world, ticket, Action.CALLBACK, calls):
        found.add("callback")
    found |= _termination_actions(world, ticket, actor_id, acting)
    running = ticket.clock is not None and ticket.due_at is not None
    if (
        is_supervisor(org, actor_id)
        and running
        and (now is None or (ticket.due_at is not None and now < ticket.due_at))
    ):
        found.add("extend")
    return [name for name in ORDER if name in found]


def _termination_actions(
    world: World, ticket: Ticket, actor_id: str, acting: list[tuple[Ticket, ActionContext]]
) -> set[str]:
    """诉求终结: the post's holders propose it; supervisors decide a pending proposal."""
    terminable = _fires(world, ticket, Action.TERMINATE, acting)
    if ticket.termination_pending:
        if not is_supervisor(world.org, actor_id):
            return set()
        return {"approve_termination", "reject_termination"} if terminable else {"reject_termination"}
    return {"propose_termination"} if terminable and holds_post(world.org, ticket, actor_id) else set()


def _callback_attempts(ticket: Ticket, actor_id: str, allowed: int) -> list[tuple[Ticket, ActionContext]]:
    """Every callback a person could record: not reached (counted before the guards run), or each verdict."""
    unreached = replace(ticket, callback_attempts=ticket.callback_attempts + 1)
    return [
        (unreached, ActionContext(actor_id, reached=False, attempts=allowed)),
        *(
            (ticket, ActionContext(actor_id, reached=True, satisfaction=verdict, solved=solved))
            for verdict in (*Satisfaction, None)
            for solved in (True, False)
        ),
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
