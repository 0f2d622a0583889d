"""Staff accounts: who may log in to the web UI, with a password hashed by scrypt.

Each account has a session epoch, stored in every session it logs in (see
``ticketing.web.auth``). Logging out, a new password and deactivation raise
it, in the same transaction as the change, so every session issued before
ends at its next request, on every web process. Creating, changing,
deactivating and activating an account leave audit events.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Engine
from werkzeug.security import check_password_hash, generate_password_hash

from ticketing.db import accounts as store
from ticketing.db import credentials as credential_store
from ticketing.db.rows import AnyRow
from ticketing.domain.audit import AuditAction, AuditEvent
from ticketing.domain.errors import NotFound
from ticketing.domain.passwords import check_password
from ticketing.services.unit_of_work import Work, unit_of_work


@dataclass(frozen=True, slots=True)
class Account:
    staff_id: str
    name: str
    role: str
    active: bool
    session_epoch: int


def set_password(engine: Engine, staff_id: str, password: str, now: datetime, actor_id: str | None = None) -> bool:
    """Create the account or change its password (ending its sessions); True when it was created."""
    check_password(password)
    hashed = generate_password_hash(password, method="scrypt")
    with unit_of_work(engine) as work:
        if not store.staff_exists(work.conn, staff_id):
            raise NotFound("unknown staff member %(staff)r: import them with the organisation first", staff=staff_id)
        created = not store.exists(work.conn, staff_id)
        if created:
            store.add(work.conn, staff_id, hashed, now)
        else:
            _change(work, staff_id, password_hash=hashed, active=True, updated_at=now)
        action = AuditAction.ACCOUNT_CREATED if created else AuditAction.PASSWORD_CHANGED
        work.audit(AuditEvent(now, actor_id, action, staff_id))
        return created


@cache
def _dummy_hash() -> str:
    """A hash of no one's password, checked when the account is missing so every login costs one scrypt."""
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


def authenticate(engine: Engine, staff_id: str, password: str) -> Account | None:
    """The account if the password is right and the account active, else None (no hint which was wrong).

    The password is checked against a hash in every case, a dummy one for an unknown or deactivated
    account, so the answer takes as long whether the staff number exists or not.
    """
    with engine.connect() as conn:
        row = store.find(conn, staff_id)
    usable = row if row is not None and row.active else None
    right = check_password_hash(usable.password_hash if usable else _dummy_hash(), password)
    return _account(usable) if usable and right else None


def account(engine: Engine, staff_id: str) -> Account | None:
    with engine.connect() as conn:
        row = store.find(conn, staff_id)
    return _account(row) if row else None


def end_sessions(engine: Engine, staff_id: str) -> None:
    """End every web session of the account (logging out ends them all, not only this browser's)."""
    with unit_of_work(engine) as work:
        _change(work, staff_id)


def deactivate(engine: Engine, staff_id: str, now: datetime, actor_id: str | None = None) -> None:
    """Stop an account at once: no login, its sessions end and its API tokens are revoked for good."""
    with unit_of_work(engine) as work:
        _change(work, staff_id, active=False, updated_at=now)
        revoked = credential_store.revoke_tokens_of(work.conn, staff_id, now)
        work.audit(AuditEvent(now, actor_id, AuditAction.ACCOUNT_DEACTIVATED, staff_id, {"tokens_revoked": revoked}))


def activate(engine: Engine, staff_id: str, now: datetime, actor_id: str | None = None) -> None:
    """Let a deactivated account log in again with its old password (its revoked tokens stay revoked)."""
    with unit_of_work(engine) as work:
        _change(work, staff_id, active=True, updated_at=now, end_sessions=False)
        work.audit(AuditEvent(now, actor_id, AuditAction.ACCOUNT_ACTIVATED, staff_id))


def _change(work: Work, staff_id: str, *, end_sessions: bool = True, **values: object) -> None:
    if not store.change(work.conn, staff_id, end_sessions=end_sessions, **values):
        raise NotFound("staff member %(staff)r has no account; set a password to create one", staff=staff_id)


def _account(row: AnyRow) -> Account:
    return Account(row.staff_id, row.name, row.role, row.active, row.session_epoch)
