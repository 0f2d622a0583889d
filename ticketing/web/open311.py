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
in English.  The JSON surface is described by ``openapi.json``.

One extension parameter: a POST may give ``notify_by`` (``sms``, ``email`` or
``none``), how the resident hears that the request was resolved and closed.
Without it the resident is told by e-mail when ``email`` is given, else by
SMS to ``phone``; ``none`` leaves only the staff's telephone callback.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
from datetime import UTC, datetime, time
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ticketing.domain.errors import NotFound, TicketingError
from ticketing.domain.rules import CONTROL, MAX_DESCRIPTION, MAX_EMAIL
from ticketing.domain.ticket import Channel, ResidentChannel
from ticketing.read import open311 as read
from ticketing.services.credentials import api_key_owner
from ticketing.web import open311_openapi
from ticketing.web.context import now, service, settings
from ticketing.web.errors import status_of
from ticketing.web.extensions import csrf, limiter
from ticketing.web.openapi import EMAIL_ADDRESS
from ticketing.web.ratelimit import configured

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)  # machine clients authenticate with their api_key, not a session

FMT = "<any(xml, json):fmt>"
NUMBER = re.compile(r"\d{6}-\d{6,}")  # a tracking number, 261123-000001
ATTRIBUTE = re.compile(r"attribute\[([^\[\]]+)\](\[\])?")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
YEARS = range(1900, 3000)
MAX_IDS = 1000
MAX_PAGE = 100_000
MAX_LENGTHS = {
    "address_string": 300,
    "address_id": 64,
    "attribute": 64,
    "phone": 32,
    "email": MAX_EMAIL,
    "media_url": 500,
    "name": 100,
}


class Open311Error(Exception):
    """An error answered in the specification's form: the HTTP status is also the error's code."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


# --- answers and errors --------------------------------------------------------------


def _fmt() -> str:
    """The format asked for: JSON for a ``.json`` resource, else XML (the required format)."""
    return "json" if request.path.endswith(".json") else "xml"


def _answer(root: str, body: read.Record | list[read.Record], status: int = 200) -> Response:
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


def _checked(name: str, value: str) -> str:
    if CONTROL.search(value):
        raise Open311Error(400, f"{name}: control characters are not allowed")
    return value


def _param(name: str) -> str | None:
    """A parameter's value, stripped; None when absent or empty. Given twice, it must be the same."""
    values = {value.strip() for value in _params().getlist(name)} - {""}
    if len(values) > 1:
        raise Open311Error(400, f"{name}: given more than once with different values")
    return _checked(name, values.pop()) if values else None


def _list(name: str) -> list[str]:
    """A comma-separated parameter, possibly given several times: its distinct items, in order."""
    items = (item.strip() for value in _params().getlist(name) for item in value.split(","))
    return list(dict.fromkeys(_checked(name, item) for item in items if item))


def _text(name: str, limit: int) -> str | None:
    value = _param(name)
    if value is not None and len(value) > limit:
        raise Open311Error(400, f"{name}: at most {limit} characters")
    return value


def _integer(name: str, default: int, largest: int) -> int:
    value = _param(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 9 and 1 <= int(value) <= largest):
        raise Open311Error(400, f"{name}: a whole number from 1 to {largest}")
    return int(value)


def _coordinate(name: str, bound: float) -> float | None:
    value = _param(name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or abs(number) > bound:
        raise Open311Error(400, f"{name}: a WGS84 coordinate from -{bound:g} to {bound:g}")
    return number


def _moment(name: str) -> datetime | None:
    """A W3C date-time with its offset (``2026-11-23T09:00:00+08:00``, ``…Z``), or a date (midnight, district time)."""
    value = _param(name)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.upper())  # RFC 3339 allows a lower-case t and z
    except ValueError:
        moment = None
    if moment is not None and DATE.fullmatch(value):
        moment = datetime.combine(moment.date(), time(), service().worlds.tz)
    if moment is None or moment.tzinfo is None or moment.year not in YEARS:
        raise Open311Error(
            400, f"{name}: a W3C date-time with its time zone, such as 2026-11-23T09:00:00+08:00, in 1900–2999"
        )
    return moment.astimezone(UTC)


def _extensions() -> bool:
    value = (_param("extensions") or "false").lower()
    if value not in ("true", "false"):
        raise Open311Error(400, "extensions: true or false")
    return value == "true"


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
    codes = [category.code for category in service().worlds.catalogue.categories()]
    return jsonify(open311_openapi.document(codes, settings().jurisdiction_id))


@bp.get(f"/discovery.{FMT}")
def discovery(fmt: str) -> Response:
    url = url_for(".discovery", fmt=fmt, _external=True).rsplit("/", 1)[0]
    worlds = service().worlds
    return _answer("discovery", read.discovery(worlds.catalogue, url, settings().jurisdiction_id, worlds.tz))


@bp.get(f"/services.{FMT}")
def services(fmt: str) -> Response:
    return _answer("services", read.services(service().worlds.catalogue))


@bp.get(f"/services/<code>.{FMT}")
def service_definition(code: str, fmt: str) -> Response:
    _known_service(code)
    return _answer("service_definition", read.definition(code))


@bp.post(f"/requests.{FMT}")
@limiter.limit(configured("open311_key_limit"), key_func=_key_bucket)  # per API key
@limiter.limit(configured("open311_address_limit"))  # per client address, whatever the key
def create_request(fmt: str) -> Response:
    """Open a request as the resident web form does, through the engine's routing and deadlines."""
    _require_key()
    intake = _intake()
    try:
        ticket = service().open_ticket(**intake, channel=Channel.API, access_token=secrets.token_urlsafe(24), now=now())
    except TicketingError as error:
        raise Open311Error(400, str(error)) from None
    return _answer("service_requests", [read.created(service(), ticket)])


@bp.get(f"/requests.{FMT}")
def list_requests(fmt: str) -> Response:
    _reader()
    notes = _extensions()
    numbers = _list("service_request_id")
    if numbers:  # they override every other parameter
        if len(numbers) > MAX_IDS:
            raise Open311Error(400, f"service_request_id: at most {MAX_IDS} at once")
        return _answer("service_requests", read.requests_by_id(service(), numbers, notes))
    return _answer("service_requests", read.find_requests(service(), _query(), notes))


@bp.get(f"/requests/<number>.{FMT}")
def show_request(number: str, fmt: str) -> Response:
    _reader()
    found = read.requests_by_id(service(), [number], _extensions()) if NUMBER.fullmatch(number) else []
    if not found:
        raise Open311Error(404, f"service_request_id {number!r} not found")
    return _answer("service_requests", found)


@bp.get(f"/tokens/<token>.{FMT}")
def token_lookup(token: str, fmt: str) -> Response:
    _reader()
    try:
        found = read.token_request(service(), token)
    except NotFound:
        raise Open311Error(404, "token not found: check it was copied whole") from None
    return _answer("service_requests", [found])


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


def _query() -> read.RequestQuery:
    codes = _list("service_code")
    for code in codes:
        _known_service(code)
    statuses = frozenset(_list("status"))
    if not statuses <= {read.OPEN, read.CLOSED}:
        raise Open311Error(400, "status: open, closed, or both separated by a comma")
    try:
        start, end = read.window(_moment("start_date"), _moment("end_date"), now())
    except ValueError as error:
        raise Open311Error(400, str(error)) from None
    return read.RequestQuery(
        start=start,
        end=end,
        service_codes=tuple(codes),
        statuses=statuses,
        page=_integer("page", 1, MAX_PAGE),
        page_size=_integer("page_size", read.MAX_RESULTS, read.MAX_RESULTS),
    )


def _intake() -> dict[str, Any]:
    """The engine's ``open_ticket`` arguments from a POST; 400 (404 for the service) says what is missing or wrong."""
    code = _param("service_code")
    if code is None:
        raise Open311Error(400, f"service_code: required; the services are listed in services.{_fmt()}")
    _known_service(code)
    attributes = _attributes()
    location_id = _location_id(attributes.get("building"))
    address = _text("address_string", MAX_LENGTHS["address_string"])
    lat, lon = _coordinate("lat", 90), _coordinate("long", 180)
    if (lat is None) != (lon is None):
        raise Open311Error(400, "lat and long: give both")
    if location_id is None and address is None and lat is None:
        raise Open311Error(400, "location: give lat and long, address_string or address_id")
    phone = _text("phone", MAX_LENGTHS["phone"])
    if phone is None:
        raise Open311Error(400, "phone: required; the staff call the resident back (电话回访) on this number")
    email = _text("email", MAX_LENGTHS["email"])
    if email is not None and not re.fullmatch(EMAIL_ADDRESS, email):
        raise Open311Error(400, f"email: {email!r} is not an e-mail address")
    return {
        "category": code,
        "description": _description(attributes.get("urgency") == "urgent"),
        "contact_phone": phone,
        "contact_name": _name(),
        "contact_email": email or "",
        "notify_by": _notify_by(email),
        "location_id": location_id,
        "address": address or "",
        "lat": lat,
        "lon": lon,
    }


def _notify_by(email: str | None) -> ResidentChannel:
    """The ``notify_by`` extension if given; else e-mail when an address came, else SMS to the phone (always given)."""
    chosen = _param("notify_by")
    if chosen is None:
        return ResidentChannel.EMAIL if email else ResidentChannel.SMS
    try:
        way = ResidentChannel(chosen)
    except ValueError:
        raise Open311Error(400, f"notify_by: {chosen!r} is not sms, email or none") from None
    if way is ResidentChannel.EMAIL and email is None:
        raise Open311Error(400, "notify_by: email needs the resident's address in the email parameter")
    return way


def _attributes() -> dict[str, str]:
    """The ``attribute[CODE]`` values given, each of a known attribute, once, and valid for its datatype."""
    known = {attribute.code: attribute for attribute in read.ATTRIBUTES}
    found: dict[str, str] = {}
    for key in sorted(name for name in _params() if name.startswith("attribute")):
        match = ATTRIBUTE.fullmatch(key)
        attribute = known.get(match[1]) if match else None
        if match is None or attribute is None:
            raise Open311Error(400, f"{key}: unknown attribute; the attributes are {', '.join(known)}")
        value = _param(key)
        if value is None:
            continue
        if attribute.values and value not in attribute.keys:
            raise Open311Error(400, f"{key}: {value!r} is not one of {', '.join(attribute.keys)}")
        if len(value.splitlines()) > 1 or len(value) > MAX_LENGTHS["attribute"]:
            raise Open311Error(400, f"{key}: one line of at most {MAX_LENGTHS['attribute']} characters")
        found[match[1]] = value
    return found


def _location_id(building: str | None) -> str | None:
    """``address_id``, or the ``building`` attribute standing for it (both: the same id)."""
    address_id = _text("address_id", MAX_LENGTHS["address_id"])
    if address_id and building and address_id != building:
        raise Open311Error(400, "address_id and attribute[building] name different places")
    return address_id or building


def _description(urgent: bool) -> str:
    """The description, marked urgent when asked, with the media URL on a last line (staff see both)."""
    description = _param("description")
    if description is None:
        raise Open311Error(400, "description: required; say what the problem is")
    media_url = _text("media_url", MAX_LENGTHS["media_url"])
    if media_url is not None and not re.fullmatch(r"https?://\S+", media_url):
        raise Open311Error(400, "media_url: an http or https URL")
    text = (read.URGENT_MARK if urgent else "") + description + (f"\n{media_url}" if media_url else "")
    if len(text) > MAX_DESCRIPTION:
        raise Open311Error(400, f"description: at most {MAX_DESCRIPTION:,} characters (with the media_url)")
    return text


def _name() -> str:
    """``first_name`` and ``last_name`` as the staff read them: 张三 for Chinese names, John Smith otherwise."""
    first, last = _param("first_name") or "", _param("last_name") or ""
    chinese = not (first + last).isascii()
    name = last + first if chinese else f"{first} {last}".strip()
    if len(name) > MAX_LENGTHS["name"]:
        raise Open311Error(400, f"first_name and last_name: at most {MAX_LENGTHS['name']} characters together")
    return name
