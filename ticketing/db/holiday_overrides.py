"""Admins' holiday overrides; every change bumps ``HOLIDAY_VERSION`` so each process reloads them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, delete, insert, select

from ticketing.db.meta import bump
from ticketing.db.schema import holiday_overrides
from ticketing.domain.calendar import DayKind
from ticketing.domain.holidays import Override

HOLIDAY_VERSION = "holiday_version"


def load_all(conn: Connection) -> dict[date, Override]:
    query = select(holiday_overrides).order_by(holiday_overrides.c.day)
    return {
        row.day: Override(row.day, DayKind(row.kind), row.reason, row.created_by, row.created_at)
        for row in conn.execute(query)
    }


def lock(conn: Connection) -> None:
    """Serialise override changes: two admins adding the same date at once get one row and one refusal."""
    bump(conn, HOLIDAY_VERSION)


def add(conn: Connection, override: Override) -> None:
    conn.execute(
        insert(holiday_overrides).values(
            day=override.day,
            kind=override.kind.value,
            reason=override.reason,
            created_by=override.by,
            created_at=override.at,
        )
    )


def remove(conn: Connection, day: date) -> None:
    conn.execute(delete(holiday_overrides).where(holiday_overrides.c.day == day))
