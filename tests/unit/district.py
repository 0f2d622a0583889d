"""A small district built in code, and the rules' ``World`` over it, for the rule tests.

One street (st1) with a street committee post; two communities (c1, c2) each
with party, police and intake posts; a grid per community with a grid
leader; a building per grid with a building leader; in grid g1 a street
segment with a street leader, a plain shop on it (shop1, no post) and a
property service unit (prop1, a market's office) with a shop leader, which
manages a stall (stall1); in grid g2 a property service unit (prop2)
directly in the grid, on no segment.  Every post has distinct A and B
holders, named ``<post>/A`` and ``<post>/B``; the police posts have a third
holder after B, ``<post>/C`` (an officer and two auxiliaries); the street
committee's A holder is the one supervisor.

Calendars: grid leaders work staggered evening hours (14:00–21:00 on
workdays, 09:00–12:00 at weekends); the building leaders name the standard
office hours (08:30–12:00, 13:30–17:30) as their posts' own calendar, as a
volunteer post may, so the deadline tests count office hours; the street
and shop leaders keep the volunteers' day time (08:00–20:00 every day);
everyone else keeps the standard office hours.  The holiday table is Monday to Friday
except the Qingming break, 4–6 April 2026.  Absences are a plain dict the
tests fill.  Time is always given: 2026-03-02 is a Monday.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from ticketing.domain.calendar import (
    STANDARD_HOURS,
    VOLUNTEER_HOURS,
    DayKind,
    WeekdayHolidays,
    WorkingCalendar,
    WorkingHours,
)
from ticketing.domain.org import Absence, Organisation, Post, PostKind, Role, Staff, Unit, UnitKind
from ticketing.domain.rules import Intake, World, acknowledge, deadline_passed, open_ticket
from ticketing.domain.ticket import Channel, HistoryEntry, Outcome, Ticket
from ticketing.workflow.files import Catalogue, load_workflows

REPO = Path(__file__).resolve().parents[2]
TZ = ZoneInfo("Asia/Shanghai")

STREET_COMMITTEE = "st1:street_committee"
PARTY_1, POLICE_1, INTAKE_1 = "c1:community_party", "c1:community_police", "c1:intake"
PARTY_2, POLICE_2, INTAKE_2 = "c2:community_party", "c2:community_police", "c2:intake"
GRID_1, GRID_2 = "g1:grid_leader", "g2:grid_leader"
BUILDING_1, BUILDING_2 = "b1:building_leader", "b2:building_leader"
STREET_LEADER = "seg1:street_leader"
SHOP_LEADER = "prop1:shop_leader"
SHOP_LEADER_2 = "prop2:shop_leader"
SUPERVISOR = f"{STREET_COMMITTEE}/A"

GRID_HOURS = WorkingHours.parse("grid_evening", {"workday": ["14:00-21:00"], "restday": ["09:00-12:00"]})
OWN_CALENDARS = {PostKind.GRID_LEADER: GRID_HOURS.id, PostKind.BUILDING_LEADER: STANDARD_HOURS.id}
QINGMING_2026 = frozenset({date(2026, 4, 4), date(2026, 4, 5), date(2026, 4, 6)})


def a(post_id: str) -> str:
    """The A (primary) holder of a post."""
    return f"{post_id}/A"


def b(post_id: str) -> str:
    """The B (backup) holder of a post."""
    return f"{post_id}/B"


def c(post_id: str) -> str:
    """The third holder of a post that has one (the police posts' second auxiliary)."""
    return f"{post_id}/C"


def cst(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of 2026 in China Standard Time."""
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


MONDAY = cst(3, 2, 9)
YEAR_START, YEAR_END = cst(1, 1, 0), cst(12, 31, 0)


class Holidays:
    """Monday to Friday are workdays, except the Qingming break."""

    def day_kind(self, day: date) -> DayKind:
        return DayKind.HOLIDAY if day in QINGMING_2026 else WeekdayHolidays().day_kind(day)


@cache
def catalogue() -> Catalogue:
    """The shipped workflow files, read once per session."""
    return load_workflows([REPO / "workflows"])


def build_org() -> Organisation:
    units = [
        Unit("d", UnitKind.DISTRICT, "东港区", None),
        Unit("st1", UnitKind.STREET, "日照街道", "d"),
        Unit("c1", UnitKind.COMMUNITY, "海曲社区", "st1"),
        Unit("c2", UnitKind.COMMUNITY, "北京路社区", "st1"),
        Unit("g1", UnitKind.GRID, "海曲第一网格", "c1"),
        Unit("g2", UnitKind.GRID, "北京路第一网格", "c2"),
        Unit("b1", UnitKind.BUILDING, "海曲小区1号楼", "g1"),
        Unit("b2", UnitKind.BUILDING, "北京路小区2号楼", "g2"),
        Unit("seg1", UnitKind.SEGMENT, "海曲中路", "g1"),
        Unit("shop1", UnitKind.SHOP, "海曲中路便民超市", "seg1"),
        Unit("prop1", UnitKind.PROPERTY, "海曲中路农贸市场服务中心", "seg1"),
        Unit("stall1", UnitKind.SHOP, "海曲中路农贸市场水果摊", "prop1"),
        Unit("prop2", UnitKind.PROPERTY, "北京路小区物业服务中心", "g2"),
    ]
    kinds = {
        STREET_COMMITTEE: PostKind.STREET_COMMITTEE,
        PARTY_1: PostKind.COMMUNITY_PARTY,
        POLICE_1: PostKind.COMMUNITY_POLICE,
        INTAKE_1: PostKind.INTAKE,
        PARTY_2: PostKind.COMMUNITY_PARTY,
        POLICE_2: PostKind.COMMUNITY_POLICE,
        INTAKE_2: PostKind.INTAKE,
        GRID_1: PostKind.GRID_LEADER,
        GRID_2: PostKind.GRID_LEADER,
        BUILDING_1: PostKind.BUILDING_LEADER,
        BUILDING_2: PostKind.BUILDING_LEADER,
        STREET_LEADER: PostKind.STREET_LEADER,
        SHOP_LEADER: PostKind.SHOP_LEADER,
        SHOP_LEADER_2: PostKind.SHOP_LEADER,
    }
    posts = [
        Post(
            post_id,
            kind,
            post_id.split(":")[0],
            a(post_id),
            b(post_id),
            OWN_CALENDARS.get(kind),
            (c(post_id),) if kind is PostKind.COMMUNITY_POLICE else (),
        )
        for post_id, kind in kinds.items()
    ]
    staff = [
        Staff(holder, holder, "13800000000", Role.SUPERVISOR if holder == SUPERVISOR else Role.STAFF)
        for post in posts
        for holder in post.holders
    ]
    staff.append(Staff("volunteer", "没有岗位的志愿者"))
    return Organisation(
        units={u.id: u for u in units},
        posts={p.id: p for p in posts},
        staff={s.id: s for s in staff},
        default_intake_community="c1",
    )


@dataclass
class District:
    """The organisation, the ``World`` over it and the absences the tests set."""

    org: Organisation = field(default_factory=build_org)
    absences: dict[str, list[Absence]] = field(default_factory=dict)
    world: World = field(init=False)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        holidays = Holidays()
        calendars = {
            hours.id: WorkingCalendar(hours, holidays, TZ) for hours in (STANDARD_HOURS, GRID_HOURS, VOLUNTEER_HOURS)
        }

        def calendar_for(post_id: str) -> WorkingCalendar:
            return calendars[self.org.calendar_id_for(self.org.posts[post_id]) or STANDARD_HOURS.id]

        def absent(staff_id: str, at: datetime) -> bool:
            return any(absence.covers(at) for absence in self.absences.get(staff_id, ()))

        self.world = World(self.org, catalogue().workflows, catalogue().machines, calendar_for, absent)

    def away(self, *staff_ids: str, since: datetime = YEAR_START, until: datetime = YEAR_END) -> None:
        """Send holders on leave for ``[since, until)`` (by default, all year)."""
        for staff_id in staff_ids:
            self.absences.setdefault(staff_id, []).append(Absence(None, staff_id, since, until, "年假"))

    def back(self, staff_id: str) -> None:
        """End every absence of a holder."""
        self.absences.pop(staff_id, None)

    def intake(
        self,
        location: str | None = "b1",
        category: str = "property_repair",
        channel: Channel = Channel.WEB,
        description: str = "楼道灯坏了，晚上看不见台阶",
        contact_phone: str = "13912345678",
        lat: float | None = None,
        lon: float | None = None,
    ) -> Intake:
        """A request; its workflow is the one serving the category at the location's kind."""
        kind = self.org.units[location].kind if location in self.org.units else None
        spec = catalogue().for_category(category, kind)
        return Intake(spec.name, category, description, channel, contact_phone, location, "", lat, lon, "张阿姨")

    def submit(self, intake: Intake, at: datetime = MONDAY, registrar: str | None = None) -> tuple[Ticket, Outcome]:
        """Open a ticket from a request, numbered in order."""
        ticket_id = next(self._ids)
        return open_ticket(self.world, intake, ticket_id, f"T{ticket_id:04d}", at, registrar)

    def open_with_outcome(
        self,
        location: str | None = "b1",
        category: str = "property_repair",
        at: datetime = MONDAY,
        registrar: str | None = None,
    ) -> tuple[Ticket, Outcome]:
        """Open a web request, or a walk-in when a staff member registers it."""
        channel = Channel.WALK_IN if registrar else Channel.WEB
        return self.submit(self.intake(location, category, channel), at, registrar)

    def open(
        self,
        location: str | None = "b1",
        category: str = "property_repair",
        at: datetime = MONDAY,
        registrar: str | None = None,
    ) -> Ticket:
        return self.open_with_outcome(location, category, at, registrar)[0]

    def in_progress(self) -> Ticket:
        """A ticket at building 1, acknowledged by its A holder (so its first responder)."""
        ticket = self.open("b1")
        acknowledge(self.world, ticket, a(BUILDING_1), MONDAY)
        return ticket

    def expire(self, ticket: Ticket) -> Outcome:
        """What the deadline sweep does when the ticket's running deadline comes."""
        assert ticket.clock is not None and ticket.due_at is not None, "no running deadline"
        return deadline_passed(self.world, ticket, ticket.clock, ticket.due_at)


def actions(entries: list[HistoryEntry]) -> list[str]:
    return [entry.action for entry in entries]
