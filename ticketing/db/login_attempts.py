"""Failed-login counters in the ``login_attempts`` table, so every web process and host sees the same numbers.

A failure is counted under a row lock (``SELECT … FOR UPDATE`` on PostgreSQL;
SQLite's write transactions are serial already), so two processes failing at
once both count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ticketing.db.schema import login_attempts
from ticketing.domain.throttle import Attempts, LockoutRule


def read(conn: Connection, keys: Iterable[str]) -> dict[str, Attempts]:
    rows = conn.execute(select(login_attempts).where(login_attempts.c.key.in_(list(keys))))
    return {row.key: Attempts(row.failures, row.window_started_at, row.locked_until) for row in rows}


def record_failure(conn: Connection, key: str, rule: LockoutRule, now: datetime) -> Attempts:
    """Count one failure of ``key`` at ``now`` by ``rule``; the record as it now stands."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    fresh = {"key": key, "failures": 0, "window_started_at": now, "locked_until": None}
    conn.execute(insert(login_attempts).values(**fresh).on_conflict_do_nothing(index_elements=[login_attempts.c.key]))
    row = conn.execute(select(login_attempts).where(login_attempts.c.key == key).with_for_update()).one()
    stored = Attempts(row.failures, row.window_started_at, row.locked_until) if row.failures else None
    counted = rule.after_failure(stored, now)
    conn.execute(
        update(login_attempts)
        .where(login_attempts.c.key == key)
        .values(
            failures=counted.failures,
            window_started_at=counted.window_started_at,
            locked_until=counted.locked_until,
        )
    )
    return counted


def clear(conn: Connection, key: str) -> None:
    conn.execute(delete(login_attempts).where(login_attempts.c.key == key))


def prune(conn: Connection, now: datetime, window: timedelta) -> None:
    """Drop the records whose window is over and that lock nothing (ids tried once, long ago)."""
    conn.execute(
        delete(login_attempts).where(
            login_attempts.c.window_started_at <= now - window,
            or_(login_attempts.c.locked_until.is_(None), login_attempts.c.locked_until <= now),
        )
    )
