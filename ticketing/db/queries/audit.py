"""The audit trail's queries (``ticketing.read.audit``)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from ticketing.db.rows import AnyRow
from ticketing.db.schema import audit_events, staff


def count_events(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(audit_events)).scalar_one()


def events(conn: Connection, limit: int, offset: int) -> list[AnyRow]:
    """A slice of the trail, newest first: each event's columns and its actor's ``name`` (None if unknown)."""
    query = (
        select(audit_events, staff.c.name)
        .outerjoin(staff, staff.c.id == audit_events.c.actor_id)
        .order_by(audit_events.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(conn.execute(query))
