"""The staff JSON API under ``/api/v1``: bearer tokens, the staff pages' rules and scoping, JSON errors.

A script acts as the staff member its token was issued to (``ticketing staff
token STAFF_ID``) and sees what that person sees on the staff pages
(``StaffUser.can_see``: a ticket out of sight is "not found", like an unknown
number); supervisors' board and rates cover their communities and streets.
Requests and answers are the models of ``ticketing.schemas``: spectree
validates requests with them and generates the description served at
``/api/v1/openapi.json`` from them (``ticketing.web.apidoc``).  Every failure,
unknown paths included, is ``{"error": {"code", "message", "details"}}`` with
its HTTP status (``ticketing.web.api_errors``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Annotated, Any

from flask import Blueprint, Request, Response, current_app, g, jsonify, request
from flask_limiter.util import get_remote_address
from pydantic import BaseModel, Field, RootModel, ValidationError
from spectree import Response as Answers
from sqlalchemy import Connection
from werkzeug.exceptions import HTTPException

from ticketing.db.schema import MAX_ID
from ticketing.domain.errors import NotFound, TicketingError
from ticketing.domain.field_rules import TICKET_NUMBER
from ticketing.domain.org import Absence, Organisation, UnitKind
from ticketing.domain.rates import DEFAULT_WEIGHTS, RateWeights
from ticketing.domain.rules import World
from ticketing.domain.ticket import Channel, ResidentChannel
from ticketing.read import admin, queues
from ticketing.read.api import Cursor, TicketFilter, Visibility, ticket_slice
from ticketing.read.board import BoardFilter, Scope, board_page, open_states
from ticketing.read.paging import Page
from ticketing.read.queues import Item, TicketView, deadline_of
from ticketing.read.rates import MAX_DAYS, Period, rate_report
from ticketing.schemas import absences, supervision, tickets
from ticketing.schemas.errors import Error
from ticketing.schemas.fields import anchored
from ticketing.schemas.organisation import Organisation as OrganisationView
from ticketing.schemas.organisation import OrganisationQuery
from ticketing.schemas.ticket_requests import (
    ACTIONS,
    CATEGORIES,
    STATES,
    Action,
    NewTicket,
    NoQuery,
    PageQuery,
    TicketQuery,
)
from ticketing.services.credentials import token_owner
from ticketing.web import apidoc
from ticketing.web.api_errors import ApiError, answer, refusal
from ticketing.web.context import now, service
from ticketing.web.extensions import csrf, limiter
from ticketing.web.ratelimit import configured
from ticketing.web.supervisor import DEFAULT_DAYS, WEIGHTS_CONFIG
from ticketing.web.users import StaffUser

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

NO_TICKET = "no ticket %(key)r: give a tracking number such as 261127-000001"
TicketNumber = Annotated[str, Field(pattern=anchored(TICKET_NUMBER))]
AbsenceId = Annotated[int, Field(ge=1, le=MAX_ID)]
ERRORS = {
    400: "Not JSON (`invalid_json`), a value no request may carry (a control character, text that is not UTF-8, "
    "JSON nested too deep: `invalid_input`), or refused by the rules (`invalid_input`, `invalid_cursor`).",
    401: "No bearer token, or an unknown or revoked one.",
    403: "Not for your role (`forbidden`), or not allowed by the rules (`not_allowed`).",
    404: "No such resource, or none you may see.",
    409: "The ticket changed since the version you sent (reload it), or the absence is over.",
    413: "The JSON body is larger than 64 KiB (`payload_too_large`).",
    422: "Fields or parameters that do not fit this description; `details.fields` says which.",
    429: "Too many requests for this token: wait a little.",
}
ANY_CALL = (400, 401, 429)  # an unusable value (a control character), the token, the rate limit
BODY = (413, 422)  # a body too large, or one that does not fit


class Description(RootModel[dict[str, Any]]):
    """The OpenAPI 3.1 document."""


def _answers(ok: int, model: type[BaseModel], *errors: int, done: str = "Done.") -> Answers:
    codes = sorted({*errors, *ANY_CALL})
    return Answers(**{f"HTTP_{ok}": (model, done)}, **{f"HTTP_{code}": (Error, ERRORS[code]) for code in codes})


def _choices() -> dict[str, list[str]]:
    """The loaded workflows' categories and states, which requests are checked against."""
    catalogue = service().worlds.catalogue
    states = sorted({state for spec in catalogue.workflows.values() for state in spec.states})
    return {CATEGORIES: [category.code for category in catalogue.categories()], STATES: states}


def _checked(req: Request, _response: Any, error: ValidationError | None, *_: Any) -> None:
    """Spectree's hook after validation: refuse a body that is not a JSON object, and what the models refused."""
    if req.method == "POST" and (req.content_length or req.get_data()):
        body = req.get_json(silent=True) if req.is_json else None
        if body is None:
            raise ApiError(400, "invalid_json", "send a JSON object as the body (Content-Type: application/json)")
        if not isinstance(body, dict):
            raise ApiError(422, "invalid_request", "the body must be a JSON object", {"fields": {"": "not an object"}})
    if error is not None:
        raise refusal(error, query=req.method == "GET")


api = apidoc.described(
    title="Ticketing staff API",
    version="1",
    description=(
        "Staff scripts act as the staff member their bearer token was issued to "
        "(`ticketing staff token STAFF_ID`) and see exactly what that person sees in the web UI. "
        'Errors are `{"error": {"code", "message", "details"}}`; '
        "engine messages follow `Accept-Language` (Chinese by default)."
    ),
    choices=_choices,
    path_types={"number": TicketNumber, "absence_id": AbsenceId},
    bearer=True,
    before=_checked,
    validation_error_model=Error,
)
NUMBER = {"number": "The tracking number."}
ABSENCE_ID = {"absence_id": "The absence's id, as listed by `GET /api/v1/absences`."}


@bp.errorhandler(ApiError)
@bp.errorhandler(TicketingError)
@bp.errorhandler(HTTPException)
def failed(error: ApiError | TicketingError | HTTPException) -> Response:
    return answer(error)


def unrouted() -> Response | None:
    """Unknown paths and methods under /api/v1 answer in JSON too (routing fails before a blueprint is chosen)."""
    error = request.routing_exception
    under = request.path == bp.url_prefix or request.path.startswith(f"{bp.url_prefix}/")
    if under and isinstance(error, HTTPException) and (error.code or 0) >= 400:
        return answer(error)
    return None


# First of the app's request hooks: the hostile-input guard would refuse an unrouted path with an HTML page.
bp.record_once(lambda state: state.app.before_request_funcs.setdefault(None, []).insert(0, unrouted))


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


def _ticket(number: str) -> tickets.Ticket:
    world, view = _visible_view(number)
    return tickets.Ticket.of_view(world, view, service().worlds.tz)


@bp.get("/openapi.json")
@api.validate(
    resp=Answers(HTTP_200=(Description, "The OpenAPI 3.1 document.")),
    tags=["meta"],
    security={},
    validation_error_status=200,  # nothing to refuse: no 422 (spectree keeps the declared 200 as it is)
)
def openapi() -> Response:
    """This description"""
    return jsonify(apidoc.document(api, _choices()))


@bp.get("/tickets")
@api.validate(resp=_answers(200, tickets.TicketList, 422), tags=["tickets"], operation_id="listTickets")
def list_tickets(query: TicketQuery) -> tickets.TicketList:
    """Tickets you may see, most urgent deadline first, a page at a time"""
    filters = TicketFilter(
        state=query.state,
        post_id=query.post,
        holder_id=query.holder,
        first_responder_id=query.first_responder,
        community_id=query.community,
        overdue=query.overdue,
        open_only=query.open,
    )
    try:
        after = Cursor.decode(query.cursor) if query.cursor else None
    except ValueError:
        raise ApiError(400, "invalid_cursor", "use the next_cursor of a previous page as it is") from None
    tz = service().worlds.tz
    with _reading() as (conn, world):
        found = ticket_slice(conn, _visibility(_user()), filters, after, query.limit)
        items = [tickets.TicketSummary.of(world, t, deadline_of(world, t, now()), tz) for t in found.tickets]
    return tickets.TicketList(items=items, next_cursor=found.next.encode() if found.next else None)


@bp.post("/tickets")
@api.validate(
    resp=_answers(201, tickets.Ticket, 404, *BODY, done="Registered."), tags=["tickets"], operation_id="openTicket"
)
def open_ticket(json: NewTicket) -> tuple[tickets.Ticket, int, dict[str, str]]:
    """Register a walk-in or phone request on a resident's behalf; you become its first responder"""
    opened = service().open_ticket(
        category=json.category,
        description=json.description,
        contact_phone=json.contact_phone,
        contact_name=json.contact_name or "",
        contact_email=json.contact_email or "",
        notify_by=ResidentChannel(json.notify_by),
        location_id=json.location_id or None,
        address=json.address or "",
        channel=Channel(json.channel),
        registrar_id=_user().id,
        now=now(),
    )
    return _ticket(opened.number), 201, {"Location": f"{bp.url_prefix}/tickets/{opened.number}"}


@bp.get("/tickets/<number>")
@api.validate(
    query=NoQuery,
    resp=_answers(200, tickets.Ticket, 404, 422),
    tags=["tickets"],
    operation_id="showTicket",
    path_parameter_descriptions=NUMBER,
)
def show_ticket(number: str) -> tickets.Ticket:
    """A ticket with its history, deadlines, version and the actions you may take now"""
    return _ticket(number)


def _act(number: str, action: str, body: Action) -> tickets.ActionResult:
    """Apply one action with the version the caller read; a stale version is refused with 409."""
    _visible_view(number)
    params = body.model_dump(exclude={"version"})
    changed = service().act(number, action, _user().id, now(), expected_version=body.version, **params)
    ticket = _ticket(changed.number) if _user().can_see(changed) else None
    return tickets.ActionResult(
        action=action, number=changed.number, state=changed.state, version=changed.version, ticket=ticket
    )


def _action_view(action: str, model: type[Action], summary: str) -> Callable[[str], Response]:
    """The view of one action, wrapped by spectree: it validates the body and makes the answer a response."""

    def view(number: str) -> tickets.ActionResult:
        return _act(number, action, request.context.json)  # type: ignore[attr-defined]  # spectree's context

    view.__name__, view.__doc__ = f"act_{action}", summary
    # Whoever may see a ticket may note it (holders, its first responder, supervisors): no 403 there.
    refusals = (404, 409, *BODY) if action == "note" else (403, 404, 409, *BODY)
    return api.validate(
        json=model,
        resp=_answers(200, tickets.ActionResult, *refusals),
        tags=["actions"],
        operation_id=f"act_{action}",
        path_parameter_descriptions=NUMBER,
    )(view)


for _action, (_model, _summary) in ACTIONS.items():
    bp.add_url_rule(
        f"/tickets/<number>/actions/{_action}",
        endpoint=f"act_{_action}",
        view_func=_action_view(_action, _model, _summary),
        methods=["POST"],
    )


# --- queues ----------------------------------------------------------------------------------------


def _queue_page(world: World, page: Page[Item]) -> tickets.QueuePage:
    tz = service().worlds.tz
    return tickets.QueuePage(
        items=[tickets.TicketSummary.of(world, item.ticket, item.deadline, tz) for item in page.items],
        page=page.number,
        per_page=page.per_page,
        total=page.total,
        pages=page.pages,
    )


@bp.get("/queues/mine")
@api.validate(resp=_answers(200, tickets.QueuePage, 422), tags=["queues"], operation_id="myQueue")
def my_queue(query: PageQuery) -> tickets.QueuePage:
    """Open tickets you hold and those of your posts nobody holds, most urgent first"""
    with _reading() as (conn, world):
        return _queue_page(world, queues.my_queue(conn, world, _user().id, now(), query.page))


@bp.get("/queues/accountable")
@api.validate(resp=_answers(200, tickets.QueuePage, 422), tags=["queues"], operation_id="accountableQueue")
def accountable(query: PageQuery) -> tickets.QueuePage:
    """Tickets you are first responder for, open ones first"""
    with _reading() as (conn, world):
        return _queue_page(world, queues.accountable(conn, world, _user().id, now(), query.page))


@bp.get("/queues/callbacks")
@api.validate(resp=_answers(200, tickets.QueuePage, 422), tags=["queues"], operation_id="callbacksQueue")
def callbacks(query: PageQuery) -> tickets.QueuePage:
    """Resolved and referred tickets waiting for your telephone callback"""
    with _reading() as (conn, world):
        return _queue_page(world, queues.callbacks_due(conn, world, _user().id, now(), query.page))


# --- supervision -----------------------------------------------------------------------------------


def _scope(org: Organisation, user: StaffUser) -> Scope:
    return Scope.of(org, user.communities, user.streets, user.is_admin)


@bp.get("/board")
@api.validate(resp=_answers(200, supervision.BoardPage, 403, 422), tags=["supervision"], operation_id="board")
def board(query: supervision.BoardQuery) -> supervision.BoardPage:
    """The overdue board (超期督办) of your communities and streets (supervisors, admins)"""
    user = _supervisor()
    filters = BoardFilter(query.street, query.community, query.grid, query.tier, query.min_age_days)
    at, tz = now(), service().worlds.tz
    with _reading() as (conn, world):
        states = open_states(world.workflows.values())
        page = board_page(conn, _scope(world.org, user), filters, states, at, query.page)
        items = [supervision.BoardItem.of_row(world, row, at, tz) for row in page.rows]
    return supervision.BoardPage(
        items=items, page=page.page, per_page=page.per_page, total=page.total, pages=page.pages
    )


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
@api.validate(resp=_answers(200, supervision.RateReport, 403, 422), tags=["supervision"], operation_id="rates")
def rates(query: supervision.RateQuery) -> supervision.RateReport:
    """The three rates (三率) over a period, per street, community or grid (supervisors, admins)"""
    user = _supervisor()
    period = _period(query.first, query.last)
    level = UnitKind(query.level)
    weights: RateWeights = current_app.config.get(WEIGHTS_CONFIG, DEFAULT_WEIGHTS)
    with _reading() as (conn, world):
        report = rate_report(conn, world.org, _scope(world.org, user), period, weights)
    units = world.org.units

    def name(unit_id: str | None) -> str:
        unit = units.get(unit_id) if unit_id else None
        return unit.name if unit else ""

    rows = [(row, name(row.unit_id)) for row in report.levels[level]]
    return supervision.RateReport.of(period, level, weights, rows, report.overall, report.weeks)


# --- the organisation and absences -------------------------------------------------------------------


@bp.get("/organisation")
@api.validate(resp=_answers(200, OrganisationView, 404, 422), tags=["organisation"], operation_id="organisation")
def organisation(query: OrganisationQuery) -> OrganisationView:
    """The streets and one community's units and posts with their A and B holders"""
    with service().engine.connect() as conn:
        return OrganisationView.of(admin.organisation_view(conn, query.community, now()))


def _whose(staff_id: str | None) -> str:
    """Whose absences: the caller's own, or anyone's for an admin."""
    user = _user()
    if staff_id is None or staff_id == user.id:
        return user.id
    if not user.is_admin:
        raise ApiError(403, "forbidden", "staff record and read their own absences; admins anyone's")
    return staff_id


def _absence(absence: Absence) -> absences.Absence:
    return absences.Absence.of(absence, now(), service().worlds.tz)


@bp.get("/absences")
@api.validate(resp=_answers(200, absences.AbsenceList, 403, 404, 422), tags=["absences"], operation_id="listAbsences")
def list_absences(query: absences.AbsenceQuery) -> absences.AbsenceList:
    """Current and coming absences (yours; anyone's for admins)"""
    staff_id = _whose(query.staff)
    with _reading() as (conn, world):
        if staff_id not in world.org.staff:
            raise NotFound("unknown staff member %(staff)r", staff=staff_id)
        found = queues.my_absences(conn, staff_id, now())
    return absences.AbsenceList(items=[_absence(absence) for absence in found])


@bp.post("/absences")
@api.validate(
    resp=_answers(201, absences.Absence, 403, 404, *BODY, done="Recorded."),
    tags=["absences"],
    operation_id="recordAbsence",
)
def record_absence(json: absences.NewAbsence) -> tuple[absences.Absence, int]:
    """Record leave or a trip: the other holders of the posts cover at once"""
    staff_id = _whose(json.staff_id)
    absence_id = service().record_absence(staff_id, json.starts_at, json.ends_at, json.reason, now())
    return _absence(Absence(absence_id, staff_id, json.starts_at, json.ends_at, json.reason)), 201


def _absence_change(change: str, done: str) -> Callable[..., Any]:
    return api.validate(
        json=absences.NoFields,
        resp=_answers(200, absences.Absence, 403, 404, 409, *BODY, done=done),
        tags=["absences"],
        operation_id=f"{change}Absence",
        path_parameter_descriptions=ABSENCE_ID,
    )


@bp.post("/absences/<int:absence_id>/end")
@_absence_change("end", "Ended.")
def end_absence(absence_id: int) -> absences.Absence:
    """End a running absence now: the tickets it handed over come back

    Your own absences; admins anyone's. No fields: send no body or `{}`.
    """
    return _absence(service().end_absence(absence_id, now(), _user().id))


@bp.post("/absences/<int:absence_id>/cancel")
@_absence_change("cancel", "Done.")
def cancel_absence(absence_id: int) -> absences.Absence:
    """Cancel a coming absence or one entered by mistake: it stops counting

    Your own absences; admins anyone's. No fields: send no body or `{}`.
    """
    return _absence(service().cancel_absence(absence_id, now(), _user().id))
