"""诉求终结: a request that cannot be solved under law or policy, ended with a supervisor's approval.

The handler (a holder of the ticket's post) proposes it with a reason while
the ticket is being handled; a supervisor approves it (the workflow's
``terminate`` transition: the ticket ends, outside the rate base) or rejects
it with a reason, and the ticket goes on where it was.  Sending a resident
away (``returned``, 不予受理) is something else.
"""

from __future__ import annotations

from datetime import datetime

from ticketing.domain import actors
from ticketing.domain.errors import InvalidInput, NotAllowed, state_of
from ticketing.domain.guards import ActionContext
from ticketing.domain.rules.acting import can, fire, require_holder, staff
from ticketing.domain.rules.clock import after_transition
from ticketing.domain.rules.world import World, said
from ticketing.domain.ticket import Event, HistoryAction, Outcome, Ticket
from ticketing.domain.workflow import Action


def propose_termination(world: World, ticket: Ticket, actor_id: str | None, reason: str, now: datetime) -> Outcome:
    """The handler proposes 诉求终结, saying why the request cannot be solved under law or policy."""
    actor = staff(world, actor_id)
    require_holder(world, ticket, actor, "propose_termination")
    if not reason.strip():
        raise InvalidInput(
            "propose_termination: give the reason the request cannot be solved under law or policy (终结理由)"
        )
    if not can(world.spec(ticket), ticket.state, Action.TERMINATE):
        raise NotAllowed(
            "ticket %(number)s is %(state)s: 诉求终结 is proposed while the ticket is being handled",
            number=ticket.number,
            state=state_of(ticket.state, ticket.workflow),
        )
    if ticket.termination_pending:
        raise NotAllowed(
            "a proposal of 诉求终结 on ticket %(number)s already awaits a supervisor's decision", number=ticket.number
        )
    ticket.termination_reason = said("reason", reason)
    ticket.termination_proposed_by = actor
    ticket.termination_proposed_at = now
    ticket.updated_at = now
    outcome = Outcome()
    outcome.record(ticket, now, actor, HistoryAction.PROPOSE_TERMINATION, ticket.state, ticket.termination_reason)
    return outcome


def approve_termination(world: World, ticket: Ticket, actor_id: str | None, now: datetime) -> Outcome:
    """A supervisor approves: the ticket ends as terminated (诉求终结) and leaves the rate base."""
    actor = _decider(world, ticket, actor_id)
    if not can(world.spec(ticket), ticket.state, Action.TERMINATE):
        raise NotAllowed(
            "ticket %(number)s is now %(state)s and can no longer be terminated; reject the proposal instead",
            number=ticket.number,
            state=state_of(ticket.state, ticket.workflow),
        )
    outcome = Outcome()
    previous = fire(world, ticket, Action.TERMINATE, ActionContext(actor))
    after_transition(world, ticket, now, outcome)
    outcome.record(ticket, now, actor, HistoryAction.APPROVE_TERMINATION, previous, ticket.termination_reason or "")
    outcome.tell_resident(ticket, Event.REQUEST_CLOSED)
    return outcome


def reject_termination(world: World, ticket: Ticket, actor_id: str | None, reason: str, now: datetime) -> Outcome:
    """A supervisor rejects the proposal with a reason: the ticket goes on where it was."""
    actor = _decider(world, ticket, actor_id)
    if not reason.strip():
        raise InvalidInput("reject_termination: say why the request must still be handled")
    ticket.termination_reason = ticket.termination_proposed_by = ticket.termination_proposed_at = None
    ticket.updated_at = now
    outcome = Outcome()
    outcome.record(ticket, now, actor, HistoryAction.REJECT_TERMINATION, ticket.state, said("reason", reason))
    outcome.notify(ticket.holder_id, Event.REOPENED)
    return outcome


def _decider(world: World, ticket: Ticket, actor_id: str | None) -> str:
    actor = staff(world, actor_id)
    if not actors.is_supervisor(world.org, actor):
        raise NotAllowed("诉求终结 is approved or rejected by supervisors; %(actor)s is not one", actor=actor)
    if not ticket.termination_pending:
        raise NotAllowed("ticket %(number)s has no proposal of 诉求终结 to decide", number=ticket.number)
    return actor
