"""Engine construction: SQLite in WAL mode with immediate write transactions, or PostgreSQL.

On SQLite a write transaction (``writing``, which every unit of work opens)
starts with ``BEGIN IMMEDIATE``: writers queue on the database lock at the
start instead of failing at commit, which is what makes a claim-then-apply
sweep safe across processes there.  Every other transaction (the reads of
``engine.connect()``) starts with a plain deferred ``BEGIN``: in WAL mode it
reads its snapshot beside a running writer instead of queueing behind it.
Nothing writes through ``engine.connect()``: a deferred transaction that
wrote after reading could be refused at once when another process had
committed in between.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Dialect, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

SQLITE_BUSY_TIMEOUT_MS = 30_000
IDLE_PING_SECONDS = 1.0  # a PostgreSQL connection idle longer is pinged before use


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; PostgreSQL URLs get the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _used)
        event.listen(engine, "checkin", _used)
        event.listen(engine, "checkout", _ping_if_idle(engine.dialect))
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction, committed when the block ends and rolled back when it raises."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


@contextmanager
def one_statement(engine: Engine) -> Iterator[Connection]:
    """A connection for one statement that needs no transaction around it.

    On PostgreSQL it runs in autocommit: the statement is its own transaction,
    without the BEGIN before it and the ROLLBACK or COMMIT after it (two round
    trips of three for a single read or upsert).  Only for one statement: two
    would not read one snapshot.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


def _used(_dbapi_connection: Any, record: Any) -> None:
    record.info[_LAST_USED] = time.monotonic()


def _ping_if_idle(dialect: Dialect) -> Callable[[Any, Any, Any], None]:
    """Check a pooled connection that sat idle before handing it out; a dead one is replaced.

    SQLAlchemy's ``pool_pre_ping`` pings at every checkout: a round trip per
    transaction, several per request.  A connection back in the pool less than
    ``IDLE_PING_SECONDS`` ago was just answering, so it goes out unchecked; one
    idle longer (the server may have restarted meanwhile) is pinged first.
    """

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_LAST_USED, 0.0) < IDLE_PING_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError("the pooled connection no longer answers") from error

    return checkout


_LAST_USED = "ticketing_last_used"


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


_WRITE = "ticketing_write"


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get(_WRITE) else "BEGIN")


def is_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
