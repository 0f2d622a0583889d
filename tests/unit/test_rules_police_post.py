"""The community police post (社区警务室): an officer and two auxiliaries, who cover for each other in order."""

from __future__ import annotations

from district import GRID_1, MONDAY, PARTY_1, POLICE_1, District, a, actions, b, c, cst

from ticketing.domain import rules
from ticketing.domain.actors import callers, holds_post
from ticketing.domain.ticket import Event, Notice, Ticket


def _at_the_police(d: District) -> Ticket:
    """A neighbour dispute the grid leader passed to the police post, not yet signed for there."""
    ticket = d.open("b1", category="neighbour_dispute")
    rules.acknowledge(d.world, ticket, a(GRID_1), MONDAY)
    rules.transfer(d.world, ticket, a(GRID_1), POLICE_1, "需民警调解", MONDAY)
    return ticket


def test_the_on_duty_holder_is_the_first_present_one_in_order(d: District) -> None:
    d.away(a(POLICE_1), b(POLICE_1))

    ticket = _at_the_police(d)

    assert (ticket.post_id, ticket.holder_id) == (POLICE_1, c(POLICE_1))


def test_a_missed_acknowledgement_passes_through_every_holder_in_order(d: District) -> None:
    ticket = _at_the_police(d)
    assert ticket.holder_id == a(POLICE_1)

    to_b, to_c, up = d.expire(ticket), d.expire(ticket), d.expire(ticket)

    assert [entry.details for entry in (*to_b.entries, *to_c.entries)] == [
        {"cause": "not_acknowledged", "from": a(POLICE_1), "to": b(POLICE_1)},
        {"cause": "not_acknowledged", "from": b(POLICE_1), "to": c(POLICE_1)},
    ]
    assert to_c.notices == [Notice(c(POLICE_1), Event.HANDED_OVER)]
    assert actions(up.entries) == ["escalate"]
    assert (ticket.post_id, ticket.holder_id, ticket.ack_passes) == (PARTY_1, a(PARTY_1), 0)


def test_a_missed_acknowledgement_skips_an_absent_holder_and_wraps_round_to_a_returned_officer(d: District) -> None:
    d.away(a(POLICE_1), until=cst(3, 2, 9, 30))
    ticket = _at_the_police(d)
    assert ticket.holder_id == b(POLICE_1)
    d.away(c(POLICE_1))

    to_a = d.expire(ticket)  # the officer is back by then; the second auxiliary is away
    up = d.expire(ticket)

    assert to_a.entries[-1].details == {"cause": "not_acknowledged", "from": b(POLICE_1), "to": a(POLICE_1)}
    assert actions(up.entries) == ["escalate"]


def test_when_the_holder_leaves_the_first_present_holder_in_order_covers(d: District) -> None:
    ticket = _at_the_police(d)
    rules.acknowledge(d.world, ticket, b(POLICE_1), cst(3, 2, 10))
    d.away(a(POLICE_1), b(POLICE_1), since=cst(3, 2, 11))

    covered = rules.cover_absence(d.world, ticket, b(POLICE_1), "出差", cst(3, 2, 11))

    assert ticket.holder_id == c(POLICE_1)
    assert covered.entries[-1].reason == "出差"
    assert covered.entries[-1].details == {"cause": "away", "from": b(POLICE_1), "to": c(POLICE_1)}


def test_a_returning_auxiliary_takes_back_from_the_one_after_them_but_not_from_the_officer(d: District) -> None:
    d.away(a(POLICE_1), b(POLICE_1))
    ticket = _at_the_police(d)
    assert ticket.holder_id == c(POLICE_1)
    d.back(b(POLICE_1))

    rules.hand_back(d.world, ticket, b(POLICE_1), cst(3, 2, 10))
    assert ticket.holder_id == b(POLICE_1)
    d.back(a(POLICE_1))
    rules.hand_back(d.world, ticket, a(POLICE_1), cst(3, 2, 11))
    assert ticket.holder_id == a(POLICE_1)
    assert rules.hand_back(d.world, ticket, b(POLICE_1), cst(3, 2, 12)).entries == []


def test_every_holder_of_the_police_post_holds_it_and_may_sign_for_it(d: District) -> None:
    ticket = _at_the_police(d)

    assert all(holds_post(d.org, ticket, holder) for holder in (a(POLICE_1), b(POLICE_1), c(POLICE_1)))
    rules.acknowledge(d.world, ticket, c(POLICE_1), cst(3, 2, 10))
    assert ticket.holder_id == c(POLICE_1)


def test_every_holder_of_the_first_responders_post_may_call_back(d: District) -> None:
    registered = d.open("c1", category="neighbour_dispute", registrar=c(POLICE_1))

    assert callers(d.org, registered) == {a(POLICE_1), b(POLICE_1), c(POLICE_1)}
