"""Tickets' lives, played through the domain's own rules in memory: the rows the application would have written.

Each ticket is opened at its location's first post and then acknowledged,
paused, resolved or referred, called back (reached or not, solved or not,
satisfied or not, by phone, on a visit or through the resident's link),
reopened, sent a tier up, proposed for 诉求终结, or returned to the resident,
each step some working time after the one before on its post's calendar.
Between the steps its one pending timer fires as the sweep would fire it
(reminders, hand-overs, escalations, the overdue flag, 催办, 通报), about a
minute after it falls due.  A ticket that stays open stops where its story
stops (fresh, stalled, or paused for the resident) while its timers go on to
``now``; its next timer stays pending for the worker.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from functools import partial
from typing import Any

from ticketing.db import tickets as store
from ticketing.domain import actors, rules, supervision
from ticketing.domain.cooperation import MediationOutcome
from ticketing.domain.errors import NotAllowed, TicketingError
from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import Organisation, Post, UnitKind
from ticketing.domain.rules import Intake, World, is_dispute, next_attempt_at
from ticketing.domain.ticket import (
    STAFF_CHANNELS,
    CallbackMeans,
    Channel,
    Outcome,
    ResidentChannel,
    Ticket,
    Timer,
    TimerKind,
)
from ticketing.organisation.registry_view import WorldSource
from ticketing.services.changes import plan_timers

TICKET_COLUMNS = (*store.TICKET_FIELDS, "access_token_hash")
MINUTE, DAY = timedelta(minutes=1), timedelta(days=1)
SWEEP_LAG = timedelta(seconds=40)  # the worker sweeps every minute: a timer fires shortly after it falls due
DELIVERY_LAG = timedelta(seconds=5)
OPEN_SHARE = 0.032  # of all tickets, still open at the end (the measured district)
RECENT = 3 * DAY  # tickets younger than this are mostly still open
RECENT_OPEN = 0.6
WAITING_SHARE = 0.4  # of the older open tickets: paused, waiting for the resident

# (category, share) by where a request comes from; each category's workflow decides its chain.
_INSIDE = (
    ("property_repair", 30),
    ("sanitation", 16),
    ("public_facilities", 12),
    ("elderly_services", 8),
    ("policy_enquiry", 10),
    ("other", 4),
    ("neighbour_dispute", 4),
    ("property_dispute", 2),
    ("family_dispute", 1),
)
_OUTSIDE = (("shop_complaint", 5), ("street_order", 5), ("sanitation", 3), ("public_facilities", 3))
_OUTSIDE_SHARE = 0.12
_MEDIATIONS = ((MediationOutcome.SUCCESS, 70), (MediationOutcome.PARTIAL, 15), (MediationOutcome.FAILED, 15))
_DESCRIPTIONS = {
    "property_repair": ("楼道声控灯不亮", "楼顶漏水，下雨天屋里滴水", "单元门禁坏了", "水管漏水"),
    "sanitation": ("垃圾桶满了没人清运", "楼下杂物占用消防通道", "绿化带无人修剪"),
    "public_facilities": ("健身器材螺丝松动", "路灯不亮", "井盖松动有响声"),
    "elderly_services": ("独居老人想申请助餐服务", "想了解老年证办理"),
    "policy_enquiry": ("咨询公积金提取政策", "咨询居住证办理", "咨询医保报销"),
    "other": ("其他诉求",),
    "neighbour_dispute": ("楼上噪音扰民", "邻居占用公共走廊"),
    "property_dispute": ("物业费收费有争议",),
    "family_dispute": ("家庭赡养纠纷",),
    "shop_complaint": ("烧烤店油烟太大", "市场摊位缺斤少两"),
    "street_order": ("人行道被电动车占满", "占道经营"),
}
_CHANNELS = ((Channel.WEB, 35), (Channel.PHONE, 35), (Channel.API, 10), (Channel.WALK_IN, 15), (Channel.ON_BEHALF, 5))
HISTORY_COLUMNS = (
    "ticket_id",
    "at",
    "actor_id",
    "action",
    "from_state",
    "to_state",
    "tier",
    "post_id",
    "holder_id",
    "reason",
)
DEADLINE_COLUMNS = ("ticket_id", "kind", "clock", "step", "tier", "due_at", "status", "fired_at")
NOTICE_COLUMNS = ("ticket_id", "recipient_id", "event", "created_at", "sent_at", "idempotency_key", "attempts")


@dataclass
class Rows:
    """A batch of rows to write, as tuples in the column order of ``TICKET_COLUMNS``, ``HISTORY_COLUMNS``…"""

    tickets: list[tuple[Any, ...]] = field(default_factory=list)
    history: list[tuple[Any, ...]] = field(default_factory=list)
    deadlines: list[tuple[Any, ...]] = field(default_factory=list)
    notices: list[tuple[Any, ...]] = field(default_factory=list)
    open: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class Chunk:
    """Consecutive tickets to live: ids from ``first_id``, one opening moment each, their own random stream."""

    first_id: int
    moments: list[datetime]
    seed: int
    now: datetime
    older_open: float  # the chance that a ticket older than ``RECENT`` is still open


def live_chunk(world: World, worlds: WorldSource, chunk: Chunk) -> Rows:
    """The rows of a chunk's tickets; the same chunk always gives the same rows."""
    rng = random.Random(chunk.seed)
    story, rows = Story(world, worlds, rng), Rows()
    for offset, at in enumerate(chunk.moments):
        ticket, outcome = story.open(chunk.first_id + offset, at)
        life = Life(world, ticket, outcome, chunk.now, rows, rng)
        stays_open = rng.random() < (RECENT_OPEN if at > chunk.now - RECENT else chunk.older_open)
        story.live(life, stays_open)
        rows.open += ticket.closed_at is None
        rows.overdue += ticket.overdue and ticket.closed_at is None
    return rows


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def indexed(world: World) -> World:
    """The world with ``holds`` answered from a dictionary (the registry's own walks every post)."""
    org = world.org
    names = ("units", "posts", "staff", "default_intake_community", "volunteer_calendar")
    found = _IndexedOrganisation(**{name: getattr(org, name) for name in names})
    found.held = {}
    for post in org.posts.values():
        for holder in dict.fromkeys(post.holders):
            found.held.setdefault(holder, []).append(post)
    return replace(world, org=found)


class _IndexedOrganisation(Organisation):
    """The registry with ``holds`` answered from a dictionary: it does not change during a run."""

    __slots__ = ("held",)
    held: dict[str, list[Post]]

    def holds(self, staff_id: str) -> list[Post]:
        return self.held.get(staff_id, [])


class Life:
    """One ticket's story: its rule outcomes become rows, its single pending timer fires as the sweep would."""

    def __init__(
        self, world: World, ticket: Ticket, outcome: Outcome, now: datetime, rows: Rows, rng: random.Random
    ) -> None:
        self.world, self.ticket, self.rows, self.rng = world, ticket, rows, rng
        self.end = self.stop = now  # timers fire until the end; staff act until the story stops
        self.pending: Timer | None = None
        self._effects(outcome, ticket.created_at)

    def _effects(self, outcome: Outcome, at: datetime, changed: bool = True) -> None:
        ticket, rows = self.ticket, self.rows
        if changed and outcome.deadline_changed:
            plan_timers(self.world, ticket, outcome, at)
            if self.pending is not None:
                self._timer_row(self.pending, "cancelled", None)
            self.pending = outcome.timers[0] if outcome.timers else None
        for entry in outcome.entries:
            said = (entry.at, entry.actor_id, entry.action.value, entry.from_state, entry.to_state)
            rows.history.append((ticket.id, *said, entry.tier, entry.post_id, entry.holder_id, entry.reason))
        for notice in outcome.notices:
            key = uuid.UUID(int=self.rng.getrandbits(128)).hex
            rows.notices.append((ticket.id, notice.recipient_id, notice.event.value, at, at + DELIVERY_LAG, key, 1))

    def _timer_row(self, timer: Timer, status: str, fired_at: datetime | None) -> None:
        clock = timer.clock.value if timer.clock else None
        row = (self.ticket.id, timer.kind.value, clock, timer.step, self.ticket.tier, timer.at, status, fired_at)
        self.rows.deadlines.append(row)

    def run_timers(self, until: datetime) -> None:
        """Fire every timer due before ``until`` (and before the end), as the sweep does."""
        while self.pending is not None and self.pending.at + SWEEP_LAG < min(until, self.end):
            timer, at = self.pending, self.pending.at + SWEEP_LAG
            self.pending = None
            self._timer_row(timer, "done", at)
            outcome = supervision.fire(self.world, self.ticket, timer, at)
            if outcome is not None and outcome.deadline_changed:
                self.ticket.version += 1
                self._effects(outcome, at)
            elif timer.kind is TimerKind.REMINDER:
                outcome = outcome or Outcome()
                self.pending = next(iter(supervision.next_timer(self.world, self.ticket, at)), None)
                self._effects(outcome, at, changed=False)

    def act(self, at: datetime, apply: Callable[[Ticket, datetime], Outcome]) -> bool:
        """Apply one staff action at ``at`` after the timers due before it; False if it is past the end or refused."""
        self.run_timers(at)
        if at >= self.stop:
            return False
        try:
            outcome = apply(self.ticket, at)
        except TicketingError:
            return False
        self.ticket.version += 1
        self._effects(outcome, at)
        return True

    def finish(self) -> None:
        """The pending timer stays pending (the worker fires it); the ticket row is written as it stands."""
        self.run_timers(self.end)
        if self.pending is not None:
            self._timer_row(self.pending, "pending", None)
        values = store.ticket_values(self.ticket)
        self.rows.tickets.append((*(_plain(values[name]) for name in store.TICKET_FIELDS), None))  # no private link


class Story:
    """The random choices of a run: when, where, what, and how each ticket's life goes."""

    def __init__(self, world: World, worlds: WorldSource, rng: random.Random) -> None:
        self.world, self.worlds, self.rng = world, worlds, rng
        units = world.org.units.values()
        self.inside = sorted(u.id for u in units if u.kind is UnitKind.BUILDING)
        self.outside = sorted(u.id for u in units if u.kind in (UnitKind.SEGMENT, UnitKind.SHOP))
        self.communities = sorted(u.id for u in units if u.kind is UnitKind.COMMUNITY)
        self.unit_holders: dict[str | None, list[str]] = {}
        for post in world.org.posts.values():
            self.unit_holders.setdefault(post.unit_id, []).extend(post.holders)
        if not self.inside:
            raise SystemExit("the database has no district: load one first (ticketing demo --district full)")

    def pick(self, choices: Sequence[tuple[Any, int]]) -> Any:
        return self.rng.choices([c for c, _ in choices], [w for _, w in choices])[0]

    def open(self, ticket_id: int, at: datetime) -> tuple[Ticket, Outcome]:
        rng = self.rng
        if rng.random() < _OUTSIDE_SHARE and self.outside:
            location, category = rng.choice(self.outside), self.pick(_OUTSIDE)
        else:
            location = rng.choice(self.inside) if rng.random() < 0.93 else rng.choice(self.communities)
            category = self.pick(_INSIDE)
        world = self.world
        kind = world.org.units[location].kind
        spec = self.worlds.catalogue.for_category(category, kind if kind is not UnitKind.COMMUNITY else None)
        channel = self.pick(_CHANNELS)
        registrar = self._registrar(location) if channel in STAFF_CHANNELS else None
        if channel in STAFF_CHANNELS and registrar is None:
            channel = Channel.WEB
        phone = f"13{rng.randrange(100_000_000, 999_999_999)}" if rng.random() < 0.96 else ""
        notify = ResidentChannel.SMS if phone and rng.random() < 0.5 else ResidentChannel.NONE
        text = rng.choice(_DESCRIPTIONS[category])
        intake = Intake(spec.name, category, text, channel, phone, location, "", None, None, "居民", "", notify)
        number = f"{at.astimezone(self.worlds.tz):%y%m%d}-{ticket_id:06d}"
        return rules.open_ticket(world, intake, ticket_id, number, at, registrar)

    def _registrar(self, location: str) -> str | None:
        """Whoever answered the phone or the counter: the community service centre's intake post."""
        post = self.world.org.intake_post(location)
        return post.holder_a if post is not None else None

    def live(self, life: Life, stays_open: bool) -> None:
        """Acknowledge, handle, call back, close: each step some working time after the one before."""
        rng, ticket = self.rng, life.ticket
        at = ticket.created_at
        waits = stays_open and rng.random() < WAITING_SHARE  # paused for the resident (等待居民), not overdue
        if stays_open and not waits:  # the story stops here: a fresh ticket, or one stalled at some step
            life.stop = min(life.end, self._later(ticket, at, rng.choice((0.1, 0.5, 2, 8))))
        if rng.random() < 0.01:
            at = self._later(ticket, at, 0.5)
            life.act(at, partial(self._do, "return_to_resident", reason="与已受理工单重复"))
            life.finish()
            return
        late = rng.random() < 0.04  # the holder misses the acknowledge deadline: the timers take over
        at = self._later(ticket, at, 12 if late else 0.3)
        if not life.act(at, partial(self._do, "acknowledge")):
            life.finish()
            return
        if waits or rng.random() < 0.05:
            at = self._later(ticket, at, 1)
            life.act(at, partial(self._do, "pause", reason="等居民下班后入户查看"))
            if waits:
                life.stop = at
            at += self._wait(20)
            life.act(at, partial(self._do, "resume"))
        for round_ in range(3):
            at = self._later(ticket, at, 20 if rng.random() < 0.04 else 4)
            life.run_timers(at)
            if ticket.state == "new":  # escalated or sent a tier up (提级办理): the new holder acknowledges first
                if not life.act(at, partial(self._do, "acknowledge")):
                    break
                at = self._later(ticket, at, 4)
            if round_ == 0 and rng.random() < 0.03:
                if not life.act(at, partial(self._do, "propose_termination", reason="不属法定受理范围")):
                    break
                at = self._later(ticket, at, 4)
                decision = "approve_termination" if rng.random() < 0.8 else "reject_termination"
                if not life.act(at, partial(self._decide, decision)) or decision == "approve_termination":
                    break
                at = self._later(ticket, at, 4)
            if round_ == 0 and is_dispute(self.world, ticket):  # 调解: the handler records how it ended
                result = self.pick(_MEDIATIONS)
                agreement = "双方达成调解协议" if result is not MediationOutcome.FAILED else ""
                life.act(at, partial(self._do, "mediate", result=result.value, agreement=agreement))
                at = self._later(ticket, at, 1)
            if round_ == 0 and rng.random() < 0.03:
                done = life.act(at, partial(self._do, "refer", body="市住房公积金管理中心", reason="不属社区职权"))
            else:
                done = life.act(at, partial(self._do, "resolve", resolution="已处理完毕"))
            if not done or not self._call_back(life, at):
                break
        life.finish()

    def _call_back(self, life: Life, resolved_at: datetime) -> bool:
        """The callback after handling; True when it reopened the ticket (another round follows)."""
        rng, ticket = self.rng, life.ticket
        at = self._later(ticket, resolved_at, 1.2)
        if ticket.contact_phone and rng.random() < 0.06:  # not reached: attempts spaced as the workflow requires
            for _ in range(3 if rng.random() < 0.5 else 1):
                at = max(at, next_attempt_at(self.world, ticket) or at)
                if not life.act(at, partial(self._callback, reached=False)) or ticket.closed_at is not None:
                    return False
                at = self._later(ticket, at, 3)
            at = max(at, next_attempt_at(self.world, ticket) or at)
        verdict = self.pick(
            ((Satisfaction.SATISFIED, 82), (Satisfaction.BASICALLY_SATISFIED, 12), (Satisfaction.UNSATISFIED, 6))
        )
        solved = verdict is not Satisfaction.UNSATISFIED or rng.random() < 0.3
        if ticket.contact_phone and rng.random() < 0.1:
            life.act(at, partial(self._feedback, verdict, solved))
        else:
            life.act(at, partial(self._callback, reached=True, satisfaction=verdict, solved=solved))
        return ticket.closed_at is None and ticket.state not in ("resolved", "referred")

    def _callback(self, ticket: Ticket, at: datetime, **params: Any) -> Outcome:
        """A callback by phone (now and then a visit), by a caller the ticket allows."""
        means = CallbackMeans.PHONE if ticket.contact_phone else CallbackMeans.VISIT
        if means is CallbackMeans.PHONE and params.get("reached") and self.rng.random() < 0.05:
            means = CallbackMeans.VISIT
        callers = sorted(actors.callers(self.world.org, ticket))
        actor = ticket.first_responder_id if means is CallbackMeans.VISIT else (callers[0] if callers else None)
        return rules.callback(
            self.world,
            ticket,
            actor,
            params["reached"],
            params.get("satisfaction"),
            "",
            at,
            solved=params.get("solved"),
            means=means,
        )

    def _feedback(self, verdict: Satisfaction, solved: bool, ticket: Ticket, at: datetime) -> Outcome:
        return rules.resident_feedback(self.world, ticket, verdict, "", at, solved=solved)

    def _do(self, action: str, ticket: Ticket, at: datetime, **params: str) -> Outcome:
        """A staff action by the ticket's holder (a return to the resident by the first responder)."""
        actor = ticket.holder_id or self._holders(ticket)[0]
        if action == "return_to_resident":
            actor = ticket.first_responder_id or actor
        rule = getattr(rules, action)
        return rule(self.world, ticket, actor, *params.values(), at)

    def _decide(self, action: str, ticket: Ticket, at: datetime) -> Outcome:
        """A supervisor decides a proposed 诉求终结: whoever of the chain's higher posts the rule accepts."""
        for actor in self._deciders(ticket):
            try:
                if action == "approve_termination":
                    return rules.approve_termination(self.world, ticket, actor, at)
                return rules.reject_termination(self.world, ticket, actor, "请继续办理", at)
            except TicketingError:
                continue
        raise NotAllowed("no supervisor may decide")

    def _deciders(self, ticket: Ticket) -> list[str]:
        return [
            holder for unit in (ticket.community_id, ticket.street_id) for holder in self.unit_holders.get(unit, ())
        ]

    def _holders(self, ticket: Ticket) -> tuple[str, ...]:
        return self.world.org.posts[ticket.post_id].holders

    def _later(self, ticket: Ticket, at: datetime, mean_hours: float) -> datetime:
        """A while of working time on the calendar of the ticket's post: staff act in their working hours."""
        seconds = self.rng.expovariate(1 / mean_hours) * 3600 + 60
        return self.world.calendar_for(ticket.post_id).add_seconds(at, seconds)

    def _wait(self, mean_hours: float) -> timedelta:
        return timedelta(hours=self.rng.expovariate(1 / mean_hours)) + MINUTE
