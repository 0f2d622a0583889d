"""Deadlines in working time: running, pausing, resuming, passing at the top, extending (延期)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from district import (
    BUILDING_1,
    GRID_1,
    MONDAY,
    PARTY_1,
    SUPERVISOR,
    District,
    a,
    actions,
    b,
    cst,
)

from ticketing.domain import rules
from ticketing.domain.errors import InvalidInput, NotAllowed
from ticketing.domain.guards import Satisfaction
from ticketing.domain.ticket import Event, Notice, Ticket
from ticketing.domain.workflow import Clock, Duration


def test_acknowledging_starts_the_resolve_deadline(d: District) -> None:
    ticket = d.open("b1")

    outcome = rules.acknowledge(d.world, ticket, a(BUILDING_1), cst(3, 2, 9, 10))

    # 3 working days after Monday: Thursday at close of business.
    assert (ticket.clock, ticket.due_at) == (Clock.RESOLVE, cst(3, 5, 17, 30))
    assert outcome.deadline_changed


def test_pausing_keeps_the_working_time_left_and_resuming_restores_it_after_the_weekend(d: District) -> None:
    ticket = d.in_progress()
    assert ticket.due_at == cst(3, 5, 17, 30)

    paused = rules.pause(d.world, ticket, a(BUILDING_1), "等居民下班后开门", cst(3, 5, 16, 30))

    assert (ticket.state, ticket.clock, ticket.due_at) == ("waiting_resident", None, None)
    assert (ticket.paused_clock, ticket.paused_remaining) == (Clock.RESOLVE, 3600.0)
    assert (paused.entries[-1].action, paused.entries[-1].reason) == ("pause", "等居民下班后开门")

    resumed = rules.resume(d.world, ticket, a(BUILDING_1), cst(3, 7, 10))  # Saturday

    assert (ticket.state, ticket.clock, ticket.due_at) == ("in_progress", Clock.RESOLVE, cst(3, 9, 9, 30))
    assert (ticket.paused_clock, ticket.paused_remaining) == (None, None)
    entry = resumed.entries[-1]
    assert (entry.action, entry.from_state, entry.to_state) == ("resume", "waiting_resident", "in_progress")


def test_pausing_needs_a_reason_and_a_holder(d: District) -> None:
    ticket = d.in_progress()

    with pytest.raises(InvalidInput, match="pause: say what the ticket is waiting for"):
        rules.pause(d.world, ticket, a(BUILDING_1), "", cst(3, 3, 9))
    with pytest.raises(NotAllowed, match=f"pause on ticket T0001 is for the holders of post {BUILDING_1}"):
        rules.pause(d.world, ticket, a(GRID_1), "等居民", cst(3, 3, 9))


def test_a_missed_resolve_deadline_escalates_and_tells_the_first_responder(d: District) -> None:
    ticket = d.in_progress()

    outcome = d.expire(ticket)

    assert (ticket.state, ticket.tier, ticket.post_id, ticket.holder_id) == ("new", 1, GRID_1, a(GRID_1))
    assert ticket.due_at == cst(3, 6, 14, 30)  # 4h of grid hours: 17:30–21:00 Thursday, 14:00–14:30 Friday
    assert actions(outcome.entries) == ["escalate"]
    entry = outcome.entries[0]
    assert (entry.from_state, entry.to_state, entry.actor_id) == ("in_progress", "new", None)
    assert outcome.notices == [Notice(a(BUILDING_1), Event.ESCALATED), Notice(a(GRID_1), Event.ASSIGNED)]


def test_a_missed_deadline_at_the_top_marks_the_ticket_overdue_for_the_supervisors(d: District) -> None:
    ticket = d.in_progress()
    d.expire(ticket)
    rules.acknowledge(d.world, ticket, a(GRID_1), cst(3, 6, 14))
    assert ticket.due_at == cst(3, 12, 21)  # 4 working days, at the close of the grid leader's evening hours
    d.expire(ticket)
    assert (ticket.post_id, ticket.tier) == (PARTY_1, 2)
    rules.acknowledge(d.world, ticket, a(PARTY_1), cst(3, 13, 9))

    outcome = d.expire(ticket)

    assert (ticket.state, ticket.tier, ticket.post_id, ticket.overdue) == ("in_progress", 2, PARTY_1, True)
    assert (ticket.clock, ticket.due_at) == (None, None)
    assert actions(outcome.entries) == ["overdue"]
    assert (outcome.entries[0].action, outcome.entries[0].details) == ("overdue", {})
    assert outcome.notices == [
        Notice(a(BUILDING_1), Event.OVERDUE),  # the first responder
        Notice(a(PARTY_1), Event.OVERDUE),
        Notice(SUPERVISOR, Event.OVERDUE),
    ]


def test_the_overdue_notice_goes_to_the_supervisor_on_duty(d: District) -> None:
    d.away(a(PARTY_1))
    ticket = d.open("c1")  # a community-wide matter starts at the community party organisation
    assert (ticket.post_id, ticket.tier, ticket.holder_id) == (PARTY_1, 2, b(PARTY_1))
    rules.acknowledge(d.world, ticket, b(PARTY_1), MONDAY)

    outcome = d.expire(ticket)

    assert outcome.notices == [Notice(b(PARTY_1), Event.OVERDUE), Notice(SUPERVISOR, Event.OVERDUE)]


def _resolved_by_grid_leader(d: District, location: str = "b1", category: str = "property_repair") -> Ticket:
    ticket = d.open(location, category)
    if ticket.post_id == BUILDING_1:
        rules.acknowledge(d.world, ticket, a(BUILDING_1), MONDAY)
        rules.transfer(d.world, ticket, a(BUILDING_1), GRID_1, "需网格长协调", cst(3, 2, 10))
    rules.acknowledge(d.world, ticket, a(GRID_1), cst(3, 3, 14))
    rules.resolve(d.world, ticket, a(GRID_1), "已协调物业修好", cst(3, 3, 15))
    return ticket


def test_the_callback_deadline_runs_on_the_first_responders_calendar(d: District) -> None:
    ticket = _resolved_by_grid_leader(d)

    assert ticket.first_responder_post_id == BUILDING_1
    assert (ticket.state, ticket.clock, ticket.due_at) == ("resolved", Clock.CALLBACK, cst(3, 4, 17, 30))


def test_a_grid_leader_first_responder_calls_back_in_their_evening_hours(d: District) -> None:
    ticket = _resolved_by_grid_leader(d, category="neighbour_dispute")

    assert ticket.first_responder_post_id == GRID_1
    assert ticket.due_at == cst(3, 4, 21)


def test_a_missed_callback_deadline_flags_the_ticket_for_review(d: District) -> None:
    ticket = _resolved_by_grid_leader(d)

    outcome = d.expire(ticket)

    assert (ticket.state, ticket.needs_review, ticket.clock, ticket.due_at) == ("resolved", True, None, None)
    [entry] = outcome.entries
    assert (entry.action, entry.reason, entry.details) == ("callback_overdue", "", {})
    assert outcome.notices == [
        Notice(a(BUILDING_1), Event.CALLBACK_OVERDUE),
        Notice(a(PARTY_1), Event.CALLBACK_OVERDUE),
        Notice(SUPERVISOR, Event.CALLBACK_OVERDUE),
        Notice(a(GRID_1), Event.VOLUNTEER_MISSED),  # the first responder, who calls back, is a volunteer
    ]
    rules.callback(d.world, ticket, a(BUILDING_1), True, Satisfaction.SATISFIED, "", cst(3, 6, 9), solved=True)
    assert ticket.state == "closed"  # late, but the callback still closes it


@pytest.mark.parametrize(
    ("by", "due"), [("1d", cst(3, 3, 17, 30)), ("2h", cst(3, 2, 14, 30)), ("30m", cst(3, 2, 11, 30))]
)
def test_a_supervisor_extends_a_running_deadline_in_working_time(d: District, by: str, due: datetime) -> None:
    ticket = d.open("b1")
    assert ticket.due_at == cst(3, 2, 11)

    outcome = rules.extend(d.world, ticket, SUPERVISOR, Duration.parse(by), "居民出差，周二返回", cst(3, 2, 10))

    assert (ticket.state, ticket.clock, ticket.due_at) == ("new", Clock.ACKNOWLEDGE, due)
    [entry] = outcome.entries
    assert (entry.action, entry.actor_id, entry.from_state, entry.to_state) == ("extend", SUPERVISOR, "new", "new")
    assert (entry.reason, entry.details) == ("居民出差，周二返回", {"clock": "acknowledge", "by": by})
    assert outcome.deadline_changed


@pytest.mark.parametrize("late", [timedelta(0), timedelta(minutes=1)], ids=["at", "after"])
def test_an_extension_after_the_deadline_is_refused(d: District, late: timedelta) -> None:
    ticket = d.open("b1")
    before = replace(ticket)

    with pytest.raises(NotAllowed, match="an extension must be asked for before the deadline"):
        rules.extend(d.world, ticket, SUPERVISOR, Duration.parse("1d"), "补批", cst(3, 2, 11) + late)
    assert ticket == before


def test_only_a_supervisor_extends(d: District) -> None:
    ticket = d.open("b1")

    with pytest.raises(NotAllowed, match=f"approved by supervisors; {a(PARTY_1)} is not one"):
        rules.extend(d.world, ticket, a(PARTY_1), Duration.parse("1d"), "居民出差", cst(3, 2, 10))


def test_an_extension_needs_a_reason(d: District) -> None:
    ticket = d.open("b1")

    with pytest.raises(InvalidInput, match="extend: give the reason"):
        rules.extend(d.world, ticket, SUPERVISOR, Duration.parse("1d"), " ", cst(3, 2, 10))


def test_a_paused_ticket_has_no_deadline_to_extend(d: District) -> None:
    ticket = d.in_progress()
    rules.pause(d.world, ticket, a(BUILDING_1), "等居民", cst(3, 3, 9))

    with pytest.raises(NotAllowed, match="has no running deadline to extend \\(state waiting_resident\\)"):
        rules.extend(d.world, ticket, SUPERVISOR, Duration.parse("1d"), "居民出差", cst(3, 3, 10))
