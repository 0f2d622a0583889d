"""Machine credentials: API keys for Open311 clients and bearer tokens for staff scripts.

Both are random secrets shown once when made; only their SHA-256 is stored, so
a copy of the database reveals none of them. Either can be revoked. A staff
token works only while its holder's web account, if they have one, is
active; deactivating the account revokes all of its tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, or_, select, update

from ticketing.db.schema import api_keys, staff, staff_accounts, staff_tokens
from ticketing.domain.errors import InvalidInput, NotFound


@dataclass(frozen=True, slots=True)
class Credential:
    id: int
    owner: str
    created_at: datetime
    revoked_at: datetime | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(engine: Engine, name: str, now: datetime) -> str:
    """A new key for a client named ``name``; the key itself is returned once."""
    name = name.strip()
    if not name:
        raise InvalidInput("give the API key a name (the client or organisation using it)")
    key = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        if conn.execute(select(api_keys.c.id).where(api_keys.c.name == name)).first():
            raise InvalidInput("an API key named %(name)r exists already; revoke it or choose another name", name=name)
        conn.execute(insert(api_keys).values(name=name, key_hash=_digest(key), created_at=now))
    return key


def revoke_api_key(engine: Engine, name: str, now: datetime) -> None:
    with engine.begin() as conn:
        done = conn.execute(
            update(api_keys).where(api_keys.c.name == name, api_keys.c.revoked_at.is_(None)).values(revoked_at=now)
        )
    if done.rowcount != 1:
        raise NotFound("no active API key named %(name)r", name=name)


def api_key_owner(engine: Engine, key: str) -> str | None:
    """The name of the client holding this key, or None when it is unknown or revoked."""
    with engine.connect() as conn:
        return conn.execute(
            select(api_keys.c.name).where(api_keys.c.key_hash == _digest(key), api_keys.c.revoked_at.is_(None))
        ).scalar_one_or_none()


def list_api_keys(engine: Engine) -> list[Credential]:
    with engine.connect() as conn:
        rows = conn.execute(select(api_keys).order_by(api_keys.c.id))
        return [Credential(r.id, r.name, r.created_at, r.revoked_at) for r in rows]


def issue_staff_token(engine: Engine, staff_id: str, now: datetime) -> tuple[int, str]:
    """A new bearer token acting as ``staff_id``: its id and the token itself (shown once)."""
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        if conn.execute(select(staff.c.id).where(staff.c.id == staff_id)).first() is None:
            raise NotFound("unknown staff member %(staff)r", staff=staff_id)
        if conn.execute(_INACTIVE.where(staff_accounts.c.staff_id == staff_id)).first() is not None:
            raise InvalidInput(
                "the account of %(staff)s is deactivated: activate it before issuing a token", staff=staff_id
            )
        token_id = conn.execute(
            insert(staff_tokens)
            .values(staff_id=staff_id, token_hash=_digest(token), created_at=now)
            .returning(staff_tokens.c.id)
        ).scalar_one()
    return token_id, token


def revoke_staff_token(engine: Engine, token_id: int, now: datetime) -> None:
    with engine.begin() as conn:
        done = conn.execute(
            update(staff_tokens)
            .where(staff_tokens.c.id == token_id, staff_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    if done.rowcount != 1:
        raise NotFound("no active staff token %(token)s", token=token_id)


def revoke_tokens_of(conn: Connection, staff_id: str, now: datetime) -> None:
    """Revoke every live token of ``staff_id`` (part of deactivating the account, in its transaction)."""
    conn.execute(
        update(staff_tokens)
        .where(staff_tokens.c.staff_id == staff_id, staff_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def list_staff_tokens(engine: Engine, staff_id: str) -> list[Credential]:
    with engine.connect() as conn:
        rows = conn.execute(select(staff_tokens).where(staff_tokens.c.staff_id == staff_id).order_by(staff_tokens.c.id))
        return [Credential(r.id, r.staff_id, r.created_at, r.revoked_at) for r in rows]


def token_owner(engine: Engine, token: str) -> str | None:
    """The staff id a bearer token acts as, or None when it is unknown, revoked or its account deactivated."""
    with engine.connect() as conn:
        return conn.execute(
            select(staff_tokens.c.staff_id)
            .outerjoin(staff_accounts, staff_accounts.c.staff_id == staff_tokens.c.staff_id)
            .where(
                staff_tokens.c.token_hash == _digest(token),
                staff_tokens.c.revoked_at.is_(None),
                or_(staff_accounts.c.staff_id.is_(None), staff_accounts.c.active),
            )
        ).scalar_one_or_none()


_INACTIVE = select(staff_accounts.c.staff_id).where(staff_accounts.c.active.is_(False))
