"""The aggregates ``ticketing.deploy.metrics`` reads at every scrape (the ticket counts are ``db.tickets``'s)."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from ticketing.db.schema import deadlines, notifications
from ticketing.db.tickets import PENDING


def pending_by_kind(conn: Connection) -> dict[str, int]:
    """How many timers of each kind are neither fired nor cancelled (kinds with none are absent)."""
    query = select(deadlines.c.kind, func.count()).where(deadlines.c.status == PENDING).group_by(deadlines.c.kind)
    return {kind: count for kind, count in conn.execute(query)}


def outbox_backlog(conn: Connection) -> tuple[int, int]:
    """Notifications not sent: how many still wait to be, and how many were given up on."""
    waiting = func.count().filter(notifications.c.dead_at.is_(None))
    dead = func.count().filter(notifications.c.dead_at.is_not(None))
    backlog, failed = conn.execute(select(waiting, dead).where(notifications.c.sent_at.is_(None))).one()
    return backlog, failed
