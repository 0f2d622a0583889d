"""Organisation files (YAML or TOML), read into plain registry data (``OrgData``).

An organisation file, described in ``docs/organisation.md``, gives the nested
unit tree district → streets → communities → grids → buildings / segments
(→ property service units → shops) with each unit's posts, the staff list and
the working-hours calendars.  ``read_sources`` reads organisation files and rosters
(``ticketing.organisation.roster``) in order.

Reading never stops at the first problem: every problem is collected, each
naming the file, the line, the unit or staff member it is about and the key
path, or the row of a roster, and all are raised together as one
``OrgFileError``: ``district.yaml line 1234, building B0101: district.streets[0]…
.building_leader.b: unknown staff 'S9999'``.  Nothing is stored here (see
``ticketing.db.org_store``).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from ticketing.domain.calendar import BUILT_IN_HOURS, VOLUNTEER_HOURS, WorkingHours
from ticketing.domain.errors import OrgFileError
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
    held_by_volunteers,
)
from ticketing.organisation.data import (
    CHILD_KEYS,
    MAX_LENGTH,
    ORG_SUFFIXES,
    POST_KEYS,
    POST_LABELS_ZH,
    ROSTER_SUFFIXES,
    UNIT_LABELS_ZH,
    OrgData,
    post_id_for,
)
from ticketing.organisation.roster import read_roster

# Posts a community must have: requests are received at intake and end at the party organisation.
COMMUNITY_POSTS = (PostKind.INTAKE, PostKind.COMMUNITY_PARTY)

VOLUNTEER_HOURS_NAME = "志愿者日间服务时间"

SHOP_WITH_LEADER = (
    "a shop has no shop_leader (店长) any more: 店长 are the property service units (物业服务单位), and a "
    "request about a shop goes to the street leader of its segment. If this unit is a property service unit, "
    "list it under properties: instead of shops: (same id, name and shop_leader) and put the shops it manages "
    "under its own shops:; if it is a plain shop, remove its shop_leader"
)

_UNIT_FIELDS = ("id", "name", "address", "lat", "lon", "calendar")
_TOP_KEYS = ("district", "staff", "calendars", "default_calendar", "default_intake_community", "volunteer_calendar")


def is_roster(path: Path) -> bool:
    return path.suffix.lower() in ROSTER_SUFFIXES


def read_sources(paths: Iterable[Path], base: OrgData, reading: Callable[[int, Path], None] | None = None) -> OrgData:
    """Read organisation files and rosters in order, each roster on top of ``base`` and what came before.

    The result holds only what the files say, plus all of ``base`` once a roster
    is among them (a roster edits a whole registry).  Problems of every file are
    raised together.  ``reading`` is told each file (and its place, from 0) as it is read.
    """
    problems: list[str] = []
    incoming: OrgData | None = None
    for index, path in enumerate(paths):
        if reading:
            reading(index, path)
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
    doc, id_lines = _load_document(path)
    return read_org_document(doc, str(path), id_lines)


def read_org_document(doc: Any, source: str, id_lines: dict[str, int] | None = None) -> OrgData:
    """Check an organisation document already in memory (as a file parses to); ``source`` names it in problems.

    ``id_lines`` gives the line of each ``id = "…"`` where the document's own mappings know no lines (TOML).
    """
    return _OrgFileReader(source, id_lines or {}).read(doc)


_TOML_ID = re.compile(r"""\bid\s*=\s*["']([^"'\n]+)["']""")


def _load_document(path: Path) -> tuple[Any, dict[str, int]]:
    """The document and, for TOML, the line of each id; a YAML document's mappings carry their lines."""
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in ORG_SUFFIXES:
        raise OrgFileError(
            [f"{source}: unknown file type; use .yaml, .yml or .toml (organisation) or .csv, .xlsx (roster)"]
        )
    text = _read_text(path)
    if suffix == ".toml":
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise OrgFileError([f"{source}: {error}"]) from None
        id_lines: dict[str, int] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            for found in _TOML_ID.finditer(line):
                id_lines.setdefault(found[1].strip(), number)
        return doc, id_lines
    try:
        return yaml.load(text, Loader=_StrictLoader), {}
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


class _StrictLoader(_SafeLoader):  # type: ignore[misc,valid-type]  # the C loader when PyYAML has one
    """A safe loader that refuses duplicate keys, which PyYAML would silently overwrite, and keeps line numbers."""


class _Located(dict[Any, Any]):
    """A mapping read from YAML, with the line it starts on and the line of each of its keys (from 1)."""

    line: int
    key_lines: dict[Any, int]


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    mapping = _Located()
    mapping.line, mapping.key_lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            seen = key in mapping.key_lines
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a list or mapping as a key", key_node.start_mark
            ) from None
        if seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping.key_lines[key] = key_node.start_mark.line + 1
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _describe(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", type(None): "nothing"}
    return names.get(type(value), f"{value!r}")


class _OrgFileReader:
    """One pass over an organisation document, collecting records and problems."""

    def __init__(self, source: str, id_lines: dict[str, int]) -> None:
        self.source = source
        self.id_lines = id_lines
        self.problems: list[str] = []
        self.units: dict[str, Unit] = {}
        self.unit_paths: dict[str, str] = {}
        self.posts: dict[str, Post] = {}
        self.staff: dict[str, Staff] = {}
        self.calendars: dict[str, WorkingHours] = {}
        self.calendar_names: dict[str, str] = {}
        self.holder_refs: list[tuple[str, str]] = []
        self.calendar_refs: list[tuple[str, str]] = []
        self.doc: Any = None

    def problem(self, where: str, message: str) -> None:
        """Record a problem at key path ``where``, naming its line and the unit or staff member it is in."""
        line, kind, owner_id = _locate(self.doc, where)
        line = line or self.id_lines.get(owner_id)
        owner = f"{kind} {owner_id}" if owner_id else ""
        location = ", ".join(part for part in (f"line {line}" if line else "", owner) if part)
        self.problems.append(f"{self.source}{' ' + location if location else ''}: {where}: {message}")

    def read(self, doc: Any) -> OrgData:
        self.doc = doc
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
        volunteer_calendar = self.optional_text(doc, "volunteer_calendar", "")
        for key, calendar_id in (("default_calendar", default_calendar), ("volunteer_calendar", volunteer_calendar)):
            if calendar_id:
                self.calendar_refs.append((key, calendar_id))
        self.check_references(default_intake)
        if not volunteer_calendar and any(held_by_volunteers(post.kind) for post in self.posts.values()):
            self.calendars.setdefault(VOLUNTEER_HOURS.id, VOLUNTEER_HOURS)
            self.calendar_names.setdefault(VOLUNTEER_HOURS.id, VOLUNTEER_HOURS_NAME)
        if self.problems:
            raise OrgFileError(self.problems)
        return OrgData(
            Organisation(self.units, self.posts, self.staff, default_intake, volunteer_calendar),
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
        return self.text_value(node.get(key), _join(path, key), MAX_LENGTH.get(key, MAX_LENGTH["id"]))

    def text_value(self, value: Any, where: str, limit: int = MAX_LENGTH["id"]) -> str | None:
        """``value`` stripped if it is text within ``limit``; None (with a problem unless it is missing) otherwise."""
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.problem(where, f"expected text, got the number {value!r}; put it in quotes")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"expected text, got {_describe(value)}")
            return None
        if len(value.strip()) > limit:
            self.problem(where, f"longer than {limit} characters")
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
        if kind is PostKind.SHOP_LEADER and unit.kind is UnitKind.SHOP:
            self.problem(path, SHOP_WITH_LEADER)
            return
        if POST_UNIT[kind] is not unit.kind:
            self.problem(path, f"{kind.value} is a post of a {POST_UNIT[kind].value}, not of a {unit.kind.value}")
            return
        if not isinstance(node, dict):
            self.problem(path, f"expected {{a: STAFF_ID, b: STAFF_ID}}, got {_describe(node)}")
            return
        self.unknown_keys(node, path, ("a", "b", "more", "calendar"))
        holder_a = self.holder(node, "a", path)
        holder_b = self.holder(node, "b", path)
        if holder_a and holder_a == holder_b:
            self.problem(path, f"A and B holder are both {holder_a!r}; the backup (B) must be another person")
        more = self.more_holders(node, path, (holder_a, holder_b))
        calendar_id = self.optional_text(node, "calendar", path)
        if calendar_id:
            self.calendar_refs.append((f"{path}.calendar", calendar_id))
        if unit.id:
            post = Post(post_id_for(kind, unit.id), kind, unit.id, holder_a, holder_b, calendar_id, more)
            self.posts[post.id] = post

    def more_holders(self, node: dict[str, Any], path: str, earlier: tuple[str, str]) -> tuple[str, ...]:
        """The holders after B, in order (``more: [S3, S4]``): each a known staff member, none twice on the post."""
        value = node.get("more")
        if value is None:
            return ()
        where = _join(path, "more")
        if not isinstance(value, list):
            self.problem(where, f"expected a list of staff ids after A and B, got {_describe(value)}")
            return ()
        found: list[str] = []
        for index, entry in enumerate(value):
            item = f"{where}[{index}]"
            staff_id = self.text_value(entry, item)
            if entry is None:
                self.problem(item, "expected a staff id, got nothing")
            elif staff_id in (*earlier, *found):
                self.problem(item, f"{staff_id!r} already holds this post; each holder once")
            elif staff_id:
                self.holder_refs.append((item, staff_id))
                found.append(staff_id)
        return tuple(found)

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
            if calendar_id in BUILT_IN_HOURS and calendar_id not in self.calendars:
                self.calendars[calendar_id] = BUILT_IN_HOURS[calendar_id]
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


_STEP = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def _locate(doc: Any, where: str) -> tuple[int | None, str, str]:
    """The line of key path ``where`` in ``doc`` (YAML only) and the innermost unit or staff member it is in.

    ``district.streets[0].communities[1].name`` → (the line of that ``name:``, ``community``, ``C0102``);
    the deepest line known where a step is missing or is no mapping.
    """
    node, line, kind, owner_kind, owner_id = doc, None, "", "", ""
    for index, key in _STEP.findall(where):
        if index and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
            line = getattr(node, "line", line)
        elif key and isinstance(node, dict) and key in node:
            line = getattr(node, "key_lines", {}).get(key, line)
            kind = CHILD_KEYS[key].value if key in CHILD_KEYS else "staff" if key == "staff" else key
            node = node[key]
        else:
            break
        if isinstance(node, dict) and kind in (*_UNIT_KINDS, "staff") and isinstance(node.get("id"), str):
            owner_kind, owner_id, kind = kind, node["id"].strip(), ""
    return line, owner_kind, owner_id


_UNIT_KINDS = (UnitKind.DISTRICT.value, *(kind.value for kind in CHILD_KEYS.values()))
