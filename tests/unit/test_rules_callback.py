"""The telephone callback (电话回访): the only way a handled ticket closes."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import pytest
from district import BUILDING_1, GRID_1, MONDAY, District, a, b, cst

from ticketing.domain import rules
from ticketing.domain.errors import InvalidInput, NotAllowed
from ticketing.domain.guards import Satisfaction
from ticketing.domain.ticket import Event, Notice, Outcome, Ticket
from ticketing.domain.workflow import Clock

CALLED = cst(3, 4, 10)  # Wednesday, the day after the matter was handled


def _resolved(d: District) -> Ticket:
    ticket = d.in_progress()
    rules.resolve(d.world, ticket, a(BUILDING_1), "已更换楼道灯", cst(3, 3, 10))
    return ticket


def _call(
    d: District,
    ticket: Ticket,
    satisfaction: Satisfaction | None,
    reached: bool = True,
    comment: str = "",
    at: datetime = CALLED,
) -> Outcome:
    """The first responder's phone callback, on Wednesday morning; a satisfied resident calls it solved."""
    solved = satisfaction is not Satisfaction.UNSATISFIED
    return rules.callback(d.world, ticket, a(BUILDING_1), reached, satisfaction, comment, at, solved=solved)


def test_resolving_records_the_result_and_starts_the_callback_clock(d: District) -> None:
    ticket = d.in_progress()

    outcome = rules.resolve(d.world, ticket, b(BUILDING_1), " 已更换楼道灯 ", cst(3, 3, 10))

    assert (ticket.state, ticket.resolution, ticket.resolved_at) == ("resolved", "已更换楼道灯", cst(3, 3, 10))
    assert (ticket.clock, ticket.due_at) == (Clock.CALLBACK, cst(3, 4, 17, 30))
    assert outcome.notices == [Notice(a(BUILDING_1), Event.RESOLVED)]  # the first responder calls back
    assert outcome.entries[-1].reason == "已更换楼道灯"


def test_resolving_needs_what_was_done(d: District) -> None:
    ticket = d.in_progress()

    with pytest.raises(InvalidInput, match="resolve: write what was done"):
        rules.resolve(d.world, ticket, a(BUILDING_1), "", cst(3, 3, 10))


@pytest.mark.parametrize("satisfaction", [Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED])
def test_a_satisfied_resident_closes_the_ticket(d: District, satisfaction: Satisfaction) -> None:
    ticket = _resolved(d)

    outcome = _call(d, ticket, satisfaction, comment="灯已经亮了")

    assert (ticket.state, ticket.closed_at, ticket.satisfaction) == ("closed", CALLED, satisfaction.value)
    assert (ticket.clock, ticket.due_at) == (None, None)
    [entry] = outcome.entries
    assert (entry.action, entry.actor_id, entry.from_state, entry.to_state) == (
        "callback",
        a(BUILDING_1),
        "resolved",
        "closed",
    )
    assert entry.reason == "灯已经亮了"
    assert entry.details == {"reached": 1, "means": "phone", "solved": 1, "satisfaction": satisfaction.value}


def test_an_unsatisfied_resident_reopens_the_ticket_at_the_same_tier(d: District) -> None:
    ticket = _resolved(d)

    outcome = _call(d, ticket, Satisfaction.UNSATISFIED, comment="只亮了一层")

    assert (ticket.state, ticket.tier, ticket.post_id, ticket.holder_id) == (
        "in_progress",
        0,
        BUILDING_1,
        a(BUILDING_1),
    )
    assert (ticket.clock, ticket.due_at) == (Clock.RESOLVE, cst(3, 9, 17, 30))  # 3 working days from Wednesday
    assert (ticket.reopen_count, ticket.satisfaction, ticket.closed_at) == (1, "unsatisfied", None)
    assert outcome.notices == [Notice(a(BUILDING_1), Event.REOPENED)]
    assert outcome.entries[-1].reason == "只亮了一层"
    assert outcome.entries[-1].details == {"reached": 1, "means": "phone", "solved": 0, "satisfaction": "unsatisfied"}


def test_a_ticket_handled_higher_up_reopens_with_that_handler(d: District) -> None:
    ticket = d.open("b1")
    rules.acknowledge(d.world, ticket, a(BUILDING_1), MONDAY)
    rules.transfer(d.world, ticket, a(BUILDING_1), GRID_1, "需网格长协调", cst(3, 2, 10))
    rules.acknowledge(d.world, ticket, b(GRID_1), cst(3, 2, 14))
    rules.resolve(d.world, ticket, b(GRID_1), "已协调", cst(3, 3, 15))

    outcome = _call(d, ticket, Satisfaction.UNSATISFIED)

    assert (ticket.tier, ticket.post_id, ticket.holder_id) == (1, GRID_1, b(GRID_1))
    assert ticket.due_at == cst(3, 10, 21)  # 4 working days, on the grid leader's evening hours
    assert outcome.notices == [Notice(b(GRID_1), Event.REOPENED)]


def test_an_unreached_resident_leaves_the_ticket_waiting_with_the_same_deadline(d: District) -> None:
    ticket = _resolved(d)
    due = ticket.due_at

    outcome = _call(d, ticket, Satisfaction.SATISFIED, reached=False, comment="无人接听")

    assert (ticket.state, ticket.callback_attempts, ticket.due_at) == ("resolved", 1, due)
    assert ticket.satisfaction is None  # a verdict nobody gave is not recorded
    assert outcome.entries[-1].reason == "无人接听"
    assert outcome.entries[-1].details == {"reached": 0, "attempt": 1, "means": "phone"}
    assert not outcome.deadline_changed


def test_three_spaced_unreached_attempts_close_the_ticket_as_unreachable(d: District) -> None:
    ticket = _resolved(d)

    for at in (CALLED, cst(3, 4, 12), cst(3, 4, 15, 30)):
        outcome = _call(d, ticket, None, reached=False, at=at)

    assert (ticket.state, ticket.callback_attempts, ticket.closed_at) == ("closed_unreachable", 3, cst(3, 4, 15, 30))
    assert (ticket.clock, ticket.due_at, ticket.satisfaction) == (None, None, None)
    assert (outcome.entries[-1].reason, outcome.entries[-1].details["attempt"]) == ("", 3)


def test_a_reopened_ticket_gets_a_fresh_round_of_callback_attempts(d: District) -> None:
    ticket = _resolved(d)
    _call(d, ticket, None, reached=False)
    _call(d, ticket, None, reached=False, at=cst(3, 4, 12))
    _call(d, ticket, Satisfaction.UNSATISFIED, at=cst(3, 4, 13))
    rules.resolve(d.world, ticket, a(BUILDING_1), "已全部更换", cst(3, 5, 10))

    _call(d, ticket, None, reached=False)

    assert (ticket.state, ticket.callback_attempts) == ("resolved", 1)


def test_a_reached_resident_must_give_a_verdict(d: District) -> None:
    ticket = _resolved(d)
    before = replace(ticket)

    with pytest.raises(InvalidInput, match="record their satisfaction \\(satisfied, basically satisfied or unsatisf"):
        _call(d, ticket, None)
    assert ticket == before


def test_a_callback_before_resolution_is_refused_and_counts_no_attempt(d: District) -> None:
    ticket = d.in_progress()
    before = replace(ticket)

    allowed = "allowed: transfer, escalate, pause, resolve, refer"
    with pytest.raises(
        NotAllowed,
        match=re.escape(f"cannot callback a ticket in state 'in_progress' (办理中 / In progress); {allowed}"),
    ):
        _call(d, ticket, None, reached=False)
    assert ticket == before


def test_referring_needs_the_competent_body(d: District) -> None:
    ticket = d.in_progress()

    with pytest.raises(InvalidInput, match="refer: name the competent body"):
        rules.refer(d.world, ticket, a(BUILDING_1), " ", "不属社区职责", cst(3, 3, 10))


def test_a_referred_ticket_is_still_called_back(d: District) -> None:
    ticket = d.in_progress()

    outcome = rules.refer(d.world, ticket, a(BUILDING_1), "区市场监管局", "商品质量投诉", cst(3, 3, 10))

    assert (ticket.state, ticket.referred_to, ticket.resolved_at) == ("referred", "区市场监管局", cst(3, 3, 10))
    assert (ticket.clock, ticket.due_at) == (Clock.CALLBACK, cst(3, 4, 17, 30))
    assert (outcome.entries[-1].reason, outcome.entries[-1].details) == ("商品质量投诉", {"body": "区市场监管局"})
    assert outcome.notices == [Notice(a(BUILDING_1), Event.RESOLVED)]

    _call(d, ticket, Satisfaction.BASICALLY_SATISFIED)

    assert (ticket.state, ticket.satisfaction) == ("closed", "basically_satisfied")


def test_an_unsatisfied_resident_reopens_a_referred_ticket(d: District) -> None:
    ticket = d.in_progress()
    rules.refer(d.world, ticket, a(BUILDING_1), "区市场监管局", "商品质量投诉", cst(3, 3, 10))

    _call(d, ticket, Satisfaction.UNSATISFIED)

    assert (ticket.state, ticket.reopen_count) == ("in_progress", 1)


def test_a_reopened_referral_handled_after_all_shows_only_the_latest_outcome(d: District) -> None:
    ticket = d.in_progress()
    rules.refer(d.world, ticket, a(BUILDING_1), "区住建局", "属于维修基金事项", cst(3, 2, 10))
    unsatisfied = Satisfaction.UNSATISFIED
    rules.callback(d.world, ticket, a(BUILDING_1), True, unsatisfied, "还是希望社区处理", cst(3, 2, 11), solved=False)

    rules.resolve(d.world, ticket, a(BUILDING_1), "社区协调物业已修复", cst(3, 3, 10))

    assert (ticket.resolution, ticket.referred_to) == ("社区协调物业已修复", None)
    rules.callback(d.world, ticket, a(BUILDING_1), True, unsatisfied, "", cst(3, 3, 11), solved=False)
    rules.acknowledge(d.world, ticket, b(GRID_1), cst(3, 3, 15))  # the second 不满意 sent it up a tier
    rules.refer(d.world, ticket, b(GRID_1), "区住建局", "确需维修基金", cst(3, 4, 15))
    assert (ticket.resolution, ticket.referred_to) == (None, "区住建局")
