"""Staff accounts: who may log in to the web UI, with a password hashed by scrypt.

Each account has a session epoch, stored in every session it logs in (see
``ticketing.web.auth``). Logging out, a new password and deactivation raise
it, in the same transaction as the change, so every session issued before
ends at its next request, on every web process.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, Engine, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ticketing.credentials import revoke_tokens_of
from ticketing.db.rows import AnyRow
from ticketing.db.schema import staff, staff_accounts
from ticketing.domain.errors import NotFound
from ticketing.domain.passwords import check_password


@dataclass(frozen=True, slots=True)
class Account:
    staff_id: str
    name: str
    role: str
    active: bool
    session_epoch: int


_ACCOUNT = select(
    staff_accounts.c.staff_id,
    staff_accounts.c.password_hash,
    staff_accounts.c.active,
    staff_accounts.c.session_epoch,
    staff.c.name,
    staff.c.role,
).join(staff, staff.c.id == staff_accounts.c.staff_id)


def set_password(engine: Engine, staff_id: str, password: str, now: datetime) -> bool:
    """Create the account or change its password (ending its sessions); True when it was created."""
    check_password(password)
    hashed = generate_password_hash(password, method="scrypt")
    with engine.begin() as conn:
        if conn.execute(select(staff.c.id).where(staff.c.id == staff_id)).first() is None:
            raise NotFound("unknown staff member %(staff)r: import them with the organisation first", staff=staff_id)
        found = conn.execute(select(staff_accounts.c.staff_id).where(staff_accounts.c.staff_id == staff_id)).first()
        if found is None:
            conn.execute(
                insert(staff_accounts).values(staff_id=staff_id, password_hash=hashed, created_at=now, updated_at=now)
            )
            return True
        _change(conn, staff_id, password_hash=hashed, active=True, updated_at=now)
        return False


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
        row = conn.execute(_ACCOUNT.where(staff_accounts.c.staff_id == staff_id)).first()
    usable = row if row is not None and row.active else None
    right = check_password_hash(usable.password_hash if usable else _dummy_hash(), password)
    return _account(usable) if usable and right else None


def account(engine: Engine, staff_id: str) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(_ACCOUNT.where(staff_accounts.c.staff_id == staff_id)).first()
    return _account(row) if row else None


def end_sessions(engine: Engine, staff_id: str) -> None:
    """End every web session of the account (logging out ends them all, not only this browser's)."""
    with engine.begin() as conn:
        _change(conn, staff_id)


def deactivate(engine: Engine, staff_id: str, now: datetime) -> None:
    """Stop an account at once: no login, its sessions end and its API tokens are revoked for good."""
    with engine.begin() as conn:
        _change(conn, staff_id, active=False, updated_at=now)
        revoke_tokens_of(conn, staff_id, now)


def activate(engine: Engine, staff_id: str, now: datetime) -> None:
    """Let a deactivated account log in again with its old password (its revoked tokens stay revoked)."""
    with engine.begin() as conn:
        _change(conn, staff_id, active=True, updated_at=now, end_sessions=False)


def _change(conn: Connection, staff_id: str, *, end_sessions: bool = True, **values: object) -> None:
    if end_sessions:
        values["session_epoch"] = staff_accounts.c.session_epoch + 1
    changed = conn.execute(
        update(staff_accounts).where(staff_accounts.c.staff_id == staff_id).values(**values)
    ).rowcount
    if not changed:
        raise NotFound("staff member %(staff)r has no account; set a password to create one", staff=staff_id)


def _account(row: AnyRow) -> Account:
    return Account(row.staff_id, row.name, row.role, row.active, row.session_epoch)
