"""Organisation files and rosters, read into plain registry data (``OrgData``).

Two kinds of input, both described in ``docs/organisation.md``:

- an organisation file (YAML or TOML): the nested unit tree district → streets
  → communities → grids → buildings / segments (→ shops) with each unit's
  posts, the staff list and the working-hours calendars;
- a roster (CSV or XLSX, as offices keep them in Excel): one row per post
  holder, laid on top of an existing registry to change who holds what.

Reading never stops at the first problem: every problem is collected, each
naming the file and the key path or row, and all are raised together as one
``OrgFileError``.  Nothing is stored here (see ``ticketing.db.org_store``).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import tomllib
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ticketing.domain.calendar import STANDARD_HOURS, WorkingHours
from ticketing.domain.errors import NotFound, OrgFileError
from ticketing.domain.org import (
    PARENT_KINDS,
    POST_UNIT,
    Organisation,
    Post,
    PostKind,
    Role,
    Staff,
    Unit,
    UnitKind,
)

ORG_SUFFIXES = frozenset({".yaml", ".yml", ".toml"})
ROSTER_SUFFIXES = frozenset({".csv", ".xlsx"})

# The list key that holds children of each kind, in the order they are read.
CHILD_KEYS: dict[str, UnitKind] = {
    "streets": UnitKind.STREET,
    "communities": UnitKind.COMMUNITY,
    "grids": UnitKind.GRID,
    "buildings": UnitKind.BUILDING,
    "segments": UnitKind.SEGMENT,
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
    PostKind.STREET_COMMITTEE: "街道党工委",
    PostKind.COMMUNITY_PARTY: "社区党组织",
    PostKind.COMMUNITY_POLICE: "社区民警",
    PostKind.INTAKE: "受理岗",
    PostKind.GRID_LEADER: "网格长",
    PostKind.BUILDING_LEADER: "楼长",
    PostKind.STREET_LEADER: "街长",
    PostKind.SHOP_LEADER: "店长",
}

UNIT_LABELS_ZH: dict[UnitKind, str] = {
    UnitKind.DISTRICT: "区",
    UnitKind.STREET: "街道",
    UnitKind.COMMUNITY: "社区",
    UnitKind.GRID: "网格",
    UnitKind.BUILDING: "楼院",
    UnitKind.SEGMENT: "街",
    UnitKind.SHOP: "店",
}

# Posts a community must have: requests are received at intake and end at the party organisation.
COMMUNITY_POSTS = (PostKind.INTAKE, PostKind.COMMUNITY_PARTY)

_UNIT_FIELDS = ("id", "name", "address", "lat", "lon", "calendar")

# Longest text per key, as the database columns allow (ids, holders and calendars: "id").
MAX_LENGTH = {"id": 64, "name": 100, "address": 300, "phone": 32}
_TOP_KEYS = ("district", "staff", "calendars", "default_calendar", "default_intake_community")


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
        """The calendar governing a post: its own, its unit's or an ancestor's, else the default."""
        post = self.organisation.posts.get(post_id)
        if post is None:
            raise NotFound(f"unknown post {post_id!r}")
        return self.organisation.calendar_id_for(post) or self.default_calendar

    def merged(self, other: OrgData) -> OrgData:
        """This registry with ``other`` laid on top: records are replaced by id, none removed."""
        mine, theirs = self.organisation, other.organisation
        organisation = Organisation(
            units={**mine.units, **theirs.units},
            posts={**mine.posts, **theirs.posts},
            staff={**mine.staff, **theirs.staff},
            default_intake_community=theirs.default_intake_community or mine.default_intake_community,
        )
        return OrgData(
            organisation,
            {**self.calendars, **other.calendars},
            {**self.calendar_names, **other.calendar_names},
            other.default_calendar or self.default_calendar,
        )


def is_roster(path: Path) -> bool:
    return path.suffix.lower() in ROSTER_SUFFIXES


def read_sources(paths: Iterable[Path], base: OrgData) -> OrgData:
    """Read organisation files and rosters in order, each roster on top of ``base`` and what came before.

    The result holds only what the files say, plus all of ``base`` once a roster
    is among them (a roster edits a whole registry).  Problems of every file are
    raised together.
    """
    problems: list[str] = []
    incoming: OrgData | None = None
    for path in paths:
        try:
            if is_roster(path):
                incoming = read_roster(path, base.merged(incoming) if incoming else base)
            else:
                data = read_org_file(path)
                incoming = incoming.merged(data) if incoming else data
        except OrgFileError as error:
            problems.extend(error.problems)
    if problems:
        raise OrgFileError(problems)
    return incoming or OrgData()


# --- organisation files -------------------------------------------------------------------------


def read_org_file(path: Path) -> OrgData:
    """Read and fully check a YAML or TOML organisation file."""
    return _OrgFileReader(str(path)).read(_load_document(path))


def _load_document(path: Path) -> Any:
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in ORG_SUFFIXES:
        raise OrgFileError(
            [f"{source}: unknown file type; use .yaml, .yml or .toml (organisation) or .csv, .xlsx (roster)"]
        )
    text = _read_text(path)
    if suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise OrgFileError([f"{source}: {error}"]) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as error:
        raise OrgFileError([f"{source}: {_yaml_error_text(error)}"]) from None
    except yaml.YAMLError as error:
        raise OrgFileError([f"{source}: {error}"]) from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise OrgFileError([f"{path}: not UTF-8 text; save the file as UTF-8"]) from None
    except OSError as error:
        raise OrgFileError([f"{path}: cannot read: {error.strerror}"]) from None


def _yaml_error_text(error: yaml.MarkedYAMLError) -> str:
    mark = error.problem_mark or error.context_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    what = ": ".join(part for part in (error.context, error.problem) if part)
    return f"{where}{what}"


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):
    """A safe loader that refuses duplicate keys, which PyYAML would silently overwrite."""


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _describe(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", type(None): "nothing"}
    return names.get(type(value), f"{value!r}")


class _OrgFileReader:
    """One pass over an organisation document, collecting records and problems."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []
        self.units: dict[str, Unit] = {}
        self.unit_paths: dict[str, str] = {}
        self.posts: dict[str, Post] = {}
        self.staff: dict[str, Staff] = {}
        self.calendars: dict[str, WorkingHours] = {}
        self.calendar_names: dict[str, str] = {}
        self.holder_refs: list[tuple[str, str]] = []
        self.calendar_refs: list[tuple[str, str]] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}: {message}")

    def read(self, doc: Any) -> OrgData:
        if not isinstance(doc, dict):
            self.problem("top level", f"expected a mapping with {', '.join(_TOP_KEYS)}, got {_describe(doc)}")
            raise OrgFileError(self.problems)
        self.unknown_keys(doc, "", _TOP_KEYS)
        self.read_calendars(doc.get("calendars") or {})
        self.read_staff(doc.get("staff") or [])
        if "district" in doc:
            self.read_unit(doc["district"], "district", UnitKind.DISTRICT, None)
        else:
            self.problem("district", "missing: the file describes one district and its streets")
        default_calendar = self.optional_text(doc, "default_calendar", "")
        default_intake = self.optional_text(doc, "default_intake_community", "")
        if default_calendar:
            self.calendar_refs.append(("default_calendar", default_calendar))
        self.check_references(default_intake)
        if self.problems:
            raise OrgFileError(self.problems)
        return OrgData(
            Organisation(self.units, self.posts, self.staff, default_intake),
            self.calendars,
            self.calendar_names,
            default_calendar,
        )

    def unknown_keys(
        self, node: dict[str, Any], path: str, known: Sequence[str], suggested: Sequence[str] = ()
    ) -> None:
        """Report keys not in ``known``, naming the close match or the keys that fit here."""
        suggested = suggested or known
        for key in node:
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"did you mean {close[0]}?" if close else f"allowed here: {', '.join(suggested)}"
            self.problem(_join(path, str(key)), f"unknown key; {hint}")

    def text(self, node: dict[str, Any], key: str, path: str) -> str:
        """A required text value (ids, names): problems for missing, empty or non-text values."""
        if node.get(key) is None:
            self.problem(_join(path, key), "missing")
            return ""
        return self.optional_text(node, key, path) or ""

    def optional_text(self, node: dict[str, Any], key: str, path: str) -> str | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.problem(_join(path, key), f"expected text, got the number {value!r}; put it in quotes")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(_join(path, key), f"expected text, got {_describe(value)}")
            return None
        limit = MAX_LENGTH.get(key, MAX_LENGTH["id"])
        if len(value.strip()) > limit:
            self.problem(_join(path, key), f"longer than {limit} characters")
            return None
        return value.strip()

    def coordinate(self, node: dict[str, Any], key: str, path: str, limit: float) -> float | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not -limit <= value <= limit:
            self.problem(_join(path, key), f"expected a number from -{limit:g} to {limit:g}, got {value!r}")
            return None
        return float(value)

    def read_calendars(self, node: Any) -> None:
        if not isinstance(node, dict):
            self.problem("calendars", f"expected a mapping of calendar id to hours, got {_describe(node)}")
            return
        for calendar_id, spec in node.items():
            path = f"calendars.{calendar_id}"
            if len(str(calendar_id)) > MAX_LENGTH["id"]:
                self.problem(path, f"calendar id longer than {MAX_LENGTH['id']} characters")
            if not isinstance(spec, dict):
                self.problem(path, f"expected a mapping with workday, restday, holiday, got {_describe(spec)}")
                continue
            hours = {key: value for key, value in spec.items() if key != "name"}
            try:
                self.calendars[str(calendar_id)] = WorkingHours.parse(str(calendar_id), hours)
            except ValueError as error:
                self.problem(path, str(error))
            name = self.optional_text(spec, "name", path)
            if name:
                self.calendar_names[str(calendar_id)] = name

    def read_staff(self, node: Any) -> None:
        if not isinstance(node, list):
            self.problem("staff", f"expected a list of staff members, got {_describe(node)}")
            return
        first_seen: dict[str, str] = {}
        for index, entry in enumerate(node):
            path = f"staff[{index}]"
            if not isinstance(entry, dict):
                self.problem(path, f"expected a mapping with id, name, phone, role, got {_describe(entry)}")
                continue
            self.unknown_keys(entry, path, ("id", "name", "phone", "role"))
            member = Staff(
                self.text(entry, "id", path),
                self.text(entry, "name", path),
                self.phone(entry, path),
                self.role(entry, path),
            )
            if member.id in first_seen:
                self.problem(f"{path}.id", f"duplicate staff id {member.id!r} (also at {first_seen[member.id]})")
            elif member.id:
                first_seen[member.id] = path
                self.staff[member.id] = member

    def phone(self, entry: dict[str, Any], path: str) -> str:
        value = entry.get("phone")
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return self.optional_text(entry, "phone", path) or ""

    def role(self, entry: dict[str, Any], path: str) -> Role:
        value = entry.get("role", Role.STAFF.value)
        try:
            return Role(value)
        except ValueError:
            allowed = ", ".join(role.value for role in Role)
            self.problem(f"{path}.role", f"{value!r} is not a role; use {allowed}")
            return Role.STAFF

    def read_unit(self, node: Any, path: str, kind: UnitKind, parent: Unit | None) -> None:
        if not isinstance(node, dict):
            self.problem(path, f"expected a mapping with id and name, got {_describe(node)}")
            return
        fitting = (
            *_UNIT_FIELDS,
            *(key for key, post_kind in POST_KEYS.items() if POST_UNIT[post_kind] is kind),
            *(key for key, child_kind in CHILD_KEYS.items() if kind in PARENT_KINDS[child_kind]),
        )
        self.unknown_keys(node, path, (*_UNIT_FIELDS, *POST_KEYS, *CHILD_KEYS), fitting)
        unit = Unit(
            id=self.text(node, "id", path),
            kind=kind,
            name=self.text(node, "name", path),
            parent_id=parent.id if parent else None,
            address=self.optional_text(node, "address", path) or "",
            lat=self.coordinate(node, "lat", path, 90),
            lon=self.coordinate(node, "lon", path, 180),
            calendar_id=self.optional_text(node, "calendar", path),
        )
        self.register_unit(unit, path)
        for key, post_kind in POST_KEYS.items():
            if key in node:
                self.read_post(node[key], _join(path, key), post_kind, unit)
        for key, child_kind in CHILD_KEYS.items():
            if key in node:
                self.read_children(node[key], _join(path, key), child_kind, unit)

    def register_unit(self, unit: Unit, path: str) -> None:
        if unit.calendar_id:
            self.calendar_refs.append((f"{path}.calendar", unit.calendar_id))
        if not unit.id:
            return
        if unit.id in self.units:
            self.problem(f"{path}.id", f"duplicate unit id {unit.id!r} (also at {self.unit_paths[unit.id]})")
            return
        self.units[unit.id] = unit
        self.unit_paths[unit.id] = path

    def read_children(self, node: Any, path: str, kind: UnitKind, parent: Unit) -> None:
        if parent.kind not in PARENT_KINDS[kind]:
            allowed = " or ".join(sorted(UNIT_LABELS_ZH[k] + f" ({k.value})" for k in PARENT_KINDS[kind]))
            self.problem(path, f"a {kind.value} cannot be inside a {parent.kind.value}; it belongs in a {allowed}")
            return
        if not isinstance(node, list):
            self.problem(path, f"expected a list of {kind.value} units, got {_describe(node)}")
            return
        for index, child in enumerate(node):
            self.read_unit(child, f"{path}[{index}]", kind, parent)

    def read_post(self, node: Any, path: str, kind: PostKind, unit: Unit) -> None:
        if POST_UNIT[kind] is not unit.kind:
            self.problem(path, f"{kind.value} is a post of a {POST_UNIT[kind].value}, not of a {unit.kind.value}")
            return
        if not isinstance(node, dict):
            self.problem(path, f"expected {{a: STAFF_ID, b: STAFF_ID}}, got {_describe(node)}")
            return
        self.unknown_keys(node, path, ("a", "b", "calendar"))
        holder_a = self.holder(node, "a", path)
        holder_b = self.holder(node, "b", path)
        if holder_a and holder_a == holder_b:
            self.problem(path, f"A and B holder are both {holder_a!r}; the backup (B) must be another person")
        calendar_id = self.optional_text(node, "calendar", path)
        if calendar_id:
            self.calendar_refs.append((f"{path}.calendar", calendar_id))
        if unit.id:
            post = Post(post_id_for(kind, unit.id), kind, unit.id, holder_a, holder_b, calendar_id)
            self.posts[post.id] = post

    def holder(self, node: dict[str, Any], slot: str, path: str) -> str:
        staff_id = self.optional_text(node, slot, path)
        if staff_id is None and slot not in node:
            self.problem(_join(path, slot), f"missing {slot.upper()} holder: every post has an A and a B (AB岗)")
        if staff_id:
            self.holder_refs.append((_join(path, slot), staff_id))
        return staff_id or ""

    def check_references(self, default_intake: str | None) -> None:
        for path, staff_id in self.holder_refs:
            if staff_id not in self.staff:
                self.problem(path, f"unknown staff {staff_id!r}")
        for path, calendar_id in self.calendar_refs:
            if calendar_id == STANDARD_HOURS.id and calendar_id not in self.calendars:
                self.calendars[calendar_id] = STANDARD_HOURS
            elif calendar_id not in self.calendars:
                self.problem(path, f"unknown calendar {calendar_id!r}; define it under calendars")
        self.check_communities()
        community = self.units.get(default_intake) if default_intake else None
        if default_intake and (community is None or community.kind is not UnitKind.COMMUNITY):
            self.problem("default_intake_community", f"{default_intake!r} is not a community of this file")

    def check_communities(self) -> None:
        for unit in self.units.values():
            if unit.kind is not UnitKind.COMMUNITY:
                continue
            for kind in COMMUNITY_POSTS:
                if post_id_for(kind, unit.id) not in self.posts:
                    key = next(key for key, value in POST_KEYS.items() if value is kind)
                    self.problem(
                        self.unit_paths[unit.id],
                        f"community {unit.id!r} has no {key} post ({POST_LABELS_ZH[kind]}); "
                        "requests are routed through it",
                    )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- rosters ------------------------------------------------------------------------------------

# Accepted header spellings per column, compared after _header_key() normalisation.
ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "post_kind": ("post_kind", "post", "kind", "岗位", "岗位类型"),
    "unit_id": ("unit_id", "unit", "单位编号", "单位", "单位id"),
    "slot": ("slot", "ab", "a/b", "ab岗", "岗别"),
    "staff_id": ("staff_id", "staff", "工号", "人员编号", "员工编号"),
    "name": ("name", "姓名"),
    "phone": ("phone", "电话", "手机", "联系电话"),
    "role": ("role", "角色"),
}
ROSTER_REQUIRED = ("post_kind", "unit_id", "slot", "staff_id")
_COLUMN_LABELS = {"post_kind": "岗位", "unit_id": "单位编号", "slot": "AB岗", "staff_id": "工号"}

_POST_NAMES: dict[str, PostKind] = {
    **{kind.value: kind for kind in PostKind},
    **POST_KEYS,
    **{label: kind for kind, label in POST_LABELS_ZH.items()},
}
_SLOTS = {"a": "a", "b": "b", "a岗": "a", "b岗": "b"}


def _header_key(header: str) -> str:
    """``'Slot (A/B)'`` → ``'slot'``, ``'AB岗'`` → ``'ab岗'``: spaces, case and a bracketed hint do not matter."""
    without_hint = re.sub(r"[(（][^)）]*[)）]\s*$", "", header.strip())
    return re.sub(r"\s+", "", without_hint).lower()


_HEADER_FIELDS = {alias: name for name, aliases in ROSTER_COLUMNS.items() for alias in aliases}


@dataclass(frozen=True, slots=True)
class _Row:
    number: int
    cells: dict[str, str]


def read_roster(path: Path, base: OrgData | None = None) -> OrgData:
    """Apply a CSV or XLSX roster of post holders on top of ``base``; the result is the whole registry."""
    base = base or OrgData()
    headers, rows = _roster_table(path)
    return _RosterReader(str(path), base, headers).apply(rows)


def _roster_table(path: Path) -> tuple[dict[str, str], list[_Row]]:
    """The header (field → column title as written) and the non-empty data rows."""
    records = _roster_records(path)
    if not records:
        raise OrgFileError([f"{path}: empty roster; the first row names the columns"])
    titles = [cell.strip() for cell in records[0]]
    columns = {_HEADER_FIELDS[_header_key(t)]: i for i, t in enumerate(titles) if _header_key(t) in _HEADER_FIELDS}
    missing = [name for name in ROSTER_REQUIRED if name not in columns]
    if missing:
        wanted = ", ".join(f"{name} ({_COLUMN_LABELS[name]})" for name in missing)
        raise OrgFileError([f"{path}: row 1: missing column {wanted}"])
    rows = [
        _Row(number, {name: _cell(record, index) for name, index in columns.items()})
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)
    ]
    return {name: titles[index] for name, index in columns.items()}, rows


def _cell(record: Sequence[str], index: int) -> str:
    return record[index].strip() if index < len(record) else ""


def _roster_records(path: Path) -> list[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return list(csv.reader(io.StringIO(_read_csv_text(path))))
    if suffix == ".xlsx":
        return _xlsx_records(path)
    raise OrgFileError([f"{path}: unknown file type; rosters end in .csv or .xlsx (save .xls as .xlsx)"])


def _read_csv_text(path: Path) -> str:
    """UTF-8 with or without BOM; GB18030 as older Chinese Excel saves "CSV (逗号分隔)"."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise OrgFileError([f"{path}: cannot read: {error.strerror}"]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _xlsx_records(path: Path) -> list[list[str]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise OrgFileError([f"{path}: not a readable .xlsx workbook ({error})"]) from None
    try:
        sheet = workbook.worksheets[0]
        records = [[_xlsx_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return records


def _xlsx_text(value: object) -> str:
    """Cell text; Excel turns ids and phone numbers typed as digits into numbers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _RosterReader:
    """Applies roster rows to a copy of a registry, collecting problems by row and column."""

    def __init__(self, source: str, base: OrgData, headers: dict[str, str]) -> None:
        self.source = source
        self.base = base
        self.headers = headers
        self.problems: list[str] = []
        self.staff = dict(base.organisation.staff)
        self.named_at: dict[str, tuple[int, str]] = {}
        self.first_row: dict[str, int] = {}
        self.slots: dict[tuple[PostKind, str], dict[str, tuple[str, int]]] = {}

    def problem(self, row: int, column: str | None, message: str) -> None:
        where = f"row {row}, column {self.headers[column]}" if column else f"row {row}"
        self.problems.append(f"{self.source}: {where}: {message}")

    def apply(self, rows: Sequence[_Row]) -> OrgData:
        for row in rows:
            self.read_row(row)
        for staff_id, row in self.first_row.items():
            if staff_id not in self.staff:
                self.problem(row, "staff_id", f"new staff {staff_id!r} needs a name (column name / 姓名)")
        posts = self.updated_posts()
        if self.problems:
            raise OrgFileError(self.problems)
        old = self.base.organisation
        organisation = Organisation(dict(old.units), posts, self.staff, old.default_intake_community)
        return OrgData(
            organisation, dict(self.base.calendars), dict(self.base.calendar_names), self.base.default_calendar
        )

    def read_row(self, row: _Row) -> None:
        too_long = [column for column in ("name", "phone") if len(row.cells.get(column, "")) > MAX_LENGTH[column]]
        for column in too_long:
            self.problem(row.number, column, f"longer than {MAX_LENGTH[column]} characters")
        if too_long:
            return
        kind = self.post_kind(row)
        unit = self.unit(row)
        slot = self.slot(row)
        staff_id = row.cells["staff_id"]
        if not staff_id or len(staff_id) > MAX_LENGTH["id"]:
            self.problem(row.number, "staff_id", f"expected a staff id of 1 to {MAX_LENGTH['id']} characters")
            staff_id = ""
        else:
            self.update_staff(row, staff_id)
        if kind and unit and POST_UNIT[kind] is not unit.kind:
            self.problem(
                row.number,
                "post_kind",
                f"{unit.id} is a {unit.kind.value} ({UNIT_LABELS_ZH[unit.kind]}); a {kind.value} post "
                f"({POST_LABELS_ZH[kind]}) belongs to a {POST_UNIT[kind].value}",
            )
        elif kind and unit and slot and staff_id:
            self.assign(row.number, (kind, unit.id), slot, staff_id)

    def post_kind(self, row: _Row) -> PostKind | None:
        text = row.cells["post_kind"]
        kind = _POST_NAMES.get(text) or _POST_NAMES.get(text.lower())
        if kind is None:
            allowed = ", ".join(f"{k.value}/{label}" for k, label in POST_LABELS_ZH.items())
            self.problem(row.number, "post_kind", f"unknown post kind {text!r}; use one of {allowed}")
        return kind

    def unit(self, row: _Row) -> Unit | None:
        unit_id = row.cells["unit_id"]
        unit = self.base.organisation.units.get(unit_id)
        if unit is None:
            self.problem(row.number, "unit_id", f"unknown unit {unit_id!r}" if unit_id else "missing unit id")
        return unit

    def slot(self, row: _Row) -> str | None:
        text = row.cells["slot"]
        slot = _SLOTS.get(text.lower())
        if slot is None:
            self.problem(row.number, "slot", f"{text!r} is not A or B")
        return slot

    def update_staff(self, row: _Row, staff_id: str) -> None:
        self.first_row.setdefault(staff_id, row.number)
        name = row.cells.get("name", "")
        earlier = self.named_at.get(staff_id)
        if name and earlier and earlier[1] != name:
            self.problem(row.number, "name", f"{staff_id} is named {earlier[1]!r} in row {earlier[0]}")
            return
        if name:
            self.named_at[staff_id] = (row.number, name)
        current = self.staff.get(staff_id)
        if current is None and not name:
            return
        current = current or Staff(staff_id, name)
        self.staff[staff_id] = Staff(
            staff_id,
            name or current.name,
            row.cells.get("phone") or current.phone,
            self.role(row, current.role),
        )

    def role(self, row: _Row, current: Role) -> Role:
        text = row.cells.get("role", "")
        if not text:
            return current
        try:
            return Role(text.lower())
        except ValueError:
            self.problem(row.number, "role", f"{text!r} is not a role; use {', '.join(r.value for r in Role)}")
            return current

    def assign(self, row: int, key: tuple[PostKind, str], slot: str, staff_id: str) -> None:
        holders = self.slots.setdefault(key, {})
        earlier = holders.get(slot)
        if earlier and earlier[0] != staff_id:
            self.problem(
                row, "staff_id", f"{slot.upper()} of {post_id_for(*key)} is already {earlier[0]} (row {earlier[1]})"
            )
            return
        holders[slot] = (staff_id, row)

    def updated_posts(self) -> dict[str, Post]:
        posts = dict(self.base.organisation.posts)
        for (kind, unit_id), holders in self.slots.items():
            current = self.base.organisation.post_for(kind, unit_id)
            post = current or Post(post_id_for(kind, unit_id), kind, unit_id, "", "")
            holder_a = holders["a"][0] if "a" in holders else post.holder_a
            holder_b = holders["b"][0] if "b" in holders else post.holder_b
            row = min(number for _, number in holders.values())
            for slot, holder in (("a", holder_a), ("b", holder_b)):
                if not holder:
                    self.problem(row, None, f"new post {post.id} has no {slot.upper()} holder: give rows for A and B")
            if holder_a and holder_a == holder_b:
                self.problem(row, None, f"{holder_a} would hold both A and B of {post.id}; B must be another person")
            posts[post.id] = Post(post.id, kind, unit_id, holder_a, holder_b, post.calendar_id)
        return posts
