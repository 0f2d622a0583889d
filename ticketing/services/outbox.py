"""The outbox: deliver every notice at least once, retrying with backoff, dead after N failures.

Claim, deliver, record — three steps, so no network I/O runs inside a
database transaction: the claim transaction only moves each claimed row's
``next_attempt_at`` to the end of a lease; delivery runs with no transaction
open; the result is recorded only if the row still carries this lease. A
dispatcher that dies mid-batch leaves rows that fall due again when the lease
ends: a message may be delivered twice, never lost — receivers drop repeats by
its idempotency key.

A dead notice stays dead until an admin retries it (``retry_dead``): it goes
back in the queue as if new, under the same idempotency key.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from sqlalchemy import Connection, Engine

from ticketing.db import outbox as store
from ticketing.db.rows import AnyRow
from ticketing.domain.audit import AuditAction, AuditEvent, Detail
from ticketing.domain.errors import Conflict, NotFound
from ticketing.notify.channels import Channel
from ticketing.notify.delivery import deliver, message_of
from ticketing.notify.messages import Renderer
from ticketing.services.unit_of_work import unit_of_work

log = logging.getLogger("ticketing.notify")
LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 30 s, 1 min, 2 min, … capped at one hour."""
    return min(BACKOFF_BASE * 2 ** (attempts - 1), BACKOFF_CAP)


@dataclass
class DispatchReport:
    """What one dispatch did, for the CLI and the logs."""

    claimed: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    lost_lease: int = 0


def dispatch_due(
    engine: Engine,
    channels: Sequence[Channel],
    now: datetime,
    batch_size: int,
    renderer: Renderer,
    max_attempts: int = MAX_ATTEMPTS,
) -> DispatchReport:
    """Deliver every notice due by ``now``, batch by batch; each claimed row leaves the due set, so this ends."""
    report = DispatchReport()
    lease_until = now + LEASE
    while claimed := _claim(engine, now, lease_until, batch_size):
        report.claimed += len(claimed)
        results = [(row, deliver(channels, message_of(renderer, row))) for row in claimed]
        with unit_of_work(engine) as work:
            for row, error in results:
                _record(work.conn, row, error, now, lease_until, max_attempts, report)
    return report


def _claim(engine: Engine, now: datetime, lease_until: datetime, limit: int) -> list[AnyRow]:
    with unit_of_work(engine) as work:
        return store.claim_due(work.conn, now, lease_until, limit)


def _record(
    conn: Connection,
    row: AnyRow,
    error: str | None,
    now: datetime,
    lease_until: datetime,
    max_attempts: int,
    report: DispatchReport,
) -> None:
    attempts = row.attempts + (error is not None)
    if error is None:
        values: dict[str, Any] = {"sent_at": now, "next_attempt_at": None, "last_error": None}
    elif attempts >= max_attempts:
        values = {"attempts": attempts, "dead_at": now, "next_attempt_at": None, "last_error": error}
        log.warning("notification %s dead after %d attempts: %s", row.idempotency_key, attempts, error)
    else:
        values = {"attempts": attempts, "next_attempt_at": now + backoff(attempts), "last_error": error}
    if not store.record(conn, row.id, lease_until, values):
        report.lost_lease += 1  # the lease ran out and another dispatcher took the row: its result counts
        return
    if error is None:
        report.sent += 1
    elif "dead_at" in values:
        report.dead += 1
    else:
        report.failed += 1


def retry_dead(engine: Engine, ids: Collection[int] | None, now: datetime, actor_id: str | None = None) -> list[int]:
    """Put dead notices back in the queue, due ``now``, with a fresh count of attempts: all given, or none.

    ``ids`` None retries every dead notice. The idempotency key stays, so a
    receiver that did take an earlier try drops this one; the last error stays
    until the next try replaces it. A notice that is not dead — unknown,
    delivered or still being retried — is refused, and then nothing changes.
    The retry is audited (``actor_id`` None: the command line). Returns the ids put back.
    """
    with unit_of_work(engine) as work:
        found = store.lock_dead(work.conn, ids)
        if ids is not None and (refused := sorted(set(ids) - set(found))):
            _refuse(work.conn, refused[0])
        store.requeue(work.conn, found, now)
        if found:
            detail: Detail = {"notices": [str(notice_id) for notice_id in found]}
            work.audit(AuditEvent(now, actor_id, AuditAction.NOTICES_RETRIED, "outbox", detail))
    return found


def _refuse(conn: Connection, notice_id: int) -> NoReturn:
    """Say why a notice cannot be retried."""
    row = store.delivery_state(conn, notice_id)
    if row is None:
        raise NotFound("there is no notice %(id)s", id=notice_id)
    if row.sent_at is not None:
        raise Conflict("notice %(id)s was delivered: there is nothing to send again", id=notice_id)
    raise Conflict(
        "notice %(id)s is still being retried (%(attempts)s failed attempts so far): only a notice given up on "
        "can be sent again",
        id=notice_id,
        attempts=row.attempts,
    )
