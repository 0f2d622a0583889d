"""A process says it is alive: one upsert of its heartbeat, in a transaction of its own.

Deadline workers beat under ``HEARTBEAT_KEY`` (``/readyz`` reads it), web
processes under ``WEB_HEARTBEAT_KEY`` every ``WEB_HEARTBEAT_INTERVAL``
seconds; ``ticketing restore`` refuses while either is fresh. The keys are
the storage's (``ticketing.db.heartbeat``), named here for the processes
that beat without reaching into the database layer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from ticketing.db import heartbeat as store
from ticketing.db.heartbeat import HEARTBEAT_KEY, WEB_HEARTBEAT_INTERVAL, WEB_HEARTBEAT_KEY
from ticketing.services.unit_of_work import unit_of_work

__all__ = ["HEARTBEAT_KEY", "WEB_HEARTBEAT_INTERVAL", "WEB_HEARTBEAT_KEY", "beat"]


def beat(engine: Engine, key: str, now: datetime) -> None:
    """Record that the process beating under ``key`` is alive at ``now``; several may beat at once."""
    with unit_of_work(engine) as work:
        store.beat(work.conn, now, key)
