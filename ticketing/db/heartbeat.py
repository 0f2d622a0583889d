"""What the processes keep in the database: their heartbeats, and the next time a deadline falls due.

A heartbeat is a ``meta`` row holding an ISO 8601 UTC time: workers write
``worker_heartbeat`` (read by ``/readyz`` on any host), web processes
``web_heartbeat``; ``ticketing restore`` refuses while either is fresh.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ticketing.db.schema import deadlines, meta
from ticketing.db.tickets import PENDING

HEARTBEAT_KEY = "worker_heartbeat"
WEB_HEARTBEAT_KEY = "web_heartbeat"
WEB_HEARTBEAT_INTERVAL = 5.0
"""Seconds between a web process's heartbeats (a worker's default is the same)."""
LIVE_WITHIN = timedelta(seconds=15)
"""A heartbeat this recent means its process may still run: three missed beats say it has stopped."""

_NEXT_DUE = select(func.min(deadlines.c.due_at)).where(deadlines.c.status == PENDING)


def beat(conn: Connection, now: datetime, key: str = HEARTBEAT_KEY) -> None:
    """Record that a worker (or with ``WEB_HEARTBEAT_KEY``, a web process) is alive at ``now``.

    An upsert: several processes may beat at once.
    """
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    value = now.astimezone(UTC).isoformat()
    statement = insert(meta).values(key=key, value=value)
    conn.execute(statement.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": value}))


def read_heartbeat(conn: Connection, key: str = HEARTBEAT_KEY) -> datetime | None:
    """The last heartbeat of any worker (or web process), or ``None`` if none ever ran."""
    value = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one_or_none()
    return datetime.fromisoformat(value) if value is not None else None


def next_due(conn: Connection) -> datetime | None:
    """The earliest pending deadline (served by the ``status, due_at`` index), or ``None``."""
    return conn.execute(_NEXT_DUE).scalar_one()
