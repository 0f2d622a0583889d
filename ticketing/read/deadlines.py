"""When the next deadline falls due, for the worker that wakes to fire it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from ticketing.db import heartbeat


def next_due(engine: Engine) -> datetime | None:
    """The earliest pending deadline of any ticket, or None when nothing is pending."""
    with engine.connect() as conn:
        return heartbeat.next_due(conn)
