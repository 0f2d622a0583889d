"""The staff JSON API under ``/api/v1``: bearer tokens, the staff pages' rules and scoping, JSON errors.

A script acts as the staff member its token was issued to (``ticketing staff
token STAFF_ID``) and sees what that person sees on the staff pages
(``StaffUser.can_see``: a ticket out of sight is "not found", like an unknown
number); supervisors' board and rates cover their communities and streets.
Requests are read with the ``Field`` declarations of ``ticketing.web.openapi``,
the description served at ``/api/v1/openapi.json``.  Every failure, unknown
paths included, is ``{"error": {"code", "message", "details"}}`` with its HTTP
status, made in one handler.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from sqlalchemy import Connection
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound, TicketingError
from ticketing.domain.org import Absence, Organisation, Post, UnitKind
from ticketing.domain.rates import DEFAULT_WEIGHTS, RateWeights
from ticketing.domain.rules import World
from ticketing.domain.ticket import Channel, HistoryEntry, ResidentChannel, Ticket
from ticketing.read import admin, queues
from ticketing.read.api import Cursor, TicketFilter, Visibility, ticket_slice
from ticketing.read.board import BoardFilter, BoardRow, Scope, board_page, open_states
from ticketing.read.paging import Page
from ticketing.read.queues import Deadline, Item, TicketView, deadline_of, mask_phone
from ticketing.read.rates import MAX_DAYS, Period, RateRow, rate_report
from ticketing.services.credentials import token_owner
from ticketing.web.context import now, service
from ticketing.web.errors import message_of, status_of
from ticketing.web.extensions import csrf, limiter
from ticketing.web.inputs import YEARS
from ticketing.web.openapi import (
    ABSENCE_PARAMS,
    ACTION_FIELDS,
    BOARD_FILTERS,
    NEW_ABSENCE_FIELDS,
    NEW_TICKET_FIELDS,
    ORGANISATION_PARAMS,
    PAGE,
    RATE_PARAMS,
    TICKET_FILTERS,
    TICKET_NUMBER,
    VERSION,
    Field,
    document,
)
from ticketing.web.ratelimit import configured
from ticketing.web.supervisor import DEFAULT_DAYS, WEIGHTS_CONFIG
from ticketing.web.users import StaffUser

JSON = dict[str, Any]

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

DOMAIN_CODES: dict[type[TicketingError], str] = {
    InvalidInput: "invalid_input",
    NotAllowed: "not_allowed",
    NotFound: "not_found",
    Conflict: "conflict",
}
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    429: "rate_limited",
    500: "internal_error",
}
MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INTEGER = re.compile(r"-?[0-9]+")
NO_TICKET = "no ticket %(key)r: give a tracking number such as 261127-000001"


class ApiError(Exception):
    """A refusal by the API itself (credentials, role, the shape of a request), with its status and code."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = dict(details or {})
        self.headers = dict(headers or {})


# --- errors: the one place they become HTTP responses ------------------------------------------------


def _plain(value: object) -> object:
    """A value as JSON can carry it."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return str(value)


@bp.errorhandler(ApiError)
@bp.errorhandler(TicketingError)
@bp.errorhandler(HTTPException)
def failed(error: ApiError | TicketingError | HTTPException) -> Response:
    """Every failure as ``{"error": {"code", "message", "details"}}``.

    Engine errors get their status from ``status_of`` and their message, in the caller's language, from ``message_of``.
    """
    headers: dict[str, str] = {}
    if isinstance(error, ApiError):
        status, code, message, details, headers = error.status, error.code, error.message, error.details, error.headers
    elif isinstance(error, TicketingError):
        status, message = status_of(error), message_of(error)
        code = next((name for kind, name in DOMAIN_CODES.items() if isinstance(error, kind)), "invalid_input")
        details = {key: _plain(value) for key, value in error.params.items()}
    else:
        status = error.code or 500
        code = HTTP_CODES.get(status) or re.sub(r"\W+", "_", error.name.lower()).strip("_")
        messages = {
            403: _("You may not open this page."),
            404: _("There is nothing here."),
            405: _("That is not how this page is used."),
            429: _("Too many attempts. Wait a little and try again."),
        }
        message = messages.get(status, error.description or error.name)
        details = {"limit": error.description} if status == 429 else {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
    response = jsonify(error={"code": code, "message": message, "details": details})
    response.status_code = status
    response.headers.update(headers)
    return response


@bp.before_app_request
def unrouted() -> Response | None:
    """Unknown paths and methods under /api/v1 answer in JSON too (routing fails before a blueprint is chosen)."""
    error = request.routing_exception
    under = request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/")
    if under and isinstance(error, HTTPException) and (error.code or 0) >= 400:
        return failed(error)
    return None


# --- who is asking --------------------------------------------------------------------------------


def _bearer() -> str | None:
    scheme, _space, token = request.headers.get("Authorization", "").strip().partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def _caller_key() -> str:
    """What the rate limit counts per: the token (as a digest), else the client address."""
    token = _bearer()
    return f"token:{hashlib.sha256(token.encode()).hexdigest()}" if token else get_remote_address()


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
    user = None
    if staff_id is not None:
        with service().engine.connect() as conn:
            user = StaffUser.of(service().worlds.organisation(conn), staff_id)
    if user is None:
        raise ApiError(
            401,
            "invalid_token",
            "this token is unknown or revoked",
            headers={"WWW-Authenticate": 'Bearer realm="ticketing", error="invalid_token"'},
        )
    g.api_user = user


def _user() -> StaffUser:
    return g.api_user


def _supervisor() -> StaffUser:
    user = _user()
    if not user.is_supervisor:
        raise ApiError(403, "forbidden", "only supervisors and admins may read this")
    return user


def _visibility(user: StaffUser) -> Visibility:
    return Visibility(user.id, user.post_ids, user.communities, user.streets, user.is_supervisor, user.is_admin)


@contextmanager
def _reading() -> Iterator[tuple[Connection, World]]:
    with service().engine.connect() as conn:
        yield conn, service().worlds.world(conn)


# --- reading requests as the description declares them -----------------------------------------------


class Values:
    """Query parameters or a JSON body read by their ``Field`` declarations.

    What does not fit the description is refused all at once with 422 and the
    fields named; what fits it but cannot be used (a blank required text, a
    NUL character, which PostgreSQL cannot store, a time Python cannot hold)
    with 400.
    """

    def __init__(self, source: Mapping[str, Any], *, query: bool) -> None:
        self.source = source
        self.query = query
        self.problems: dict[str, str] = {}
        self.unusable: dict[str, str] = {}

    @classmethod
    def body(cls, fields: Sequence[Field]) -> Values:
        data = request.get_json(force=True, silent=True)
        if data is None:
            raise ApiError(400, "invalid_json", "send a JSON object as the body (Content-Type: application/json)")
        if not isinstance(data, dict):
            raise ApiError(422, "invalid_request", "the body must be a JSON object", {"fields": {"": "not an object"}})
        values = cls(data, query=False)
        known = {field.name for field in fields}
        values.problems.update({name: "unknown field" for name in data if name not in known})
        return values

    def read(self, fields: Sequence[Field]) -> dict[str, Any]:
        """Each field's value (its default when absent); raises ApiError if any does not fit."""
        catalogue = service().worlds.catalogue
        found = {field.name: self._one(field, field.allowed(catalogue)) for field in fields}
        if self.problems:
            raise ApiError(
                422, "invalid_request", "some values do not fit the API description", {"fields": self.problems}
            )
        if self.unusable:
            raise ApiError(400, "invalid_input", "some values cannot be used", {"fields": self.unusable})
        return found

    def _one(self, field: Field, allowed: Sequence[str]) -> Any:
        name = field.name
        if name not in self.source or (self.source[name] is None and field.nullable):
            if field.required:
                self.problems[name] = "required"
            return field.default
        check = {"boolean": self._flag, "integer": self._integer}.get(field.kind, self._text)
        value = check(field, self.source[name], allowed)
        if isinstance(value, _Problem):
            self.problems[name] = value.text
            return None
        if field.kind in ("date", "date-time"):
            return self._when(field, value)
        if isinstance(value, str) and not allowed:
            value = value.strip()
            if "\x00" in value:
                self.unusable[name] = "contains a NUL character"
            elif field.required and not value:
                self.unusable[name] = "blank"
        return value

    def _flag(self, field: Field, value: Any, allowed: Sequence[str]) -> bool | _Problem:
        if self.query and value in ("true", "false"):
            return value == "true"
        if not self.query and isinstance(value, bool):
            return value
        return _Problem("true or false")

    def _integer(self, field: Field, value: Any, allowed: Sequence[str]) -> int | _Problem:
        if self.query and isinstance(value, str) and INTEGER.fullmatch(value):
            number = int(value)
        elif not self.query and isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif not self.query and isinstance(value, float) and value.is_integer():
            number = int(value)
        else:
            return _Problem("an integer")
        if field.minimum is not None and number < field.minimum:
            return _Problem(f"at least {field.minimum}")
        if field.maximum is not None and number > field.maximum:
            return _Problem(f"at most {field.maximum}")
        return number

    def _text(self, field: Field, value: Any, allowed: Sequence[str]) -> str | _Problem:
        if not isinstance(value, str):
            return _Problem("a string")
        if allowed:
            return value if value in allowed else _Problem(f"one of: {', '.join(allowed)}")
        if field.kind == "date-time":
            return value if MOMENT.fullmatch(value) else _Problem("a date and time with an offset (RFC 3339)")
        if field.kind == "date":
            return value if DAY.fullmatch(value) else _Problem("a date, YYYY-MM-DD")
        if not 1 <= len(value) <= field.max_length:
            return _Problem(f"1 to {field.max_length} characters")
        if field.pattern and not re.fullmatch(field.pattern, value):
            return _Problem(f"matching ^{field.pattern}$")
        return value

    def _when(self, field: Field, value: str) -> date | datetime | None:
        try:
            moment: date = (
                date.fromisoformat(value)
                if field.kind == "date"
                else datetime.fromisoformat(value.upper()).astimezone(UTC)
            )
        except (ValueError, OverflowError):
            self.unusable[field.name] = "not a time this server can use"
            return None
        if moment.year not in YEARS:
            self.unusable[field.name] = f"a time from {YEARS[0]} to {YEARS[-1]}"
            return None
        return moment


class _Problem:
    """Why a value does not fit its field."""

    def __init__(self, text: str) -> None:
        self.text = text


def _query(fields: Sequence[Field]) -> dict[str, Any]:
    """The query parameters; one the operation does not have is refused, so a misspelt filter is no silent no-op."""
    values = Values(request.args, query=True)
    known = {field.name for field in fields}
    values.problems.update({name: "unknown parameter" for name in request.args if name not in known})
    return values.read(fields)


# --- what responses say ------------------------------------------------------------------------------


def _moment(value: datetime | None) -> str | None:
    """A time in the district's offset, like ``2026-11-23T09:00:00+08:00``.

    Before standard time zones the offset has seconds (local mean time), which
    RFC 3339 cannot write: such times are given in UTC, as are times at the
    very edge of the calendar (year 1 or 9999) that cannot move into the zone.
    """
    if value is None:
        return None
    try:
        local = value.astimezone(service().worlds.tz)
    except OverflowError:
        return value.astimezone(UTC).isoformat()
    offset = local.utcoffset()
    return (local if offset is not None and offset.seconds % 60 == 0 else value.astimezone(UTC)).isoformat()


def _deadline(deadline: Deadline) -> JSON:
    left = deadline.working_seconds
    return {
        "clock": deadline.clock.value if deadline.clock else None,
        "due_at": _moment(deadline.due_at),
        "working_seconds_left": None if left is None else round(-left if deadline.overdue else left),
        "overdue": deadline.overdue,
        "kept_seconds": None if deadline.kept_seconds is None else round(deadline.kept_seconds),
    }


def _summary(world: World, ticket: Ticket, deadline: Deadline) -> JSON:
    org = world.org
    unit = org.units.get(ticket.location_id) if ticket.location_id else None
    spec = world.workflows.get(ticket.workflow)
    state = spec.states.get(ticket.state) if spec else None
    return {
        "number": ticket.number,
        "version": ticket.version,
        "workflow": ticket.workflow,
        "category": ticket.category,
        "state": ticket.state,
        "final": bool(state and state.final),
        "channel": ticket.channel.value,
        "tier": ticket.tier,
        "post_id": ticket.post_id,
        "holder_id": ticket.holder_id,
        "first_responder_id": ticket.first_responder_id,
        "street_id": ticket.street_id,
        "community_id": ticket.community_id,
        "grid_id": ticket.grid_id,
        "location_id": ticket.location_id,
        "place": unit.name if unit else ticket.address,
        "contact_phone": mask_phone(ticket.contact_phone),
        "overdue": ticket.overdue,
        "ack_late": ticket.ack_late,
        "needs_review": ticket.needs_review,
        "deadline": _deadline(deadline),
        "created_at": _moment(ticket.created_at),
        "updated_at": _moment(ticket.updated_at),
    }


def _person(org: Organisation, staff_id: str | None) -> JSON | None:
    if staff_id is None:
        return None
    member = org.staff.get(staff_id)
    return {"id": staff_id, "name": member.name if member else staff_id}


def _post(org: Organisation, post: Post | None) -> JSON | None:
    if post is None:
        return None
    unit = org.units.get(post.unit_id)
    return {
        "id": post.id,
        "kind": post.kind.value,
        "unit_id": post.unit_id,
        "unit_name": unit.name if unit else post.unit_id,
        "holder_a": post.holder_a,
        "holder_b": post.holder_b,
    }


def _entry(entry: HistoryEntry) -> JSON:
    return {
        "at": _moment(entry.at),
        "actor_id": entry.actor_id,
        "action": entry.action,
        "from_state": entry.from_state,
        "to_state": entry.to_state,
        "tier": entry.tier,
        "post_id": entry.post_id,
        "holder_id": entry.holder_id,
        "reason": entry.reason,
    }


def _detail(world: World, view: TicketView) -> JSON:
    ticket, org = view.ticket, world.org
    return {
        **_summary(world, ticket, view.deadline),
        "contact_phone": ticket.contact_phone,
        "description": ticket.description,
        "address": ticket.address,
        "contact_name": ticket.contact_name,
        "contact_email": ticket.contact_email,
        "notify_by": ticket.notify_by.value,
        "lat": ticket.lat,
        "lon": ticket.lon,
        "post": _post(org, org.posts.get(ticket.post_id)),
        "holder": _person(org, ticket.holder_id),
        "first_responder": _person(org, ticket.first_responder_id),
        "first_responder_post_id": ticket.first_responder_post_id,
        "reopen_count": ticket.reopen_count,
        "callback_attempts": ticket.callback_attempts,
        "satisfaction": ticket.satisfaction,
        "resolution": ticket.resolution,
        "referred_to": ticket.referred_to,
        "acknowledged_at": _moment(ticket.acknowledged_at),
        "resolved_at": _moment(ticket.resolved_at),
        "closed_at": _moment(ticket.closed_at),
        "history": [_entry(entry) for entry in view.history],
        "actions": view.actions,
        "transfer_targets": [_post(org, post) for post in view.targets],
    }


def _queue_page(world: World, page: Page[Item]) -> Response:
    return jsonify(
        items=[_summary(world, item.ticket, item.deadline) for item in page.items],
        page=page.number,
        per_page=page.per_page,
        total=page.total,
        pages=page.pages,
    )


def _rate_cells(row: RateRow) -> JSON:
    c, r = row.counts, row.rates
    return {
        "counts": {
            "base": c.base,
            "responded": c.responded,
            "satisfied": c.satisfied,
            "basically_satisfied": c.basically_satisfied,
        },
        "rates": {"response": r.response, "resolution": r.resolution, "satisfaction": r.satisfaction, "total": r.total},
    }


# --- tickets ---------------------------------------------------------------------------------------


def _visible_view(number: str) -> tuple[World, TicketView]:
    """The ticket as the caller's ticket page shows it; one out of their sight is not found, like an unknown one."""
    if not re.fullmatch(TICKET_NUMBER, number):
        raise NotFound(NO_TICKET, key=number)
    with _reading() as (conn, world):
        view = queues.ticket_view(conn, world, number, _user().id, now())
    if not _user().can_see(view.ticket):
        raise NotFound(NO_TICKET, key=number)
    return world, view


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(document(service().worlds.catalogue))


@bp.get("/tickets")
def list_tickets() -> Response:
    """Tickets the caller may see, filtered, most urgent first; ``next_cursor`` fetches the next page."""
    args = _query(TICKET_FILTERS)
    filters = TicketFilter(
        state=args["state"],
        post_id=args["post"],
        holder_id=args["holder"],
        first_responder_id=args["first_responder"],
        community_id=args["community"],
        overdue=args["overdue"],
        open_only=args["open"],
    )
    try:
        after = Cursor.decode(args["cursor"]) if args["cursor"] else None
    except ValueError:
        raise ApiError(400, "invalid_cursor", "use the next_cursor of a previous page as it is") from None
    with _reading() as (conn, world):
        found = ticket_slice(conn, _visibility(_user()), filters, after, args["limit"])
        items = [_summary(world, ticket, deadline_of(world, ticket, now())) for ticket in found.tickets]
    return jsonify(items=items, next_cursor=found.next.encode() if found.next else None)


@bp.post("/tickets")
def open_ticket() -> tuple[Response, int, dict[str, str]]:
    """Register a walk-in or phone request for a resident; the caller becomes its first responder."""
    values = Values.body(NEW_TICKET_FIELDS)
    if "location_id" not in values.source and "address" not in values.source:
        values.problems["location_id"] = "give location_id or address"
    if values.source.get("notify_by") == ResidentChannel.EMAIL and "contact_email" not in values.source:
        values.problems["contact_email"] = "required when notify_by is email"
    fields = values.read(NEW_TICKET_FIELDS)
    opened = service().open_ticket(
        category=fields["category"],
        description=fields["description"],
        contact_phone=fields["contact_phone"],
        contact_name=fields["contact_name"] or "",
        contact_email=fields["contact_email"] or "",
        notify_by=fields["notify_by"],
        location_id=fields["location_id"],
        address=fields["address"] or "",
        channel=Channel(fields["channel"]),
        registrar_id=_user().id,
        now=now(),
    )
    world, view = _visible_view(opened.number)
    return jsonify(_detail(world, view)), 201, {"Location": f"{bp.url_prefix}/tickets/{opened.number}"}


@bp.get("/tickets/<number>")
def show_ticket(number: str) -> Response:
    """A ticket with its history, deadline, version and the actions the caller may take now."""
    _query(())
    return jsonify(_detail(*_visible_view(number)))


def act(number: str, action: str) -> Response:
    """Apply one action with the version the caller read; a stale version is refused with 409."""
    fields = ACTION_FIELDS[action]
    params = Values.body((VERSION, *fields)).read((VERSION, *fields))
    _visible_view(number)
    version = params.pop("version")
    changed = service().act(number, action, _user().id, now(), expected_version=version, **params)
    ticket: JSON | None = None
    if _user().can_see(changed):
        ticket = _detail(*_visible_view(changed.number))
    return jsonify(action=action, number=changed.number, state=changed.state, version=changed.version, ticket=ticket)


for _action in ACTION_FIELDS:
    bp.add_url_rule(
        f"/tickets/<number>/actions/{_action}",
        endpoint=f"act_{_action}",
        view_func=act,
        methods=["POST"],
        defaults={"action": _action},
    )


# --- queues ----------------------------------------------------------------------------------------


@bp.get("/queues/mine")
def my_queue() -> Response:
    """Open tickets the caller holds, and those of their posts nobody holds; most urgent first."""
    page = _query((PAGE,))["page"]
    with _reading() as (conn, world):
        return _queue_page(world, queues.my_queue(conn, world, _user().id, now(), page))


@bp.get("/queues/accountable")
def accountable() -> Response:
    """Tickets the caller is first responder for, wherever they are now."""
    page = _query((PAGE,))["page"]
    with _reading() as (conn, world):
        return _queue_page(world, queues.accountable(conn, world, _user().id, now(), page))


@bp.get("/queues/callbacks")
def callbacks() -> Response:
    """Resolved and referred tickets whose telephone callback is the caller's to make."""
    page = _query((PAGE,))["page"]
    with _reading() as (conn, world):
        return _queue_page(world, queues.callbacks_due(conn, world, _user().id, now(), page))


# --- supervision -----------------------------------------------------------------------------------


def _scope(org: Organisation, user: StaffUser) -> Scope:
    return Scope.of(org, user.communities, user.streets, user.is_admin)


def _board_item(world: World, row: BoardRow, at: datetime) -> JSON:
    return {
        **_summary(world, row.ticket, deadline_of(world, row.ticket, at)),
        "overdue_since": _moment(row.overdue_since),
        "review_since": _moment(row.review_since),
    }


@bp.get("/board")
def board() -> Response:
    """Overdue, escalated and review-flagged tickets of the supervisor's area, oldest first."""
    user = _supervisor()
    args = _query(BOARD_FILTERS)
    filters = BoardFilter(args["street"], args["community"], args["grid"], args["tier"], args["min_age_days"])
    at = now()
    with _reading() as (conn, world):
        states = open_states(world.workflows.values())
        page = board_page(conn, _scope(world.org, user), filters, states, at, args["page"])
        items = [_board_item(world, row, at) for row in page.rows]
    return jsonify(items=items, page=page.page, per_page=page.per_page, total=page.total, pages=page.pages)


def _period(first: date | None, last: date | None) -> Period:
    """The asked period, by default the last 30 days; at most a year, within the dates a server can hold."""
    tz = service().worlds.tz
    last = last or now().astimezone(tz).date()
    try:
        first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    except OverflowError:
        first = date.min
    problem = None
    if last < first:
        problem = "the period ends before it starts"
    elif (last - first).days + 1 > MAX_DAYS:
        problem = f"choose at most {MAX_DAYS} days"
    elif first == date.min or last == date.max:
        problem = "choose a period within the calendar"
    if problem:
        raise ApiError(400, "invalid_input", problem, {"from": first.isoformat(), "to": last.isoformat()})
    return Period(first, last, tz)


@bp.get("/rates")
def rates() -> Response:
    """Response, resolution and satisfaction rates per street, community or grid, overall and weekly."""
    user = _supervisor()
    args = _query(RATE_PARAMS)
    period = _period(args["from"], args["to"])
    level = UnitKind(args["level"])
    weights: RateWeights = current_app.config.get(WEIGHTS_CONFIG, DEFAULT_WEIGHTS)
    with _reading() as (conn, world):
        report = rate_report(conn, world.org, _scope(world.org, user), period, weights)
    org = world.org

    def name(unit_id: str | None) -> str:
        unit = org.units.get(unit_id) if unit_id else None
        return unit.name if unit else ""

    return jsonify(
        {
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "level": level.value,
            "weights": {
                "response": weights.response,
                "resolution": weights.resolution,
                "satisfaction": weights.satisfaction,
                "basically_satisfied": weights.basically_satisfied,
            },
            "rows": [
                {"unit_id": row.unit_id, "name": name(row.unit_id), **_rate_cells(row)} for row in report.levels[level]
            ],
            "overall": _rate_cells(report.overall),
            "weeks": [
                {"from": week.first.isoformat(), "to": week.last.isoformat(), **_rate_cells(row)}
                for week, row in report.weeks
            ],
        }
    )


# --- the organisation and absences -------------------------------------------------------------------


def _org_post(view: admin.PostView) -> JSON:
    def holder(found: admin.Holder) -> JSON:
        return {"id": found.id, "name": found.name, "absent": found.absent}

    post = view.post
    return {
        "id": post.id,
        "kind": post.kind.value,
        "unit_id": post.unit_id,
        "holder_a": holder(view.a),
        "holder_b": holder(view.b),
        "calendar_id": view.calendar_id,
    }


@bp.get("/organisation")
def organisation() -> Response:
    """The streets with their communities, and one community's grids, places and posts with A/B holders."""
    community = _query(ORGANISATION_PARAMS)["community"]
    with service().engine.connect() as conn:
        found = admin.organisation_view(conn, community, now())
    return jsonify(
        community={"id": found.community.id, "name": found.community.name} if found.community else None,
        streets=[
            {
                "id": entry.street.id,
                "name": entry.street.name,
                "posts": [_org_post(view) for row in entry.rows for view in row.posts],
                "communities": [{"id": unit.id, "name": unit.name} for unit in entry.communities],
            }
            for entry in found.streets
        ],
        units=[
            {
                "id": row.unit.id,
                "kind": row.unit.kind.value,
                "name": row.unit.name,
                "parent_id": row.unit.parent_id,
                "depth": row.depth,
                "posts": [_org_post(view) for view in row.posts],
            }
            for section in found.sections
            for row in section.rows
        ],
    )


def _whose(staff_id: str | None) -> str:
    """Whose absences: the caller's own, or anyone's for an admin."""
    user = _user()
    if staff_id is None or staff_id == user.id:
        return user.id
    if not user.is_admin:
        raise ApiError(403, "forbidden", "staff record and read their own absences; admins anyone's")
    return staff_id


def _absence(absence: Absence) -> JSON:
    return {
        "id": absence.id,
        "staff_id": absence.staff_id,
        "starts_at": _moment(absence.starts_at),
        "ends_at": _moment(absence.ends_at),
        "reason": absence.reason,
        "current": absence.covers(now()),
        "cancelled_at": _moment(absence.cancelled_at),
    }


@bp.get("/absences")
def list_absences() -> Response:
    """Current and coming absences of the caller (admins: of anyone)."""
    staff_id = _whose(_query(ABSENCE_PARAMS)["staff"])
    with _reading() as (conn, world):
        if staff_id not in world.org.staff:
            raise NotFound("unknown staff member %(staff)r", staff=staff_id)
        found = queues.my_absences(conn, staff_id, now())
    return jsonify(items=[_absence(absence) for absence in found])


@bp.post("/absences")
def record_absence() -> tuple[Response, int]:
    """Record leave or a trip; the other holders of the posts cover at once if it has begun."""
    fields = Values.body(NEW_ABSENCE_FIELDS).read(NEW_ABSENCE_FIELDS)
    staff_id = _whose(fields["staff_id"])
    starts_at, ends_at, reason = fields["starts_at"], fields["ends_at"], fields["reason"]
    absence_id = service().record_absence(staff_id, starts_at, ends_at, reason, now())
    return jsonify(_absence(Absence(absence_id, staff_id, starts_at, ends_at, reason.strip()))), 201


def _no_body() -> None:
    """End and cancel take no fields: an empty body or ``{}`` is fine, anything else is refused."""
    if request.get_data():
        Values.body(()).read(())


@bp.post("/absences/<int:absence_id>/end")
def end_absence(absence_id: int) -> Response:
    """End a running absence now; the tickets it handed over come back to the returning holder."""
    _no_body()
    return jsonify(_absence(service().end_absence(absence_id, now(), _user().id)))


@bp.post("/absences/<int:absence_id>/cancel")
def cancel_absence(absence_id: int) -> Response:
    """Cancel a coming absence, or one entered by mistake; any tickets it moved come back."""
    _no_body()
    return jsonify(_absence(service().cancel_absence(absence_id, now(), _user().id)))
