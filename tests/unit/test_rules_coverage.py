"""A/B posts (AB岗): the post is never empty — B covers A, and a ticket nobody takes climbs the chain."""

from __future__ import annotations

from dataclasses import replace

from district import (
    BUILDING_1,
    GRID_1,
    INTAKE_1,
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
from ticketing.domain.ticket import Event, Notice
from ticketing.domain.workflow import Clock


def test_with_a_away_at_opening_b_holds_the_ticket(d: District) -> None:
    d.away(a(BUILDING_1))

    ticket, outcome = d.open_with_outcome("b1")

    assert (ticket.post_id, ticket.holder_id) == (BUILDING_1, b(BUILDING_1))
    assert outcome.notices == [Notice(b(BUILDING_1), Event.ASSIGNED)]
    assert actions(outcome.entries) == ["open"]


def test_a_leave_that_has_not_started_yet_does_not_count(d: District) -> None:
    d.away(a(BUILDING_1), since=cst(3, 2, 12))

    assert d.open("b1", at=MONDAY).holder_id == a(BUILDING_1)


def test_with_both_holders_away_the_ticket_escalates_at_once(d: District) -> None:
    d.away(a(BUILDING_1), b(BUILDING_1))

    ticket, outcome = d.open_with_outcome("b1")

    assert (ticket.state, ticket.tier, ticket.post_id, ticket.holder_id) == ("new", 1, GRID_1, a(GRID_1))
    assert ticket.due_at == cst(3, 2, 18)  # 4h on the grid leader's 14:00–21:00 hours
    assert actions(outcome.entries) == ["open", "both_absent", "escalate"]
    both_absent, escalate = outcome.entries[1:]
    assert both_absent.post_id == BUILDING_1
    assert both_absent.details == {"post": BUILDING_1}
    assert (escalate.from_state, escalate.to_state, escalate.tier, escalate.post_id) == ("new", "new", 1, GRID_1)
    assert escalate.details == {"to_kind": "grid_leader"}
    assert outcome.notices == [Notice(a(GRID_1), Event.ASSIGNED)]


def test_an_unacknowledged_ticket_passes_to_the_other_holder_once_then_climbs_to_the_top(d: District) -> None:
    ticket = d.open("b1")
    assert ticket.due_at == cst(3, 2, 11)

    handover = d.expire(ticket)
    assert (ticket.state, ticket.post_id, ticket.holder_id, ticket.ack_passes) == (
        "new",
        BUILDING_1,
        b(BUILDING_1),
        1,
    )
    assert ticket.due_at == cst(3, 2, 14, 30)  # 2h more: 11:00–12:00 and 13:30–14:30
    [entry] = handover.entries
    assert (entry.action, entry.actor_id, entry.holder_id) == ("handover", None, b(BUILDING_1))
    assert entry.details == {"cause": "not_acknowledged", "from": a(BUILDING_1), "to": b(BUILDING_1)}
    assert handover.notices == [Notice(b(BUILDING_1), Event.HANDED_OVER), Notice(a(GRID_1), Event.VOLUNTEER_MISSED)]

    escalation = d.expire(ticket)
    assert (ticket.state, ticket.tier, ticket.post_id, ticket.holder_id) == ("new", 1, GRID_1, a(GRID_1))
    assert not ticket.ack_passes
    assert (ticket.clock, ticket.due_at) == (Clock.ACKNOWLEDGE, cst(3, 2, 18, 30))  # 4h of grid hours
    assert actions(escalation.entries) == ["escalate"]
    assert escalation.notices == [Notice(a(GRID_1), Event.ASSIGNED)]

    d.expire(ticket)
    assert (ticket.holder_id, ticket.due_at) == (b(GRID_1), cst(3, 3, 15, 30))  # 2.5h Monday evening, 1.5h Tuesday
    d.expire(ticket)
    assert (ticket.tier, ticket.post_id, ticket.holder_id) == (2, PARTY_1, a(PARTY_1))
    assert ticket.due_at == cst(3, 4, 17, 30)  # 1 working day, on office hours
    d.expire(ticket)
    assert (ticket.holder_id, ticket.due_at) == (b(PARTY_1), cst(3, 5, 17, 30))

    top = d.expire(ticket)
    assert (ticket.state, ticket.tier, ticket.post_id, ticket.overdue) == ("new", 2, PARTY_1, True)
    assert (ticket.clock, ticket.due_at) == (None, None)
    assert actions(top.entries) == ["overdue"]
    assert (top.entries[0].reason, top.entries[0].details) == ("", {})
    assert top.notices == [Notice(a(PARTY_1), Event.OVERDUE), Notice(SUPERVISOR, Event.OVERDUE)]


def test_the_handover_is_skipped_when_the_other_holder_is_away(d: District) -> None:
    d.away(b(BUILDING_1))
    ticket = d.open("b1")

    outcome = d.expire(ticket)

    assert actions(outcome.entries) == ["escalate"]
    assert (ticket.post_id, ticket.holder_id) == (GRID_1, a(GRID_1))


def test_when_b_covered_from_the_start_and_a_is_still_away_the_ticket_climbs(d: District) -> None:
    d.away(a(BUILDING_1))
    ticket = d.open("b1")

    d.expire(ticket)

    assert (ticket.post_id, ticket.holder_id) == (GRID_1, a(GRID_1))


def test_acknowledging_by_b_while_a_holds_it_gives_it_to_b(d: District) -> None:
    ticket = d.open("b1")
    assert ticket.holder_id == a(BUILDING_1)

    outcome = rules.acknowledge(d.world, ticket, b(BUILDING_1), cst(3, 2, 9, 30))

    assert ticket.holder_id == b(BUILDING_1)
    assert outcome.entries[-1].holder_id == b(BUILDING_1)


def test_when_the_holder_leaves_the_other_holder_covers_and_hands_back_on_return(d: District) -> None:
    ticket = d.in_progress()
    due = ticket.due_at
    d.away(a(BUILDING_1), since=cst(3, 3, 8), until=cst(3, 4, 8))

    covered = rules.cover_absence(d.world, ticket, a(BUILDING_1), "外出开会", cst(3, 3, 8))

    assert (ticket.state, ticket.holder_id, ticket.due_at) == ("in_progress", b(BUILDING_1), due)
    [entry] = covered.entries
    assert (entry.action, entry.holder_id) == ("handover", b(BUILDING_1))
    assert entry.reason == "外出开会"
    assert entry.details == {"cause": "away", "from": a(BUILDING_1), "to": b(BUILDING_1)}
    assert covered.notices == [Notice(b(BUILDING_1), Event.COVERING)]  # told why: A is away, not a missed deadline
    assert not covered.deadline_changed

    returned = rules.hand_back(d.world, ticket, a(BUILDING_1), cst(3, 4, 8))

    assert (ticket.holder_id, ticket.due_at) == (a(BUILDING_1), due)
    [entry] = returned.entries
    assert (entry.action, entry.holder_id) == ("handover", a(BUILDING_1))
    assert entry.details == {"cause": "back", "to": a(BUILDING_1)}
    assert returned.notices == [Notice(a(BUILDING_1), Event.TAKEN_BACK)]


def test_covering_with_both_holders_away_climbs_the_chain(d: District) -> None:
    ticket = d.in_progress()
    d.away(a(BUILDING_1), b(BUILDING_1), since=cst(3, 3, 8))

    outcome = rules.cover_absence(d.world, ticket, a(BUILDING_1), "年假", cst(3, 3, 8))

    assert (ticket.state, ticket.tier, ticket.post_id, ticket.holder_id) == ("new", 1, GRID_1, a(GRID_1))
    assert ticket.due_at == cst(3, 3, 18)
    assert actions(outcome.entries) == ["both_absent", "escalate"]
    assert Notice(a(BUILDING_1), Event.ESCALATED) in outcome.notices  # the first responder is told


def test_absences_and_returns_that_do_not_concern_the_ticket_change_nothing(d: District) -> None:
    ticket = d.in_progress()
    before = replace(ticket)

    assert rules.cover_absence(d.world, ticket, b(BUILDING_1), "年假", cst(3, 3, 8)).entries == []
    assert rules.hand_back(d.world, ticket, a(BUILDING_1), cst(3, 3, 8)).entries == []  # already holds it
    assert rules.hand_back(d.world, ticket, b(BUILDING_1), cst(3, 3, 8)).entries == []  # B never takes back
    assert ticket == before


def test_a_closed_ticket_is_not_handed_over(d: District) -> None:
    ticket = d.open("b1")
    rules.return_to_resident(d.world, ticket, a(BUILDING_1), "重复", cst(3, 2, 9, 5))

    assert rules.cover_absence(d.world, ticket, a(BUILDING_1), "年假", cst(3, 3, 8)).entries == []
    assert ticket.holder_id == a(BUILDING_1)


def test_an_intake_ticket_nobody_takes_climbs_to_the_community_party_organisation(d: District) -> None:
    ticket = d.open(location=None)
    d.expire(ticket)
    assert ticket.holder_id == b(INTAKE_1)

    outcome = d.expire(ticket)

    assert (ticket.state, ticket.tier, ticket.post_id, ticket.holder_id) == ("new", 2, PARTY_1, a(PARTY_1))
    assert outcome.entries[-1].details == {"to_kind": "community_party"}


def test_with_everyone_up_the_chain_away_the_ticket_waits_at_the_top_for_the_supervisors(d: District) -> None:
    d.away(*(holder for post in (BUILDING_1, GRID_1, PARTY_1) for holder in (a(post), b(post))))

    ticket, outcome = d.open_with_outcome("b1")

    assert actions(outcome.entries) == [
        "open",
        "both_absent",
        "escalate",
        "both_absent",
        "escalate",
        "both_absent",
    ]
    assert (ticket.state, ticket.post_id, ticket.holder_id, ticket.overdue) == ("new", PARTY_1, None, False)
    assert (ticket.clock, ticket.due_at) == (Clock.ACKNOWLEDGE, cst(3, 3, 17, 30))
    # Nobody is present to take it, but no deadline has passed: supervisors must find cover, it is not overdue.
    assert outcome.notices == [Notice(a(PARTY_1), Event.UNSTAFFED), Notice(SUPERVISOR, Event.UNSTAFFED)]

    d.back(a(PARTY_1))
    rules.hand_back(d.world, ticket, a(PARTY_1), cst(3, 3, 8, 30))

    assert ticket.holder_id == a(PARTY_1)


def test_the_opening_entry_says_the_b_holder_has_it_because_the_a_holder_is_away(d: District) -> None:
    d.away(a(BUILDING_1))

    ticket, outcome = d.submit(d.intake("b1"))

    assert ticket.holder_id == b(BUILDING_1)
    assert outcome.entries[0].details == {"channel": "web", "away": a(BUILDING_1), "covering": b(BUILDING_1)}


def test_a_ticket_sent_up_to_a_post_whose_a_holder_is_away_says_the_b_holder_has_it(d: District) -> None:
    d.away(b(BUILDING_1), a(GRID_1))  # nobody to hand over to at the building; the grid leader is on leave
    ticket = d.open("b1")

    outcome = d.expire(ticket)

    assert (ticket.post_id, ticket.holder_id) == (GRID_1, b(GRID_1))
    [escalated] = [entry for entry in outcome.entries if entry.action == "escalate"]
    assert escalated.details == {"to_kind": "grid_leader", "away": a(GRID_1), "covering": b(GRID_1)}
