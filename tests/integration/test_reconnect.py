"""A PostgreSQL connection that died in the pool is replaced, not handed to a request.

The engine pings a pooled connection only when it sat idle (``IDLE_PING_SECONDS``):
a busy pool skips the round trip, and a restarted server costs no request.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy import Engine, text

from ticketing.db import engine as engine_module
from ticketing.db.engine import make_engine

PG_ENV = "TICKETING_TEST_DATABASE_URL"

pytestmark = pytest.mark.skipif(not os.environ.get(PG_ENV), reason="needs PostgreSQL (TICKETING_TEST_DATABASE_URL)")


def _backend(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(pid: int) -> None:
    other = make_engine(os.environ[PG_ENV])
    with other.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    other.dispose()


def test_a_connection_killed_while_idle_is_replaced_before_use(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(os.environ[PG_ENV])
    first = _backend(engine)
    _terminate(first)  # the server went away while the connection sat in the pool
    monkeypatch.setattr(engine_module, "IDLE_PING_SECONDS", 0.0)  # it has now been idle long enough to be checked
    try:
        second = _backend(engine)  # answers, on a new server process
    finally:
        engine.dispose()
    assert second != first


def test_a_connection_just_used_is_handed_out_without_a_ping(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(os.environ[PG_ENV])
    pid = _backend(engine)
    pings: list[object] = []
    monkeypatch.setattr(engine.dialect, "do_ping", lambda dbapi_connection: pings.append(dbapi_connection))
    try:
        assert _backend(engine) == pid  # the same connection, straight from the pool
    finally:
        engine.dispose()
    assert pings == []
