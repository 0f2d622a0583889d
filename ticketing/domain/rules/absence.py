"""A holder goes away or comes back: the next present holder covers their open tickets, and they take them back.

The absence periods themselves (bounds, ending early) are ``ticketing.domain.absences``;
this module only moves tickets when one starts or ends.
"""

from __future__ import annotations

from datetime import datetime

from ticketing.domain.coverage import cover_for
from ticketing.domain.rules.escalation import all_away, nobody_on_duty
from ticketing.domain.rules.world import World
from ticketing.domain.ticket import Event, HistoryAction, Outcome, Ticket


def cover_absence(world: World, ticket: Ticket, absent_id: str, reason: str, now: datetime) -> Outcome:
    """The holder leaves: the first present holder in order takes the ticket (or it climbs if all are away)."""
    outcome = Outcome()
    if ticket.holder_id != absent_id or world.spec(ticket).state(ticket.state).final:
        return outcome
    post = world.post(ticket.post_id)
    other = cover_for(post, absent_id, now, world.absent)
    ticket.updated_at = now
    if other is not None:
        ticket.holder_id = other
        details = {"cause": "away", "from": absent_id, "to": other}
        outcome.record(ticket, now, None, HistoryAction.HANDOVER, ticket.state, reason, details)
        outcome.notify(other, Event.COVERING)
        return outcome
    ticket.holder_id = None
    return nobody_on_duty(world, ticket, now, outcome, all_away(post))


def hand_back(world: World, ticket: Ticket, returning_id: str, now: datetime) -> Outcome:
    """A holder is back: they take back their post's tickets from whoever holds them later in the order
    (A from B, B from a third holder), with a hand-over entry."""
    outcome = Outcome()
    order = world.post(ticket.post_id).holders
    holder = ticket.holder_id
    if returning_id not in order or holder == returning_id:
        return outcome
    if holder in order and order.index(holder) < order.index(returning_id):
        return outcome
    if world.spec(ticket).state(ticket.state).final:
        return outcome
    ticket.holder_id = returning_id
    ticket.updated_at = now
    details = {"cause": "back", "to": returning_id}
    outcome.record(ticket, now, None, HistoryAction.HANDOVER, ticket.state, details=details)
    outcome.notify(returning_id, Event.TAKEN_BACK)
    return outcome
