"""The admin pages' queries (``ticketing.read.admin``): absences with their staff member's name, staff accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, func, or_, select, true

from ticketing.db.rows import AnyRow
from ticketing.db.schema import absences, staff, staff_accounts

_ABSENCE_ROWS = select(
    absences.c.id, absences.c.staff_id, staff.c.name, absences.c.starts_at, absences.c.ends_at, absences.c.reason
).join(staff, staff.c.id == absences.c.staff_id)

_WITH_ACCOUNT = staff.outerjoin(staff_accounts, staff_accounts.c.staff_id == staff.c.id)
_ACCOUNT_ROWS = select(
    staff.c.id,
    staff.c.name,
    staff.c.role,
    staff_accounts.c.staff_id.label("login"),
    staff_accounts.c.active,
    staff_accounts.c.updated_at,
).select_from(_WITH_ACCOUNT)


def current_absences(conn: Connection, now: datetime) -> list[AnyRow]:
    """Absences running at ``now`` (id, staff_id, name, starts_at, ends_at, reason), the soonest to end first."""
    away = and_(absences.c.starts_at <= now, absences.c.ends_at > now, absences.c.cancelled_at.is_(None))
    return list(conn.execute(_ABSENCE_ROWS.where(away).order_by(absences.c.ends_at, absences.c.id)))


def count_coming_absences(conn: Connection, now: datetime, staff_id: str | None) -> int:
    """How many absences (of ``staff_id`` if given) are running or still to come; cancelled ones do not count."""
    query = select(func.count()).select_from(absences).where(_coming(now, staff_id))
    return conn.execute(query).scalar_one()


def coming_absences(conn: Connection, now: datetime, staff_id: str | None, limit: int, offset: int) -> list[AnyRow]:
    """A slice of those absences as ``current_absences`` has them, the earliest start first."""
    query = _ABSENCE_ROWS.where(_coming(now, staff_id)).order_by(absences.c.starts_at, absences.c.id)
    return list(conn.execute(query.limit(limit).offset(offset)))


def _coming(now: datetime, staff_id: str | None) -> ColumnElement[bool]:
    ongoing = and_(absences.c.ends_at > now, absences.c.cancelled_at.is_(None))
    return ongoing if staff_id is None else and_(ongoing, absences.c.staff_id == staff_id)


def count_accounts(conn: Connection, search: str, has_login: bool | None) -> int:
    """How many staff members ``accounts`` filters to."""
    query = select(func.count()).select_from(_WITH_ACCOUNT).where(_accounts_where(search, has_login))
    return conn.execute(query).scalar_one()


def accounts(conn: Connection, search: str, has_login: bool | None, limit: int, offset: int) -> list[AnyRow]:
    """Staff by number (id, name, role, login, active, updated_at; ``login`` is None without one).

    Filtered by a number prefix or part of a name (``search``, when not empty)
    and by having a login (``has_login``, when not None).
    """
    query = _ACCOUNT_ROWS.where(_accounts_where(search, has_login)).order_by(staff.c.id)
    return list(conn.execute(query.limit(limit).offset(offset)))


def account(conn: Connection, staff_id: str) -> AnyRow | None:
    """One staff member as ``accounts`` lists them, or None."""
    return conn.execute(_ACCOUNT_ROWS.where(staff.c.id == staff_id)).first()


def _accounts_where(search: str, has_login: bool | None) -> ColumnElement[bool]:
    conditions = []
    if search:
        conditions.append(or_(staff.c.id.ilike(f"{search}%"), staff.c.name.contains(search, autoescape=True)))
    if has_login is not None:
        login = staff_accounts.c.staff_id
        conditions.append(login.is_not(None) if has_login else login.is_(None))
    return and_(true(), *conditions)
