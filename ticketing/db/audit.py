"""The audit trail's table: rows are only ever added."""

from __future__ import annotations

from sqlalchemy import Connection, insert

from ticketing.db.schema import audit_events
from ticketing.domain.audit import AuditEvent


def record(conn: Connection, event: AuditEvent) -> None:
    conn.execute(
        insert(audit_events).values(
            at=event.at, actor_id=event.actor_id, action=event.action.value, subject=event.subject, detail=event.detail
        )
    )
