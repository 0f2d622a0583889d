"""Volunteer help with a ticket (志愿协助): who may ask, what is asked, and what the ticket's history keeps.

Asking for help and every claim on the need are lines of the ticket's history; none of them moves the ticket:
its post, holder, first responder (首问负责人) and deadline stay as they were.
"""

from __future__ import annotations

from copy import deepcopy

import pytest
from district import BUILDING_1, GRID_1, INTAKE_1, MONDAY, PARTY_1, SUPERVISOR, District, a, b, cst
from volunteer_world import DAY, TODAY, as_member, as_team, as_unit, claim, draft, item

from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed
from ticketing.domain.ticket import Event, HistoryAction, Notice, Ticket
from ticketing.domain.volunteering import ticket_help
from ticketing.domain.volunteering.model import ClaimantKind, ClaimStatus, ItemKind

LATER = cst(3, 2, 15)


def _walk_in(d: District) -> Ticket:
    """A repair in building 1 that the service centre registered: its first responder is the centre's A holder,
    the building leader's A holder holds it."""
    return d.open("b1", registrar=a(INTAKE_1))


def _ask(d: District, ticket: Ticket, actor: str | None = a(BUILDING_1), **changes: object) -> object:
    need = draft(people=2, **changes)  # type: ignore[arg-type]
    return ticket_help.check_ask(d.org, ticket, actor, True, need, [], TODAY)


# --- who may ask, and what ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", [a(BUILDING_1), b(BUILDING_1), a(INTAKE_1)])
def test_the_holders_of_the_ticket_s_post_and_its_first_responder_may_ask(d: District, actor: str) -> None:
    ticket = _walk_in(d)

    assert ticket_help.may_ask(d.org, ticket, actor)
    _ask(d, ticket, actor)


@pytest.mark.parametrize("actor", [a(GRID_1), a(PARTY_1), b(INTAKE_1), SUPERVISOR, "volunteer"])
def test_others_may_not_ask_for_help_with_the_ticket(d: District, actor: str) -> None:
    ticket = _walk_in(d)

    assert not ticket_help.may_ask(d.org, ticket, actor)
    with pytest.raises(NotAllowed, match="or its first responder, may ask for help") as refused:
        _ask(d, ticket, actor)
    assert refused.value.params["number"] == ticket.number


def test_the_operator_at_the_command_line_may_ask(d: District) -> None:
    ticket = _walk_in(d)

    assert not ticket_help.may_ask(d.org, ticket, None)
    _ask(d, ticket, None)


def test_help_is_asked_for_an_open_ticket_only(d: District) -> None:
    ticket = _walk_in(d)

    with pytest.raises(NotAllowed, match="is finished: volunteer help is asked for open tickets"):
        ticket_help.check_ask(d.org, ticket, a(BUILDING_1), False, draft(), [], TODAY)


def test_a_ticket_without_a_community_is_located_first(d: District) -> None:
    ticket = d.open("st1")
    assert ticket.community_id is None

    with pytest.raises(NotAllowed, match="has no community yet: locate it first"):
        _ask(d, ticket, None)


def test_a_ticket_has_one_open_need_at_a_time(d: District) -> None:
    ticket = _walk_in(d)

    with pytest.raises(Conflict, match="has need 10 open already: change that one or close it first"):
        ticket_help.check_ask(d.org, ticket, a(BUILDING_1), True, draft(), [item(10, ticket_id=ticket.id)], TODAY)


@pytest.mark.parametrize("kind", [ItemKind.RESOURCE, ItemKind.PROJECT])
def test_help_is_asked_for_as_a_need(d: District, kind: ItemKind) -> None:
    with pytest.raises(InvalidInput, match="help with a ticket is asked for as a need"):
        _ask(d, _walk_in(d), kind=kind)


def test_a_ticket_wants_at_most_twenty_helpers(d: District) -> None:
    ticket = _walk_in(d)

    assert ticket_help.check_ask(d.org, ticket, None, True, draft(people=20), [], TODAY).people_wanted == 20
    with pytest.raises(InvalidInput, match="at most 20 for one ticket, got 21"):
        ticket_help.check_ask(d.org, ticket, None, True, draft(people=21), [], TODAY)


def test_the_hours_each_helper_serves_are_said(d: District) -> None:
    with pytest.raises(InvalidInput, match="say how long one helper is expected to serve"):
        _ask(d, _walk_in(d), hours=0.0)


def test_the_need_is_checked_as_any_item(d: District) -> None:
    with pytest.raises(InvalidInput, match="has passed already"):
        _ask(d, _walk_in(d), starts_on=TODAY - 3 * DAY, ends_on=TODAY - DAY)
    with pytest.raises(InvalidInput, match="this is required"):
        _ask(d, _walk_in(d), title="  ")


# --- the ticket's history ---------------------------------------------------------------------------------------


def _unchanged(ticket: Ticket) -> tuple[object, ...]:
    return (ticket.post_id, ticket.holder_id, ticket.first_responder_id, ticket.due_at, ticket.state, ticket.tier)


def test_asking_is_a_line_of_the_history_and_moves_nothing(d: District) -> None:
    ticket = _walk_in(d)
    before = deepcopy(ticket)

    outcome = ticket_help.asked(ticket, a(BUILDING_1), 10, LATER)

    [line] = outcome.entries
    assert (line.action, line.actor_id, line.details) == (HistoryAction.HELP_ASKED, a(BUILDING_1), {"item": 10})
    assert _unchanged(ticket) == _unchanged(before)
    assert not outcome.deadline_changed and not outcome.notices and not outcome.timers


def test_a_claim_tells_who_helps_and_the_first_responder_and_holder_hear_of_it(d: District) -> None:
    ticket = _walk_in(d)
    before = deepcopy(ticket)
    teams_claim = claim(100, as_team(), 3)

    outcome = ticket_help.claimed(ticket, teams_claim, "海曲红帆志愿服务队", None, LATER)

    [line] = outcome.entries
    assert line.action == HistoryAction.HELP_CLAIMED
    assert (line.from_state, line.to_state) == (ticket.state, ticket.state)
    assert line.details == {
        "item": 10,
        "claim": 100,
        "helper": "海曲红帆志愿服务队",
        "helper_kind": ClaimantKind.TEAM.value,
        "people": 3,
    }
    assert outcome.notices == [Notice(a(INTAKE_1), Event.HELP_CLAIMED), Notice(a(BUILDING_1), Event.HELP_CLAIMED)]
    assert _unchanged(ticket) == _unchanged(before)
    assert not outcome.deadline_changed and not outcome.timers


def test_the_first_responder_who_holds_the_ticket_hears_of_a_claim_once(d: District) -> None:
    ticket = d.in_progress()

    outcome = ticket_help.claimed(ticket, claim(), "王建国", None, LATER)

    assert outcome.notices == [Notice(a(BUILDING_1), Event.HELP_CLAIMED)]


def test_without_a_first_responder_the_holder_hears_of_a_claim(d: District) -> None:
    ticket = d.open("b1")
    assert ticket.first_responder_id is None

    outcome = ticket_help.claimed(ticket, claim(), "王建国", None, LATER)

    assert outcome.notices == [Notice(a(BUILDING_1), Event.HELP_CLAIMED)]


def test_a_confirmed_claim_is_a_line_of_the_history(d: District) -> None:
    ticket = _walk_in(d)

    outcome = ticket_help.claim_moved(ticket, claim(), ClaimStatus.CONFIRMED, "王建国", a(PARTY_1), LATER)

    [line] = outcome.entries
    assert (line.action, line.actor_id) == (HistoryAction.HELP_CONFIRMED, a(PARTY_1))
    assert "status" not in line.details and line.details["helper"] == "王建国"
    assert not outcome.notices


@pytest.mark.parametrize("to", [ClaimStatus.DECLINED, ClaimStatus.WITHDRAWN, ClaimStatus.LAPSED])
def test_a_claim_that_ends_says_how(d: District, to: ClaimStatus) -> None:
    ticket = _walk_in(d)
    before = deepcopy(ticket)

    outcome = ticket_help.claim_moved(ticket, claim(), to, "王建国", None, LATER)

    [line] = outcome.entries
    assert (line.action, line.details["status"], line.details["claim"]) == (HistoryAction.HELP_ENDED, to.value, 100)
    assert _unchanged(ticket) == _unchanged(before)


def test_a_cancelled_need_is_a_line_of_the_history(d: District) -> None:
    outcome = ticket_help.need_cancelled(_walk_in(d), item(10), None, LATER)

    [line] = outcome.entries
    assert (line.action, line.details) == (HistoryAction.HELP_ENDED, {"item": 10, "status": "cancelled"})


# --- at resolution: the record cards ----------------------------------------------------------------------------


def test_confirmed_claims_go_on_the_record_cards_for_the_hours_the_need_planned(d: District) -> None:
    ticket = _walk_in(d)
    need = item(10, hours=1.5, ticket_id=ticket.id)
    claims = [
        claim(1, as_member(1), 1, ClaimStatus.CONFIRMED),
        claim(2, as_unit(2), 3, ClaimStatus.CONFIRMED),
        claim(3, as_member(3), 1, ClaimStatus.PENDING),
        claim(4, as_member(4), 1, ClaimStatus.DECLINED),
        claim(5, as_team(7), 2, ClaimStatus.WITHDRAWN),
    ]

    entries = ticket_help.entries_at_resolution(ticket, need, claims, a(BUILDING_1), TODAY)

    assert [(e.claimant, e.people, e.hours, e.claim_id) for e in entries] == [
        (as_member(1), 1, 1.5, 1),
        (as_unit(2), 3, 1.5, 2),
    ]
    for entry in entries:
        assert (entry.community_id, entry.served_on, entry.what, entry.confirmed_by) == (
            "c1",
            TODAY,
            need.title,
            a(BUILDING_1),
        )
        assert (entry.item_id, entry.ticket_id) == (10, ticket.id)

    [line] = ticket_help.recorded(ticket, need, entries, a(BUILDING_1), LATER).entries
    assert (line.action, line.details) == (HistoryAction.HELP_RECORDED, {"item": 10, "entries": 2, "hours": "6"})


def test_a_need_without_planned_hours_records_two_each(d: District) -> None:
    ticket = _walk_in(d)

    [entry] = ticket_help.entries_at_resolution(
        ticket, item(hours=0.0), [claim(status=ClaimStatus.CONFIRMED)], None, MONDAY.date()
    )

    assert entry.hours == 2.0


def test_a_need_nobody_confirmed_records_nothing(d: District) -> None:
    claims = [claim(1, status=ClaimStatus.PENDING), claim(2, status=ClaimStatus.LAPSED)]

    assert ticket_help.entries_at_resolution(_walk_in(d), item(), claims, None, TODAY) == []
