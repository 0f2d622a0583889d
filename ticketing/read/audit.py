"""The audit trail as the admin page shows it: newest first, with each actor's name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from ticketing.db.schema import audit_events, staff
from ticketing.domain.audit import AuditAction, Detail
from ticketing.read.paging import Page


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: datetime
    actor_id: str | None  # None: the command line
    actor_name: str | None
    action: AuditAction
    subject: str
    detail: Detail


def audit_page(conn: Connection, number: int, per_page: int = 50) -> Page[AuditRow]:
    total = conn.execute(select(func.count()).select_from(audit_events)).scalar_one()
    query = (
        select(audit_events, staff.c.name)
        .outerjoin(staff, staff.c.id == audit_events.c.actor_id)
        .order_by(audit_events.c.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    rows = [AuditRow(r.at, r.actor_id, r.name, AuditAction(r.action), r.subject, r.detail) for r in conn.execute(query)]
    return Page(rows, number, per_page, total)
