"""诉求终结: proposed by the handler with a reason, decided by a supervisor, outside the rate base."""

from __future__ import annotations

import pytest
from district import BUILDING_1, SUPERVISOR, District, a, b, cst

from ticketing.domain import rules
from ticketing.domain.errors import InvalidInput, NotAllowed
from ticketing.domain.ticket import Event, Notice, Ticket

REASON = "要求社区出资修缮私人住宅，不符合政策规定"


def _proposed(d: District) -> Ticket:
    ticket = d.in_progress()
    rules.propose_termination(d.world, ticket, b(BUILDING_1), REASON, cst(3, 2, 10))
    return ticket


def test_a_handler_proposes_termination_with_a_reason_and_the_ticket_waits_for_a_supervisor(d: District) -> None:
    ticket = _proposed(d)

    assert ticket.termination_pending
    assert (ticket.state, ticket.termination_reason, ticket.termination_proposed_by) == (
        "in_progress",
        REASON,
        b(BUILDING_1),
    )


def test_a_termination_needs_a_reason(d: District) -> None:
    ticket = d.in_progress()

    with pytest.raises(InvalidInput, match="cannot be solved under law or policy"):
        rules.propose_termination(d.world, ticket, a(BUILDING_1), " ", cst(3, 2, 10))


def test_a_supervisor_approves_and_the_request_ends_terminated(d: District) -> None:
    ticket = _proposed(d)

    outcome = rules.approve_termination(d.world, ticket, SUPERVISOR, cst(3, 2, 11))

    assert (ticket.state, ticket.closed_at, ticket.clock) == ("terminated", cst(3, 2, 11), None)
    assert not ticket.termination_pending
    assert outcome.entries[-1].reason == REASON


def test_a_rejected_termination_goes_on_where_it_was(d: District) -> None:
    ticket = _proposed(d)
    due = ticket.due_at

    outcome = rules.reject_termination(d.world, ticket, SUPERVISOR, "可协调物业维修基金", cst(3, 2, 11))

    assert (ticket.state, ticket.due_at, ticket.termination_pending) == ("in_progress", due, False)
    assert outcome.notices == [Notice(a(BUILDING_1), Event.REOPENED)]


@pytest.mark.parametrize("actor", [a(BUILDING_1), b(BUILDING_1)])
def test_only_supervisors_decide_a_termination(d: District, actor: str) -> None:
    ticket = _proposed(d)

    with pytest.raises(NotAllowed, match="approved or rejected by supervisors"):
        rules.approve_termination(d.world, ticket, actor, cst(3, 2, 11))


def test_termination_is_proposed_only_while_the_ticket_is_being_handled(d: District) -> None:
    ticket = d.open("b1")

    with pytest.raises(NotAllowed, match="is proposed while the ticket is being handled"):
        rules.propose_termination(d.world, ticket, a(BUILDING_1), REASON, cst(3, 2, 10))


def test_one_proposal_at_a_time(d: District) -> None:
    ticket = _proposed(d)

    with pytest.raises(NotAllowed, match="already awaits a supervisor"):
        rules.propose_termination(d.world, ticket, a(BUILDING_1), REASON, cst(3, 2, 10))


def test_there_is_nothing_to_decide_without_a_proposal(d: District) -> None:
    ticket = d.in_progress()

    with pytest.raises(NotAllowed, match="has no proposal"):
        rules.reject_termination(d.world, ticket, SUPERVISOR, "无", cst(3, 2, 11))
