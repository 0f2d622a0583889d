"""The outbox table's queries: claim due notices under a lease, record a result, list and re-queue the dead."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from ticketing.db.rows import AnyRow
from ticketing.db.schema import notifications, staff, tickets, units

_community = units.alias("community")  # the ticket's community and grid, for the place a resident is told
_grid = units.alias("grid")
_CLAIM_COLUMNS = (
    notifications.c.id,
    notifications.c.idempotency_key,
    notifications.c.event,
    notifications.c.recipient_id,
    notifications.c.attempts,
    tickets.c.number,
    tickets.c.workflow,
    tickets.c.category,
    tickets.c.state,
    tickets.c.address,
    tickets.c.due_at,
    tickets.c.resolution,
    tickets.c.referred_to,
    tickets.c.contact_name,
    tickets.c.contact_phone,
    tickets.c.contact_email,
    tickets.c.notify_by,
    tickets.c.resident_language,
    units.c.name.label("location_name"),
    _community.c.name.label("community_name"),
    _grid.c.name.label("grid_name"),
    staff.c.name.label("staff_name"),
    staff.c.phone.label("staff_phone"),
)


def claim_due(conn: Connection, now: datetime, lease_until: datetime, limit: int) -> list[AnyRow]:
    """Notices due by ``now`` with what their message needs; each leaves the due set until ``lease_until``.

    On PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets dispatchers claim side by side;
    SQLite's writer lock serialises them.
    """
    query = (
        select(*_CLAIM_COLUMNS)
        .select_from(
            notifications.join(tickets)
            .outerjoin(units, units.c.id == tickets.c.location_id)
            .outerjoin(_community, _community.c.id == tickets.c.community_id)
            .outerjoin(_grid, _grid.c.id == tickets.c.grid_id)
            .outerjoin(staff, staff.c.id == notifications.c.recipient_id)
        )
        .where(notifications.c.next_attempt_at <= now)
        .order_by(notifications.c.next_attempt_at, notifications.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=notifications)
    rows = list(conn.execute(query))
    if rows:
        ids = [row.id for row in rows]
        conn.execute(update(notifications).where(notifications.c.id.in_(ids)).values(next_attempt_at=lease_until))
    return rows


def record(conn: Connection, notice_id: int, lease_until: datetime, values: dict[str, Any]) -> bool:
    """Write a delivery's result if the notice still carries this lease; False when another dispatcher took it."""
    mine = (notifications.c.id == notice_id) & (notifications.c.next_attempt_at == lease_until)
    return conn.execute(update(notifications).where(mine).values(values)).rowcount == 1


def dead(conn: Connection, limit: int) -> list[AnyRow]:
    """The most recently dead notices first, with their ticket's number."""
    query = (
        select(
            notifications.c.id,
            tickets.c.number,
            notifications.c.recipient_id,
            notifications.c.event,
            notifications.c.attempts,
            notifications.c.last_error,
            notifications.c.created_at,
            notifications.c.dead_at,
        )
        .select_from(notifications.join(tickets))
        .where(notifications.c.dead_at.is_not(None))
        .order_by(notifications.c.dead_at.desc(), notifications.c.id.desc())
        .limit(limit)
    )
    return list(conn.execute(query))


def lock_dead(conn: Connection, ids: Collection[int] | None) -> list[int]:
    """The ids of the dead notices among ``ids`` (every dead one when None), locked for this transaction."""
    dead_ones = notifications.c.dead_at.is_not(None)
    chosen = dead_ones if ids is None else dead_ones & notifications.c.id.in_(ids)
    return sorted(conn.execute(select(notifications.c.id).where(chosen).with_for_update()).scalars())


def requeue(conn: Connection, ids: Collection[int], now: datetime) -> None:
    """Dead notices due again ``now`` with a fresh count of attempts."""
    dead_ones = notifications.c.dead_at.is_not(None) & notifications.c.id.in_(ids)
    conn.execute(update(notifications).where(dead_ones).values(dead_at=None, attempts=0, next_attempt_at=now))


def delivery_state(conn: Connection, notice_id: int) -> AnyRow | None:
    """When a notice was sent and how many attempts failed, or None for no such notice."""
    query = select(notifications.c.sent_at, notifications.c.attempts).where(notifications.c.id == notice_id)
    return conn.execute(query).first()
