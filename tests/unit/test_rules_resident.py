"""The resident confirms the result online: a reached callback without a phone call."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from district import BUILDING_1, District, a, cst

from ticketing.domain import rules
from ticketing.domain.errors import InvalidInput, NotAllowed
from ticketing.domain.guards import Satisfaction
from ticketing.domain.ticket import CallbackMeans, Event, Notice, Ticket
from ticketing.domain.workflow import Clock

ANSWERED = cst(3, 4, 10)  # Wednesday, the day after the matter was handled


def _resolved(d: District) -> Ticket:
    ticket = d.in_progress()
    rules.resolve(d.world, ticket, a(BUILDING_1), "已更换楼道灯", cst(3, 3, 10))
    return ticket


@pytest.mark.parametrize("satisfaction", [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED])
def test_a_satisfied_resident_closes_the_ticket_online(d: District, satisfaction: Satisfaction) -> None:
    ticket = _resolved(d)

    outcome = rules.resident_feedback(d.world, ticket, satisfaction, " 灯亮了，谢谢 ", ANSWERED, solved=True)

    assert (ticket.state, ticket.closed_at, ticket.satisfaction) == ("closed", ANSWERED, satisfaction.value)
    assert (ticket.clock, ticket.due_at, ticket.callback_attempts) == (None, None, 0)
    [entry] = outcome.entries
    assert (entry.action, entry.actor_id, entry.from_state, entry.to_state) == (
        "resident_feedback",
        None,
        "resolved",
        "closed",
    )
    assert entry.reason == "灯亮了，谢谢"
    assert entry.details == {"reached": 1, "means": "link", "solved": 1, "satisfaction": satisfaction.value}


def test_an_unsatisfied_resident_reopens_the_ticket_like_at_a_callback(d: District) -> None:
    ticket = _resolved(d)
    called_back = replace(ticket)
    rules.callback(
        d.world, called_back, a(BUILDING_1), True, Satisfaction.UNSATISFIED, "只亮了一层", ANSWERED, solved=False
    )

    outcome = rules.resident_feedback(d.world, ticket, Satisfaction.UNSATISFIED, "只亮了一层", ANSWERED, solved=False)

    # the same ticket as after an unsatisfied telephone callback, but for the means
    assert replace(ticket, callback_means=CallbackMeans.PHONE) == called_back
    assert (ticket.state, ticket.holder_id, ticket.reopen_count, ticket.satisfaction) == (
        "in_progress",
        a(BUILDING_1),
        1,
        "unsatisfied",
    )
    assert (ticket.clock, ticket.due_at) == (Clock.RESOLVE, cst(3, 9, 17, 30))
    assert outcome.notices == [Notice(a(BUILDING_1), Event.REOPENED)]
    assert (outcome.entries[-1].action, outcome.entries[-1].reason) == ("resident_feedback", "只亮了一层")
    assert outcome.entries[-1].details["satisfaction"] == "unsatisfied"


def test_a_referred_ticket_is_confirmed_online_too(d: District) -> None:
    ticket = d.in_progress()
    rules.refer(d.world, ticket, a(BUILDING_1), "区市场监管局", "商品质量投诉", cst(3, 3, 10))

    rules.resident_feedback(d.world, ticket, Satisfaction.BASICALLY_SATISFIED, "", ANSWERED, solved=True)

    assert (ticket.state, ticket.satisfaction) == ("closed", "basically_satisfied")


def test_feedback_clears_a_callback_left_for_review(d: District) -> None:
    ticket = _resolved(d)
    d.expire(ticket)  # the callback deadline passed: supervisors review it
    assert ticket.needs_review

    rules.resident_feedback(d.world, ticket, Satisfaction.UNSATISFIED, "", ANSWERED, solved=False)

    assert (ticket.state, ticket.needs_review) == ("in_progress", False)


def test_feedback_before_the_matter_is_handled_is_refused(d: District) -> None:
    ticket = d.in_progress()
    before = replace(ticket)

    with pytest.raises(NotAllowed, match=re.escape("is in_progress: a resident confirms the result only once")):
        rules.resident_feedback(d.world, ticket, Satisfaction.SATISFIED, "", ANSWERED, solved=True)
    assert ticket == before


def test_a_closed_ticket_takes_no_second_verdict(d: District) -> None:
    ticket = _resolved(d)
    rules.resident_feedback(d.world, ticket, Satisfaction.SATISFIED, "", ANSWERED, solved=True)
    before = replace(ticket)

    with pytest.raises(NotAllowed, match="is closed"):
        rules.resident_feedback(d.world, ticket, Satisfaction.UNSATISFIED, "", cst(3, 5, 10), solved=False)
    assert ticket == before


def test_feedback_needs_a_verdict(d: District) -> None:
    ticket = _resolved(d)
    before = replace(ticket)

    with pytest.raises(InvalidInput, match="satisfied, basically satisfied or unsatisfied"):
        rules.resident_feedback(d.world, ticket, None, "还行", ANSWERED, solved=True)
    assert ticket == before
