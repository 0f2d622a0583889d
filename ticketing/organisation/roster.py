"""Rosters (CSV or XLSX, as offices keep them in Excel): who holds which post.

One row per post holder, laid on top of an existing registry to change who
holds what; documented in ``docs/organisation.md``.  Every problem is
collected, naming the file, the row (as Excel numbers it) and the column, and
all are raised together as one ``OrgFileError``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from ticketing.domain.errors import OrgFileError
from ticketing.domain.org import POST_UNIT, Organisation, Post, PostKind, Role, Staff, Unit, UnitKind
from ticketing.organisation.data import (
    FORMER_POST_LABELS_ZH,
    MAX_LENGTH,
    POST_KEYS,
    POST_LABELS_ZH,
    UNIT_LABELS_ZH,
    OrgData,
    post_id_for,
)

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
    **{label: kind for kind, label in FORMER_POST_LABELS_ZH.items()},
}
SHOP_WITH_LEADER_ROSTER = (
    "a shop has no 店长 (shop_leader) any more: 店长 are the property service units (物业服务单位), and a "
    "request about a shop goes to the street leader of its segment. Declare the property service unit under "
    "properties: in the organisation file and give its 店长 rows with that unit's id"
)
# A slot is a place in the post's order: A (0), B (1), then further holders C, D, … or 3, 4, … (2, 3, …).
_SLOTS = {
    "a": 0,
    "b": 1,
    "a岗": 0,
    "b岗": 1,
    "1": 0,
    "2": 1,
    **{letter: index for index, letter in enumerate("cdefghi", start=2)},
    **{str(index + 1): index for index in range(2, 9)},
}


def slot_name(slot: int) -> str:
    """``A``, ``B``, then ``C`` … for the holders after B."""
    return "ABCDEFGHI"[slot]


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
    records = file_records(path)
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


def file_records(path: Path) -> list[list[str]]:
    """The rows of a CSV or XLSX file (its first sheet) as text cells."""
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
        self.slots: dict[tuple[PostKind, str], dict[int, tuple[str, int]]] = {}

    def problem(self, row: int, column: str | None, message: str) -> None:
        where = f"row {row}, column {self.headers[column]}" if column else f"row {row}"
        self.problems.append(f"{self.source}: {where}: {message}")

    def apply(self, rows: Sequence[_Row]) -> OrgData:
        for row in rows:
            self.read_row(row)
        for staff_id, first in self.first_row.items():
            if staff_id not in self.staff:
                self.problem(first, "staff_id", f"new staff {staff_id!r} needs a name (column name / 姓名)")
        posts = self.updated_posts()
        if self.problems:
            raise OrgFileError(self.problems)
        old = self.base.organisation
        organisation = Organisation(
            dict(old.units), posts, self.staff, old.default_intake_community, old.volunteer_calendar
        )
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
        if kind is PostKind.SHOP_LEADER and unit and unit.kind is UnitKind.SHOP:
            self.problem(row.number, "post_kind", f"{unit.id}: {SHOP_WITH_LEADER_ROSTER}")
        elif kind and unit and POST_UNIT[kind] is not unit.kind:
            self.problem(
                row.number,
                "post_kind",
                f"{unit.id} is a {unit.kind.value} ({UNIT_LABELS_ZH[unit.kind]}); a {kind.value} post "
                f"({POST_LABELS_ZH[kind]}) belongs to a {POST_UNIT[kind].value}",
            )
        elif kind and unit and slot is not None and staff_id:
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

    def slot(self, row: _Row) -> int | None:
        text = row.cells["slot"]
        slot = _SLOTS.get(text.lower())
        if slot is None:
            self.problem(row.number, "slot", f"{text!r} is not A, B or a further holder C, D, … (or 3, 4, …)")
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

    def assign(self, row: int, key: tuple[PostKind, str], slot: int, staff_id: str) -> None:
        holders = self.slots.setdefault(key, {})
        earlier = holders.get(slot)
        if earlier and earlier[0] != staff_id:
            self.problem(
                row,
                "staff_id",
                f"{slot_name(slot)} of {post_id_for(*key)} is already {earlier[0]} (row {earlier[1]})",
            )
            return
        holders[slot] = (staff_id, row)

    def updated_posts(self) -> dict[str, Post]:
        posts = dict(self.base.organisation.posts)
        for (kind, unit_id), holders in self.slots.items():
            current = self.base.organisation.post_for(kind, unit_id)
            post = current or Post(post_id_for(kind, unit_id), kind, unit_id, "", "")
            row = min(number for _, number in holders.values())
            order = self.new_order(post, holders, row)
            for slot, holder in enumerate(order[:2]):
                if not holder:
                    self.problem(
                        row, None, f"new post {post.id} has no {slot_name(slot)} holder: give rows for A and B"
                    )
            twice = sorted({holder for holder in order if holder and order.count(holder) > 1})
            if twice:
                self.problem(row, None, f"{', '.join(twice)} would hold {post.id} twice; each holder once")
            posts[post.id] = Post(post.id, kind, unit_id, order[0], order[1], post.calendar_id, tuple(order[2:]))
        return posts

    def new_order(self, post: Post, holders: dict[int, tuple[str, int]], row: int) -> list[str]:
        """The post's holders with the roster's rows laid on their places; a further place needs the one before."""
        order = list(post.holders)
        for slot in sorted(holders):
            if slot > len(order):
                self.problem(
                    holders[slot][1],
                    "slot",
                    f"{post.id} has {len(order)} holders; give a row for {slot_name(len(order))} before "
                    f"{slot_name(slot)}",
                )
                continue
            if slot == len(order):
                order.append("")
            order[slot] = holders[slot][0]
        return order
