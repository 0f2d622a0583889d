"""First-asked responsibility (首问负责制): who becomes first responder, and what it binds them to."""

from __future__ import annotations

import pytest
from district import (
    BUILDING_1,
    GRID_1,
    INTAKE_1,
    MONDAY,
    POLICE_1,
    SUPERVISOR,
    District,
    a,
    b,
    cst,
)

from ticketing.domain import rules
from ticketing.domain.errors import InvalidInput, NotAllowed, NotFound
from ticketing.domain.guards import Satisfaction
from ticketing.domain.ticket import Event, Notice, Ticket


def test_the_first_holder_to_acknowledge_becomes_first_responder(d: District) -> None:
    ticket = d.open("b1")

    outcome = rules.acknowledge(d.world, ticket, b(BUILDING_1), cst(3, 2, 9, 20))

    assert (ticket.first_responder_id, ticket.first_responder_post_id) == (b(BUILDING_1), BUILDING_1)
    assert (ticket.state, ticket.holder_id, ticket.acknowledged_at) == ("in_progress", b(BUILDING_1), cst(3, 2, 9, 20))
    [entry] = outcome.entries
    assert (entry.action, entry.actor_id, entry.from_state, entry.to_state) == (
        "acknowledge",
        b(BUILDING_1),
        "new",
        "in_progress",
    )


def test_the_first_responder_stays_through_escalation_transfer_and_reopening(d: District) -> None:
    ticket = d.open("b1")
    rules.acknowledge(d.world, ticket, a(BUILDING_1), cst(3, 2, 9, 10))

    escalated = d.expire(ticket)  # the resolve deadline, Thursday 17:30, passes unresolved
    assert (ticket.state, ticket.post_id, ticket.holder_id) == ("new", GRID_1, a(GRID_1))
    assert Notice(a(BUILDING_1), Event.ESCALATED) in escalated.notices
    rules.acknowledge(d.world, ticket, a(GRID_1), cst(3, 6, 15))
    rules.transfer(d.world, ticket, a(GRID_1), POLICE_1, "涉及噪音扰民，需民警调解", cst(3, 6, 16))
    rules.acknowledge(d.world, ticket, b(POLICE_1), cst(3, 6, 16, 30))
    rules.resolve(d.world, ticket, b(POLICE_1), "已调解", cst(3, 9, 10))
    rules.callback(
        d.world, ticket, a(BUILDING_1), True, Satisfaction.UNSATISFIED, "仍有噪音", cst(3, 10, 10), solved=False
    )

    assert (ticket.state, ticket.reopen_count) == ("in_progress", 1)
    assert (ticket.first_responder_id, ticket.first_responder_post_id) == (a(BUILDING_1), BUILDING_1)
    assert ticket.acknowledged_at == cst(3, 2, 9, 10)


def test_an_intake_staffer_who_passes_on_an_unacknowledged_ticket_becomes_first_responder(d: District) -> None:
    ticket = d.open(location=None)
    assert ticket.first_responder_id is None

    outcome = rules.transfer(d.world, ticket, b(INTAKE_1), BUILDING_1, "属于海曲小区1号楼", cst(3, 2, 10))

    assert (ticket.first_responder_id, ticket.first_responder_post_id) == (b(INTAKE_1), INTAKE_1)
    assert (ticket.state, ticket.post_id, ticket.tier, ticket.holder_id) == ("new", BUILDING_1, 0, a(BUILDING_1))
    assert ticket.due_at == cst(3, 2, 12)  # a fresh 2h acknowledge deadline for the building leader
    [entry] = outcome.entries
    assert (entry.action, entry.actor_id, entry.post_id, entry.reason, entry.details) == (
        "transfer",
        b(INTAKE_1),
        BUILDING_1,
        "属于海曲小区1号楼",
        {"to_post": BUILDING_1},
    )
    assert outcome.notices == [Notice(a(BUILDING_1), Event.ASSIGNED)]


def test_a_later_transfer_does_not_change_the_first_responder(d: District) -> None:
    ticket = d.open("b1", registrar=a(INTAKE_1))

    rules.transfer(d.world, ticket, a(BUILDING_1), GRID_1, "需网格长协调", cst(3, 2, 10))

    assert ticket.first_responder_id == a(INTAKE_1)


def _resolved(d: District) -> Ticket:
    ticket = d.open("b1")
    rules.acknowledge(d.world, ticket, a(BUILDING_1), MONDAY)
    rules.transfer(d.world, ticket, a(BUILDING_1), GRID_1, "需网格长协调", cst(3, 2, 10))
    rules.acknowledge(d.world, ticket, a(GRID_1), cst(3, 2, 14))
    rules.resolve(d.world, ticket, a(GRID_1), "已更换灯泡", cst(3, 2, 15))
    return ticket


@pytest.mark.parametrize("caller", [a(BUILDING_1), b(BUILDING_1)], ids=["first-responder", "other-holder"])
def test_the_callback_is_for_the_first_responder_or_the_other_holder_of_their_post(d: District, caller: str) -> None:
    ticket = _resolved(d)

    outcome = rules.callback(d.world, ticket, caller, True, Satisfaction.SATISFIED, "", cst(3, 3, 9), solved=True)

    assert ticket.state == "closed"
    assert outcome.entries[-1].actor_id == caller


@pytest.mark.parametrize("caller", [a(GRID_1), SUPERVISOR, "volunteer"])
def test_anyone_else_is_refused_the_callback_and_told_whose_it_is(d: District, caller: str) -> None:
    ticket = _resolved(d)

    with pytest.raises(NotAllowed, match=f"is for {a(BUILDING_1)}, {b(BUILDING_1)}; {caller} is not one of them"):
        rules.callback(d.world, ticket, caller, True, Satisfaction.SATISFIED, "", cst(3, 3, 9), solved=True)
    assert ticket.state == "resolved"


def test_before_anyone_is_first_responder_nobody_may_call_back(d: District) -> None:
    ticket = d.open("b1")

    with pytest.raises(NotAllowed, match=r"is for \(nobody yet\)"):
        rules.callback(d.world, ticket, a(BUILDING_1), True, Satisfaction.SATISFIED, "", cst(3, 2, 10), solved=True)


def test_only_the_first_responder_sends_the_resident_away(d: District) -> None:
    ticket = d.open(location=None, registrar=a(INTAKE_1))  # registered at the intake post they hold

    outcome = rules.return_to_resident(d.world, ticket, a(INTAKE_1), "重复登记，同T0001", cst(3, 2, 9, 5))

    assert (ticket.state, ticket.closed_at, ticket.clock, ticket.due_at) == ("returned", cst(3, 2, 9, 5), None, None)
    assert outcome.entries[-1].reason == "重复登记，同T0001"


def test_the_other_holder_of_the_first_responders_post_may_not_send_the_resident_away(d: District) -> None:
    ticket = d.open(location=None, registrar=a(INTAKE_1))

    with pytest.raises(NotAllowed) as refused:
        rules.return_to_resident(d.world, ticket, b(INTAKE_1), "不归我们管", cst(3, 2, 9, 5))

    assert "首问负责制" in str(refused.value)
    assert ticket.state == "new"


def test_a_holder_may_return_a_ticket_before_anyone_is_first_responder(d: District) -> None:
    ticket = d.open("b1")

    rules.return_to_resident(d.world, ticket, a(BUILDING_1), "不是诉求：询问开会时间", cst(3, 2, 9, 5))

    assert ticket.state == "returned"
    assert ticket.first_responder_id is None


def test_once_acknowledged_a_ticket_can_no_longer_be_returned(d: District) -> None:
    ticket = d.open("b1")
    rules.acknowledge(d.world, ticket, a(BUILDING_1), MONDAY)

    with pytest.raises(NotAllowed, match="cannot return_to_resident a ticket in state 'in_progress'"):
        rules.return_to_resident(d.world, ticket, a(BUILDING_1), "不归我们管", cst(3, 2, 10))


def test_returning_needs_a_reason(d: District) -> None:
    ticket = d.open("b1")

    with pytest.raises(InvalidInput, match="return_to_resident: give the reason"):
        rules.return_to_resident(d.world, ticket, a(BUILDING_1), " ", cst(3, 2, 10))


@pytest.mark.parametrize(("target", "reason"), [(None, "需网格长协调"), ("", "需网格长协调"), (GRID_1, "  ")])
def test_a_transfer_needs_a_target_and_a_reason(d: District, target: str | None, reason: str) -> None:
    ticket = d.open("b1")

    with pytest.raises(InvalidInput, match="a transfer needs a target post and a reason"):
        rules.transfer(d.world, ticket, a(BUILDING_1), target, reason, cst(3, 2, 10))


def test_a_transfer_to_the_post_already_holding_the_ticket_is_refused(d: District) -> None:
    ticket = d.open("b1")

    with pytest.raises(InvalidInput, match=f"already at post {BUILDING_1}; name another post"):
        rules.transfer(d.world, ticket, a(BUILDING_1), BUILDING_1, "换个人", cst(3, 2, 10))


def test_a_transfer_to_an_unknown_post_is_not_found(d: District) -> None:
    ticket = d.open("b1")

    with pytest.raises(NotFound, match="unknown post 'b9:building_leader'"):
        rules.transfer(d.world, ticket, a(BUILDING_1), "b9:building_leader", "换个人", cst(3, 2, 10))


def test_only_those_involved_may_transfer(d: District) -> None:
    ticket = d.open("b1")

    with pytest.raises(NotAllowed, match=f"holders of post {BUILDING_1} .*first responder \\(none yet\\) or a super"):
        rules.transfer(d.world, ticket, a(GRID_1), POLICE_1, "我来转", cst(3, 2, 10))


@pytest.mark.parametrize("state", ["new", "resolved"])
def test_closing_by_hand_is_always_refused_in_favour_of_the_callback(d: District, state: str) -> None:
    ticket = d.open("b1") if state == "new" else _resolved(d)

    with pytest.raises(NotAllowed, match=r"closes only through a recorded callback \(电话回访\)"):
        rules.close(d.world, ticket, a(BUILDING_1), cst(3, 3, 9))
    assert ticket.state == state
