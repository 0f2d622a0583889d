"""The callback (电话回访): the only way a ticket closes, by phone or by the resident confirming online.

Both paths give the same verdict to the workflow, so a reached callback and an
online confirmation close or reopen a ticket alike.
"""

from __future__ import annotations

from datetime import datetime

from ticketing.domain import actors
from ticketing.domain.errors import InvalidInput, NotAllowed
from ticketing.domain.guards import ActionContext, Satisfaction
from ticketing.domain.rules.acting import can, fire, staff
from ticketing.domain.rules.clock import after_transition
from ticketing.domain.rules.world import World, said
from ticketing.domain.ticket import Event, HistoryAction, Outcome, Ticket
from ticketing.domain.workflow import Action


def callback(
    world: World,
    ticket: Ticket,
    actor_id: str | None,
    reached: bool,
    satisfaction: Satisfaction | None,
    comment: str,
    now: datetime,
) -> Outcome:
    """Record the telephone callback (电话回访): close, reopen, or count an unreached attempt."""
    actor = staff(world, actor_id)
    if actor not in actors.callers(world.org, ticket):
        raise NotAllowed(
            "the callback on ticket %(number)s is for its first responder "
            "%(first_responder)s or their post's other holder; %(actor)s is neither",
            number=ticket.number,
            first_responder=ticket.first_responder_id or "(none yet)",
            actor=actor,
        )
    if reached and satisfaction is None:
        raise InvalidInput(
            "callback: the resident was reached, so record their satisfaction "
            "(satisfied, basically_satisfied, unsatisfied)"
        )
    return _verdict(world, ticket, actor, HistoryAction.CALLBACK, reached, satisfaction, said("comment", comment), now)


def resident_feedback(
    world: World, ticket: Ticket, satisfaction: Satisfaction | None, comment: str, now: datetime
) -> Outcome:
    """The resident confirms the result online instead of by phone: it counts as a reached callback."""
    if satisfaction is None:
        raise InvalidInput(
            "resident_feedback: say whether you are satisfied, basically satisfied or unsatisfied with the result"
        )
    if not can(world.spec(ticket), ticket.state, Action.CALLBACK):
        raise NotAllowed(
            "ticket %(number)s is %(state)s: a resident confirms the result only once it is resolved or referred",
            number=ticket.number,
            state=ticket.state,
        )
    return _verdict(world, ticket, None, HistoryAction.RESIDENT_FEEDBACK, True, satisfaction, comment, now)


def _verdict(
    world: World,
    ticket: Ticket,
    actor_id: str | None,
    action: HistoryAction,
    reached: bool,
    satisfaction: Satisfaction | None,
    comment: str,
    now: datetime,
) -> Outcome:
    """Fire the workflow's callback with the resident's verdict: close, reopen, or count an unreached attempt."""
    ctx = ActionContext(actor_id, reached, satisfaction if reached else None)
    before = ticket.callback_attempts
    if not reached:
        ticket.callback_attempts += 1
    try:
        previous = fire(world, ticket, Action.CALLBACK, ctx)
    except NotAllowed:
        ticket.callback_attempts = before
        raise
    outcome = Outcome()
    if reached:
        ticket.satisfaction = satisfaction.value if satisfaction else None
    if ticket.state != previous:
        reopened = not world.spec(ticket).state(ticket.state).final
        if reopened:
            ticket.reopen_count += 1
            ticket.callback_attempts = 0  # the resident was reached: the next resolution gets a full round
            ticket.needs_review = False
            outcome.notify(ticket.holder_id, Event.REOPENED)
        else:
            outcome.tell_resident(ticket, Event.REQUEST_CLOSED)
        after_transition(world, ticket, now, outcome)
    ticket.updated_at = now
    verdict = satisfaction.value if reached and satisfaction else f"not reached (attempt {ticket.callback_attempts})"
    outcome.record(ticket, now, actor_id, action, previous, f"{verdict}. {comment.strip()}".strip(". ").strip())
    return outcome
