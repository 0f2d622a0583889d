"""API keys and staff tokens' rows: a SHA-256 of each secret, when it was made and revoked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, or_, select, update

from ticketing.db.schema import api_keys, staff_accounts, staff_tokens


def api_key_named(conn: Connection, name: str) -> int | None:
    return conn.execute(select(api_keys.c.id).where(api_keys.c.name == name)).scalar_one_or_none()


def add_api_key(conn: Connection, name: str, digest: str, now: datetime) -> None:
    conn.execute(insert(api_keys).values(name=name, key_hash=digest, created_at=now))


def revoke_api_key(conn: Connection, name: str, now: datetime) -> bool:
    """Revoke the live key named ``name``; False when there is none."""
    live = (api_keys.c.name == name) & api_keys.c.revoked_at.is_(None)
    return bool(conn.execute(update(api_keys).where(live).values(revoked_at=now)).rowcount)


def api_key_owner(conn: Connection, digest: str) -> str | None:
    live = (api_keys.c.key_hash == digest) & api_keys.c.revoked_at.is_(None)
    return conn.execute(select(api_keys.c.name).where(live)).scalar_one_or_none()


def api_keys_rows(conn: Connection) -> list[tuple[int, str, datetime, datetime | None]]:
    query = select(api_keys.c.id, api_keys.c.name, api_keys.c.created_at, api_keys.c.revoked_at).order_by(api_keys.c.id)
    return [(r.id, r.name, r.created_at, r.revoked_at) for r in conn.execute(query)]


def add_token(conn: Connection, staff_id: str, digest: str, now: datetime) -> int:
    values = {"staff_id": staff_id, "token_hash": digest, "created_at": now}
    return conn.execute(insert(staff_tokens).values(**values).returning(staff_tokens.c.id)).scalar_one()


def token_holder(conn: Connection, token_id: int) -> str | None:
    """The staff member a live token acts as, or None when there is no live token ``token_id``."""
    live = (staff_tokens.c.id == token_id) & staff_tokens.c.revoked_at.is_(None)
    return conn.execute(select(staff_tokens.c.staff_id).where(live)).scalar_one_or_none()


def revoke_token(conn: Connection, token_id: int, now: datetime) -> None:
    conn.execute(update(staff_tokens).where(staff_tokens.c.id == token_id).values(revoked_at=now))


def revoke_tokens_of(conn: Connection, staff_id: str, now: datetime) -> int:
    """Revoke every live token of ``staff_id``; how many there were."""
    live = (staff_tokens.c.staff_id == staff_id) & staff_tokens.c.revoked_at.is_(None)
    return conn.execute(update(staff_tokens).where(live).values(revoked_at=now)).rowcount


def tokens_rows(conn: Connection, staff_id: str) -> list[tuple[int, str, datetime, datetime | None]]:
    query = select(staff_tokens).where(staff_tokens.c.staff_id == staff_id).order_by(staff_tokens.c.id)
    return [(r.id, r.staff_id, r.created_at, r.revoked_at) for r in conn.execute(query)]


def token_owner(conn: Connection, digest: str) -> str | None:
    """The staff id a live token acts as, while its holder's account (if any) is active."""
    query = (
        select(staff_tokens.c.staff_id)
        .outerjoin(staff_accounts, staff_accounts.c.staff_id == staff_tokens.c.staff_id)
        .where(
            staff_tokens.c.token_hash == digest,
            staff_tokens.c.revoked_at.is_(None),
            or_(staff_accounts.c.staff_id.is_(None), staff_accounts.c.active),
        )
    )
    return conn.execute(query).scalar_one_or_none()
