"""The actions the ticket page offers are exactly those the rules accept, for every actor in every state."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from datetime import datetime

import pytest
from district import (
    BUILDING_1,
    BUILDING_2,
    GRID_1,
    INTAKE_1,
    MONDAY,
    PARTY_1,
    PARTY_2,
    POLICE_1,
    SHOP_LEADER,
    STREET_LEADER,
    SUPERVISOR,
    District,
    a,
    b,
    c,
    cst,
)

from ticketing.domain import choices, rules
from ticketing.domain.errors import NotAllowed, NotFound
from ticketing.domain.guards import Satisfaction
from ticketing.domain.permissions import ORDER, available_actions
from ticketing.domain.rules import World, transfer_targets
from ticketing.domain.ticket import CallbackMeans, Ticket
from ticketing.domain.workflow import Duration

Try = Callable[[World, Ticket, str, datetime], object]

# Valid input for each action, so that a refusal can only come from who is acting or the ticket's state.
ATTEMPTS: dict[str, list[Try]] = {
    "acknowledge": [lambda w, t, who, now: rules.acknowledge(w, t, who, now)],
    "note": [lambda w, t, who, now: rules.note(w, t, who, "已电话联系居民", now)],
    "transfer": [
        lambda w, t, who, now: rules.transfer(
            w, t, who, POLICE_1 if t.post_id != POLICE_1 else GRID_1, "涉及邻里纠纷", now
        )
    ],
    "pause": [lambda w, t, who, now: rules.pause(w, t, who, "等居民下班后入户", now)],
    "resume": [lambda w, t, who, now: rules.resume(w, t, who, now)],
    "resolve": [lambda w, t, who, now: rules.resolve(w, t, who, "已修好", now)],
    "refer": [lambda w, t, who, now: rules.refer(w, t, who, "市住房公积金管理中心", "不属社区职权", now)],
    "callback": [
        lambda w, t, who, now: rules.callback(w, t, who, False, None, "无人接听", now),
        *(
            lambda w, t, who, now, verdict=verdict: rules.callback(
                w, t, who, True, verdict, "", now, solved=verdict is not Satisfaction.UNSATISFIED
            )
            for verdict in Satisfaction
        ),
        lambda w, t, who, now: rules.callback(
            w, t, who, True, Satisfaction.SATISFIED, "", now, solved=True, means=CallbackMeans.VISIT
        ),
    ],
    "return_to_resident": [lambda w, t, who, now: rules.return_to_resident(w, t, who, "重复提交", now)],
    "propose_termination": [lambda w, t, who, now: rules.propose_termination(w, t, who, "政策不支持", now)],
    "approve_termination": [lambda w, t, who, now: rules.approve_termination(w, t, who, now)],
    "reject_termination": [lambda w, t, who, now: rules.reject_termination(w, t, who, "仍须办理", now)],
    "extend": [lambda w, t, who, now: rules.extend(w, t, who, Duration.parse("4h"), "需协调物业", now)],
    "close": [lambda w, t, who, now: rules.close(w, t, who, now)],
    "invite": [lambda w, t, who, now: rules.invite(w, t, who, _invitable(w, t), "需民警到场调解", now)],
    "release": [lambda w, t, who, now: rules.release(w, t, who, t.joined[0].post_id if t.joined else POLICE_1, now)],
    "mediate": [lambda w, t, who, now: rules.mediate(w, t, who, "failed", "", now)],
}


def _invitable(world: World, ticket: Ticket) -> str:
    """A post the ticket may be joined by (the police post first), so a refusal names who acts or when."""
    targets = choices.invite_targets(world.org, ticket)
    return targets[0].id if targets else POLICE_1


ACTORS = (
    a(BUILDING_1),
    b(BUILDING_1),
    a(GRID_1),
    b(GRID_1),
    a(PARTY_1),
    a(PARTY_2),
    a(INTAKE_1),
    b(INTAKE_1),
    a(BUILDING_2),
    a(SHOP_LEADER),
    a(POLICE_1),
    c(POLICE_1),
    SUPERVISOR,
    "volunteer",
    "nobody",
)


def _accepted(world: World, ticket: Ticket, actor: str, action: str, now: datetime) -> bool:
    """Whether the rule accepts the action with some valid input (each try on a copy of the ticket)."""
    for attempt in ATTEMPTS[action]:
        try:
            attempt(world, deepcopy(ticket), actor, now)
        except (NotAllowed, NotFound):
            continue
        return True
    return False


# --- the ticket states, each with the moment the page is looked at ---------------------------------


def _new(d: District) -> tuple[Ticket, datetime]:
    return d.open("b1"), cst(3, 2, 9, 30)


def _walk_in(d: District) -> tuple[Ticket, datetime]:
    """Registered at the service centre by its intake clerk, who is first responder but not a holder."""
    return d.open("b1", registrar=a(INTAKE_1)), cst(3, 2, 9, 30)


def _in_progress(d: District) -> tuple[Ticket, datetime]:
    return d.in_progress(), cst(3, 2, 10)


def _waiting(d: District) -> tuple[Ticket, datetime]:
    ticket = d.in_progress()
    rules.pause(d.world, ticket, a(BUILDING_1), "等居民回家", cst(3, 2, 10))
    return ticket, cst(3, 2, 11)


def _resolved(d: District) -> tuple[Ticket, datetime]:
    ticket = d.in_progress()
    rules.resolve(d.world, ticket, b(BUILDING_1), "已更换楼道灯", cst(3, 3, 10))
    return ticket, cst(3, 3, 11)


def _last_callback_attempt(d: District) -> tuple[Ticket, datetime]:
    ticket, _ = _resolved(d)
    for hour in (10, 12):  # two working hours apart; the last attempt must fall on another half-day
        rules.callback(d.world, ticket, a(BUILDING_1), False, None, "无人接听", cst(3, 3, hour))
    return ticket, cst(3, 3, 15)


def _referred(d: District) -> tuple[Ticket, datetime]:
    ticket = d.in_progress()
    rules.refer(d.world, ticket, a(BUILDING_1), "市住房公积金管理中心", "不属社区职权", cst(3, 2, 11))
    return ticket, cst(3, 2, 14)


def _callback_overdue(d: District) -> tuple[Ticket, datetime]:
    ticket, _ = _resolved(d)
    d.expire(ticket)
    return ticket, cst(3, 5, 10)


def _closed(d: District) -> tuple[Ticket, datetime]:
    ticket, _ = _resolved(d)
    rules.callback(d.world, ticket, a(BUILDING_1), True, Satisfaction.SATISFIED, "", cst(3, 4, 10), solved=True)
    return ticket, cst(3, 4, 11)


def _termination_proposed(d: District) -> tuple[Ticket, datetime]:
    ticket = d.in_progress()
    rules.propose_termination(d.world, ticket, a(BUILDING_1), "诉求超出政策范围", cst(3, 2, 10))
    return ticket, cst(3, 2, 11)


def _returned(d: District) -> tuple[Ticket, datetime]:
    ticket = d.open("b1")
    rules.return_to_resident(d.world, ticket, b(BUILDING_1), "重复提交", cst(3, 2, 9, 30))
    return ticket, cst(3, 2, 10)


def _escalated(d: District) -> tuple[Ticket, datetime]:
    """Nobody at the building signed for it: handed to B, then up to the grid leader."""
    ticket = d.open("b1")
    d.expire(ticket)
    d.expire(ticket)
    return ticket, cst(3, 2, 16)


def _overdue_at_the_top(d: District) -> tuple[Ticket, datetime]:
    ticket = d.open("c1")  # a community-wide request starts at the community party organisation
    rules.acknowledge(d.world, ticket, a(PARTY_1), MONDAY)
    d.expire(ticket)
    return ticket, cst(3, 20, 10)


def _deadline_passed_unswept(d: District) -> tuple[Ticket, datetime]:
    ticket = d.open("b1")
    return ticket, cst(3, 3, 9)


def _transferred_outside(d: District) -> tuple[Ticket, datetime]:
    """The building leader passed it to the street leader: they stay first responder, without the post."""
    ticket = d.in_progress()
    rules.transfer(d.world, ticket, a(BUILDING_1), STREET_LEADER, "在街面上", cst(3, 2, 10))
    return ticket, cst(3, 2, 11)


def _shop_in_progress(d: District) -> tuple[Ticket, datetime]:
    ticket = d.open("stall1", category="shop_complaint")
    rules.acknowledge(d.world, ticket, b(SHOP_LEADER), MONDAY)
    return ticket, cst(3, 2, 10)


def _dispute_with_the_police(d: District) -> tuple[Ticket, datetime]:
    """A neighbour dispute the grid leader signed for and invited the community police to mediate (协同)."""
    ticket = d.open("b1", category="neighbour_dispute")
    rules.acknowledge(d.world, ticket, a(GRID_1), MONDAY)
    rules.invite(d.world, ticket, a(GRID_1), POLICE_1, "双方情绪激动，请民警协助调解", cst(3, 2, 10))
    return ticket, cst(3, 2, 11)


SCENARIOS = {
    "new": _new,
    "walk_in": _walk_in,
    "in_progress": _in_progress,
    "waiting_resident": _waiting,
    "resolved": _resolved,
    "last_callback_attempt": _last_callback_attempt,
    "referred": _referred,
    "callback_overdue": _callback_overdue,
    "closed": _closed,
    "returned": _returned,
    "escalated": _escalated,
    "overdue_at_the_top": _overdue_at_the_top,
    "deadline_passed_unswept": _deadline_passed_unswept,
    "transferred_outside": _transferred_outside,
    "shop_in_progress": _shop_in_progress,
    "dispute_with_the_police": _dispute_with_the_police,
    "termination_proposed": _termination_proposed,
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_listed_actions_are_accepted_and_omitted_ones_refused(d: District, scenario: str) -> None:
    ticket, now = SCENARIOS[scenario](d)

    for actor in ACTORS:
        listed = available_actions(d.world, ticket, actor, now)
        accepted = [action for action in ATTEMPTS if _accepted(d.world, ticket, actor, action, now)]
        assert listed == [action for action in ORDER if action in accepted], (scenario, actor)


def _offered(d: District, scenario: str, actor: str) -> list[str]:
    ticket, now = SCENARIOS[scenario](d)
    return available_actions(d.world, ticket, actor, now)


EXT = "extend"


@pytest.mark.parametrize(
    ("scenario", "actor", "expected"),
    [
        ("new", a(BUILDING_1), ["acknowledge", "note", "invite", "transfer", "return_to_resident"]),
        ("new", SUPERVISOR, ["note", "invite", "transfer", "extend"]),
        ("new", a(BUILDING_2), []),
        ("walk_in", a(INTAKE_1), ["note", "invite", "transfer", "return_to_resident"]),  # the first responder alone may
        ("walk_in", b(INTAKE_1), []),  # not the other holder of the first responder's post
        ("walk_in", a(BUILDING_1), ["acknowledge", "note", "invite", "transfer"]),
        (
            "in_progress",
            b(BUILDING_1),
            ["note", "invite", "transfer", "pause", "resolve", "refer", "propose_termination"],
        ),
        ("waiting_resident", a(BUILDING_1), ["note", "invite", "resume", "propose_termination"]),
        (
            "termination_proposed",
            SUPERVISOR,
            ["note", "invite", "transfer", "approve_termination", "reject_termination", "extend"],
        ),
        ("termination_proposed", a(BUILDING_1), ["note", "invite", "transfer", "pause", "resolve", "refer"]),
        ("resolved", a(BUILDING_1), ["note", "invite", "callback"]),
        ("resolved", b(BUILDING_1), ["note", "invite", "callback"]),  # the other holder of the first responder's post
        ("resolved", a(GRID_1), []),
        ("callback_overdue", SUPERVISOR, ["note", "invite"]),  # no running deadline left to extend
        ("closed", a(BUILDING_1), ["note"]),
        ("escalated", a(GRID_1), ["acknowledge", "note", "invite", "transfer", "return_to_resident"]),
        ("escalated", a(BUILDING_1), []),  # never signed for it: not its first responder
        ("deadline_passed_unswept", SUPERVISOR, ["note", "invite", "transfer"]),  # too late to extend
        ("transferred_outside", a(BUILDING_1), ["note", "invite", "transfer", "return_to_resident"]),
        ("new", "nobody", []),
        (
            "dispute_with_the_police",
            a(GRID_1),
            ["note", "invite", "release", "transfer", "pause", "mediate", "resolve", "refer", "propose_termination"],
        ),
        ("dispute_with_the_police", c(POLICE_1), ["note", "pause", "mediate", "resolve"]),  # joined: 协同
        ("closed", a(POLICE_1), []),
    ],
)
def test_what_each_person_is_offered(d: District, scenario: str, actor: str, expected: list[str]) -> None:
    if scenario == "nobody_there":
        ticket, now = _new(d)
        assert available_actions(d.world, ticket, actor, now) == expected
        return
    assert _offered(d, scenario, actor) == expected


def test_without_a_moment_an_extension_is_offered_whenever_a_deadline_runs(d: District) -> None:
    ticket, _ = _deadline_passed_unswept(d)

    assert "extend" in available_actions(d.world, ticket, SUPERVISOR)


def test_transfer_targets_are_the_chain_then_the_community_without_the_current_post(d: District) -> None:
    ticket, _ = _new(d)

    targets = [post.id for post in transfer_targets(d.world, ticket)]

    assert targets[:2] == [GRID_1, PARTY_1]  # up the chain first
    assert set(targets) == {GRID_1, PARTY_1, POLICE_1, INTAKE_1, STREET_LEADER, SHOP_LEADER}
    assert BUILDING_1 not in targets and PARTY_2 not in targets


def test_every_offered_target_is_accepted_by_the_transfer_rule(d: District) -> None:
    ticket, now = _in_progress(d)

    for post in transfer_targets(d.world, ticket):
        moved = deepcopy(ticket)
        rules.transfer(d.world, moved, a(BUILDING_1), post.id, "转交", now)
        assert moved.post_id == post.id
