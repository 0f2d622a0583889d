"""The outbox dispatcher: deliver every notice at least once, retrying with backoff, dead after N failures.

Claim, deliver, record — three steps, so no network I/O runs inside a
database transaction: the claim transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) only moves each claimed row's
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

from sqlalchemy import Connection, Engine, select, update

from ticketing.db.rows import AnyRow
from ticketing.db.schema import notifications, staff, tickets, units
from ticketing.domain.errors import Conflict, NotFound
from ticketing.domain.ticket import RESIDENT, Event, ResidentChannel
from ticketing.notify.channels import (
    Channel,
    HttpSmsGateway,
    LogChannel,
    Message,
    Recipient,
    SmsChannel,
    SmtpChannel,
    WebhookChannel,
)
from ticketing.notify.messages import Facts, Renderer
from ticketing.settings import Settings

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


@dataclass(frozen=True)
class DeadMessage:
    """A notice given up on, for ``ticketing notify dead`` and the admin pages."""

    id: int
    ticket_number: str
    recipient_id: str
    event: str
    attempts: int
    last_error: str
    created_at: datetime
    dead_at: datetime


def configured_channels(settings: Settings) -> list[Channel]:
    """The log channel, plus e-mail, webhook and SMS when their settings are given."""
    channels: list[Channel] = [LogChannel()]
    if settings.smtp_url:
        channels.append(SmtpChannel(settings.smtp_url, settings.mail_from, settings.staff_emails))
    if settings.webhook_url:
        channels.append(WebhookChannel(settings.webhook_url, settings.webhook_secret))
    if settings.sms_url:
        channels.append(SmsChannel(HttpSmsGateway(settings.sms_url, settings.sms_secret)))
    return channels


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
        results = [(row, _deliver(channels, _message(renderer, row))) for row in claimed]
        with engine.begin() as conn:
            for row, error in results:
                _record(conn, row, error, now, lease_until, max_attempts, report)
    return report


_CLAIM_COLUMNS = (
    notifications.c.id,
    notifications.c.idempotency_key,
    notifications.c.event,
    notifications.c.recipient_id,
    notifications.c.attempts,
    tickets.c.number,
    tickets.c.workflow,
    tickets.c.category,
    tickets.c.state,
    tickets.c.address,
    tickets.c.due_at,
    tickets.c.resolution,
    tickets.c.referred_to,
    tickets.c.contact_name,
    tickets.c.contact_phone,
    tickets.c.contact_email,
    tickets.c.notify_by,
    units.c.name.label("location_name"),
    staff.c.name.label("staff_name"),
    staff.c.phone.label("staff_phone"),
)


def _claim(engine: Engine, now: datetime, lease_until: datetime, limit: int) -> list[AnyRow]:
    query = (
        select(*_CLAIM_COLUMNS)
        .select_from(
            notifications.join(tickets)
            .outerjoin(units, units.c.id == tickets.c.location_id)
            .outerjoin(staff, staff.c.id == notifications.c.recipient_id)
        )
        .where(notifications.c.next_attempt_at <= now)
        .order_by(notifications.c.next_attempt_at, notifications.c.id)
        .limit(limit)
    )
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=notifications)
        rows = list(conn.execute(query))
        if rows:
            ids = [row.id for row in rows]
            conn.execute(update(notifications).where(notifications.c.id.in_(ids)).values(next_attempt_at=lease_until))
    return rows


def _recipient(row: AnyRow) -> Recipient:
    """The resident from the ticket's contact details, by their chosen channel; staff from the staff table."""
    if row.recipient_id == RESIDENT:
        return Recipient.resident(
            row.contact_name, row.contact_phone, row.contact_email, ResidentChannel(row.notify_by)
        )
    return Recipient.staff(row.recipient_id, row.staff_name or row.recipient_id, row.staff_phone or "")


def _message(renderer: Renderer, row: AnyRow) -> Message:
    recipient = _recipient(row)
    facts = Facts(
        Event(row.event),
        row.number,
        row.workflow,
        row.category,
        row.state,
        row.address or row.location_name or "",
        row.due_at,
        recipient.name,
        row.resolution or "",
        row.referred_to or "",
    )
    text = renderer.render(facts)
    return Message(row.idempotency_key, row.event, row.number, recipient, text.subject, text.body)


def _deliver(channels: Sequence[Channel], message: Message) -> str | None:
    """Send on every channel; the first failure's description, or None when all took it."""
    errors = []
    for channel in channels:
        try:
            channel.send(message)
        except Exception as error:  # any channel failure means "try again later", never a crash of the batch
            errors.append(f"{channel.name}: {type(error).__name__}: {error}")
    return "; ".join(errors) or None


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
    mine = (notifications.c.id == row.id) & (notifications.c.next_attempt_at == lease_until)
    if conn.execute(update(notifications).where(mine).values(values)).rowcount != 1:
        report.lost_lease += 1  # the lease ran out and another dispatcher took the row: its result counts
        return
    if error is None:
        report.sent += 1
    elif "dead_at" in values:
        report.dead += 1
    else:
        report.failed += 1


def dead_messages(engine: Engine, limit: int = 100) -> list[DeadMessage]:
    """The most recently dead notices first."""
    query = (
        select(
            notifications.c.id,
            tickets.c.number,
            notifications.c.recipient_id,
            notifications.c.event,
            notifications.c.attempts,
            notifications.c.last_error,
            notifications.c.created_at,
            notifications.c.dead_at,
        )
        .select_from(notifications.join(tickets))
        .where(notifications.c.dead_at.is_not(None))
        .order_by(notifications.c.dead_at.desc(), notifications.c.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [
            DeadMessage(
                r.id, r.number, r.recipient_id, r.event, r.attempts, r.last_error or "", r.created_at, r.dead_at
            )
            for r in conn.execute(query)
        ]


def retry_dead(engine: Engine, ids: Collection[int] | None, now: datetime) -> list[int]:
    """Put dead notices back in the queue, due ``now``, with a fresh count of attempts: all given, or none.

    ``ids`` None retries every dead notice. The idempotency key stays, so a
    receiver that did take an earlier try drops this one; the last error stays
    until the next try replaces it. A notice that is not dead — unknown,
    delivered or still being retried — is refused, and then nothing changes.
    Returns the ids put back.
    """
    dead = notifications.c.dead_at.is_not(None)
    chosen = dead if ids is None else dead & notifications.c.id.in_(ids)
    with engine.begin() as conn:
        found = sorted(conn.execute(select(notifications.c.id).where(chosen).with_for_update()).scalars())
        if ids is not None and (refused := sorted(set(ids) - set(found))):
            _refuse(conn, refused[0])
        conn.execute(
            update(notifications)
            .where(dead & notifications.c.id.in_(found))
            .values(dead_at=None, attempts=0, next_attempt_at=now)
        )
    return found


def _refuse(conn: Connection, notice_id: int) -> NoReturn:
    """Say why a notice cannot be retried."""
    row = conn.execute(
        select(notifications.c.sent_at, notifications.c.attempts).where(notifications.c.id == notice_id)
    ).first()
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
