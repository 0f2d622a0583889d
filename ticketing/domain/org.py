"""The organisation registry: units, posts with A/B holders, staff and absences.

The district is a tree of units (district → street → community → grid →
building / street segment → property service unit → shop).  Posts hang on
units; every post has an A and a B holder (AB岗), some have further holders
after B in a declared order (the community police post: an officer and two
auxiliaries), and a person may hold several posts.

Outside compounds a shop is only a place: it has no post, and a request about
it goes to the street leader of its segment.  The shop leaders (店长) are the
designated property service units (物业服务单位); the shops below one are its
managed area, where requests go to its 店长 first.

Who holds a post decides which rules bind them: community staff keep the
community's working hours and answer for missed deadlines (通报); the
volunteers (楼长, 街长, 店长: 自愿、推荐、任命) keep a day-time calendar of their
own and are never its subject: their misses are told to the grid leader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

VOLUNTEER_HOURS_ID = "volunteer"
"""The built-in calendar of volunteer posts (``ticketing.domain.calendar.VOLUNTEER_HOURS``)."""


class UnitKind(StrEnum):
    """Levels of the grid-governance tree."""

    DISTRICT = "district"
    STREET = "street"  # 街道
    COMMUNITY = "community"  # 社区
    GRID = "grid"  # 网格
    BUILDING = "building"  # 楼院
    SEGMENT = "segment"  # 街巷（路段） (street segment outside compounds)
    PROPERTY = "property"  # 物业服务单位: its subtree is its managed area
    SHOP = "shop"  # 商铺: a place, never a post


class PostKind(StrEnum):
    """Responsible posts; each is attached to one unit kind (see POST_UNIT)."""

    BUILDING_LEADER = "building_leader"  # 楼长
    SHOP_LEADER = "shop_leader"  # 店长
    STREET_LEADER = "street_leader"  # 街长
    GRID_LEADER = "grid_leader"  # 网格长
    COMMUNITY_POLICE = "community_police"  # 社区警务室 (民警 + 辅警)
    COMMUNITY_PARTY = "community_party"  # 社区党组织书记 (the secretary of the community party organisation)
    INTAKE = "intake"  # 社区服务中心受理岗
    STREET_COMMITTEE = "street_committee"  # 街道党工委督办岗 (supervision)


POST_UNIT: dict[PostKind, UnitKind] = {
    PostKind.BUILDING_LEADER: UnitKind.BUILDING,
    PostKind.SHOP_LEADER: UnitKind.PROPERTY,
    PostKind.STREET_LEADER: UnitKind.SEGMENT,
    PostKind.GRID_LEADER: UnitKind.GRID,
    PostKind.COMMUNITY_POLICE: UnitKind.COMMUNITY,
    PostKind.COMMUNITY_PARTY: UnitKind.COMMUNITY,
    PostKind.INTAKE: UnitKind.COMMUNITY,
    PostKind.STREET_COMMITTEE: UnitKind.STREET,
}

# Which unit kinds may be the parent of each unit kind.
PARENT_KINDS: dict[UnitKind, frozenset[UnitKind]] = {
    UnitKind.DISTRICT: frozenset(),
    UnitKind.STREET: frozenset({UnitKind.DISTRICT}),
    UnitKind.COMMUNITY: frozenset({UnitKind.STREET}),
    UnitKind.GRID: frozenset({UnitKind.COMMUNITY}),
    UnitKind.BUILDING: frozenset({UnitKind.GRID}),
    UnitKind.SEGMENT: frozenset({UnitKind.GRID}),
    UnitKind.PROPERTY: frozenset({UnitKind.SEGMENT, UnitKind.GRID}),
    UnitKind.SHOP: frozenset({UnitKind.SEGMENT, UnitKind.GRID, UnitKind.PROPERTY}),
}

# The units a request can be about: where a resident or a shop is.
PLACE_KINDS = (UnitKind.BUILDING, UnitKind.SHOP, UnitKind.PROPERTY, UnitKind.SEGMENT)


class Holding(StrEnum):
    """Who holds the posts of a kind, which decides the rules that bind them."""

    STAFF = "staff"  # 社区工作人员: the district's rules for community staff apply
    VOLUNTEER = "volunteer"  # 志愿者 (自愿、推荐、任命): day-time hours, no 通报


HELD_BY: dict[PostKind, Holding] = {
    PostKind.BUILDING_LEADER: Holding.VOLUNTEER,
    PostKind.SHOP_LEADER: Holding.VOLUNTEER,
    PostKind.STREET_LEADER: Holding.VOLUNTEER,
    PostKind.GRID_LEADER: Holding.STAFF,
    PostKind.COMMUNITY_POLICE: Holding.STAFF,
    PostKind.COMMUNITY_PARTY: Holding.STAFF,
    PostKind.INTAKE: Holding.STAFF,
    PostKind.STREET_COMMITTEE: Holding.STAFF,
}


def held_by_volunteers(kind: PostKind) -> bool:
    return HELD_BY[kind] is Holding.VOLUNTEER


class Role(StrEnum):
    """What a staff member may do beyond working their own posts."""

    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    kind: UnitKind
    name: str
    parent_id: str | None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    calendar_id: str | None = None


@dataclass(frozen=True, slots=True)
class Staff:
    id: str
    name: str
    phone: str = ""
    role: Role = Role.STAFF


@dataclass(frozen=True, slots=True)
class Post:
    """A responsible post with its A (primary) and B (backup) holder, and any further holders after B, in order."""

    id: str
    kind: PostKind
    unit_id: str
    holder_a: str
    holder_b: str
    calendar_id: str | None = None
    more_holders: tuple[str, ...] = ()

    @property
    def holders(self) -> tuple[str, ...]:
        """Every holder in the declared order: A, B, then the further ones."""
        return (self.holder_a, self.holder_b, *self.more_holders)


@dataclass(frozen=True, slots=True)
class Absence:
    """Leave or a business trip: the holder is away in [starts_at, ends_at), unless it was cancelled."""

    id: int | None
    staff_id: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    cancelled_at: datetime | None = None

    def covers(self, moment: datetime) -> bool:
        return self.cancelled_at is None and self.starts_at <= moment < self.ends_at


@dataclass(slots=True)
class Organisation:
    """The whole registry, held in memory: routing is a dictionary walk."""

    units: dict[str, Unit] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)
    default_intake_community: str | None = None
    volunteer_calendar: str | None = None
    _post_index: dict[tuple[PostKind, str], Post] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.reindex()

    def reindex(self) -> None:
        self._post_index = {(p.kind, p.unit_id): p for p in self.posts.values()}

    def ancestor(self, unit_id: str, kind: UnitKind) -> Unit | None:
        """The unit itself or its nearest ancestor of the given kind."""
        unit = self.units.get(unit_id)
        while unit is not None and unit.kind is not kind:
            unit = self.units.get(unit.parent_id) if unit.parent_id else None
        return unit

    def staff_id_for(self, typed: str) -> str:
        """The staff id as the registry spells it, whatever the case typed (``s0015`` is ``S0015``).

        Text that names nobody (or, in a registry with ids differing only in case, several) is returned
        stripped, for the caller to refuse as unknown.
        """
        text = typed.strip()
        if text in self.staff:
            return text
        folded = text.casefold()
        found = [staff_id for staff_id in self.staff if staff_id.casefold() == folded]
        return found[0] if len(found) == 1 else text

    def post_for(self, kind: PostKind, location_id: str) -> Post | None:
        """The post of this kind responsible for a location, if there is one."""
        unit = self.ancestor(location_id, POST_UNIT[kind])
        return self._post_index.get((kind, unit.id)) if unit else None

    def calendar_id_for(self, post: Post) -> str | None:
        """The calendar governing a post: its own, else its unit's or the nearest ancestor's.

        A volunteer post never inherits the community's staff hours: without
        its own it keeps the volunteers' calendar (by default every day, 08:00–20:00).
        """
        if post.calendar_id:
            return post.calendar_id
        if held_by_volunteers(post.kind):
            return self.volunteer_calendar or VOLUNTEER_HOURS_ID
        unit = self.units.get(post.unit_id)
        while unit is not None and not unit.calendar_id:
            unit = self.units.get(unit.parent_id) if unit.parent_id else None
        return unit.calendar_id if unit else None

    def holds(self, staff_id: str) -> list[Post]:
        return [p for p in self.posts.values() if staff_id in p.holders]

    def intake_post(self, location_id: str | None) -> Post | None:
        """The community service centre's intake post for a location (or the default)."""
        community = self.ancestor(location_id, UnitKind.COMMUNITY) if location_id else None
        community_id = community.id if community else self.default_intake_community
        return self._post_index.get((PostKind.INTAKE, community_id)) if community_id else None
