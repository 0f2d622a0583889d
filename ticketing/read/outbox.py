"""Notices given up on, for ``ticketing notify dead`` and the admin's outbox page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from ticketing.db import outbox as store


@dataclass(frozen=True)
class DeadMessage:
    id: int
    ticket_number: str
    recipient_id: str
    event: str
    attempts: int
    last_error: str
    created_at: datetime
    dead_at: datetime


def dead_messages(engine: Engine, limit: int = 100) -> list[DeadMessage]:
    """The most recently dead notices first."""
    with engine.connect() as conn:
        return [
            DeadMessage(
                r.id, r.number, r.recipient_id, r.event, r.attempts, r.last_error or "", r.created_at, r.dead_at
            )
            for r in store.dead(conn, limit)
        ]
