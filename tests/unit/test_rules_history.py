"""Refused actions leave the ticket untouched; every action leaves a history that ends in the ticket's state."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from district import (
    BUILDING_1,
    GRID_1,
    INTAKE_1,
    MONDAY,
    SUPERVISOR,
    District,
    a,
    b,
    cst,
)

from ticketing.domain import rules
from ticketing.domain.errors import NotAllowed, TicketingError
from ticketing.domain.guards import Satisfaction
from ticketing.domain.rules import World
from ticketing.domain.ticket import HistoryEntry, Outcome, Ticket
from ticketing.domain.workflow import Duration

Act = Callable[[World, Ticket, str, datetime], Outcome]

ACTS: dict[str, Act] = {
    "acknowledge": lambda w, t, actor, now: rules.acknowledge(w, t, actor, now),
    "transfer": lambda w, t, actor, now: rules.transfer(w, t, actor, GRID_1, "需网格长协调", now),
    "pause": lambda w, t, actor, now: rules.pause(w, t, actor, "等居民", now),
    "resume": lambda w, t, actor, now: rules.resume(w, t, actor, now),
    "resolve": lambda w, t, actor, now: rules.resolve(w, t, actor, "已处理", now),
    "refer": lambda w, t, actor, now: rules.refer(w, t, actor, "区住建局", "不属社区职责", now),
    "callback": lambda w, t, actor, now: rules.callback(
        w, t, actor, True, Satisfaction.SATISFIED, "", now, solved=True
    ),
    "return_to_resident": lambda w, t, actor, now: rules.return_to_resident(w, t, actor, "重复", now),
}


def _ticket_in(d: District, state: str) -> Ticket:
    """A ticket at building 1, acknowledged by its A holder (the first responder) as far as ``state`` needs."""
    ticket = d.open("b1")
    steps = {
        "new": [],
        "in_progress": ["acknowledge"],
        "waiting_resident": ["acknowledge", "pause"],
        "resolved": ["acknowledge", "resolve"],
        "referred": ["acknowledge", "refer"],
        "closed": ["acknowledge", "resolve", "callback"],
    }[state]
    for step in steps:
        ACTS[step](d.world, ticket, a(BUILDING_1), MONDAY)
    return ticket


@pytest.mark.parametrize(
    ("state", "action", "allowed"),
    [
        ("new", "resolve", "acknowledge, transfer, escalate, return_to_resident"),
        ("new", "pause", "acknowledge, transfer, escalate, return_to_resident"),
        ("in_progress", "acknowledge", "transfer, escalate, pause, resolve, refer, terminate"),
        ("in_progress", "resume", "transfer, escalate, pause, resolve, refer, terminate"),
        ("waiting_resident", "resolve", "resume, terminate"),
        ("waiting_resident", "transfer", "resume, terminate"),
        ("resolved", "resolve", "callback"),
        ("referred", "transfer", "callback"),
        ("closed", "acknowledge", "nothing"),
        ("closed", "callback", "nothing"),
    ],
)
def test_a_wrong_action_for_the_state_is_refused_and_changes_nothing(
    d: District, state: str, action: str, allowed: str
) -> None:
    ticket = _ticket_in(d, state)
    before = replace(ticket)

    with pytest.raises(NotAllowed, match=rf"cannot {action} a ticket in state '{state}' \(.*\); allowed: {allowed}$"):
        ACTS[action](d.world, ticket, a(BUILDING_1), cst(3, 3, 9))

    assert ticket == before


@pytest.mark.parametrize("action", ["acknowledge", "pause", "resolve"])
def test_only_the_posts_holders_work_the_ticket(d: District, action: str) -> None:
    ticket = _ticket_in(d, "new" if action == "acknowledge" else "in_progress")
    before = replace(ticket)

    message = f"{action} on ticket T0001 is for the holders of post {BUILDING_1} (A {a(BUILDING_1)}, B {b(BUILDING_1)})"
    with pytest.raises(NotAllowed, match=re.escape(message)):
        ACTS[action](d.world, ticket, a(GRID_1), cst(3, 3, 9))

    assert ticket == before


def _rows(entries: list[HistoryEntry]) -> list[tuple[object, ...]]:
    return [(e.action, e.actor_id, e.from_state, e.to_state, e.tier, e.post_id, e.holder_id) for e in entries]


def test_a_long_realistic_life_leaves_a_complete_history(d: District) -> None:
    history: list[HistoryEntry] = []

    def did(outcome: Outcome) -> None:
        history.extend(outcome.entries)

    ticket, opened = d.open_with_outcome("b1", registrar=a(INTAKE_1), at=MONDAY)
    did(opened)
    did(d.expire(ticket))  # nobody acknowledged by 11:00: B gets it
    did(rules.acknowledge(d.world, ticket, b(BUILDING_1), cst(3, 2, 11, 30)))
    did(rules.pause(d.world, ticket, b(BUILDING_1), "等居民在家", cst(3, 2, 14)))
    did(rules.resume(d.world, ticket, b(BUILDING_1), cst(3, 3, 9)))
    d.away(b(BUILDING_1), since=cst(3, 3, 12))
    did(rules.cover_absence(d.world, ticket, b(BUILDING_1), "外出培训", cst(3, 3, 12)))
    did(rules.transfer(d.world, ticket, a(BUILDING_1), GRID_1, "需协调物业", cst(3, 3, 14)))
    did(rules.acknowledge(d.world, ticket, a(GRID_1), cst(3, 3, 15)))
    did(rules.resolve(d.world, ticket, a(GRID_1), "已协调物业更换", cst(3, 4, 16)))
    did(rules.callback(d.world, ticket, b(INTAKE_1), False, None, "无人接听", cst(3, 5, 10)))
    did(
        rules.callback(
            d.world, ticket, a(INTAKE_1), True, Satisfaction.UNSATISFIED, "晚上还是不亮", cst(3, 5, 15), solved=False
        )
    )
    did(rules.extend(d.world, ticket, SUPERVISOR, Duration.parse("1d"), "需采购配件", cst(3, 5, 16)))
    did(rules.resolve(d.world, ticket, a(GRID_1), "配件已换", cst(3, 6, 16)))
    did(d.expire(ticket))  # nobody called back in time
    did(rules.callback(d.world, ticket, a(INTAKE_1), True, Satisfaction.SATISFIED, "", cst(3, 10, 10), solved=True))

    bl, gl = BUILDING_1, GRID_1
    assert _rows(history) == [
        ("open", a(INTAKE_1), None, "new", 0, bl, a(bl)),
        ("handover", None, "new", "new", 0, bl, b(bl)),
        ("acknowledge", b(bl), "new", "in_progress", 0, bl, b(bl)),
        ("pause", b(bl), "in_progress", "waiting_resident", 0, bl, b(bl)),
        ("resume", b(bl), "waiting_resident", "in_progress", 0, bl, b(bl)),
        ("handover", None, "in_progress", "in_progress", 0, bl, a(bl)),
        ("transfer", a(bl), "in_progress", "new", 1, gl, a(gl)),
        ("acknowledge", a(gl), "new", "in_progress", 1, gl, a(gl)),
        ("resolve", a(gl), "in_progress", "resolved", 1, gl, a(gl)),
        ("callback", b(INTAKE_1), "resolved", "resolved", 1, gl, a(gl)),
        ("callback", a(INTAKE_1), "resolved", "in_progress", 1, gl, a(gl)),
        ("extend", SUPERVISOR, "in_progress", "in_progress", 1, gl, a(gl)),
        ("resolve", a(gl), "in_progress", "resolved", 1, gl, a(gl)),
        ("callback_overdue", None, "resolved", "resolved", 1, gl, a(gl)),
        ("callback", a(INTAKE_1), "resolved", "closed", 1, gl, a(gl)),
    ]
    people = [(e.reason, dict(e.details)) for e in history if e.actor_id is not None and e.action != "acknowledge"]
    assert people == [  # what each person wrote, as they wrote it, and what the line is told from
        ("", {"channel": "walk_in", "registrar": a(INTAKE_1)}),
        ("等居民在家", {}),
        ("", {}),
        ("需协调物业", {"to_post": gl}),
        ("已协调物业更换", {}),
        ("无人接听", {"reached": 0, "attempt": 1, "means": "phone"}),
        ("晚上还是不亮", {"reached": 1, "means": "phone", "solved": 0, "satisfaction": "unsatisfied"}),
        ("需采购配件", {"clock": "resolve", "by": "1d"}),
        ("配件已换", {}),
        ("", {"reached": 1, "means": "phone", "solved": 1, "satisfaction": "satisfied"}),
    ]
    assert [e.at for e in history] == sorted(e.at for e in history)
    assert ticket.state == history[-1].to_state == "closed"
    assert (ticket.first_responder_id, ticket.first_responder_post_id) == (a(INTAKE_1), INTAKE_1)
    assert (ticket.reopen_count, ticket.needs_review, ticket.satisfaction) == (1, True, "satisfied")


# --- random walks -------------------------------------------------------------------

LOCATIONS = [None, "b1", "b2", "g1", "c1", "seg1", "shop1"]
CATEGORIES = ["property_repair", "neighbour_dispute", "shop_complaint", "street_order"]
VERDICTS = [None, *Satisfaction]


class Walk:
    """Random but legal-looking moves on one ticket, by people who may or may not be entitled to them."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.d = District()
        self.now = MONDAY
        self.staff = sorted(self.d.org.staff)
        registrar = self.rng.choice([None, None, a(INTAKE_1), b(BUILDING_1)])
        location, category = self.rng.choice(LOCATIONS), self.rng.choice(CATEGORIES)
        self.ticket, opened = self.d.open_with_outcome(location, category, self.now, registrar)
        self.history = list(opened.entries)

    def someone(self) -> str:
        """Usually a holder of the ticket's post or its first responder, sometimes anybody."""
        post = self.d.org.posts[self.ticket.post_id]
        likely = [post.holder_a, post.holder_b, self.ticket.first_responder_id or post.holder_a]
        return self.rng.choice(likely if self.rng.random() < 0.85 else self.staff)

    def move(self) -> Callable[[], Outcome]:
        w, t, rng, now, who = self.d.world, self.ticket, self.rng, self.now, self.someone()
        posts = sorted(self.d.org.posts)
        moves: dict[Callable[[], Outcome], float] = {
            lambda: rules.acknowledge(w, t, who, now): 3,
            lambda: rules.transfer(w, t, who, rng.choice(posts), rng.choice(["转办", ""]), now): 1,
            lambda: rules.pause(w, t, who, "等居民", now): 1,
            lambda: rules.resume(w, t, who, now): 2,
            lambda: rules.resolve(w, t, who, "已处理", now): 3,
            lambda: rules.refer(w, t, who, "区住建局", "", now): 1,
            lambda: rules.return_to_resident(w, t, who, "重复", now): 0.2,
            lambda: rules.callback(w, t, who, rng.random() < 0.6, rng.choice(VERDICTS), "", now, solved=True): 3,
            lambda: rules.extend(w, t, rng.choice([SUPERVISOR, who]), Duration.parse("4h"), "延期", now): 1,
            lambda: rules.note(w, t, who, "已电话联系", now): 0.5,
            lambda: rules.close(w, t, who, now): 0.3,
            self.leave: 1,
            self.come_back: 1,
        }
        if t.clock is not None and t.due_at is not None:
            moves[self.expire] = 2
        return rng.choices(list(moves), list(moves.values()))[0]

    def expire(self) -> Outcome:
        assert self.ticket.clock is not None and self.ticket.due_at is not None
        self.now = max(self.now, self.ticket.due_at)
        return rules.deadline_passed(self.d.world, self.ticket, self.ticket.clock, self.now)

    def leave(self) -> Outcome:
        holder = self.ticket.holder_id or self.someone()
        self.d.away(holder, since=self.now)
        return rules.cover_absence(self.d.world, self.ticket, holder, "临时外出", self.now)

    def come_back(self) -> Outcome:
        returning = self.d.org.posts[self.ticket.post_id].holder_a
        self.d.back(returning)
        return rules.hand_back(self.d.world, self.ticket, returning, self.now)

    def step(self) -> None:
        self.now += timedelta(minutes=self.rng.randrange(0, 8 * 60))
        before = replace(self.ticket)
        try:
            outcome = self.move()()
        except TicketingError:
            assert self.ticket == before, "a refused action changed the ticket"
            return
        self.history += outcome.entries
        if before.first_responder_id is not None:
            assert (self.ticket.first_responder_id, self.ticket.first_responder_post_id) == (
                before.first_responder_id,
                before.first_responder_post_id,
            )

    def check(self) -> None:
        t, spec = self.ticket, self.d.world.spec(self.ticket)
        state = spec.state(t.state)
        assert self.history[-1].to_state == t.state
        for earlier, later in zip(self.history, self.history[1:], strict=False):
            assert later.from_state == earlier.to_state, f"{later.action} starts where nothing ended"
            assert later.at >= earlier.at
        assert t.holder_id in (None, *_holders(self.d, t.post_id))
        kinds = [tier.post_kind for tier in spec.chain]
        post_kind = self.d.org.posts[t.post_id].kind
        if post_kind in kinds:
            assert t.tier == kinds.index(post_kind)
        assert 0 <= t.tier < len(kinds)
        if state.final:
            assert (t.clock, t.due_at) == (None, None) and t.closed_at is not None
        elif state.pauses:
            assert (t.clock, t.due_at) == (None, None)
            assert t.paused_remaining is not None or t.overdue, "a paused running deadline must keep its time left"
        elif not (t.overdue or t.needs_review):
            assert t.clock is state.clock and t.due_at is not None, f"no deadline running in {t.state}"
        if t.clock is not None:
            assert t.clock is state.clock and t.due_at is not None


def _holders(d: District, post_id: str) -> tuple[str, ...]:
    return d.org.posts[post_id].holders


@pytest.mark.parametrize("seed", range(50))
def test_random_walks_keep_the_ticket_and_its_history_consistent(seed: int) -> None:
    walk = Walk(seed)
    walk.check()
    for _ in range(60):
        walk.step()
        walk.check()
