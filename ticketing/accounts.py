"""Staff accounts: who may log in to the web UI, with a password hashed by scrypt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ticketing.db.schema import staff, staff_accounts
from ticketing.domain.errors import InvalidInput, NotFound

MIN_PASSWORD = 8


@dataclass(frozen=True, slots=True)
class Account:
    staff_id: str
    name: str
    role: str
    active: bool


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("the password must be at least %(length)s characters long", length=MIN_PASSWORD)


def set_password(engine: Engine, staff_id: str, password: str, now: datetime) -> bool:
    """Create the account or change its password; True when it was created."""
    _check_password(password)
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
        conn.execute(
            update(staff_accounts)
            .where(staff_accounts.c.staff_id == staff_id)
            .values(password_hash=hashed, active=True, updated_at=now)
        )
        return False


def authenticate(engine: Engine, staff_id: str, password: str) -> Account | None:
    """The account if the password is right and the account active, else None (no hint which was wrong)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(staff_accounts.c.password_hash, staff_accounts.c.active, staff.c.name, staff.c.role)
            .join(staff, staff.c.id == staff_accounts.c.staff_id)
            .where(staff_accounts.c.staff_id == staff_id)
        ).first()
    if row is None or not row.active or not check_password_hash(row.password_hash, password):
        return None
    return Account(staff_id, row.name, row.role, row.active)


def account(engine: Engine, staff_id: str) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(staff_accounts.c.active, staff.c.name, staff.c.role)
            .join(staff, staff.c.id == staff_accounts.c.staff_id)
            .where(staff_accounts.c.staff_id == staff_id)
        ).first()
    return Account(staff_id, row.name, row.role, row.active) if row else None


def deactivate(engine: Engine, staff_id: str, now: datetime) -> None:
    """Stop an account from logging in; its open sessions end at their next request."""
    _set_active(engine, staff_id, False, now)


def activate(engine: Engine, staff_id: str, now: datetime) -> None:
    """Let a deactivated account log in again with its old password."""
    _set_active(engine, staff_id, True, now)


def _set_active(engine: Engine, staff_id: str, active: bool, now: datetime) -> None:
    with engine.begin() as conn:
        changed = conn.execute(
            update(staff_accounts).where(staff_accounts.c.staff_id == staff_id).values(active=active, updated_at=now)
        ).rowcount
    if not changed:
        raise NotFound("staff member %(staff)r has no account; set a password to create one", staff=staff_id)
