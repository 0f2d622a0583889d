"""What the worker keeps in the database: its heartbeat, and the next time a deadline falls due.

The heartbeat is a ``meta`` row holding an ISO 8601 UTC time, so ``/readyz``
on any host can tell whether some worker is alive without talking to it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ticketing.db.schema import deadlines, meta
from ticketing.db.tickets import PENDING

HEARTBEAT_KEY = "worker_heartbeat"

_NEXT_DUE = select(func.min(deadlines.c.due_at)).where(deadlines.c.status == PENDING)


def beat(conn: Connection, now: datetime) -> None:
    """Record that a worker is alive at ``now`` (an upsert: several workers may beat at once)."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    value = now.astimezone(UTC).isoformat()
    statement = insert(meta).values(key=HEARTBEAT_KEY, value=value)
    conn.execute(statement.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value}))


def read_heartbeat(conn: Connection) -> datetime | None:
    """The last heartbeat of any worker, or ``None`` if no worker ever ran."""
    value = conn.execute(select(meta.c.value).where(meta.c.key == HEARTBEAT_KEY)).scalar_one_or_none()
    return datetime.fromisoformat(value) if value is not None else None


def next_due(conn: Connection) -> datetime | None:
    """The earliest pending deadline (served by the ``status, due_at`` index), or ``None``."""
    return conn.execute(_NEXT_DUE).scalar_one()
