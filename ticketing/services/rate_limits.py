"""Rate-limit counters shared by every web process and host: each operation is one transaction.

The web's Flask-Limiter storage (``ticketing.web.ratelimit``) counts through
these; the counters and their fixed windows are ``ticketing.db.rate_limits``'s.
Times are epoch seconds, as the ``limits`` library counts them. A database
that does not answer raises ``sqlalchemy.exc.SQLAlchemyError``.
"""

from __future__ import annotations

from sqlalchemy import Engine

from ticketing.db import rate_limits as store
from ticketing.db.engine import one_statement
from ticketing.services.unit_of_work import unit_of_work


def hit(engine: Engine, key: str, window_seconds: float, amount: int, now: float) -> int:
    """Count ``amount`` more hits of ``key`` (a fresh window if none runs); the hits in this window.

    On PostgreSQL the one statement is its own transaction (autocommit): no
    BEGIN and COMMIT round trips around it, on a row every request shares.
    """
    if engine.dialect.name == "postgresql":
        with one_statement(engine) as conn:
            return store.hit(conn, key, window_seconds, amount, now)
    with unit_of_work(engine) as work:
        return store.hit(work.conn, key, window_seconds, amount, now)


def count(engine: Engine, key: str, now: float) -> int:
    """Hits in ``key``'s running window (0 when none runs)."""
    with unit_of_work(engine) as work:
        return store.count(work.conn, key, now)


def expires_at(engine: Engine, key: str, now: float) -> float | None:
    """When ``key``'s running window ends (None when none runs)."""
    with unit_of_work(engine) as work:
        return store.expires_at(work.conn, key, now)


def clear(engine: Engine, key: str) -> None:
    with unit_of_work(engine) as work:
        store.clear(work.conn, key)


def clear_all(engine: Engine) -> int:
    """Forget every counter; how many there were."""
    with unit_of_work(engine) as work:
        return store.clear_all(work.conn)


def purge(engine: Engine, now: float) -> int:
    """Reclaim the counters whose window has ended; how many."""
    with unit_of_work(engine) as work:
        return store.purge(work.conn, now)
