"""A holder goes away or comes back: the other holder covers their open tickets, and A takes them back.

The absence periods themselves (bounds, ending early) are ``ticketing.domain.absences``;
this module only moves tickets when one starts or ends.
"""

from __future__ import annotations

from datetime import datetime

from ticketing.domain.coverage import other_holder
from ticketing.domain.rules.escalation import holders_text, nobody_on_duty
from ticketing.domain.rules.world import World
from ticketing.domain.ticket import Event, HistoryAction, Outcome, Ticket


def cover_absence(world: World, ticket: Ticket, absent_id: str, reason: str, now: datetime) -> Outcome:
    """The holder leaves: the other holder takes the ticket (or it climbs if both are away)."""
    outcome = Outcome()
    if ticket.holder_id != absent_id or world.spec(ticket).state(ticket.state).final:
        return outcome
    post = world.post(ticket.post_id)
    other = other_holder(post, absent_id)
    ticket.updated_at = now
    if not world.absent(other, now):
        ticket.holder_id = other
        outcome.record(
            ticket, now, None, HistoryAction.HANDOVER, ticket.state, f"{absent_id} away ({reason}); {other} covers"
        )
        outcome.notify(other, Event.COVERING)
        return outcome
    ticket.holder_id = None
    return nobody_on_duty(world, ticket, now, outcome, f"both holders of {holders_text(post)} are away")


def hand_back(world: World, ticket: Ticket, returning_id: str, now: datetime) -> Outcome:
    """The A holder is back: they take their post's tickets back from B, with a hand-over entry."""
    outcome = Outcome()
    post = world.post(ticket.post_id)
    if post.holder_a != returning_id or ticket.holder_id == returning_id:
        return outcome
    if world.spec(ticket).state(ticket.state).final:
        return outcome
    ticket.holder_id = returning_id
    ticket.updated_at = now
    outcome.record(
        ticket, now, None, HistoryAction.HANDOVER, ticket.state, f"{returning_id} back from absence; takes over again"
    )
    outcome.notify(returning_id, Event.TAKEN_BACK)
    return outcome
