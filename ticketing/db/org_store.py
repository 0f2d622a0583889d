"""The organisation registry in the database: idempotent save, load and a change counter.

``save_org`` upserts by id and never deletes: a record missing from the
incoming data is kept (tickets and history may point at it) and counted as
"not in file".  Any change bumps the ``org_version`` meta key, which lets a
process that caches the registry notice that it must reload.  The caller owns
the transaction, so an import of several files is all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from enum import Enum
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, insert, inspect, select, update

from ticketing.db.schema import calendars, meta, posts, staff, units
from ticketing.domain.calendar import WorkingHours
from ticketing.domain.org import Organisation, Post, PostKind, Role, Staff, Unit, UnitKind
from ticketing.organisation.data import ImportSummary, OrgData, TableCounts

ORG_VERSION_KEY = "org_version"
DEFAULT_INTAKE_KEY = "default_intake_community"
DEFAULT_CALENDAR_KEY = "default_calendar"
VOLUNTEER_CALENDAR_KEY = "volunteer_calendar"

Row = dict[str, Any]

REGISTRY_TABLES = ("calendars", "units", "staff", "posts")
"""The tables ``save_org`` writes, in the order it writes them."""


def save_org(conn: Connection, data: OrgData, saving: Callable[[str], None] | None = None) -> ImportSummary:
    """Upsert the registry, parents before children; bump ``org_version`` if anything changed.

    ``saving`` is told each table's name (``REGISTRY_TABLES``) as its rows are written.
    """
    version = _lock_version(conn)
    org = data.organisation
    rows: dict[str, tuple[Table, Callable[[], list[Row]]]] = {
        "calendars": (calendars, lambda: _calendar_rows(data)),
        "units": (units, lambda: [_row(unit) for unit in _parents_first(org.units)]),
        "staff": (staff, lambda: [_row(member) for member in org.staff.values()]),
        "posts": (posts, lambda: [_row(post) for post in org.posts.values()]),
    }
    counts: dict[str, TableCounts] = {}
    for name in REGISTRY_TABLES:
        if saving:
            saving(name)
        table, table_rows = rows[name]
        counts[name] = _upsert(conn, table, table_rows())
    intake_changed = _set_meta(conn, DEFAULT_INTAKE_KEY, org.default_intake_community)
    calendar_changed = _set_meta(conn, DEFAULT_CALENDAR_KEY, data.default_calendar)
    volunteer_changed = _set_meta(conn, VOLUNTEER_CALENDAR_KEY, org.volunteer_calendar)
    defaults_changed = intake_changed or calendar_changed or volunteer_changed
    if defaults_changed or any(table.changed for table in counts.values()):
        version += 1
        conn.execute(update(meta).where(meta.c.key == ORG_VERSION_KEY).values(value=str(version)))
    return ImportSummary(
        calendars=counts["calendars"],
        units=counts["units"],
        staff=counts["staff"],
        posts=counts["posts"],
        defaults_changed=defaults_changed,
        org_version=version,
    )


def has_registry(conn: Connection) -> bool:
    """Whether this database has the registry tables yet (a database never migrated has none)."""
    return inspect(conn).has_table(units.name)


def load_org(conn: Connection) -> OrgData:
    """The whole registry as stored."""
    settings = _meta_values(conn)
    organisation = Organisation(
        units={r.id: _unit(r._mapping) for r in conn.execute(select(units).order_by(units.c.id))},
        posts={r.id: _post(r._mapping) for r in conn.execute(select(posts).order_by(posts.c.id))},
        staff={r.id: _staff(r._mapping) for r in conn.execute(select(staff).order_by(staff.c.id))},
        default_intake_community=settings.get(DEFAULT_INTAKE_KEY),
        volunteer_calendar=settings.get(VOLUNTEER_CALENDAR_KEY),
    )
    rows = conn.execute(select(calendars).order_by(calendars.c.id)).all()
    return OrgData(
        organisation,
        calendars={r.id: WorkingHours.parse(r.id, r.spec) for r in rows},
        calendar_names={r.id: r.name for r in rows if r.name},
        default_calendar=settings.get(DEFAULT_CALENDAR_KEY),
    )


def org_version(conn: Connection) -> int:
    """Bumped by every import that changed something; 0 before the first."""
    value = conn.execute(select(meta.c.value).where(meta.c.key == ORG_VERSION_KEY)).scalar()
    return int(value) if value is not None else 0


def _lock_version(conn: Connection) -> int:
    """Read the version row FOR UPDATE, so concurrent imports on PostgreSQL queue here."""
    query = select(meta.c.value).where(meta.c.key == ORG_VERSION_KEY).with_for_update()
    value = conn.execute(query).scalar()
    if value is None:
        conn.execute(insert(meta).values(key=ORG_VERSION_KEY, value="0"))
        return 0
    return int(value)


def _meta_values(conn: Connection) -> dict[str, str]:
    keys = (DEFAULT_INTAKE_KEY, DEFAULT_CALENDAR_KEY, VOLUNTEER_CALENDAR_KEY)
    return {r.key: r.value for r in conn.execute(select(meta).where(meta.c.key.in_(keys)))}


def _set_meta(conn: Connection, key: str, value: str | None) -> bool:
    """Store a default the data sets (data without one keeps the stored one); whether it changed."""
    if value is None:
        return False
    current = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
    if current == value:
        return False
    if current is None:
        conn.execute(insert(meta).values(key=key, value=value))
    else:
        conn.execute(update(meta).where(meta.c.key == key).values(value=value))
    return True


def _upsert(conn: Connection, table: Table, rows: list[Row]) -> TableCounts:
    """Insert new rows in the given order, update changed ones, count the rest."""
    existing = {row["id"]: dict(row) for row in conn.execute(select(table)).mappings()}
    new = [row for row in rows if row["id"] not in existing]
    changed = [row for row in rows if row["id"] in existing and existing[row["id"]] != row]
    if new:
        conn.execute(insert(table), new)
    for row in changed:
        conn.execute(update(table).where(table.c.id == row["id"]).values(row))
    incoming = {row["id"] for row in rows}
    return TableCounts(
        created=len(new),
        updated=len(changed),
        unchanged=len(rows) - len(new) - len(changed),
        not_in_file=len(existing.keys() - incoming),
    )


def _parents_first(units_by_id: Mapping[str, Unit]) -> list[Unit]:
    """Units ordered by depth, so a parent is written before its children (foreign keys)."""

    def depth(unit: Unit) -> int:
        level = 0
        while unit.parent_id is not None and unit.parent_id in units_by_id:
            unit = units_by_id[unit.parent_id]
            level += 1
        return level

    return sorted(units_by_id.values(), key=depth)


def _calendar_rows(data: OrgData) -> list[Row]:
    return [
        {"id": cid, "name": data.calendar_names.get(cid, ""), "spec": hours.to_spec()}
        for cid, hours in data.calendars.items()
    ]


def _row(record: Unit | Staff | Post) -> Row:
    """A record's columns (they share the field names), enums as plain strings.

    Plain ``str`` matters: psycopg would store an enum member by its name; a tuple (further holders) is
    stored as a JSON list, and read back as one, so an unchanged post compares equal.
    """
    return {key: _plain(value) for key, value in asdict(record).items()}


def _plain(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    return list(value) if isinstance(value, tuple) else value


def _unit(row: RowMapping) -> Unit:
    return Unit(**{**row, "kind": UnitKind(row["kind"])})


def _staff(row: RowMapping) -> Staff:
    return Staff(**{**row, "role": Role(row["role"])})


def _post(row: RowMapping) -> Post:
    return Post(**{**row, "kind": PostKind(row["kind"]), "more_holders": tuple(row["more_holders"] or ())})
