"""Who is asking: the staff member behind the bearer token, and the rate limit per token."""

from __future__ import annotations

import hashlib

from flask import g, request

from ticketing.read.source import current_organisation
from ticketing.services.credentials import token_owner
from ticketing.web.api_errors import ApiError
from ticketing.web.api_v1.blueprint import bp
from ticketing.web.context import service
from ticketing.web.extensions import limiter
from ticketing.web.ratelimit import client_address, configured
from ticketing.web.users import StaffUser


def _bearer() -> str | None:
    scheme, _space, token = request.headers.get("Authorization", "").strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def _caller_key() -> str:
    """What the rate limit counts per: the token (as a digest), else the client address."""
    token = _bearer()
    return f"token:{hashlib.sha256(token.encode()).hexdigest()}" if token else client_address()


limiter.shared_limit(  # per token, all calls together
    configured("api_token_limit"),
    scope="api_v1",
    key_func=_caller_key,
    exempt_when=lambda: request.endpoint == "api_v1.openapi",
)(bp)


@bp.before_request
def authenticate() -> None:
    """Every call but the description needs ``Authorization: Bearer <token>`` of a staff member."""
    if request.endpoint == "api_v1.openapi" or request.method == "OPTIONS":
        return
    token = _bearer()
    if token is None:
        raise ApiError(
            401,
            "unauthorized",
            "send Authorization: Bearer <token>; a staff member's token comes from `ticketing staff token STAFF_ID`",
            headers={"WWW-Authenticate": 'Bearer realm="ticketing"'},
        )
    staff_id = token_owner(service().engine, token)
    user = None if staff_id is None else StaffUser.of(current_organisation(service()), staff_id)
    if user is None:
        raise ApiError(
            401,
            "invalid_token",
            "this token is unknown or revoked",
            headers={"WWW-Authenticate": 'Bearer realm="ticketing", error="invalid_token"'},
        )
    g.api_user = user


def user() -> StaffUser:
    """The staff member the token of this request was issued to."""
    return g.api_user


def supervisor() -> StaffUser:
    """The caller, who must be a supervisor or an admin."""
    found = user()
    if not found.is_supervisor:
        raise ApiError(403, "forbidden", "only supervisors and admins may read this")
    return found
