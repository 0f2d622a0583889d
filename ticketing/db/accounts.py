"""Staff accounts' rows: the password hash, whether the account may log in, its session epoch."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from ticketing.db.rows import AnyRow
from ticketing.db.schema import staff, staff_accounts

_ACCOUNT = select(
    staff_accounts.c.staff_id,
    staff_accounts.c.password_hash,
    staff_accounts.c.active,
    staff_accounts.c.session_epoch,
    staff.c.name,
    staff.c.role,
).join(staff, staff.c.id == staff_accounts.c.staff_id)


def find(conn: Connection, staff_id: str) -> AnyRow | None:
    """The account with its holder's name and role, or None."""
    return conn.execute(_ACCOUNT.where(staff_accounts.c.staff_id == staff_id)).first()


def staff_exists(conn: Connection, staff_id: str) -> bool:
    return conn.execute(select(staff.c.id).where(staff.c.id == staff_id)).first() is not None


def exists(conn: Connection, staff_id: str) -> bool:
    return (
        conn.execute(select(staff_accounts.c.staff_id).where(staff_accounts.c.staff_id == staff_id)).first() is not None
    )


def is_inactive(conn: Connection, staff_id: str) -> bool:
    """Whether ``staff_id`` has an account that is deactivated (no account is not inactive)."""
    query = select(staff_accounts.c.staff_id).where(
        staff_accounts.c.staff_id == staff_id, staff_accounts.c.active.is_(False)
    )
    return conn.execute(query).first() is not None


def add(conn: Connection, staff_id: str, password_hash: str, now: datetime) -> None:
    conn.execute(
        insert(staff_accounts).values(staff_id=staff_id, password_hash=password_hash, created_at=now, updated_at=now)
    )


def change(conn: Connection, staff_id: str, *, end_sessions: bool = True, **values: object) -> bool:
    """Update the account, raising its session epoch unless told not to; False when there is no account."""
    if end_sessions:
        values["session_epoch"] = staff_accounts.c.session_epoch + 1
    changed = conn.execute(update(staff_accounts).where(staff_accounts.c.staff_id == staff_id).values(**values))
    return bool(changed.rowcount)
