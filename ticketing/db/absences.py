"""Absences (leave, business trips) and the hand-overs they cause."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import Connection, insert, or_, select, update

from ticketing.db.meta import bump
from ticketing.db.rows import AnyRow
from ticketing.db.schema import absences
from ticketing.domain.errors import NotFound
from ticketing.domain.field_rules import MAX_ID
from ticketing.domain.org import Absence

ABSENCE_VERSION = "absence_version"


def add(conn: Connection, staff_id: str, starts_at: datetime, ends_at: datetime, reason: str) -> int:
    absence_id = conn.execute(
        insert(absences)
        .values(staff_id=staff_id, starts_at=starts_at, ends_at=ends_at, reason=reason)
        .returning(absences.c.id)
    ).scalar_one()
    bump(conn, ABSENCE_VERSION)
    return absence_id


def to_absence(row: AnyRow) -> Absence:
    return Absence(row.id, row.staff_id, row.starts_at, row.ends_at, row.reason, row.cancelled_at)


def get(conn: Connection, absence_id: int) -> Absence:
    """One absence, locked until the transaction ends."""
    row = None
    if 0 < absence_id <= MAX_ID:
        row = conn.execute(select(absences).where(absences.c.id == absence_id).with_for_update()).first()
    if row is None:
        raise NotFound("no absence %(id)s: give the number shown in the list of absences", id=absence_id)
    return to_absence(row)


def end(conn: Connection, absence_id: int, ends_at: datetime) -> None:
    conn.execute(update(absences).where(absences.c.id == absence_id).values(ends_at=ends_at))
    bump(conn, ABSENCE_VERSION)


def cancel(conn: Connection, absence_id: int, at: datetime, started: bool) -> None:
    """Cancel; one that never started moved no tickets, so there is nothing to hand over or back."""
    done = {} if started else {"handed_over": True, "handed_back": True}
    conn.execute(update(absences).where(absences.c.id == absence_id).values(cancelled_at=at, **done))
    bump(conn, ABSENCE_VERSION)


def load_all(conn: Connection) -> dict[str, list[Absence]]:
    """Every absence that counts (cancelled ones do not), by staff member."""
    by_staff: dict[str, list[Absence]] = defaultdict(list)
    query = select(absences).where(absences.c.cancelled_at.is_(None)).order_by(absences.c.starts_at)
    for row in conn.execute(query):
        by_staff[row.staff_id].append(to_absence(row))
    return dict(by_staff)


def starting(conn: Connection, now: datetime) -> list[Absence]:
    """Absences that have begun and whose hand-over has not been done yet."""
    query = select(absences).where(
        absences.c.handed_over.is_(False),
        absences.c.cancelled_at.is_(None),
        absences.c.starts_at <= now,
        absences.c.ends_at > now,
    )
    return [to_absence(r) for r in conn.execute(query.with_for_update())]


def ending(conn: Connection, now: datetime) -> list[Absence]:
    """Absences that are over or cancelled and whose holder has not taken their tickets back yet."""
    query = select(absences).where(
        absences.c.handed_back.is_(False), or_(absences.c.ends_at <= now, absences.c.cancelled_at.is_not(None))
    )
    return [to_absence(r) for r in conn.execute(query.with_for_update())]


def mark(conn: Connection, absence: Absence, **flags: bool) -> None:
    """Record how far a stored absence's hand-over has gone."""
    conn.execute(update(absences).where(absences.c.id == absence.id).values(**flags))
