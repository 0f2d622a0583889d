"""Registry data as files and the database hand it over: ``OrgData`` and the file vocabulary.

Shared by the organisation-file reader (``ticketing.organisation.files``), the roster
reader (``ticketing.organisation.roster``) and the store (``ticketing.db.org_store``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ticketing.domain.calendar import WorkingHours
from ticketing.domain.errors import NotFound
from ticketing.domain.org import Organisation, PostKind, UnitKind

ORG_SUFFIXES = frozenset({".yaml", ".yml", ".toml"})
ROSTER_SUFFIXES = frozenset({".csv", ".xlsx"})

# The list key that holds children of each kind, in the order they are read.
CHILD_KEYS: dict[str, UnitKind] = {
    "streets": UnitKind.STREET,
    "communities": UnitKind.COMMUNITY,
    "grids": UnitKind.GRID,
    "buildings": UnitKind.BUILDING,
    "segments": UnitKind.SEGMENT,
    "properties": UnitKind.PROPERTY,
    "shops": UnitKind.SHOP,
}

# The key that gives a post on its unit, as written in organisation files.
POST_KEYS: dict[str, PostKind] = {
    "committee": PostKind.STREET_COMMITTEE,
    "party": PostKind.COMMUNITY_PARTY,
    "police": PostKind.COMMUNITY_POLICE,
    "intake": PostKind.INTAKE,
    "grid_leader": PostKind.GRID_LEADER,
    "building_leader": PostKind.BUILDING_LEADER,
    "street_leader": PostKind.STREET_LEADER,
    "shop_leader": PostKind.SHOP_LEADER,
}

POST_LABELS_ZH: dict[PostKind, str] = {
    PostKind.STREET_COMMITTEE: "街道党工委督办岗",
    PostKind.COMMUNITY_PARTY: "社区党组织书记",
    PostKind.COMMUNITY_POLICE: "社区民警",
    PostKind.INTAKE: "受理岗",
    PostKind.GRID_LEADER: "网格长",
    PostKind.BUILDING_LEADER: "楼长",
    PostKind.STREET_LEADER: "街长",
    PostKind.SHOP_LEADER: "店长",
}

# Names rosters made before the glossary (docs/glossary.md) may still use in their post column.
FORMER_POST_LABELS_ZH: dict[PostKind, str] = {
    PostKind.STREET_COMMITTEE: "街道党工委",
    PostKind.COMMUNITY_PARTY: "社区党组织",
}

UNIT_LABELS_ZH: dict[UnitKind, str] = {
    UnitKind.DISTRICT: "区",
    UnitKind.STREET: "街道",
    UnitKind.COMMUNITY: "社区",
    UnitKind.GRID: "网格",
    UnitKind.BUILDING: "楼院",
    UnitKind.SEGMENT: "街巷路段",
    UnitKind.PROPERTY: "物业服务单位",
    UnitKind.SHOP: "商户",
}


# Longest text per key, as the database columns allow (ids, holders and calendars: "id").
MAX_LENGTH = {"id": 64, "name": 100, "address": 300, "phone": 32}


def post_id_for(kind: PostKind, unit_id: str) -> str:
    """The id of a unit's post: a unit has at most one post of each kind."""
    return f"{unit_id}.{kind.value}"


@dataclass(slots=True)
class OrgData:
    """A whole registry as read from files or the database: units, posts, staff and calendars."""

    organisation: Organisation = field(default_factory=Organisation)
    calendars: dict[str, WorkingHours] = field(default_factory=dict)
    calendar_names: dict[str, str] = field(default_factory=dict)
    default_calendar: str | None = None

    def calendar_for_post(self, post_id: str) -> str | None:
        """The calendar governing a post: its own, its unit's or an ancestor's, else the default.

        A volunteer post's is its own, else the volunteers' calendar (``Organisation.calendar_id_for``).
        """
        post = self.organisation.posts.get(post_id)
        if post is None:
            raise NotFound("unknown post %(post)r", post=post_id)
        return self.organisation.calendar_id_for(post) or self.default_calendar

    def merged(self, other: OrgData) -> OrgData:
        """This registry with ``other`` laid on top: records are replaced by id, none removed."""
        mine, theirs = self.organisation, other.organisation
        organisation = Organisation(
            units={**mine.units, **theirs.units},
            posts={**mine.posts, **theirs.posts},
            staff={**mine.staff, **theirs.staff},
            default_intake_community=theirs.default_intake_community or mine.default_intake_community,
            volunteer_calendar=theirs.volunteer_calendar or mine.volunteer_calendar,
        )
        return OrgData(
            organisation,
            {**self.calendars, **other.calendars},
            {**self.calendar_names, **other.calendar_names},
            other.default_calendar or self.default_calendar,
        )


@dataclass(frozen=True, slots=True)
class TableCounts:
    """What an import did to one table."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_file: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """Per-table counts, whether the defaults changed, the registry version after the import,
    and how many open tickets passed to new holders of their post."""

    calendars: TableCounts
    units: TableCounts
    staff: TableCounts
    posts: TableCounts
    defaults_changed: bool
    org_version: int
    rehomed: int = 0

    def tables(self) -> dict[str, TableCounts]:
        return {"calendars": self.calendars, "units": self.units, "staff": self.staff, "posts": self.posts}

    @property
    def changed(self) -> bool:
        return self.defaults_changed or any(counts.changed for counts in self.tables().values())
