"""Timers around a deadline: reminders before it, 催办 and 通报 after it is missed at the top of the chain."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from district import BUILDING_1, MONDAY, PARTY_1, SUPERVISOR, District, a, actions, b, cst

from ticketing.domain import rules, supervision
from ticketing.domain.guards import Satisfaction
from ticketing.domain.rules import World
from ticketing.domain.ticket import Event, Notice, Ticket, Timer, TimerKind
from ticketing.domain.workflow import Clock, Duration

REMINDER, DEADLINE, URGE, WARN = TimerKind.REMINDER, TimerKind.DEADLINE, TimerKind.URGE, TimerKind.WARN


def _overdue_at_the_top(d: District, at: datetime = MONDAY) -> Ticket:
    """A request about the whole community starts at the party organisation, the top tier; it is never acknowledged.

    The post's B holder is away, so the missed deadline is not first handed to them.
    """
    d.away(b(PARTY_1))
    ticket = d.open("c1", at=at)
    assert ticket.post_id == PARTY_1
    d.expire(ticket)
    assert ticket.overdue and ticket.clock is None
    return ticket


def _without(world: World, **changes: object) -> World:
    """The same world with the general workflow's reminders or supervision changed."""
    workflows = dict(world.workflows)
    workflows["general"] = replace(workflows["general"], **changes)  # type: ignore[arg-type]
    return replace(world, workflows=workflows)


def test_a_new_ticket_plans_reminders_at_half_and_four_fifths_of_its_working_time(d: District) -> None:
    ticket = d.open("b1")  # Monday 09:00, 2 working hours to acknowledge

    assert supervision.plan(d.world, ticket, cst(3, 2, 9)) == [
        Timer(REMINDER, Clock.ACKNOWLEDGE, cst(3, 2, 10), 50),
        Timer(REMINDER, Clock.ACKNOWLEDGE, cst(3, 2, 10, 36), 80),
        Timer(DEADLINE, Clock.ACKNOWLEDGE, cst(3, 2, 11)),
    ]


def test_reminders_count_working_time_not_hours_on_the_clock(d: District) -> None:
    ticket = d.in_progress()  # 3 working days from Monday 09:00: 29.5 working hours, due Thursday 17:30

    timers = supervision.plan(d.world, ticket, cst(3, 2, 9))

    # Half is 14.75 h: Monday's 7 h, Tuesday's 7.5 h, then 15 minutes of Wednesday.  Four fifths is 23.6 h.
    assert [t.at for t in timers] == [cst(3, 4, 8, 45), cst(3, 5, 10, 6), cst(3, 5, 17, 30)]


def test_only_the_reminders_still_ahead_are_planned(d: District) -> None:
    ticket = d.open("b1")

    assert [(t.kind, t.step) for t in supervision.plan(d.world, ticket, cst(3, 2, 10, 15))] == [
        (REMINDER, 80),
        (DEADLINE, 0),
    ]


def test_after_a_pause_the_shares_are_of_the_whole_time_not_of_what_was_left(d: District) -> None:
    ticket = d.in_progress()
    rules.pause(d.world, ticket, a(BUILDING_1), "等居民开门", cst(3, 2, 10))  # 1 of 29.5 hours used
    assert supervision.plan(d.world, ticket, cst(3, 2, 10)) == []

    rules.resume(d.world, ticket, a(BUILDING_1), cst(3, 9, 9))  # the next Monday

    half, four_fifths, deadline = supervision.plan(d.world, ticket, cst(3, 9, 9))
    assert deadline.at == ticket.due_at
    since_resuming = d.world.calendar_for(BUILDING_1).working_seconds
    assert since_resuming(cst(3, 9, 9), half.at) == pytest.approx((14.75 - 1) * 3600)
    assert since_resuming(cst(3, 9, 9), four_fifths.at) == pytest.approx((23.6 - 1) * 3600)


def test_an_extension_moves_the_reminders_with_the_deadline(d: District) -> None:
    ticket = d.open("b1")

    rules.extend(d.world, ticket, SUPERVISOR, Duration.parse("2h"), "居民要求下午上门", cst(3, 2, 9, 30))

    assert ticket.due_at == cst(3, 2, 14, 30)  # 4 working hours in all, across the lunch break
    assert [(t.at, t.step) for t in supervision.plan(d.world, ticket, cst(3, 2, 9, 30))] == [
        (cst(3, 2, 11), 50),
        (cst(3, 2, 13, 42), 80),
        (cst(3, 2, 14, 30), 0),
    ]


def test_a_reminder_tells_the_holder_and_leaves_the_ticket_as_it_was(d: District) -> None:
    ticket = d.open("b1")
    before = replace(ticket)
    [half, _, _] = supervision.plan(d.world, ticket, cst(3, 2, 9))

    outcome = supervision.fire(d.world, ticket, half, half.at)

    assert outcome is not None and not outcome.deadline_changed
    assert outcome.notices == [Notice(a(BUILDING_1), Event.REMINDER)]
    assert actions(outcome.entries) == ["remind"]
    assert (outcome.entries[0].details["share"], outcome.entries[0].details["clock"]) == (50, "acknowledge")
    assert ticket == before


def test_the_callback_reminder_goes_to_the_first_responder(d: District) -> None:
    ticket = d.in_progress()
    rules.transfer(d.world, ticket, a(BUILDING_1), PARTY_1, "需社区协调", cst(3, 2, 10))
    rules.acknowledge(d.world, ticket, a(PARTY_1), cst(3, 2, 10, 30))
    rules.resolve(d.world, ticket, a(PARTY_1), "已协调物业修复", cst(3, 2, 11))
    [half, _, _] = supervision.plan(d.world, ticket, cst(3, 2, 11))
    assert half.clock is Clock.CALLBACK

    outcome = supervision.fire(d.world, ticket, half, half.at)

    assert outcome is not None and outcome.notices == [Notice(a(BUILDING_1), Event.REMINDER)]


def test_a_reminder_reached_late_or_for_a_moved_deadline_does_nothing(d: District) -> None:
    ticket = d.open("b1")
    [half, _, deadline] = supervision.plan(d.world, ticket, cst(3, 2, 9))

    assert supervision.fire(d.world, ticket, half, deadline.at) is None  # the deadline itself has come
    rules.acknowledge(d.world, ticket, a(BUILDING_1), cst(3, 2, 9, 30))
    assert supervision.fire(d.world, ticket, half, half.at) is None  # acknowledged: another clock runs
    assert supervision.fire(d.world, ticket, deadline, deadline.at) is None


def test_a_deadline_missed_at_the_top_plans_the_supervisor_reminder_for_the_next_working_morning(
    d: District,
) -> None:
    ticket = _overdue_at_the_top(d)  # the party organisation's 1-day acknowledge deadline: Tuesday 17:30

    assert ticket.overdue_at == cst(3, 3, 17, 30)
    assert supervision.plan(d.world, ticket, cst(3, 3, 17, 30)) == [Timer(URGE, None, cst(3, 4, 8, 30))]


def test_the_supervisor_reminder_waits_out_weekends_and_holidays(d: District) -> None:
    ticket = _overdue_at_the_top(d, at=cst(4, 2, 9))  # due Friday 3 April; Qingming runs 4–6 April

    assert supervision.plan(d.world, ticket, cst(4, 3, 17, 30)) == [Timer(URGE, None, cst(4, 7, 8, 30))]


def test_the_supervisor_reminder_presses_everyone_responsible_then_the_written_warning_follows(d: District) -> None:
    ticket = _overdue_at_the_top(d)
    [urge] = supervision.plan(d.world, ticket, cst(3, 3, 17, 30))

    urged = supervision.fire(d.world, ticket, urge, urge.at)

    assert urged is not None and urged.deadline_changed and actions(urged.entries) == ["urge"]
    assert ticket.urged_at == cst(3, 4, 8, 30) and ticket.warned_at is None
    told = {notice.recipient_id for notice in urged.notices}
    assert told == {a(PARTY_1), SUPERVISOR} and {n.event for n in urged.notices} == {Event.URGED}
    [warn] = supervision.plan(d.world, ticket, urge.at)
    assert warn == Timer(WARN, None, cst(3, 6, 8, 30))  # two working days after the 催办

    warned = supervision.fire(d.world, ticket, warn, warn.at)

    assert warned is not None and actions(warned.entries) == ["warn"] and ticket.warned_at == warn.at
    assert {n.event for n in warned.notices} == {Event.WARNED}
    assert supervision.plan(d.world, ticket, warn.at) == []
    assert supervision.fire(d.world, ticket, warn, warn.at) is None  # the flag is set once


def test_acting_on_an_overdue_ticket_calls_off_the_supervisor_reminder(d: District) -> None:
    ticket = _overdue_at_the_top(d)
    [urge] = supervision.plan(d.world, ticket, cst(3, 3, 17, 30))

    rules.acknowledge(d.world, ticket, a(PARTY_1), cst(3, 4, 8))

    assert [t.kind for t in supervision.plan(d.world, ticket, cst(3, 4, 8))] == [REMINDER, REMINDER, DEADLINE]
    assert supervision.fire(d.world, ticket, urge, urge.at) is None


def test_missing_the_next_deadline_at_the_top_starts_supervision_again(d: District) -> None:
    ticket = _overdue_at_the_top(d)
    [urge] = supervision.plan(d.world, ticket, cst(3, 3, 17, 30))
    supervision.fire(d.world, ticket, urge, urge.at)
    rules.acknowledge(d.world, ticket, a(PARTY_1), cst(3, 4, 9))

    again = d.expire(ticket)  # the 5-day resolve deadline passes too

    assert actions(again.entries) == ["overdue"] and ticket.urged_at is None
    assert [t.kind for t in supervision.plan(d.world, ticket, ticket.overdue_at or cst(1, 1, 0))] == [URGE]


def test_no_supervision_while_waiting_for_the_resident_or_once_closed(d: District) -> None:
    ticket = _overdue_at_the_top(d)
    rules.acknowledge(d.world, ticket, a(PARTY_1), cst(3, 4, 9))
    d.expire(ticket)
    [urge] = supervision.plan(d.world, ticket, cst(3, 11, 17, 30))

    rules.pause(d.world, ticket, a(PARTY_1), "居民外出", cst(3, 12, 9))

    assert supervision.plan(d.world, ticket, cst(3, 12, 9)) == []
    assert supervision.fire(d.world, ticket, urge, urge.at) is None
    rules.resume(d.world, ticket, a(PARTY_1), cst(3, 13, 9))
    rules.resolve(d.world, ticket, a(PARTY_1), "已修好", cst(3, 13, 10))
    rules.callback(d.world, ticket, a(PARTY_1), True, Satisfaction.SATISFIED, "", cst(3, 13, 11), solved=True)
    assert ticket.state == "closed" and supervision.plan(d.world, ticket, cst(3, 13, 11)) == []


def test_a_workflow_without_reminders_or_supervision_plans_only_the_deadline(d: District) -> None:
    world = _without(d.world, reminders=(), supervision=None)
    ticket = d.open("b1")
    assert supervision.plan(world, ticket, cst(3, 2, 9)) == [Timer(DEADLINE, Clock.ACKNOWLEDGE, cst(3, 2, 11))]

    overdue = _overdue_at_the_top(d)

    assert supervision.plan(world, overdue, cst(3, 3, 17, 30)) == []


def test_a_missed_deadline_below_the_top_escalates_without_supervision(d: District) -> None:
    ticket = d.open("b1")

    d.expire(ticket)  # handed to the B holder
    d.expire(ticket)  # then up to the grid leader

    assert not ticket.overdue and ticket.overdue_at is None
    assert [t.kind for t in supervision.plan(d.world, ticket, ticket.updated_at)][-1] is DEADLINE


def test_supervision_lines_keep_the_moments_they_name_in_utc_for_each_reader_to_see_on_their_clock(
    d: District,
) -> None:
    ticket = d.open("b1")  # acknowledge by Monday 11:00 China time (03:00 UTC)
    [half, _, _] = supervision.plan(d.world, ticket, cst(3, 2, 9))
    reminded = supervision.fire(d.world, ticket, half, half.at)
    overdue = _overdue_at_the_top(d)
    [urge] = supervision.plan(d.world, overdue, cst(3, 3, 17, 30))
    urged = supervision.fire(d.world, overdue, urge, urge.at)
    assert urged is not None
    [warn] = supervision.plan(d.world, overdue, urge.at)
    warned = supervision.fire(d.world, overdue, warn, warn.at)

    assert reminded is not None and reminded.entries[0].details == {
        "share": 50,
        "clock": "acknowledge",
        "due": "2026-03-02T03:00:00+00:00",  # 11:00 in China
    }
    assert urged.entries[0].details == {"since": "2026-03-03T09:30:00+00:00"}  # 17:30 in China
    assert warned is not None and warned.entries[0].details == {"since": "2026-03-04T00:30:00+00:00"}  # 08:30
