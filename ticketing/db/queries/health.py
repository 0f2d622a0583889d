"""The readiness check's own query (``ticketing.read.health``); the heartbeat is ``db.heartbeat``'s."""

from __future__ import annotations

from sqlalchemy import Connection, text


def ping(conn: Connection) -> None:
    """Ask the database a trivial question; raises ``sqlalchemy.exc.SQLAlchemyError`` when it does not answer."""
    conn.execute(text("SELECT 1"))
