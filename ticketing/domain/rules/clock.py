"""The deadline clock: working time on the post's calendar, stopped while waiting and resumed with the time left."""

from __future__ import annotations

from datetime import datetime

from ticketing.domain import actors
from ticketing.domain.rules.world import World
from ticketing.domain.ticket import Outcome, Ticket
from ticketing.domain.workflow import Clock


def calendar_post(ticket: Ticket, clock: Clock) -> str:
    """The callback runs on the callback post's calendar (by default the first responder's); the rest the post's."""
    if clock is Clock.CALLBACK:
        return ticket.callback_post_id or ticket.first_responder_post_id or ticket.post_id
    return ticket.post_id


def start_clock(world: World, ticket: Ticket, now: datetime) -> None:
    """Start the deadline of the state the ticket is now in (or stop it in a final state)."""
    state = world.spec(ticket).state(ticket.state)
    ticket.clock = state.clock
    ticket.due_at = ticket.allowed_seconds = None
    if state.clock is Clock.CALLBACK:
        ticket.callback_post_id = actors.callback_post(world.org, world.spec(ticket).callback.by, ticket)
    if state.clock is not None:
        duration = world.spec(ticket).tier(ticket.tier).deadline(state.clock)
        calendar = world.calendar_for(calendar_post(ticket, state.clock))
        ticket.due_at = calendar.add(now, duration)
        ticket.allowed_seconds = calendar.working_seconds(now, ticket.due_at)


def _pause_clock(world: World, ticket: Ticket, now: datetime) -> None:
    if ticket.clock is not None and ticket.due_at is not None:
        calendar = world.calendar_for(calendar_post(ticket, ticket.clock))
        ticket.paused_clock = ticket.clock
        ticket.paused_remaining = max(calendar.working_seconds(now, ticket.due_at), 0.0)
    ticket.clock = None
    ticket.due_at = None


def _resume_clock(world: World, ticket: Ticket, now: datetime) -> None:
    state = world.spec(ticket).state(ticket.state)
    if ticket.paused_clock is not None and state.clock is ticket.paused_clock:
        ticket.clock = ticket.paused_clock
        calendar = world.calendar_for(calendar_post(ticket, ticket.clock))
        ticket.due_at = calendar.add_seconds(now, ticket.paused_remaining or 0.0)
    else:
        start_clock(world, ticket, now)
    ticket.paused_clock = None
    ticket.paused_remaining = None


def after_transition(world: World, ticket: Ticket, now: datetime, outcome: Outcome) -> None:
    ticket.updated_at = now
    outcome.deadline_changed = True
    state = world.spec(ticket).state(ticket.state)
    if state.pauses:
        _pause_clock(world, ticket, now)
    elif ticket.paused_clock is not None:
        _resume_clock(world, ticket, now)
    else:
        start_clock(world, ticket, now)
    if state.final:
        ticket.closed_at = now
