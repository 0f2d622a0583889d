"""A post's holders change: its open tickets pass to whoever should hold them now, with a hand-over entry."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from district import BUILDING_1, GRID_1, MONDAY, District, a, actions, b

from ticketing.domain import rules
from ticketing.domain.coverage import Absent, holders_changed, successor
from ticketing.domain.errors import NotAllowed
from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import Post, PostKind, Staff
from ticketing.domain.ticket import Event, Notice, Ticket

LATER = MONDAY.replace(hour=10)
OLD = Post("p", PostKind.BUILDING_LEADER, "b1", "old-a", "old-b")


def _away(*who: str) -> Absent:
    def absent(staff_id: str, at: datetime) -> bool:
        return staff_id in who

    return absent


@pytest.mark.parametrize(
    ("after", "holder", "away", "expected"),
    [
        (("new-a", "old-b"), "old-a", (), "new-a"),  # A's tickets go to the new A
        (("old-a", "new-b"), "old-b", (), "new-b"),  # B's to the new B
        (("new-a", "old-b"), "old-b", (), "old-b"),  # a B who stays keeps what they hold
        (("old-a", "new-b"), "old-a", (), "old-a"),  # an A who stays too
        (("new-a", "old-b"), "old-a", ("new-a",), "old-b"),  # the new A is away: B covers
        (("new-a", "old-b"), "old-b", ("old-a",), "new-a"),  # B covered for an absent A: the new A takes over
        (("new-a", "old-b"), "old-b", ("old-a", "new-a"), "old-b"),  # ... unless the new A is away too
        (("new-a", "new-b"), "old-b", ("new-b",), "new-a"),  # the new B is away: the new A covers
        (("new-a", "new-b"), "old-a", ("new-a", "new-b"), None),  # nobody on duty
        (("old-b", "old-a"), "old-a", (), "old-b"),  # swapped: the ticket follows the A slot
        (("new-a", "old-b"), None, (), "new-a"),  # a ticket nobody held goes to whoever is on duty
    ],
)
def test_who_should_hold_a_ticket_after_the_holders_change(
    after: tuple[str, str], holder: str | None, away: tuple[str, ...], expected: str | None
) -> None:
    new = replace(OLD, holder_a=after[0], holder_b=after[1])

    assert successor(OLD, new, holder, MONDAY, _away(*away)) == expected


def test_only_posts_whose_holders_changed_are_reported() -> None:
    other = replace(OLD, id="q")
    moved = replace(OLD, holder_b="new-b")

    assert holders_changed({"p": OLD, "q": other}, {"p": moved, "q": replace(other, calendar_id="x")}) == {"p": OLD}


def _change(d: District, post_id: str, holder_a: str | None = None, holder_b: str | None = None) -> Post:
    """Replace holders in the district's registry; the post as it was."""
    before = d.org.posts[post_id]
    for staff_id in (holder_a, holder_b):
        if staff_id and staff_id not in d.org.staff:
            d.org.staff[staff_id] = Staff(staff_id, staff_id)
    d.org.posts[post_id] = replace(before, holder_a=holder_a or before.holder_a, holder_b=holder_b or before.holder_b)
    d.org.reindex()
    return before


def _acknowledged(d: District) -> Ticket:
    return d.in_progress()  # held by A of building 1, its first responder


def test_the_new_a_holder_takes_the_old_as_ticket_and_may_act_on_it(d: District) -> None:
    ticket = _acknowledged(d)
    due = ticket.due_at
    before = _change(d, BUILDING_1, holder_a="new-a")

    outcome = rules.rehome(d.world, ticket, before, LATER)

    assert ticket.holder_id == "new-a"
    assert (ticket.first_responder_id, ticket.due_at, ticket.state) == (a(BUILDING_1), due, "in_progress")
    entry = outcome.entries[-1]
    assert (entry.action, entry.holder_id, entry.actor_id) == ("handover", "new-a", None)
    assert entry.details == {
        "cause": "holders_changed",
        "post": BUILDING_1,
        "before": f"{a(BUILDING_1)},{b(BUILDING_1)}",
        "after": f"new-a,{b(BUILDING_1)}",
        "from": a(BUILDING_1),
        "to": "new-a",
    }
    assert outcome.notices == [Notice("new-a", Event.REASSIGNED)]
    assert not outcome.deadline_changed
    rules.resolve(d.world, ticket, "new-a", "已修好", LATER)
    assert ticket.state == "resolved"


def test_the_old_holder_may_no_longer_act(d: District) -> None:
    ticket = _acknowledged(d)
    rules.rehome(d.world, ticket, _change(d, BUILDING_1, holder_a="new-a"), LATER)

    with pytest.raises(NotAllowed, match="holds neither"):
        rules.resolve(d.world, ticket, a(BUILDING_1), "已修好", LATER)


def test_the_first_responder_who_left_the_post_still_owns_the_callback(d: District) -> None:
    ticket = _acknowledged(d)
    rules.rehome(d.world, ticket, _change(d, BUILDING_1, holder_a="new-a"), LATER)
    rules.resolve(d.world, ticket, "new-a", "已修好", LATER)

    rules.callback(d.world, ticket, a(BUILDING_1), True, Satisfaction.SATISFIED, "", LATER, solved=True)

    assert ticket.state == "closed"


def test_a_b_covering_for_an_absent_a_hands_over_to_a_present_new_a(d: District) -> None:
    d.away(a(BUILDING_1))
    ticket = d.open("b1")
    assert ticket.holder_id == b(BUILDING_1)

    outcome = rules.rehome(d.world, ticket, _change(d, BUILDING_1, holder_a="new-a"), LATER)

    assert ticket.holder_id == "new-a"
    assert (outcome.entries[-1].details["from"], outcome.entries[-1].details["to"]) == (b(BUILDING_1), "new-a")


def test_with_both_new_holders_away_the_ticket_climbs_the_chain(d: District) -> None:
    ticket = d.open("b1")
    d.away("new-a", "new-b")
    before = _change(d, BUILDING_1, holder_a="new-a", holder_b="new-b")

    outcome = rules.rehome(d.world, ticket, before, LATER)

    assert (ticket.post_id, ticket.holder_id, ticket.tier) == (GRID_1, a(GRID_1), 1)
    assert actions(outcome.entries) == ["both_absent", "escalate"]
    assert outcome.entries[0].details == {
        "cause": "holders_changed",
        "post": BUILDING_1,
        "before": ",".join(before.holders),
        "after": "new-a,new-b",
    }
    assert outcome.deadline_changed


def test_a_closed_ticket_a_ticket_of_another_post_and_a_staying_holder_are_left_alone(d: District) -> None:
    closed = _acknowledged(d)
    rules.resolve(d.world, closed, a(BUILDING_1), "已修好", MONDAY)
    rules.callback(d.world, closed, a(BUILDING_1), True, Satisfaction.SATISFIED, "", MONDAY, solved=True)
    elsewhere = d.open("b1")
    rules.transfer(d.world, elsewhere, a(BUILDING_1), GRID_1, "需网格长协调", MONDAY)
    staying = _acknowledged(d)
    before = _change(d, BUILDING_1, holder_b="new-b")

    for ticket in (closed, elsewhere, staying):
        held = ticket.holder_id
        assert rules.rehome(d.world, ticket, before, LATER).entries == []
        assert ticket.holder_id == held


THREE = Post("police", PostKind.COMMUNITY_POLICE, "c1", "officer", "aux-1", more_holders=("aux-2",))


@pytest.mark.parametrize(
    ("after", "holder", "away", "expected"),
    [
        (("officer", "aux-1", "new-aux"), "aux-2", (), "new-aux"),  # the third's tickets go to the new third
        (("officer", "aux-1", "new-aux"), "aux-1", (), "aux-1"),  # a holder who stays keeps what they hold
        (("officer", "aux-1", "new-aux"), "aux-2", ("new-aux",), "officer"),  # the new third is away: A covers
        (("officer", "new-aux", "aux-2"), "aux-2", ("officer", "aux-1"), "new-aux"),  # the third covered for two
        (("officer", "aux-1"), "aux-2", (), "officer"),  # the third place is gone: the ticket goes to A
        (("officer", "aux-1", "aux-2", "aux-3"), "aux-2", (), "aux-2"),  # a holder added after: nobody moves
    ],
)
def test_a_ticket_follows_its_holders_place_among_more_than_two_holders(
    after: tuple[str, ...], holder: str, away: tuple[str, ...], expected: str
) -> None:
    new = replace(THREE, holder_a=after[0], holder_b=after[1], more_holders=after[2:])

    assert successor(THREE, new, holder, MONDAY, _away(*away)) == expected


def test_adding_or_reordering_a_further_holder_is_a_change_of_holders() -> None:
    added = replace(THREE, more_holders=("aux-2", "aux-3"))
    reordered = replace(THREE, holder_b="aux-2", more_holders=("aux-1",))

    assert holders_changed({"p": THREE}, {"p": added}) == {"p": THREE}
    assert holders_changed({"p": THREE}, {"p": reordered}) == {"p": THREE}
    assert holders_changed({"p": THREE}, {"p": replace(THREE)}) == {}
