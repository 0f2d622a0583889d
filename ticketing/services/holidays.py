"""Holiday overrides: an admin makes a date a holiday or a make-up workday, or takes that back; audited.

Each change is one transaction with its audit event and bumps the holiday
version, so every process (web, worker) counts the next deadline with it.
Deadlines already set keep their time: an override changes what is counted
from now on.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine

from ticketing.db import holiday_overrides as store
from ticketing.domain import holidays as rules
from ticketing.domain.audit import AuditAction, AuditEvent, Detail
from ticketing.domain.holidays import Override
from ticketing.organisation.registry_view import WorldSource
from ticketing.services.changes import require_aware
from ticketing.services.unit_of_work import unit_of_work


class HolidayOverrides:
    """The override use cases over one database; ``actor_id`` None is the operator at the command line."""

    def __init__(self, engine: Engine, worlds: WorldSource) -> None:
        self.engine = engine
        self.worlds = worlds

    def add(self, day: date, kind: str, reason: str, now: datetime, actor_id: str | None = None) -> Override:
        """Make ``day`` a holiday or a (make-up) workday, for this year or the next."""
        require_aware(now)
        today = now.astimezone(self.worlds.tz).date()
        with unit_of_work(self.engine) as work:
            store.lock(work.conn)
            override = rules.new_override(day, kind, reason, today, store.load_all(work.conn), actor_id, now)
            store.add(work.conn, override)
            work.audit(AuditEvent(now, actor_id, AuditAction.HOLIDAY_OVERRIDDEN, day.isoformat(), _detail(override)))
            return override

    def remove(self, day: date, now: datetime, actor_id: str | None = None) -> Override:
        """Take an override back: the day is again what the libraries (or the overrides file) say."""
        require_aware(now)
        with unit_of_work(self.engine) as work:
            store.lock(work.conn)
            override = rules.removed_override(day, store.load_all(work.conn))
            store.remove(work.conn, day)
            event = AuditEvent(now, actor_id, AuditAction.HOLIDAY_OVERRIDE_REMOVED, day.isoformat(), _detail(override))
            work.audit(event)
            return override


def _detail(override: Override) -> Detail:
    return {"kind": override.kind.value, "reason": override.reason}
