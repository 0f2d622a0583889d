"""Sample tickets in every state, made through the engine itself.

Each scenario is a short timeline of actions; all timelines run in one time
order, with sweeps at the moments they need, so the result is what the
engine would have produced had the requests really come in.  Loading twice
changes nothing (a ``meta`` marker records that the demo is loaded).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from ticketing.db.engine import writing
from ticketing.db.meta import bump, get_int
from ticketing.demo import load_demo_org
from ticketing.demo.volunteers import TicketHelp, load_volunteers
from ticketing.domain.org import Organisation, UnitKind
from ticketing.domain.rules import next_attempt_at
from ticketing.domain.ticket import Channel, Ticket
from ticketing.organisation.data import ImportSummary
from ticketing.services import Ticketing
from ticketing.services.accounts import set_password

DEMO_MARKER = "demo_tickets"
DEMO_PASSWORD = "demo-2026"
DEMO_LOGINS = (
    ("S0013", "building leader 楼长, 阳光小区1号楼 (A)"),
    ("S0010", "grid leader 网格长, 海曲社区第一网格 (A)"),
    ("S0004", "supervisor: community party secretary 社区党组织书记, 海曲社区 (A)"),
    ("S0002", "supervisor: street committee supervisor 街道党工委督办岗, 秦楼街道 (A)"),
    ("S0001", "admin"),
)

Step = Callable[[Ticketing, datetime], None]


@dataclass
class _Scenario:
    """One sample ticket: where it is, what it is about, what happened to it and when."""

    location_id: str
    category: str
    description: str
    opened_ago: timedelta
    steps: list[tuple[timedelta, str, dict[str, Any]]]
    ticket: Ticket | None = None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))


HOUR, DAY = timedelta(hours=1), timedelta(days=1)

# (what happened after opening, action, parameters); the actor is worked out from the ticket.
_STORIES: list[tuple[str, str, timedelta, list[tuple[timedelta, str, dict[str, object]]]]] = [
    ("property_repair", "楼道声控灯不亮，晚上上下楼很不方便", 10 * timedelta(minutes=1), []),
    ("sanitation", "小区垃圾桶满了两天没人清运", 90 * timedelta(minutes=1), []),
    ("public_facilities", "单元门禁坏了，陌生人随意进出", 4 * DAY, []),
    ("elderly_services", "独居老人想申请助餐服务", 20 * HOUR, [(HOUR, "acknowledge", {})]),
    (
        "property_repair",
        "楼顶漏水，下雨天屋里滴水",
        30 * HOUR,
        [(HOUR, "acknowledge", {}), (2 * HOUR, "pause", {"reason": "等居民下班后入户查看"})],
    ),
    (
        "sanitation",
        "楼下有人乱堆杂物占用消防通道",
        6 * HOUR,
        [(HOUR, "acknowledge", {}), (3 * HOUR, "resolve", {"resolution": "已联系住户清理，通道畅通"})],
    ),
    (
        "policy_enquiry",
        "咨询公积金提取政策",
        5 * HOUR,
        [(HOUR, "acknowledge", {}), (2 * HOUR, "refer", {"body": "市住房公积金管理中心", "reason": "不属社区职权"})],
    ),
    (
        "public_facilities",
        "健身器材螺丝松动有安全隐患",
        3 * DAY,
        [
            (HOUR, "acknowledge", {}),
            (5 * HOUR, "resolve", {"resolution": "已紧固并张贴使用提示"}),
            (DAY, "callback", {"reached": True, "satisfaction": "satisfied", "solved": True, "comment": "很满意"}),
        ],
    ),
    (
        "property_repair",
        "二单元水管爆裂",
        2 * DAY,
        [
            (HOUR, "acknowledge", {}),
            (4 * HOUR, "resolve", {"resolution": "物业已更换水管"}),
            (
                DAY,
                "callback",
                {"reached": True, "satisfaction": "basically_satisfied", "solved": True, "comment": "修得有点慢"},
            ),
        ],
    ),
    (
        "sanitation",
        "绿化带长期无人修剪",
        2 * DAY,
        [
            (HOUR, "acknowledge", {}),
            (3 * HOUR, "resolve", {"resolution": "已安排修剪"}),
            (
                DAY,
                "callback",
                {"reached": True, "satisfaction": "unsatisfied", "solved": False, "comment": "只剪了一半"},
            ),
        ],
    ),
    (
        "elderly_services",
        "想了解老年证办理",
        4 * DAY,
        [
            (HOUR, "acknowledge", {}),
            (2 * HOUR, "resolve", {"resolution": "已电话告知办理流程"}),
            (3 * HOUR, "callback", {"reached": False}),
            (DAY, "callback", {"reached": False}),
            (2 * DAY, "callback", {"reached": False}),
        ],
    ),
    ("other", "重复提交的测试诉求", 3 * HOUR, [(HOUR, "return_to_resident", {"reason": "与已受理工单重复"})]),
    ("public_facilities", "路灯不亮已有一周", 12 * DAY, []),
]


# Outside compounds: a plain shop (its street leader answers), a market's stall (the market's 店长), a segment.
_OUTSIDE_STORIES: list[tuple[str, str, str, timedelta, list[tuple[timedelta, str, dict[str, object]]]]] = [
    ("shop", "shop_complaint", "烧烤店油烟太大，楼上住户开不了窗", 3 * HOUR, []),
    ("stall", "shop_complaint", "市场摊位缺斤少两", 20 * HOUR, [(HOUR, "acknowledge", {})]),
    ("segment", "street_order", "人行道被电动车占满，老人推车过不去", 2 * DAY, []),
]


def _scenarios(org: Organisation, now: datetime) -> list[_Scenario]:
    buildings = sorted(u.id for u in org.units.values() if u.kind is UnitKind.BUILDING)
    step = max(len(buildings) // (3 * len(_STORIES)), 1)
    found = []
    for round_ in range(3):
        for index, (category, text, ago, steps) in enumerate(_STORIES):
            building = buildings[(round_ * len(_STORIES) + index) * step % len(buildings)]
            opened = ago + round_ * 7 * timedelta(minutes=1)
            found.append(_Scenario(building, category, text, opened, steps))
    places = _outside_places(org)
    for place, category, text, ago, steps in _OUTSIDE_STORIES:
        if place in places:
            found.append(_Scenario(places[place], category, text, ago, steps))
    return found


def _outside_places(org: Organisation) -> dict[str, str]:
    """The first plain shop, the first shop a property service unit manages, and the first street segment."""
    found: dict[str, str] = {}
    for unit in sorted(org.units.values(), key=lambda u: u.id):
        parent = org.units.get(unit.parent_id or "")
        if unit.kind is UnitKind.SEGMENT:
            found.setdefault("segment", unit.id)
        elif unit.kind is UnitKind.SHOP and parent is not None:
            found.setdefault("stall" if parent.kind is UnitKind.PROPERTY else "shop", unit.id)
    return found


def _actor(ticket: Ticket, action: str) -> str | None:
    return ticket.first_responder_id if action == "callback" else ticket.holder_id


@dataclass(frozen=True)
class DemoLoad:
    """What loading the demo did."""

    org: ImportSummary
    tickets_opened: int
    deadlines_fired: int
    resident_token: str | None = None
    resident_ticket: str | None = None


def load_demo(
    service: Ticketing,
    now: datetime | None = None,
    district: str = "small",
    progress: Callable[[int, int], None] | None = None,
) -> DemoLoad:
    """Load a demo district (``small`` or ``full``) and its sample tickets once (again: nothing is opened).

    ``progress`` hears ``(done, total)`` as the tickets' timelines are played.
    """
    now = now or datetime.now(UTC)
    with writing(service.engine) as conn:
        summary = load_demo_org(conn, district)
        loaded = get_int(conn, DEMO_MARKER)
        if not loaded:
            bump(conn, DEMO_MARKER)
    for staff_id, _ in DEMO_LOGINS:
        set_password(service.engine, staff_id, DEMO_PASSWORD, now)
    if loaded:
        return DemoLoad(summary, 0, 0)
    with service.engine.connect() as conn:
        org = service.worlds.organisation(conn)
    scenarios = _scenarios(org, now)
    events: list[tuple[datetime, int, Callable[[datetime], object]]] = []
    for order, scenario in enumerate(scenarios):
        opened = now - scenario.opened_ago
        events.append((opened, order, partial(_open, service, scenario)))
        for offset, action, params in scenario.steps:
            events.append((opened + offset, order, partial(_act, service, scenario, action, params, now)))
    for days in (10, 8, 6, 4, 2):
        events.append((now - days * DAY, -1, service.sweep.run))
    events.extend(_volunteer_events(service, org, scenarios, now))
    for done, (at, _, run) in enumerate(sorted(events, key=lambda event: (event[0], event[1])), start=1):
        run(at)
        if progress:
            progress(done, len(events))
    fired = service.sweep.run(now).fired
    first = scenarios[0]
    return DemoLoad(summary, len(scenarios), fired, first.token, first.ticket.number if first.ticket else None)


HELPED = "二单元水管爆裂"  # the story whose first ticket gets volunteer help: asked two hours after opening


def _volunteer_events(
    service: Ticketing, org: Organisation, scenarios: list[_Scenario], now: datetime
) -> list[tuple[datetime, int, Callable[[datetime], object]]]:
    """双报到 and volunteer service loaded now (``ticketing.demo.volunteers``); the help with a ticket as events."""
    order, helped = next((i, s) for i, s in enumerate(scenarios) if s.description == HELPED)
    community = org.ancestor(helped.location_id, UnitKind.COMMUNITY)
    made = load_volunteers(service, org, now, community.id if community else None)

    def number() -> str:
        assert helped.ticket is not None
        return helped.ticket.number

    steps = TicketHelp(service, made, number).events(now - helped.opened_ago + 2 * HOUR)
    return [(at, order, run) for at, run in steps]


def _open(service: Ticketing, scenario: _Scenario, at: datetime) -> None:
    scenario.ticket = service.open_ticket(
        category=scenario.category,
        description=scenario.description,
        contact_phone="13806330000",
        contact_name="居民",
        location_id=scenario.location_id,
        channel=Channel.WEB,
        now=at,
        access_token=scenario.token,
    )


def _act(
    service: Ticketing, scenario: _Scenario, action: str, params: dict[str, Any], now: datetime, at: datetime
) -> None:
    if scenario.ticket is None:
        raise RuntimeError(f"demo scenario acts before its ticket is open: {scenario}")
    current = service.show(scenario.ticket.number).ticket
    if action == "callback" and not params.get("reached", True):
        at = _spaced(service, current, at)
        if at > now:
            return  # a holiday leaves no working time for this attempt yet: it stays to be made
    scenario.ticket = service.act(current.number, action, _actor(current, action), at, **params)


def _spaced(service: Ticketing, ticket: Ticket, at: datetime) -> datetime:
    """An unreached callback waits for the spacing the engine requires (around holidays too), as a caller would."""
    with service.engine.connect() as conn:
        earliest = next_attempt_at(service.worlds.world(conn), ticket)
    return max(at, earliest) if earliest else at
