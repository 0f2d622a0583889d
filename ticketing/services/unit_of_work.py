"""One use case, one transaction: the unit of work every write goes through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine

from ticketing.db import audit as audit_store
from ticketing.db.engine import writing
from ticketing.domain.audit import AuditEvent


@dataclass(frozen=True, slots=True)
class Work:
    """The transaction's connection, for the repositories in ``ticketing.db``, and its audit trail."""

    conn: Connection

    def audit(self, event: AuditEvent) -> None:
        """Record an administrative change; it commits or rolls back with the change itself."""
        audit_store.record(self.conn, event)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Work]:
    """Commit when the block ends, roll everything back when it raises."""
    with writing(engine) as conn:
        yield Work(conn)
