"""What the admin pages read: the registry by community, calendars, absences, accounts.

Their changes are use cases in ``ticketing.services`` (organisation, accounts, absences).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import Connection

from ticketing.db.org_store import load_org
from ticketing.db.queries import admin as queries
from ticketing.db.rows import AnyRow
from ticketing.domain.calendar import BUILT_IN_HOURS, STANDARD_HOURS, DayKind, Segment, WorkingHours
from ticketing.domain.errors import NotFound
from ticketing.domain.org import HELD_BY, Holding, Post, Unit, UnitKind
from ticketing.organisation.data import OrgData
from ticketing.read.paging import Page
from ticketing.read.source import Source

# Children of a grid in the order the organisation page lists them (a unit's own shops follow it).
_CHILD_ORDER = {UnitKind.GRID: 0, UnitKind.BUILDING: 1, UnitKind.SEGMENT: 2, UnitKind.PROPERTY: 3, UnitKind.SHOP: 4}
_DAY_SECONDS = 24 * 3600


# --- the organisation, one community at a time ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Holder:
    id: str
    name: str
    absent: bool


@dataclass(frozen=True, slots=True)
class PostView:
    """A post with its holders (A, B and any after B, in order) and the calendar that governs it."""

    post: Post
    a: Holder
    b: Holder
    calendar_id: str
    calendar_name: str
    more: tuple[Holder, ...] = ()

    @property
    def held_by(self) -> Holding:
        """Community staff or volunteers (楼长, 街长, 店长), by the post's kind."""
        return HELD_BY[self.post.kind]


@dataclass(frozen=True, slots=True)
class UnitRow:
    """A unit at some depth below the section's top, with its posts."""

    unit: Unit
    depth: int
    posts: list[PostView]


@dataclass(frozen=True, slots=True)
class Section:
    """A community's own posts, or one grid with everything below it."""

    unit: Unit
    rows: list[UnitRow]


@dataclass(frozen=True, slots=True)
class StreetEntry:
    street: Unit
    rows: list[UnitRow]
    communities: list[Unit]


@dataclass(frozen=True, slots=True)
class SegmentBar:
    """A working segment as text and as a stretch of a 24-hour bar (percentages)."""

    text: str
    left: float
    width: float


@dataclass(frozen=True, slots=True)
class CalendarInfo:
    """A working-hours calendar: segments per day kind, and who uses it."""

    id: str
    name: str
    hours: WorkingHours
    is_default: bool
    units: list[Unit] = field(default_factory=list)
    own_posts: list[str] = field(default_factory=list)
    governed_posts: int = 0

    def days(self) -> list[tuple[DayKind, list[SegmentBar]]]:
        return [(kind, [_bar(segment) for segment in self.hours.segments(kind)]) for kind in DayKind]


@dataclass(frozen=True, slots=True)
class AbsenceRow:
    id: int
    staff_id: str
    name: str
    starts_at: datetime
    ends_at: datetime
    reason: str

    def current(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


@dataclass(frozen=True, slots=True)
class OrganisationView:
    """The street and community list, the chosen community's posts, its calendars, who is away now."""

    streets: list[StreetEntry]
    community: Unit | None
    sections: list[Section]
    calendars: list[CalendarInfo]
    absent_now: list[AbsenceRow]
    counts: dict[UnitKind, int]
    post_count: int
    staff_count: int


def organisation_view(source: Source, community_id: str | None, now: datetime) -> OrganisationView:
    """The registry as stored, showing one community (the default intake community when none is asked for)."""
    with source.engine.connect() as conn:
        data = load_org(conn)
        away = _current_absences(conn, now)
    return _Registry(data, {a.staff_id for a in away}).view(community_id, away)


class _Registry:
    """The stored registry arranged for pages: children and posts per unit."""

    def __init__(self, data: OrgData, absent: set[str]) -> None:
        self.data = data
        self.org = data.organisation
        self.absent = absent
        self.children: dict[str | None, list[Unit]] = defaultdict(list)
        for unit in sorted(self.org.units.values(), key=lambda u: (_CHILD_ORDER.get(u.kind, 0), u.id)):
            self.children[unit.parent_id].append(unit)
        self.posts: dict[str, list[Post]] = defaultdict(list)
        for post in self.org.posts.values():
            self.posts[post.unit_id].append(post)

    def view(self, community_id: str | None, away: list[AbsenceRow]) -> OrganisationView:
        community = self.community(community_id)
        sections: list[Section] = []
        if community is not None:
            sections.append(Section(community, [self.row(community, 0)]))
            sections.extend(Section(grid, self.walk(grid, 0)) for grid in self.children[community.id])
        used = {view.calendar_id for section in sections for row in section.rows for view in row.posts}
        counts: dict[UnitKind, int] = defaultdict(int)
        for unit in self.org.units.values():
            counts[unit.kind] += 1
        return OrganisationView(
            streets=[
                StreetEntry(street, [self.row(street, 0)], self.children[street.id])
                for street in sorted(self.org.units.values(), key=lambda u: u.id)
                if street.kind is UnitKind.STREET
            ],
            community=community,
            sections=sections,
            calendars=[info for info in self.calendars() if info.id in used],
            absent_now=away,
            counts=dict(counts),
            post_count=len(self.org.posts),
            staff_count=len(self.org.staff),
        )

    def community(self, community_id: str | None) -> Unit | None:
        if community_id:
            unit = self.org.units.get(community_id)
            if unit is None or unit.kind is not UnitKind.COMMUNITY:
                raise NotFound("unknown community %(community)r", community=community_id)
            return unit
        communities = sorted(u.id for u in self.org.units.values() if u.kind is UnitKind.COMMUNITY)
        chosen = self.org.default_intake_community
        if chosen not in communities:
            chosen = communities[0] if communities else None
        return self.org.units[chosen] if chosen else None

    def walk(self, unit: Unit, depth: int) -> list[UnitRow]:
        rows = [self.row(unit, depth)]
        for child in self.children[unit.id]:
            rows.extend(self.walk(child, depth + 1))
        return rows

    def row(self, unit: Unit, depth: int) -> UnitRow:
        return UnitRow(unit, depth, [self.post_view(post) for post in sorted(self.posts[unit.id], key=lambda p: p.id)])

    def post_view(self, post: Post) -> PostView:
        calendar_id = self.data.calendar_for_post(post.id) or STANDARD_HOURS.id
        return PostView(
            post,
            self.holder(post.holder_a),
            self.holder(post.holder_b),
            calendar_id,
            self.data.calendar_names.get(calendar_id) or calendar_id,
            tuple(self.holder(staff_id) for staff_id in post.more_holders),
        )

    def holder(self, staff_id: str) -> Holder:
        member = self.org.staff.get(staff_id)
        return Holder(staff_id, member.name if member else staff_id, staff_id in self.absent)

    def calendars(self) -> list[CalendarInfo]:
        """Every calendar (the built-in standard hours too, when posts fall back to them)."""
        hours = BUILT_IN_HOURS | self.data.calendars
        governed: dict[str, int] = defaultdict(int)
        for post in self.org.posts.values():
            governed[self.data.calendar_for_post(post.id) or STANDARD_HOURS.id] += 1
        return [
            CalendarInfo(
                id=cid,
                name=self.data.calendar_names.get(cid, ""),
                hours=hours[cid],
                is_default=cid == (self.data.default_calendar or STANDARD_HOURS.id),
                units=sorted((u for u in self.org.units.values() if u.calendar_id == cid), key=lambda u: u.id),
                own_posts=sorted(p.id for p in self.org.posts.values() if p.calendar_id == cid),
                governed_posts=governed[cid],
            )
            for cid in sorted(hours)
            if cid in self.data.calendars or governed[cid]
        ]


def _bar(segment: Segment) -> SegmentBar:
    def seconds(moment: time) -> int:
        return _DAY_SECONDS if moment == time.max else moment.hour * 3600 + moment.minute * 60 + moment.second

    start, end = seconds(segment.start), seconds(segment.end)
    return SegmentBar(str(segment), round(100 * start / _DAY_SECONDS, 2), round(100 * (end - start) / _DAY_SECONDS, 2))


def calendar_usage(source: Source) -> list[CalendarInfo]:
    """Each working-hours calendar with the units that set it, the posts that name it and how many it governs."""
    with source.engine.connect() as conn:
        data = load_org(conn)
    return _Registry(data, set()).calendars()


# --- one post and its A/B holders ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostDetail:
    """A post with the path of units above it, and every staff member (for choosing holders)."""

    view: PostView
    unit: Unit
    path: list[Unit]
    community_id: str | None
    staff: list[tuple[str, str]]


def post_detail(source: Source, post_id: str, now: datetime) -> PostDetail:
    with source.engine.connect() as conn:
        data = load_org(conn)
        post = data.organisation.posts.get(post_id)
        if post is None:
            raise NotFound("unknown post %(post)r", post=post_id)
        away = _current_absences(conn, now)
    registry = _Registry(data, {a.staff_id for a in away})
    org = data.organisation
    path: list[Unit] = []
    unit = org.units.get(post.unit_id)
    while unit is not None:
        path.insert(0, unit)
        unit = org.units.get(unit.parent_id) if unit.parent_id else None
    community = org.ancestor(post.unit_id, UnitKind.COMMUNITY)
    return PostDetail(
        registry.post_view(post),
        org.units[post.unit_id],
        path,
        community.id if community else None,
        [(member.id, member.name) for member in org.staff.values()],
    )


# --- absences -----------------------------------------------------------------------------------


def _absence(row: AnyRow) -> AbsenceRow:
    return AbsenceRow(row.id, row.staff_id, row.name, row.starts_at, row.ends_at, row.reason)


def _current_absences(conn: Connection, now: datetime) -> list[AbsenceRow]:
    """Who is away at ``now``."""
    return [_absence(row) for row in queries.current_absences(conn, now)]


@dataclass(frozen=True, slots=True)
class AbsencesView:
    """A page of current and future absences, and every staff member (number, name) to record one for."""

    page: Page[AbsenceRow]
    staff: list[tuple[str, str]]


def absences_view(source: Source, now: datetime, number: int) -> AbsencesView:
    with source.engine.connect() as conn:
        page = _coming(conn, now, number)
        org = source.worlds.organisation(conn)
    return AbsencesView(page, [(member.id, member.name) for member in org.staff.values()])


def coming_absences(
    source: Source, now: datetime, number: int, per_page: int = 50, staff_id: str | None = None
) -> Page[AbsenceRow]:
    """Current and future absences (of ``staff_id`` if given), earliest start first; cancelled ones are gone."""
    with source.engine.connect() as conn:
        return _coming(conn, now, number, per_page, staff_id)


def _coming(
    conn: Connection, now: datetime, number: int, per_page: int = 50, staff_id: str | None = None
) -> Page[AbsenceRow]:
    total = queries.count_coming_absences(conn, now, staff_id)
    rows = queries.coming_absences(conn, now, staff_id, per_page, (number - 1) * per_page)
    return Page([_absence(row) for row in rows], number, per_page, total)


# --- staff accounts -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountRow:
    """A staff member and their web login, if any."""

    staff_id: str
    name: str
    role: str
    has_login: bool
    active: bool
    updated_at: datetime | None


def _account(row: AnyRow) -> AccountRow:
    return AccountRow(row.id, row.name, row.role, row.login is not None, bool(row.active), row.updated_at)


def accounts_page(source: Source, search: str, login: str, number: int, per_page: int = 50) -> Page[AccountRow]:
    """Staff by number, filtered by a number prefix or part of a name and by having a login (``yes``/``no``)."""
    has_login = {"yes": True, "no": False}.get(login)
    with source.engine.connect() as conn:
        total = queries.count_accounts(conn, search, has_login)
        rows = [_account(row) for row in queries.accounts(conn, search, has_login, per_page, (number - 1) * per_page)]
    return Page(rows, number, per_page, total)


def account_detail(source: Source, staff_id: str) -> AccountRow:
    with source.engine.connect() as conn:
        row = queries.account(conn, staff_id)
    if row is None:
        raise NotFound("unknown staff member %(staff)r", staff=staff_id)
    return _account(row)
