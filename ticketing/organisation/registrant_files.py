"""双报到 registrations from a file (CSV or XLSX) a community keeps: one row a unit or a member.

The first row names the columns, in Chinese or English (any order; unknown columns are ignored)::

    类型, 名称, 电话, 联系人, 工作单位, 特长, 可提供资源, 每月可服务时长
    党员, 王建国, 13906331234, , 区财政局, 水电维修, , 8
    单位, 区供电公司, 0633-8881234, 李主任, , , 电工两名，周末可上门,

``类型`` is 单位 (a unit stationed in the community) or 党员 (an in-service party member); the community is the
one the import is made for.  The rows' own rules are those of a registration form
(``domain.volunteering.registration``), checked when the import runs.
"""

from __future__ import annotations

import re
from pathlib import Path

from ticketing.domain.errors import InvalidInput, OrgFileError
from ticketing.domain.volunteering.model import RegistrantKind
from ticketing.domain.volunteering.registration import Application
from ticketing.organisation.roster import file_records

COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": ("类型", "报到类型", "kind", "type"),
    "name": ("名称", "姓名", "单位名称", "name"),
    "phone": ("电话", "手机", "联系电话", "phone"),
    "contact_name": ("联系人", "contact", "contactperson"),
    "work_unit": ("工作单位", "workunit", "employer"),
    "skills": ("特长", "专长", "skills"),
    "offer": ("可提供资源", "资源", "offer"),
    "hours_per_month": ("每月可服务时长", "每月服务时长", "hoursamonth", "hourspermonth"),
}
REQUIRED = ("kind", "name", "phone")
KINDS = {
    "单位": RegistrantKind.UNIT,
    "驻区单位": RegistrantKind.UNIT,
    "unit": RegistrantKind.UNIT,
    "党员": RegistrantKind.MEMBER,
    "在职党员": RegistrantKind.MEMBER,
    "member": RegistrantKind.MEMBER,
}
MAX_ROWS = 5000
_ALIASES = {alias.lower(): name for name, aliases in COLUMNS.items() for alias in aliases}


def _key(title: str) -> str:
    """``'Hours a month (每月)'`` → ``'hoursamonth'``: spaces, case and a bracketed hint do not matter."""
    return re.sub(r"\s+", "", re.sub(r"[(（][^)）]*[)）]\s*$", "", title.strip())).lower()


def read_registrants(path: Path, community_id: str) -> list[Application]:
    """The applications of every non-empty row, or InvalidInput naming the row (the header is row 1)."""
    try:
        records = file_records(path)
    except OrgFileError:
        raise InvalidInput("the file is no readable CSV or XLSX table: save it from Excel as .xlsx or .csv") from None
    if not records:
        raise InvalidInput("the file is empty: its first row names the columns (kind, name, phone …)")
    columns = {_ALIASES[_key(t)]: i for i, t in enumerate(records[0]) if _key(t) in _ALIASES}
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise InvalidInput("row 1: the columns kind, name and phone are required")
    rows = [(number, record) for number, record in enumerate(records[1:], start=2) if any(c.strip() for c in record)]
    if len(rows) > MAX_ROWS:
        raise InvalidInput("at most %(max)d rows in one file; split it", max=MAX_ROWS)
    return [_application(number, record, columns, community_id) for number, record in rows]


def _application(number: int, record: list[str], columns: dict[str, int], community_id: str) -> Application:
    cells = {name: (record[i].strip() if i < len(record) else "") for name, i in columns.items()}
    kind = KINDS.get(cells["kind"].lower())
    if kind is None:
        raise InvalidInput("row %(row)d: the kind is a unit or a member, not %(kind)r", row=number, kind=cells["kind"])
    hours = cells.get("hours_per_month", "") or "0"
    if not hours.isascii() or not hours.isdigit():
        raise InvalidInput("row %(row)d: hours a month is a whole number, not %(hours)r", row=number, hours=hours)
    return Application(
        community_id,
        kind,
        cells["name"],
        cells["phone"],
        contact_name=cells.get("contact_name", ""),
        work_unit=cells.get("work_unit", ""),
        skills=cells.get("skills", ""),
        offer=cells.get("offer", ""),
        hours_per_month=int(hours),
    )
