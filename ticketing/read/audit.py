"""The audit trail as the admin page shows it: newest first, with each actor's name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ticketing.db.queries import audit as queries
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
    with source.engine.connect() as conn:
        total = queries.count_events(conn)
        found = queries.events(conn, per_page, (number - 1) * per_page)
    rows = [AuditRow(r.at, r.actor_id, r.name, AuditAction(r.action), r.subject, r.detail) for r in found]
    return Page(rows, number, per_page, total)
