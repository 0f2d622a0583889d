"""Whether the service can do its work: the database answers, its schema is current, a worker beats.

A database that does not answer raises
``sqlalchemy.exc.SQLAlchemyError``.
"""

from __future__ import annotations

from datetime import datetime

from ticketing.db.heartbeat import read_heartbeat
from ticketing.db.queries import health as queries
from ticketing.deploy.migrate import is_current
from ticketing.read.source import Source


def ping(source: Source) -> None:
    """Ask the database a trivial question; raises when it does not answer."""
    with source.engine.connect() as conn:
        queries.ping(conn)


def schema_current(source: Source) -> bool:
    """Whether the database is at the newest migration."""
    return is_current(source.engine)


def worker_heartbeat(source: Source) -> datetime | None:
    """When a deadline worker last said it was alive, or None if none ever ran."""
    with source.engine.connect() as conn:
        return read_heartbeat(conn)
