"""Machine credentials: API keys for Open311 clients and bearer tokens for staff scripts.

Both are random secrets shown once when made; only their SHA-256 is stored, so
a copy of the database reveals none of them. Either can be revoked. A staff
token works only while its holder's web account, if they have one, is
active; deactivating the account revokes all of its tokens. Making and
revoking either leaves an audit event.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from ticketing.db import accounts as account_store
from ticketing.db import credentials as store
from ticketing.db.engine import one_statement
from ticketing.domain.audit import AuditAction, AuditEvent
from ticketing.domain.errors import InvalidInput, NotFound
from ticketing.services.unit_of_work import unit_of_work


@dataclass(frozen=True, slots=True)
class Credential:
    id: int
    owner: str
    created_at: datetime
    revoked_at: datetime | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(engine: Engine, name: str, now: datetime, actor_id: str | None = None) -> str:
    """A new key for a client named ``name``; the key itself is returned once."""
    name = name.strip()
    if not name:
        raise InvalidInput("give the API key a name (the client or organisation using it)")
    key = secrets.token_urlsafe(32)
    with unit_of_work(engine) as work:
        if store.api_key_named(work.conn, name) is not None:
            raise InvalidInput("an API key named %(name)r exists already; revoke it or choose another name", name=name)
        store.add_api_key(work.conn, name, _digest(key), now)
        work.audit(AuditEvent(now, actor_id, AuditAction.API_KEY_CREATED, name))
    return key


def revoke_api_key(engine: Engine, name: str, now: datetime, actor_id: str | None = None) -> None:
    with unit_of_work(engine) as work:
        if not store.revoke_api_key(work.conn, name, now):
            raise NotFound("no active API key named %(name)r", name=name)
        work.audit(AuditEvent(now, actor_id, AuditAction.API_KEY_REVOKED, name))


def api_key_owner(engine: Engine, key: str) -> str | None:
    """The name of the client holding this key, or None when it is unknown or revoked (checked at every call)."""
    with one_statement(engine) as conn:
        return store.api_key_owner(conn, _digest(key))


def list_api_keys(engine: Engine) -> list[Credential]:
    with engine.connect() as conn:
        return [Credential(*row) for row in store.api_keys_rows(conn)]


def issue_staff_token(engine: Engine, staff_id: str, now: datetime, actor_id: str | None = None) -> tuple[int, str]:
    """A new bearer token acting as ``staff_id``: its id and the token itself (shown once)."""
    token = secrets.token_urlsafe(32)
    with unit_of_work(engine) as work:
        if not account_store.staff_exists(work.conn, staff_id):
            raise NotFound("unknown staff member %(staff)r", staff=staff_id)
        if account_store.is_inactive(work.conn, staff_id):
            raise InvalidInput(
                "the account of %(staff)s is deactivated: activate it before issuing a token", staff=staff_id
            )
        token_id = store.add_token(work.conn, staff_id, _digest(token), now)
        work.audit(AuditEvent(now, actor_id, AuditAction.TOKEN_ISSUED, staff_id, {"token": token_id}))
    return token_id, token


def revoke_staff_token(engine: Engine, token_id: int, now: datetime, actor_id: str | None = None) -> None:
    with unit_of_work(engine) as work:
        holder = store.token_holder(work.conn, token_id)
        if holder is None:
            raise NotFound("no active staff token %(token)s", token=token_id)
        store.revoke_token(work.conn, token_id, now)
        work.audit(AuditEvent(now, actor_id, AuditAction.TOKEN_REVOKED, holder, {"token": token_id}))


def list_staff_tokens(engine: Engine, staff_id: str) -> list[Credential]:
    with engine.connect() as conn:
        return [Credential(*row) for row in store.tokens_rows(conn, staff_id)]


def token_owner(engine: Engine, token: str) -> str | None:
    """The staff id a bearer token acts as, or None when it is unknown, revoked or its account deactivated."""
    with one_statement(engine) as conn:
        return store.token_owner(conn, _digest(token))
