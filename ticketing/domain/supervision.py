"""Timers beyond the deadline itself: reminders before it, and supervision after it is missed at the top.

A ticket's timers are always what its state implies (``plan``): the running
clock's deadline; a reminder to whoever must act at each of the workflow's
``reminders`` percentages of that deadline's working time still ahead; and,
while a ticket sits past a deadline missed at the top of the chain (no clock
running, not paused, not final), the supervisor reminder (催办) at the
opening of the ``urge_after``-th working day, then the written-warning flag
(通报) ``warn_after`` working days after the 催办.  A 通报 binds community
staff: volunteers (楼长, 街长, 店长) are never its subject, their grid leader
is told instead.

Only the earliest is kept as a pending row (``next_timer``); when a reminder
comes — in time or, after an outage, too late to matter — the sweep writes
the next one, so an escalation writes one row, however many reminders the
workflow asks for.  Whenever an action changes the deadline the persistence
adapter replaces the pending row with the new plan's first timer, so a
reminder never fires for a deadline that has moved, and acting on an overdue
ticket (acknowledging, resolving) cancels its 催办.

``fire`` applies a timer that fell due.  The sweep may reach a timer late,
after the ticket moved on: ``fire`` then returns None and nothing happens.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from ticketing.domain.org import held_by_volunteers
from ticketing.domain.rules import World, calendar_post, deadline_passed, grid_leader, supervisors
from ticketing.domain.ticket import Detail, Event, HistoryAction, Outcome, Ticket, Timer, TimerKind, moment
from ticketing.domain.workflow import Clock


def plan(world: World, ticket: Ticket, now: datetime) -> list[Timer]:
    """The timers the ticket's current state asks for."""
    if ticket.clock is not None and ticket.due_at is not None:
        return [
            *_reminders(world, ticket, ticket.clock, ticket.due_at, now),
            Timer(TimerKind.DEADLINE, ticket.clock, ticket.due_at),
        ]
    supervision = world.spec(ticket).supervision
    if supervision is None or ticket.overdue_at is None or not _past_top_deadline(world, ticket):
        return []
    calendar = world.calendar_for(ticket.post_id)
    if ticket.urged_at is None:
        return [Timer(TimerKind.URGE, None, calendar.opening_of_workday(ticket.overdue_at, supervision.urge_after))]
    if not _warned_this_round(ticket):
        return [Timer(TimerKind.WARN, None, calendar.opening_of_workday(ticket.urged_at, supervision.warn_after))]
    return []


def next_timer(world: World, ticket: Ticket, now: datetime) -> list[Timer]:
    """The earliest timer of the plan (none, or one): what the ticket keeps pending."""
    return plan(world, ticket, now)[:1]


def _reminders(world: World, ticket: Ticket, clock: Clock, due_at: datetime, now: datetime) -> list[Timer]:
    """A reminder at each share of the clock's whole working time that is still ahead of ``now``."""
    allowed = ticket.allowed_seconds
    shares = world.spec(ticket).reminders
    if not shares or not allowed:
        return []
    calendar = world.calendar_for(calendar_post(ticket, clock))
    remaining = calendar.working_seconds(now, due_at)
    timers = []
    for share in shares:
        ahead = remaining - allowed * (100 - share) / 100
        if ahead >= 1:  # a reminder whose moment has come (to rounding) is not planned again
            timers.append(Timer(TimerKind.REMINDER, clock, calendar.add_seconds(now, ahead), share))
    return timers


def _past_top_deadline(world: World, ticket: Ticket) -> bool:
    """Overdue at the top and still waiting for someone to act: no clock runs, not paused, not final."""
    state = world.spec(ticket).state(ticket.state)
    return ticket.overdue_at is not None and ticket.clock is None and not state.pauses and not state.final


def _warned_this_round(ticket: Ticket) -> bool:
    return ticket.warned_at is not None and ticket.urged_at is not None and ticket.warned_at >= ticket.urged_at


def fire(world: World, ticket: Ticket, timer: Timer, now: datetime) -> Outcome | None:
    """Apply a timer that fell due, or None if the ticket has moved on since it was planned."""
    if timer.kind is TimerKind.DEADLINE:
        if timer.clock is None or ticket.clock is not timer.clock or ticket.due_at != timer.at:
            return None
        return deadline_passed(world, ticket, timer.clock, now)
    if timer.kind is TimerKind.REMINDER:
        return _remind(world, ticket, timer, now)
    if not _past_top_deadline(world, ticket):
        return None
    if timer.kind is TimerKind.URGE and ticket.urged_at is None:
        return _urge(world, ticket, now)
    if timer.kind is TimerKind.WARN and ticket.urged_at is not None and not _warned_this_round(ticket):
        return _warn(world, ticket, now)
    return None


def _remind(world: World, ticket: Ticket, timer: Timer, now: datetime) -> Outcome | None:
    """Remind whoever must act; the ticket itself does not change (its version stays)."""
    if ticket.clock is not timer.clock or ticket.due_at is None or now >= ticket.due_at:
        return None
    outcome = Outcome()
    assert timer.clock is not None
    details = {"share": timer.step, "clock": timer.clock.value, "due": moment(ticket.due_at)}
    outcome.record(ticket, now, None, HistoryAction.REMIND, ticket.state, details=details)
    callback = timer.clock is Clock.CALLBACK and ticket.first_responder_id
    outcome.notify(ticket.first_responder_id if callback else ticket.holder_id, Event.REMINDER)
    return outcome


def _urge(world: World, ticket: Ticket, now: datetime) -> Outcome:
    """催办: the supervisors press the holder and first responder of a ticket left past its deadline."""
    since = moment(ticket.overdue_at)
    ticket.urged_at = now
    responsible = (ticket.holder_id, ticket.first_responder_id)
    return _press(world, ticket, now, HistoryAction.URGE, {"since": since}, Event.URGED, responsible)


def _warn(world: World, ticket: Ticket, now: datetime) -> Outcome:
    """通报: still not acted on after the 催办: the ticket is flagged for a written warning, for good.

    A written warning binds community staff only: a volunteer holding the
    ticket or first asked is not its subject; their grid leader hears instead.
    """
    since = moment(ticket.urged_at)
    ticket.warned_at = now
    responsible = ((ticket.holder_id, ticket.post_id), (ticket.first_responder_id, ticket.first_responder_post_id))
    volunteers = {person for person, post_id in responsible if person and _volunteer_post(world, post_id)}
    subjects = [person for person, _ in responsible if person not in volunteers]
    outcome = _press(world, ticket, now, HistoryAction.WARN, {"since": since}, Event.WARNED, subjects)
    leader = grid_leader(world, ticket, now)
    if volunteers and leader not in subjects:
        outcome.notify(leader, Event.VOLUNTEER_MISSED)
    return outcome


def _volunteer_post(world: World, post_id: str | None) -> bool:
    post = world.org.posts.get(post_id) if post_id else None
    return post is not None and held_by_volunteers(post.kind)


def _press(
    world: World,
    ticket: Ticket,
    now: datetime,
    action: HistoryAction,
    details: Mapping[str, Detail],
    event: Event,
    responsible: Sequence[str | None],
) -> Outcome:
    """Record a supervision step and tell the ``responsible`` and the supervisors."""
    ticket.updated_at = now
    outcome = Outcome(deadline_changed=True)
    outcome.record(ticket, now, None, action, ticket.state, details=details)
    for recipient in (*responsible, *supervisors(world, ticket, now)):
        outcome.notify(recipient, event)
    return outcome
