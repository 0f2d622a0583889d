"""Absences (leave, business trips) and the hand-overs they cause."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from ticketing.db.meta import bump
from ticketing.db.schema import absences
from ticketing.domain.org import Absence

ABSENCE_VERSION = "absence_version"


def add(conn: Connection, staff_id: str, starts_at: datetime, ends_at: datetime, reason: str) -> int:
    absence_id = conn.execute(
        insert(absences).values(staff_id=staff_id, starts_at=starts_at, ends_at=ends_at, reason=reason)
    ).inserted_primary_key[0]
    bump(conn, ABSENCE_VERSION)
    return absence_id


def load_all(conn: Connection) -> dict[str, list[Absence]]:
    by_staff: dict[str, list[Absence]] = defaultdict(list)
    for row in conn.execute(select(absences).order_by(absences.c.starts_at)):
        by_staff[row.staff_id].append(Absence(row.id, row.staff_id, row.starts_at, row.ends_at, row.reason))
    return dict(by_staff)


def starting(conn: Connection, now: datetime) -> list[Absence]:
    """Absences that have begun and whose hand-over has not been done yet."""
    query = select(absences).where(
        absences.c.handed_over.is_(False), absences.c.starts_at <= now, absences.c.ends_at > now
    )
    return [Absence(r.id, r.staff_id, r.starts_at, r.ends_at, r.reason) for r in conn.execute(query.with_for_update())]


def ending(conn: Connection, now: datetime) -> list[Absence]:
    """Absences that are over and whose holder has not taken their tickets back yet."""
    query = select(absences).where(absences.c.handed_back.is_(False), absences.c.ends_at <= now)
    return [Absence(r.id, r.staff_id, r.starts_at, r.ends_at, r.reason) for r in conn.execute(query.with_for_update())]


def mark(conn: Connection, absence_id: int, **flags: bool) -> None:
    conn.execute(update(absences).where(absences.c.id == absence_id).values(**flags))
