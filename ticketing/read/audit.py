"""The audit trail as the admin page shows it: newest first, with each actor's name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ticketing.db.schema import audit_events, staff
from ticketing.domain.audit import AuditAction, Detail
from ticketing.read.paging import Page
from ticketing.read.source import Source


@dataclass(frozen=True, slots=True)
class AuditRow:
    at: datetime
    actor_id: str | None  # None: the command line
    actor_name: str | None
    action: AuditAction
    subject: str
    detail: Detail


def audit_page(source: Source, number: int, per_page: int = 50) -> Page[AuditRow]:
    query = (
        select(audit_events, staff.c.name)
        .outerjoin(staff, staff.c.id == audit_events.c.actor_id)
        .order_by(audit_events.c.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    with source.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(audit_events)).scalar_one()
        found = conn.execute(query).all()
    rows = [AuditRow(r.at, r.actor_id, r.name, AuditAction(r.action), r.subject, r.detail) for r in found]
    return Page(rows, number, per_page, total)
