"""Open311 GeoReport v2 at ``/open311/v2/``: discovery, services, service requests and tokens, in XML and JSON.

The resource's suffix (``.xml`` or ``.json``) picks the format of the answer and
of its errors; any other suffix is not found.  Parameters come from the query
string or the form body alike, and an empty one counts as absent.  Opening a
request needs a valid API key (rate-limited per key and per client address);
reading requests needs one too when ``open311_public_reads`` is off.  A key
never shows more of a request: every reader gets the public view
(``domain.disclosure``); staff read whole tickets through ``/api/v1``.  Errors are
the specification's list, ``403`` for a missing or invalid key, ``404`` for an
unknown service, request, token or jurisdiction, ``400`` otherwise; messages are
in English.  Parameters are read with the models of
``ticketing.schemas.open311_params`` and answers are those of
``ticketing.schemas.open311``; the JSON surface's description, ``openapi.json``,
is generated from them (``ticketing.web.apidoc``).

A POST needs no ``phone`` (the specification makes it optional): a request
may carry only an ``email``, or no contact at all; its receipt is the
``service_request_id`` (and the token) all the same.

Two extension parameters: a POST may give ``notify_by`` (``sms``, ``email`` or
``none``), how the resident hears that the request was resolved and closed.
Without it the resident is told by e-mail when ``email`` is given, else by
SMS when ``phone`` is a mobile, else not at all; ``sms`` needs a mobile
``phone``.  And ``locale`` (``zh_Hans`` or ``en``, else the Accept-Language
header's first of them, else Chinese): the language the resident's notices are
written in.

Service definitions are also answered at the singular ``service/{code}.{fmt}``
that some clients ask for (a widely used Python client among them), the same in both formats.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Annotated, Any, TypeVar

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from pydantic import BaseModel, Field, ValidationError
from spectree import Response as Answers
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ticketing.domain.errors import NotFound, TicketingError
from ticketing.domain.field_rules import TICKET_NUMBER
from ticketing.domain.rules import usual_notice
from ticketing.domain.ticket import Channel, ResidentChannel
from ticketing.read import open311 as read
from ticketing.schemas import open311 as answers
from ticketing.schemas.fields import Mismatch, anchored
from ticketing.schemas.open311_params import (
    CATEGORIES,
    JURISDICTIONS,
    URGENT_MARK,
    KeyedParams,
    NewRequest,
    OneRequestParams,
    Params,
    RequestsParams,
    ServiceCode,
)
from ticketing.services.credentials import api_key_owner
from ticketing.web import apidoc
from ticketing.web.context import now, service, settings
from ticketing.web.errors import status_of
from ticketing.web.extensions import csrf, limiter
from ticketing.web.ratelimit import configured

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)  # machine clients authenticate with their api_key, not a session

FMT = "<any(xml, json):fmt>"
MAX_IDS = 1000
LISTS = frozenset({"service_request_id", "service_code", "status"})  # comma-separated, possibly given several times
REQUIRED = {
    "service_code": "required; the services are listed in services.{fmt}",
    "description": "required; say what the problem is",
}
ERRORS = {
    400: "a parameter is missing or wrong",
    403: "the api_key is missing or invalid",
    404: "no such service, request, token or jurisdiction",
    429: "too many requests from this key or address",
}
Model = TypeVar("Model", bound=BaseModel)


class Open311Error(Exception):
    """An error answered in the specification's form: the HTTP status is also the error's code."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _choices() -> dict[str, list[str]]:
    codes = [category.code for category in service().worlds.catalogue.categories()]
    return {CATEGORIES: codes, JURISDICTIONS: [settings().jurisdiction_id]}


api = apidoc.described(
    title="Open311 GeoReport v2",
    version="2",
    description=f"Service requests to the district's community grid governance ({answers.SPECIFICATION}). "
    "Every resource has an XML twin (`.xml`) with the same fields.",
    choices=_choices,
    path_types={
        "service_code": ServiceCode,
        "service_request_id": Annotated[str, Field(pattern=anchored(TICKET_NUMBER))],
        "token": Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$")],
    },
    validation_error_status=400,  # Open311 refuses with 400, which every operation declares
    validation_error_model=answers.Errors,
)


def _described(ok: type[BaseModel], *errors: int, **options: Any) -> Any:
    """Document a JSON resource; its view reads the parameters itself (query and form alike, ``_read``)."""
    codes = {f"HTTP_{code}": (answers.Errors, ERRORS[code]) for code in sorted({400, 404, *errors})}
    return api.validate(resp=Answers(HTTP_200=ok, **codes), skip_validation=True, tags=["open311"], **options)


# --- answers and errors --------------------------------------------------------------


def _fmt() -> str:
    """The format asked for: JSON for a ``.json`` resource, else XML (the required format)."""
    return "json" if request.path.endswith(".json") else "xml"


def _answer(root: str, body: BaseModel, status: int = 200) -> Response:
    fmt = _fmt()
    return Response(read.render(fmt, root, body), status=status, content_type=read.MEDIA_TYPES[fmt])


def _error(code: int, description: str) -> Response:
    return _answer("errors", read.errors(code, description), code)


@bp.errorhandler(Open311Error)
def _api_error(error: Open311Error) -> Response:
    return _error(error.code, error.description)


@bp.errorhandler(TicketingError)
def _engine_error(error: TicketingError) -> Response:
    """An engine error no view turned into one of its own (the app's handler would answer a page)."""
    return _error(status_of(error), str(error))


@bp.errorhandler(429)
def _too_many(error: HTTPException) -> Response:
    return _error(429, f"Too many requests: at most {error.description}. Wait a little and try again.")


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    response = _error(error.code or 500, error.description or error.name)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response


# --- parameters ----------------------------------------------------------------------


def _params() -> CombinedMultiDict[str, str]:
    return CombinedMultiDict([request.args, request.form])


def _param(name: str) -> str | None:
    """A parameter's value, stripped; None when absent or empty. Given twice, it must be the same."""
    values = {value.strip() for value in _params().getlist(name)} - {""}
    if len(values) > 1:
        raise Open311Error(400, f"{name}: given more than once with different values")
    return values.pop() if values else None


def _list(name: str) -> str | None:
    """A comma-separated parameter, possibly given several times: its distinct items, in order, or None."""
    items = (item.strip() for value in _params().getlist(name) for item in value.split(","))
    return ",".join(dict.fromkeys(item for item in items if item)) or None


def _read(model: type[Model]) -> Model:
    """The parameters given, read with ``model``; the first problem is a 400 naming the parameter."""
    given = {name: _list(name) if name in LISTS else _param(name) for name in _params()}
    try:
        return model.model_validate(
            {name: value for name, value in given.items() if value is not None}, context=_choices()
        )
    except ValidationError as error:
        raise Open311Error(400, _problem(model, error)) from None


def _problem(model: type[BaseModel], error: ValidationError) -> str:
    """``name: what is wrong``, as Open311 clients read it."""
    found = error.errors(include_url=False)[0]
    context: Mapping[str, Any] = found.get("ctx") or {}
    name = ".".join(str(part) for part in found["loc"]) or context.get("field", "")
    kind, value = found["type"], found.get("input")
    schema = model.model_json_schema(by_alias=True)["properties"].get(name, {})
    if kind == "missing":
        return f"{name}: {REQUIRED.get(name, 'required').format(fmt=_fmt())}"
    if kind == Mismatch.LENGTH:
        return f"{name}: at most {context['max_length']:,} characters"
    if kind == Mismatch.PATTERN and context.get("what"):
        return f"{name}: {value!r} is not {context['what']}"
    if kind == Mismatch.CHOICE:
        return f"{name}: {value!r} is not one of {', '.join(context['choices'])}"
    if kind in (Mismatch.TYPE, Mismatch.RANGE) and schema.get("type") == "integer":
        return f"{name}: a whole number from {schema['minimum']} to {schema['maximum']}"
    return f"{name}: {found['msg']}"


def _instant(value: date | None) -> datetime | None:
    """A date or date-time parameter as a moment: a date is midnight, district time."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), service().worlds.tz).astimezone(UTC)
    return value.astimezone(UTC)


# --- who is asking -------------------------------------------------------------------


@bp.before_request
def _jurisdiction() -> None:
    """One jurisdiction is served: its id, or none, is accepted; another is not found."""
    jurisdiction = _param("jurisdiction_id")
    ours = settings().jurisdiction_id
    if jurisdiction not in (None, ours):
        raise Open311Error(404, f"jurisdiction_id {jurisdiction!r} not found: this endpoint serves {ours!r}")


def _require_key() -> None:
    """A valid API key (known, not revoked) must come with the request."""
    key = _param("api_key")
    if key is None or api_key_owner(service().engine, key) is None:
        raise Open311Error(403, "api_key missing or invalid (unknown or revoked); ask the administrators for a key")


def _reader() -> None:
    """Requests are public unless the deployment switched that off; then reading them needs a key too."""
    if not settings().open311_public_reads:
        _require_key()


def _key_bucket() -> str:
    """The rate-limit key of the API key sent (its digest: the key itself is not kept, even in memory)."""
    key = request.form.get("api_key") or request.args.get("api_key") or ""
    return "open311-key:" + hashlib.sha256(key.strip().encode()).hexdigest()


# --- resources -----------------------------------------------------------------------


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of the JSON surface."""
    return jsonify(_json_surface(apidoc.document(api, _choices())))


def _json_surface(document: dict[str, Any]) -> dict[str, Any]:
    """The document of the ``.json`` resources (each view serves both suffixes), forms posted either way."""
    paths = {}
    for path, item in document["paths"].items():
        for operation in item.values():
            operation["parameters"] = [p for p in operation["parameters"] if p["name"] != "fmt"]
            content = operation.get("requestBody", {}).get("content", {})
            if "multipart/form-data" in content:
                content["application/x-www-form-urlencoded"] = content["multipart/form-data"]
        paths[path.replace(".{fmt}", ".json")] = item
    document["paths"] = paths
    return document


@bp.get(f"/discovery.{FMT}")
@_described(answers.Discovery, query=Params, operation_id="discovery")
def discovery(fmt: str) -> Response:
    """Service discovery"""
    url = url_for(".discovery", fmt=fmt, _external=True).rsplit("/", 1)[0]
    worlds = service().worlds
    return _answer("discovery", read.discovery(worlds.catalogue, url, settings().jurisdiction_id, worlds.tz))


@bp.get(f"/services.{FMT}")
@_described(answers.Services, query=Params, operation_id="services")
def services(fmt: str) -> Response:
    """The services"""
    return _answer("services", answers.Services(read.services(service().worlds.catalogue)))


@bp.get(f"/services/<service_code>.{FMT}")
@_described(answers.ServiceDefinition, query=Params, operation_id="serviceDefinition")
def service_definition(service_code: str, fmt: str) -> Response:
    """A service definition"""
    return _definition(service_code)


@bp.get(f"/service/<service_code>.{FMT}")
@_described(answers.ServiceDefinition, query=Params, operation_id="serviceDefinitionSingular")
def service_definition_singular(service_code: str, fmt: str) -> Response:
    """A service definition, at the singular path some clients ask for (the same answer)"""
    return _definition(service_code)


def _definition(service_code: str) -> Response:
    _known_service(service_code)
    return _answer("service_definition", read.definition(service_code))


@bp.post(f"/requests.{FMT}")
@limiter.limit(configured("open311_key_limit"), key_func=_key_bucket)  # per API key
@limiter.limit(configured("open311_address_limit"))  # per client address, whatever the key
@_described(answers.CreatedList, 403, 429, query=Params, form=NewRequest, operation_id="createRequest")
def create_request(fmt: str) -> Response:
    """Open a service request"""
    _require_key()
    intake = _intake(_read(NewRequest))
    try:
        ticket = service().open_ticket(**intake, channel=Channel.API, access_token=secrets.token_urlsafe(24), now=now())
    except TicketingError as error:
        raise Open311Error(400, str(error)) from None
    return _answer("service_requests", answers.CreatedList([read.created(service(), ticket)]))


@bp.get(f"/requests.{FMT}")
@_described(answers.ServiceRequests, 403, query=RequestsParams, operation_id="listRequests")
def list_requests(fmt: str) -> Response:
    """Service requests"""
    _reader()
    params = _read(RequestsParams)
    if params.service_request_id:  # they override every other parameter
        numbers = params.service_request_id.split(",")
        if len(numbers) > MAX_IDS:
            raise Open311Error(400, f"service_request_id: at most {MAX_IDS} at once")
        found = read.requests_by_id(service(), numbers, params.extensions)
        return _answer("service_requests", answers.ServiceRequests(found))
    found = read.find_requests(service(), _query(params), params.extensions)
    return _answer("service_requests", answers.ServiceRequests(found))


@bp.get(f"/requests/<service_request_id>.{FMT}")
@_described(answers.OneServiceRequest, 403, query=OneRequestParams, operation_id="showRequest")
def show_request(service_request_id: str, fmt: str) -> Response:
    """One service request"""
    _reader()
    notes = _read(OneRequestParams).extensions
    number = service_request_id
    found = read.requests_by_id(service(), [number], notes) if re.fullmatch(TICKET_NUMBER, number) else []
    if not found:
        raise Open311Error(404, f"service_request_id {number!r} not found")
    return _answer("service_requests", answers.OneServiceRequest(found))


@bp.get(f"/tokens/<token>.{FMT}")
@_described(answers.Tokens, 403, query=KeyedParams, operation_id="tokenLookup")
def token_lookup(token: str, fmt: str) -> Response:
    """The request behind a resident's private token"""
    _reader()
    _read(KeyedParams)
    try:
        found = read.token_request(service(), token)
    except NotFound:
        raise Open311Error(404, "token not found: check it was copied whole") from None
    return _answer("service_requests", answers.Tokens([found]))


@bp.route("/<path:rest>", methods=["GET", "POST"])
def unknown(rest: str) -> Response:
    """Anything else GET or POST under the endpoint: a resource of the other method, or nothing."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST"):
        try:
            endpoint, _ = adapter.match(method=method)
        except HTTPException:  # not found, another method, or a redirect
            continue
        if endpoint != "open311.unknown":
            allowed.append(method)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise Open311Error(404, f"no resource {request.path}; the resources are listed in discovery.xml")


# --- parsing ---------------------------------------------------------------------------


def _known_service(code: str) -> None:
    if not read.is_service(service().worlds.catalogue, code):
        raise Open311Error(404, f"service_code {code!r} not found; the services are listed in services.{_fmt()}")


def _query(params: RequestsParams) -> read.RequestQuery:
    codes = params.service_code.split(",") if params.service_code else []
    for code in codes:
        _known_service(code)
    try:
        start, end = read.window(_instant(params.start_date), _instant(params.end_date), now())
    except ValueError as error:
        raise Open311Error(400, str(error)) from None
    return read.RequestQuery(
        start=start,
        end=end,
        service_codes=tuple(codes),
        statuses=frozenset(params.status.split(",") if params.status else ()),
        page=params.page,
        page_size=params.page_size or read.MAX_RESULTS,
    )


def _usual_notice(params: NewRequest) -> ResidentChannel:
    """Without ``notify_by``: by e-mail when an address is given (a web client's resident reads mail), else as usual."""
    if params.email:
        return ResidentChannel.EMAIL
    return usual_notice(Channel.API, params.phone or "", "")


def _header_language() -> str:
    """The resident's language from the client's Accept-Language header: English if it asks for it first."""
    for language, _quality in request.accept_languages:
        if language.lower().startswith(("zh", "en")):
            return "en" if language.lower().startswith("en") else "zh_Hans"
    return "zh_Hans"


def _intake(params: NewRequest) -> dict[str, Any]:
    """The engine's ``open_ticket`` arguments from a new request (an unknown service: 404)."""
    _known_service(params.service_code)
    description = (URGENT_MARK if params.urgency == "urgent" else "") + params.description
    first, last = params.first_name or "", params.last_name or ""
    chinese = not (first + last).isascii()
    way = ResidentChannel(params.notify_by) if params.notify_by else None
    return {
        "category": params.service_code,
        "description": description + (f"\n{params.media_url}" if params.media_url else ""),
        "contact_phone": params.phone or "",
        "contact_name": last + first if chinese else f"{first} {last}".strip(),  # 张三, John Smith
        "contact_email": params.email or "",
        "notify_by": way or _usual_notice(params),
        "resident_language": params.locale or _header_language(),
        "location_id": params.address_id or params.building,
        "address": params.address_string or "",
        "lat": params.lat,
        "lon": params.long,
    }
