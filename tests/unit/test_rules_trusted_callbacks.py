"""Callbacks that can be trusted: spaced attempts, the means the contact allows, "solved?" apart, 提级办理."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from district import BUILDING_1, GRID_1, INTAKE_1, PARTY_1, SUPERVISOR, District, a, b, cst

from ticketing.domain import rules
from ticketing.domain.calendar import next_half_day
from ticketing.domain.errors import InvalidInput, NotAllowed
from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import PostKind
from ticketing.domain.permissions import available_actions
from ticketing.domain.ticket import CallbackMeans, Event, Notice, Ticket
from ticketing.domain.workflow import CallbackPlan, Clock, Duration

WEDNESDAY = cst(3, 4, 9)
UNSATISFIED = Satisfaction.UNSATISFIED


def _resolved(d: District) -> Ticket:
    ticket = d.in_progress()
    rules.resolve(d.world, ticket, a(BUILDING_1), "已更换楼道灯", cst(3, 3, 10))
    return ticket


def _unreached(d: District, ticket: Ticket, at: datetime) -> None:
    rules.callback(d.world, ticket, a(BUILDING_1), False, None, "无人接听", at)


def _verdict(d: District, ticket: Ticket, satisfaction: Satisfaction | None, solved: bool, at: datetime) -> None:
    rules.callback(d.world, ticket, a(BUILDING_1), True, satisfaction, "", at, solved=solved)


def _nobody_to_reach(ticket: Ticket) -> Ticket:
    """A patrol report: no resident's phone, e-mail or name."""
    ticket.contact_phone = ticket.contact_email = ticket.contact_name = ""
    return ticket


def test_three_unreached_calls_in_one_hour_do_not_close_the_ticket(d: District) -> None:
    ticket = _resolved(d)
    _unreached(d, ticket, cst(3, 4, 9))

    for minutes in (20, 40):
        with pytest.raises(NotAllowed, match="the next attempt may be made from 2026-03-04 11:00"):
            _unreached(d, ticket, cst(3, 4, 9, minutes))
    assert ticket.callback_attempts == 1

    assert (ticket.state, ticket.callback_attempts) == ("resolved", 1)


def test_unreached_attempts_are_spaced_by_the_workflows_working_time(d: District) -> None:
    ticket = _resolved(d)
    _unreached(d, ticket, cst(3, 4, 11))  # two working hours later is after lunch (12:00–13:30)

    with pytest.raises(NotAllowed, match="from 2026-03-04 14:30 \\(attempts are 2h of working time apart"):
        _unreached(d, ticket, cst(3, 4, 14))
    _unreached(d, ticket, cst(3, 4, 14, 30))

    assert ticket.callback_attempts == 2


def test_the_spacing_is_the_workflows_own(d: District) -> None:
    spec = d.world.workflows["general"]
    world = replace(
        d.world,
        workflows={**d.world.workflows, "general": replace(spec, callback=CallbackPlan(None, Duration.parse("1d")))},
    )
    ticket = _resolved(d)
    rules.callback(world, ticket, a(BUILDING_1), False, None, "", cst(3, 4, 9))

    assert rules.next_attempt_at(world, ticket) == cst(3, 5, 17, 30)


def test_the_attempts_before_closing_as_unreachable_span_two_half_days(d: District) -> None:
    spec = d.world.workflows["general"]
    short = replace(spec, callback=CallbackPlan(None, Duration.parse("30m")))
    world = replace(d.world, workflows={**d.world.workflows, "general": short})
    ticket = _resolved(d)
    for at in (cst(3, 4, 9), cst(3, 4, 9, 30)):
        rules.callback(world, ticket, a(BUILDING_1), False, None, "", at)

    with pytest.raises(NotAllowed, match=r"from 2026-03-04 13:30 .*fall on two half-days"):
        rules.callback(world, ticket, a(BUILDING_1), False, None, "", cst(3, 4, 10))  # the same morning
    assert (ticket.state, ticket.callback_attempts) == ("resolved", 2)

    rules.callback(world, ticket, a(BUILDING_1), False, None, "", cst(3, 4, 13, 30))
    assert (ticket.state, ticket.callback_attempts) == ("closed_unreachable", 3)


def test_the_number_of_unreached_attempts_before_closing_is_the_workflows_own(d: District) -> None:
    spec = d.world.workflows["general"]
    two = replace(spec, callback=CallbackPlan(None, Duration.parse("30m"), attempts=2))
    world = replace(d.world, workflows={**d.world.workflows, "general": two})
    ticket = _resolved(d)
    rules.callback(world, ticket, a(BUILDING_1), False, None, "", cst(3, 4, 9))

    with pytest.raises(NotAllowed, match=r"from 2026-03-04 13:30 .*fall on two half-days"):
        rules.callback(world, ticket, a(BUILDING_1), False, None, "", cst(3, 4, 9, 30))  # would be the last
    rules.callback(world, ticket, a(BUILDING_1), False, None, "", cst(3, 4, 13, 30))

    assert (ticket.state, ticket.callback_attempts) == ("closed_unreachable", 2)


def test_a_workflow_allowing_more_attempts_keeps_calling_after_the_third(d: District) -> None:
    spec = d.world.workflows["general"]
    five = replace(
        d.world, workflows={**d.world.workflows, "general": replace(spec, callback=CallbackPlan(attempts=5))}
    )
    ticket = _resolved(d)
    for at in (cst(3, 4, 9), cst(3, 4, 11), cst(3, 4, 15), cst(3, 5, 9)):
        rules.callback(five, ticket, a(BUILDING_1), False, None, "", at)
    assert (ticket.state, ticket.callback_attempts) == ("resolved", 4)
    assert "callback" in available_actions(five, ticket, a(BUILDING_1))

    rules.callback(five, ticket, a(BUILDING_1), False, None, "", cst(3, 5, 11))
    assert (ticket.state, ticket.callback_attempts) == ("closed_unreachable", 5)


def test_a_half_day_ends_at_noon_and_at_midnight_in_the_districts_time_zone() -> None:
    assert next_half_day(cst(3, 4, 11, 59), cst(3, 4, 0).tzinfo) == cst(3, 4, 12)  # type: ignore[arg-type]
    assert next_half_day(cst(3, 4, 12), cst(3, 4, 0).tzinfo) == cst(3, 5, 0)  # type: ignore[arg-type]


def test_solved_is_asked_apart_from_satisfied(d: District) -> None:
    ticket = _resolved(d)

    with pytest.raises(InvalidInput, match="问题是否解决"):
        rules.callback(d.world, ticket, a(BUILDING_1), True, Satisfaction.SATISFIED, "", WEDNESDAY)
    _verdict(d, ticket, Satisfaction.BASICALLY_SATISFIED, solved=False, at=WEDNESDAY)

    assert (ticket.state, ticket.solved, ticket.satisfaction) == ("closed", False, "basically_satisfied")
    assert ticket.callback_means is CallbackMeans.PHONE


def test_a_first_unsatisfied_verdict_reopens_with_the_same_handler(d: District) -> None:
    ticket = _resolved(d)

    _verdict(d, ticket, UNSATISFIED, solved=False, at=WEDNESDAY)

    assert (ticket.state, ticket.post_id, ticket.holder_id, ticket.unsatisfied_count) == (
        "in_progress",
        BUILDING_1,
        a(BUILDING_1),
        1,
    )


def test_a_second_unsatisfied_verdict_sends_the_ticket_up_a_tier(d: District) -> None:
    ticket = _resolved(d)
    _verdict(d, ticket, UNSATISFIED, solved=False, at=WEDNESDAY)
    rules.resolve(d.world, ticket, a(BUILDING_1), "又修了一次", cst(3, 4, 15))

    outcome = rules.callback(d.world, ticket, a(BUILDING_1), True, UNSATISFIED, "还是不亮", cst(3, 5, 9), solved=False)

    assert (ticket.state, ticket.tier, ticket.post_id, ticket.holder_id) == ("new", 1, GRID_1, a(GRID_1))
    assert (ticket.first_responder_id, ticket.unsatisfied_count) == (a(BUILDING_1), 2)
    assert [entry.action for entry in outcome.entries] == ["callback", "escalate"]
    assert Notice(a(GRID_1), Event.ASSIGNED) in outcome.notices
    assert ticket.clock is Clock.ACKNOWLEDGE


def test_a_second_unsatisfied_verdict_at_the_top_of_the_chain_tells_the_supervisors(d: District) -> None:
    ticket = d.open("b1")
    rules.acknowledge(d.world, ticket, a(BUILDING_1), cst(3, 2, 9))
    rules.transfer(d.world, ticket, a(BUILDING_1), PARTY_1, "需社区协调", cst(3, 2, 10))
    rules.acknowledge(d.world, ticket, a(PARTY_1), cst(3, 2, 11))
    rules.resolve(d.world, ticket, a(PARTY_1), "已协调", cst(3, 3, 9))
    _verdict(d, ticket, UNSATISFIED, solved=False, at=cst(3, 3, 10))
    rules.resolve(d.world, ticket, a(PARTY_1), "再次协调", cst(3, 4, 9))

    outcome = rules.callback(d.world, ticket, a(BUILDING_1), True, UNSATISFIED, "", cst(3, 4, 10), solved=False)

    assert (ticket.state, ticket.post_id, ticket.holder_id) == ("new", PARTY_1, a(PARTY_1))
    assert outcome.entries[-1].details == {"at_top": 1}
    assert Notice(SUPERVISOR, Event.REOPENED) in outcome.notices


def test_a_ticket_with_nobody_to_reach_closes_on_a_checked_result_outside_the_satisfaction(d: District) -> None:
    ticket = _nobody_to_reach(_resolved(d))
    assert rules.staff_means(ticket) == [CallbackMeans.NONE]

    rules.callback(
        d.world, ticket, a(BUILDING_1), True, None, "现场已查看", WEDNESDAY, solved=True, means=CallbackMeans.NONE
    )

    assert (ticket.state, ticket.satisfaction, ticket.solved) == ("closed", None, True)
    assert ticket.callback_means is CallbackMeans.NONE


def test_a_checked_result_that_does_not_hold_reopens_the_ticket(d: District) -> None:
    ticket = _nobody_to_reach(_resolved(d))

    rules.callback(d.world, ticket, a(BUILDING_1), True, None, "", WEDNESDAY, solved=False, means=CallbackMeans.NONE)

    assert (ticket.state, ticket.holder_id) == ("in_progress", a(BUILDING_1))


def test_nobody_to_reach_takes_no_satisfaction_and_no_phone_callback(d: District) -> None:
    ticket = _nobody_to_reach(_resolved(d))

    with pytest.raises(InvalidInput, match="has nobody to reach"):
        rules.callback(
            d.world,
            ticket,
            a(BUILDING_1),
            True,
            Satisfaction.SATISFIED,
            "",
            WEDNESDAY,
            solved=True,
            means=CallbackMeans.NONE,
        )
    with pytest.raises(InvalidInput, match=r"callback: phone is not possible .* possible: none"):
        _verdict(d, ticket, Satisfaction.SATISFIED, solved=True, at=WEDNESDAY)


def test_a_resident_with_a_contact_is_never_closed_without_being_asked(d: District) -> None:
    ticket = _resolved(d)

    with pytest.raises(InvalidInput, match=r"callback: none is not possible .* possible: phone, visit"):
        rules.callback(d.world, ticket, a(BUILDING_1), True, None, "", WEDNESDAY, solved=True, means=CallbackMeans.NONE)


def test_a_resident_with_only_an_email_is_visited_or_confirms_through_the_link(d: District) -> None:
    ticket = _resolved(d)
    ticket.contact_phone, ticket.contact_email = "", "resident@example.org"

    assert rules.allowed_means(ticket) == [CallbackMeans.LINK, CallbackMeans.VISIT]
    rules.resident_feedback(d.world, ticket, Satisfaction.SATISFIED, "", WEDNESDAY, solved=True)

    assert (ticket.state, ticket.callback_means) == ("closed", CallbackMeans.LINK)


def test_staff_never_record_the_link_on_the_residents_behalf(d: District) -> None:
    ticket = _resolved(d)

    with pytest.raises(InvalidInput, match="the link is the resident's own confirmation"):
        rules.callback(
            d.world,
            ticket,
            a(BUILDING_1),
            True,
            Satisfaction.SATISFIED,
            "",
            WEDNESDAY,
            solved=True,
            means=CallbackMeans.LINK,
        )


def test_only_the_first_responder_records_an_on_site_visit(d: District) -> None:
    ticket = _resolved(d)

    with pytest.raises(NotAllowed, match="上门回访"):
        rules.callback(
            d.world,
            ticket,
            b(BUILDING_1),
            True,
            Satisfaction.SATISFIED,
            "",
            WEDNESDAY,
            solved=True,
            means=CallbackMeans.VISIT,
        )
    rules.callback(
        d.world,
        ticket,
        a(BUILDING_1),
        True,
        Satisfaction.SATISFIED,
        "",
        WEDNESDAY,
        solved=True,
        means=CallbackMeans.VISIT,
    )

    assert (ticket.state, ticket.callback_means) == ("closed", CallbackMeans.VISIT)


def _intake_calls_back(d: District) -> District:
    spec = d.world.workflows["general"]
    plan = CallbackPlan(PostKind.INTAKE, Duration.parse("2h"))
    d.world = replace(d.world, workflows={**d.world.workflows, "general": replace(spec, callback=plan)})
    return d


def test_a_callback_post_of_the_community_calls_back_instead_of_the_first_responder(d: District) -> None:
    _intake_calls_back(d)
    ticket = _resolved(d)

    assert ticket.callback_post_id == INTAKE_1
    with pytest.raises(NotAllowed, match=f"is for {a(INTAKE_1)}, {b(INTAKE_1)}; {a(BUILDING_1)} is not"):
        _verdict(d, ticket, Satisfaction.SATISFIED, solved=True, at=WEDNESDAY)
    rules.callback(d.world, ticket, b(INTAKE_1), True, Satisfaction.SATISFIED, "", WEDNESDAY, solved=True)

    assert ticket.state == "closed"


def test_the_callback_clock_runs_on_the_callback_posts_calendar(d: District) -> None:
    _intake_calls_back(d)
    ticket = d.open("g1")  # at the grid leader, whose evening hours are not the intake post's
    rules.acknowledge(d.world, ticket, a(GRID_1), cst(3, 2, 15))

    rules.resolve(d.world, ticket, a(GRID_1), "已处理", cst(3, 3, 20))

    assert rules.calendar_post(ticket, Clock.CALLBACK) == INTAKE_1
    assert ticket.due_at == cst(3, 4, 17, 30)  # one working day on the office hours, not 21:00


def test_the_b_holder_of_the_first_responders_post_may_not_send_the_resident_away(d: District) -> None:
    ticket = d.open("b1", registrar=a(INTAKE_1))  # registered at the service centre: its registrar answers for it

    with pytest.raises(NotAllowed, match=f"only the first responder {a(INTAKE_1)} may send"):
        rules.return_to_resident(d.world, ticket, b(INTAKE_1), "重复件", cst(3, 2, 10))
    with pytest.raises(NotAllowed, match="only the first responder"):
        rules.return_to_resident(d.world, ticket, a(BUILDING_1), "重复件", cst(3, 2, 10))
    rules.return_to_resident(d.world, ticket, a(INTAKE_1), "重复件", cst(3, 2, 10))

    assert ticket.state == "returned"


def test_before_there_is_a_first_responder_the_posts_holders_may_send_the_resident_away(d: District) -> None:
    ticket = d.open("b1")

    rules.return_to_resident(d.world, ticket, b(BUILDING_1), "不是诉求", cst(3, 2, 10))

    assert ticket.state == "returned"
