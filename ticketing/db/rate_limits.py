"""Fixed-window rate-limit counters in table ``rate_limits``, shared by every web process and host.

Times are epoch seconds (floats), as the ``limits`` library counts them. A
window that has run out is reset by the same statement that counts the next
hit, so a counter is never read stale and never needs a sweep to be correct;
``purge`` only reclaims rows of clients that stopped coming.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Insert, Select, bindparam, case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ticketing.db.schema import RATE_LIMIT_KEY_LENGTH, rate_limits


def _stored(key: str) -> str:
    """The key as stored: a digest when it is longer than the column (it may carry a forwarded address)."""
    if len(key) <= RATE_LIMIT_KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def hit(conn: Connection, key: str, window_seconds: float, amount: int, now: float) -> int:
    """Add ``amount`` to ``key``'s counter (a fresh window if none is running); the count in this window.

    On PostgreSQL the transaction's commit does not wait for its WAL to reach the
    disk (``synchronous_commit`` off, for this transaction only): every request of
    one API key or address updates the same row, and its lock is held until
    commit.  A crash may forget the last fraction of a second of hits, which for
    a rate limit is harmless.
    """
    values = {"p_key": _stored(key), "p_hits": amount, "p_expires_at": now + window_seconds, "p_now": now}
    return conn.execute(_counting(conn.dialect.name), values).scalar_one()


@cache
def _counting(dialect: str) -> Insert:
    """The counting upsert, built once per dialect (a request may count several limits)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    fresh = insert(rate_limits).values(
        key=bindparam("p_key"), hits=bindparam("p_hits"), expires_at=bindparam("p_expires_at")
    )
    lapsed = rate_limits.c.expires_at <= bindparam("p_now", type_=rate_limits.c.expires_at.type)
    statement = fresh.on_conflict_do_update(
        index_elements=[rate_limits.c.key],
        set_={
            "hits": case((lapsed, fresh.excluded.hits), else_=rate_limits.c.hits + fresh.excluded.hits),
            "expires_at": case((lapsed, fresh.excluded.expires_at), else_=rate_limits.c.expires_at),
        },
    ).returning(rate_limits.c.hits)
    if dialect == "postgresql":
        # Evaluated before the statement's transaction commits: a counter need not wait for the disk.
        statement = statement.returning(func.set_config("synchronous_commit", "off", True))
    return statement


def count(conn: Connection, key: str, now: float) -> int:
    """Hits in ``key``'s running window (0 when none runs)."""
    found = conn.execute(_running(key, now, rate_limits.c.hits)).scalar_one_or_none()
    return found or 0


def expires_at(conn: Connection, key: str, now: float) -> float | None:
    """When ``key``'s running window ends (None when none runs)."""
    return conn.execute(_running(key, now, rate_limits.c.expires_at)).scalar_one_or_none()


def _running(key: str, now: float, column: ColumnElement[Any]) -> Select[Any]:
    return select(column).where(rate_limits.c.key == _stored(key), rate_limits.c.expires_at > now)


def clear(conn: Connection, key: str) -> None:
    conn.execute(delete(rate_limits).where(rate_limits.c.key == _stored(key)))


def clear_all(conn: Connection) -> int:
    """Forget every counter; how many there were."""
    return conn.execute(delete(rate_limits)).rowcount


def purge(conn: Connection, now: float) -> int:
    """Delete the rows whose window has ended (an index range scan on ``expires_at``); how many."""
    return conn.execute(delete(rate_limits).where(rate_limits.c.expires_at <= now)).rowcount
