"""Volunteer and staff posts: 楼长, 街长 and 店长 are volunteers (自愿、推荐、任命), not community staff.

The district's rules for community staff bind staff: volunteers keep a
day-time calendar of their own instead of the community's office hours, are
never the subject of a written warning (通报), and a deadline they miss is
told to the grid leader of the place.
"""

from __future__ import annotations

from dataclasses import replace

from district import (
    BUILDING_1,
    GRID_1,
    GRID_2,
    INTAKE_1,
    PARTY_1,
    SHOP_LEADER_2,
    STREET_LEADER,
    SUPERVISOR,
    District,
    a,
    b,
    cst,
)

from ticketing.domain import rules, supervision
from ticketing.domain.calendar import VOLUNTEER_HOURS, DayKind
from ticketing.domain.org import HELD_BY, Holding, PostKind
from ticketing.domain.ticket import Event, Notice, Ticket
from ticketing.domain.workflow import Clock


def test_building_street_and_shop_leaders_are_volunteers_and_every_other_post_is_staff() -> None:
    assert set(HELD_BY) == set(PostKind)
    volunteers = {kind for kind, holding in HELD_BY.items() if holding is Holding.VOLUNTEER}
    assert volunteers == {PostKind.BUILDING_LEADER, PostKind.STREET_LEADER, PostKind.SHOP_LEADER}


def test_volunteers_keep_the_day_time_every_day_holidays_included() -> None:
    for kind in DayKind:
        assert [str(segment) for segment in VOLUNTEER_HOURS.segments(kind)] == ["08:00-20:00"]


def test_a_volunteer_post_keeps_its_own_calendar_never_the_communitys_staff_hours(d: District) -> None:
    org = replace(d.org, units={**d.org.units, "c1": replace(d.org.units["c1"], calendar_id="staggered")})
    org.reindex()

    assert org.calendar_id_for(org.posts[STREET_LEADER]) == "volunteer"  # not the community's "staggered"
    assert org.calendar_id_for(org.posts[INTAKE_1]) == "staggered"  # staff keep the community's hours
    assert org.calendar_id_for(org.posts[BUILDING_1]) == "standard"  # a post's own calendar still wins
    declared = replace(org, volunteer_calendar="weekend_market")
    assert declared.calendar_id_for(declared.posts[STREET_LEADER]) == "weekend_market"  # the org file's choice


def test_a_volunteers_deadline_counts_the_weekend_day_time(d: District) -> None:
    saturday = cst(3, 7, 10)
    ticket = d.open("seg1", "street_order", at=saturday)

    assert (ticket.post_id, ticket.clock, ticket.due_at) == (STREET_LEADER, Clock.ACKNOWLEDGE, cst(3, 7, 14))


def test_a_deadline_a_volunteer_misses_is_told_to_the_grid_leader_at_the_hand_over_and_the_escalation(
    d: District,
) -> None:
    ticket = d.open("seg1", "street_order")

    handover = d.expire(ticket)
    assert ticket.holder_id == b(STREET_LEADER)
    assert Notice(a(GRID_1), Event.VOLUNTEER_MISSED) in handover.notices

    escalation = d.expire(ticket)
    assert (ticket.post_id, ticket.holder_id) == (GRID_1, a(GRID_1))
    assert escalation.notices == [Notice(a(GRID_1), Event.ASSIGNED)]  # now theirs: the assignment says it


def test_the_grid_leader_on_duty_hears_when_the_a_holder_is_away(d: District) -> None:
    d.away(a(GRID_2))
    ticket = d.open("prop2", "property_repair")

    outcome = d.expire(ticket)

    assert ticket.holder_id == b(SHOP_LEADER_2)
    assert Notice(b(GRID_2), Event.VOLUNTEER_MISSED) in outcome.notices


def test_a_deadline_missed_at_a_staff_post_is_not_reported_as_a_volunteers(d: District) -> None:
    ticket = d.open("b1", "neighbour_dispute")  # disputes start at the grid leader, community staff
    assert ticket.post_id == GRID_1

    outcome = d.expire(ticket)

    assert Event.VOLUNTEER_MISSED not in {notice.event for notice in outcome.notices}


def _warned(d: District, ticket: Ticket) -> set[Notice]:
    [urge] = supervision.plan(d.world, ticket, ticket.overdue_at or cst(3, 2, 9))
    supervision.fire(d.world, ticket, urge, urge.at)
    [warn] = supervision.plan(d.world, ticket, urge.at)
    outcome = supervision.fire(d.world, ticket, warn, warn.at)
    assert outcome is not None and ticket.warned_at == warn.at
    return set(outcome.notices)


def test_a_volunteer_first_asked_is_never_the_subject_of_a_written_warning(d: District) -> None:
    ticket = d.open("b1")
    rules.acknowledge(d.world, ticket, a(BUILDING_1), cst(3, 2, 9, 30))
    while not ticket.overdue:
        d.expire(ticket)
    assert ticket.post_id == PARTY_1

    told = _warned(d, ticket)

    written_up = {n.recipient_id for n in told if n.event is Event.WARNED}
    assert a(BUILDING_1) not in written_up and {ticket.holder_id, SUPERVISOR} <= written_up
    assert Notice(a(GRID_1), Event.VOLUNTEER_MISSED) in told


def test_a_volunteer_holding_a_ticket_at_the_top_is_not_written_up_their_grid_leader_hears(d: District) -> None:
    outside = d.world.workflows["outside"]
    short = replace(outside, chain=outside.chain[1:2])  # a chain that ends at the street leader
    d.world = replace(d.world, workflows={**d.world.workflows, "outside": short})
    d.away(b(STREET_LEADER))
    ticket = d.open("seg1", "street_order")
    d.expire(ticket)
    assert ticket.overdue and ticket.holder_id == a(STREET_LEADER)

    told = _warned(d, ticket)

    assert a(STREET_LEADER) not in {n.recipient_id for n in told if n.event is Event.WARNED}
    assert Notice(a(GRID_1), Event.VOLUNTEER_MISSED) in told
