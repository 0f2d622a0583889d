"""Open311 GeoReport v2: what the API answers, as the models of ``ticketing.schemas.open311``, in XML and JSON.

Both formats are written from the same answer by the Spark convention the
specification names: a list is an array in JSON and, in XML, an element
holding one element per item (``<values><value>…``, ``<notes><note>…``).
Codes and ids are strings in JSON (the specification's own ``"service_code":001``
is not valid JSON); a missing value is ``null`` in JSON and an empty element in XML.

Requests are read by opening time, newest first
(``ticketing.db.queries.open311``), and show only what anyone may read (``domain.disclosure``), with
or without an API key: service, status, dates, who is responsible as a post
and a place (楼长 · 海曲社区第一网格), never a person, and the grid with
coordinates to about 100 m.  The resident's text and typed address appear
only for a public category, masked; never their name, phone or e-mail.  Their
``notes`` (the update-history extension) keep the resident-facing steps of
the history, each naming its post the same way.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import Connection

from ticketing.db import tickets as store
from ticketing.db.queries import open311 as queries
from ticketing.domain.disclosure import disclose, public_place
from ticketing.domain.org import Organisation
from ticketing.domain.ticket import HistoryEntry, Ticket
from ticketing.domain.workflow import Category, Clock, WorkflowSpec
from ticketing.organisation.data import POST_LABELS_ZH
from ticketing.read.resident import SHOWN, category_groups
from ticketing.read.source import Source
from ticketing.schemas.open311 import (
    CLOSED,
    MAX_RESULTS,
    OPEN,
    SPECIFICATION,
    Attribute,
    AttributeValue,
    Created,
    Discovery,
    Endpoint,
    Error,
    Errors,
    Note,
    Service,
    ServiceDefinition,
    ServiceRequest,
    Token,
    dump,
)
from ticketing.schemas.open311_params import ATTRIBUTES
from ticketing.workflow.files import Catalogue
from ticketing.workflow.translation import CHINESE, ENGLISH, name_in

MEDIA_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
MAX_WINDOW = timedelta(days=90)  # the longest start_date–end_date span, and the default window

# The element of each item of a list, in XML.
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "notes": "note",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot hold, even escaped.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CLOCK_DEADLINES = {Clock.ACKNOWLEDGE: "签收", Clock.RESOLVE: "办结", Clock.CALLBACK: "回访"}


# --- formats -------------------------------------------------------------------------


def render(fmt: str, root: str, answer: BaseModel) -> bytes:
    """The answer in ``fmt`` (``xml`` or ``json``), UTF-8; ``root`` names the XML root element."""
    document = dump(answer)
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False).encode()
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(_element(root, document), encoding="unicode").encode()
    )


def _element(name: str, value: Any) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, dict):
        element.extend(_element(key, item) for key, item in value.items())
    elif isinstance(value, list):
        element.extend(_element(ITEMS[name], item) for item in value)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = NOT_XML.sub("", str(value))
    return element


def errors(code: int, description: str) -> Errors:
    return Errors([Error(code=code, description=description)])


def w3c(moment: datetime | None, tz: ZoneInfo) -> str | None:
    """``2026-11-23T09:00:00+08:00``: the moment in the district's zone, with its offset."""
    return moment.astimezone(tz).isoformat(timespec="seconds") if moment else None


# --- discovery and services -----------------------------------------------------------


def discovery(catalogue: Catalogue, url: str, jurisdiction_id: str, tz: ZoneInfo) -> Discovery:
    """The service discovery document: this one endpoint, in both formats."""
    changeset = _changeset(catalogue, tz)
    return Discovery(
        changeset=changeset,
        contact=f"{jurisdiction_id}：请联系本平台管理员 / Ask the administrators of this platform",
        key_service="API 密钥由平台管理员发放（ticketing apikey create 名称）/ "
        "API keys are issued by the administrators (ticketing apikey create NAME)",
        endpoints=[
            Endpoint(
                specification=SPECIFICATION,
                url=url,
                changeset=changeset,
                type="production",
                formats=["text/xml", "application/json"],
            )
        ],
    )


def _changeset(catalogue: Catalogue, tz: ZoneInfo) -> str:
    """When the services last changed: the newest workflow file, as ``2026-11-23 09:00``."""
    times = [Path(spec.source).stat().st_mtime for spec in catalogue.workflows.values() if Path(spec.source).is_file()]
    return datetime.fromtimestamp(max(times, default=0), tz).strftime("%Y-%m-%d %H:%M")


def services(catalogue: Catalogue) -> list[Service]:
    """Every category once, grouped under the workflow that first lists it."""
    return [_service(spec, category) for spec, found in category_groups(catalogue) for category in found]


def _service(spec: WorkflowSpec, category: Category) -> Service:
    return Service(
        service_code=category.code,
        service_name=name_in(category.label, CHINESE),
        description=f"{name_in(category.label, ENGLISH)} ({name_in(spec.title, ENGLISH)})",
        metadata=True,
        type="realtime",
        keywords=f"{category.code}, {name_in(category.label, ENGLISH)}, {name_in(spec.title, ENGLISH)}",
        group=name_in(spec.title, CHINESE),
    )


def is_service(catalogue: Catalogue, code: str) -> bool:
    return any(category.code == code for category in catalogue.categories())


def definition(code: str) -> ServiceDefinition:
    """The service definition of a known service: the attributes every service takes."""
    attributes = [
        Attribute(
            variable=True,
            code=attribute.code,
            datatype=attribute.datatype,
            required=False,
            datatype_description=attribute.datatype_description,
            order=order,
            description=attribute.description,
            **(
                {"values": [AttributeValue(key=key, name=name) for key, name in attribute.values]}
                if attribute.values
                else {}
            ),
        )
        for order, attribute in enumerate(ATTRIBUTES, 1)
    ]
    return ServiceDefinition(service_code=code, attributes=attributes)


# --- service requests ------------------------------------------------------------------


def window(start: datetime | None, end: datetime | None, now: datetime) -> tuple[datetime, datetime]:
    """The opening times asked for: the last 90 days by default, never more than 90; ValueError says what is wrong."""
    if start is None:
        end = end or now
        start = end - MAX_WINDOW
    elif end is None:
        end = start + MAX_WINDOW
    if end < start:
        raise ValueError("end_date is before start_date")
    if end - start > MAX_WINDOW:
        raise ValueError("start_date and end_date may not be more than 90 days apart")
    return start, end


@dataclass(frozen=True, slots=True)
class RequestQuery:
    """What ``GET requests`` filters on: opening times (from ``window``), services, statuses (none: both), a page."""

    start: datetime
    end: datetime
    service_codes: tuple[str, ...] = ()
    statuses: frozenset[str] = frozenset()
    page: int = 1
    page_size: int = MAX_RESULTS


def find_requests(source: Source, query: RequestQuery, notes: bool = False) -> list[ServiceRequest]:
    """The requests opened in the window that match, newest first; ``notes`` adds their update history."""
    closed: bool | None = None  # both statuses, or none asked for
    if query.statuses == {OPEN}:
        closed = False
    elif query.statuses == {CLOSED}:
        closed = True

    def read(conn: Connection) -> list[Ticket]:
        offset = (query.page - 1) * query.page_size
        return queries.opened_between(
            conn, query.start, query.end, query.service_codes, closed, query.page_size, offset
        )

    return _requests(source, read, notes)


def requests_by_id(source: Source, numbers: Sequence[str], notes: bool = False) -> list[ServiceRequest]:
    """The requests with these tracking numbers, in that order; unknown numbers are left out."""
    found = _requests(source, lambda conn: queries.with_numbers(conn, numbers), notes)
    position = {number: index for index, number in enumerate(numbers)}
    return sorted(found, key=lambda request: position[request.service_request_id])


def _requests(source: Source, read: Callable[[Connection], list[Ticket]], notes: bool) -> list[ServiceRequest]:
    with source.engine.connect() as conn:
        org = source.worlds.organisation(conn)
        found = read(conn)
        steps = queries.history_of_many(conn, [ticket.id for ticket in found], SHOWN) if notes else None
    view = _View.of(source, org)
    return [view.request(ticket, None if steps is None else steps.get(ticket.id, [])) for ticket in found]


def created(source: Source, ticket: Ticket) -> Created:
    """The answer to a request just opened: its tracking number and what happens next (no token: realtime).

    Only the client that sent the request reads it, so the post is named with its own unit, from the
    registry the intake itself routed by.
    """
    with source.engine.connect() as conn:
        org = source.worlds.unchecked(conn)[0].org
    return Created(service_request_id=ticket.number, service_notice=_View.of(source, org).notice(ticket, exact=True))


def token_request(source: Source, token: str) -> Token:
    """The request behind a resident's private-link token (NotFound when none)."""
    with source.engine.connect() as conn:
        return Token(service_request_id=store.get_by_token(conn, token).number, token=token)


@dataclass(frozen=True, slots=True)
class _View:
    """Tickets as the public reads them, with the registry and workflows to name things."""

    org: Organisation
    workflows: Mapping[str, WorkflowSpec]
    categories: dict[str, Category]
    tz: ZoneInfo

    @classmethod
    def of(cls, source: Source, org: Organisation) -> _View:
        catalogue = source.worlds.catalogue
        categories = {category.code: category for category in catalogue.categories()}
        return cls(org, catalogue.workflows, categories, source.worlds.tz)

    def request(self, ticket: Ticket, steps: list[HistoryEntry] | None) -> ServiceRequest:
        spec = self.workflows.get(ticket.workflow)
        category = self.categories.get(ticket.category)
        shown = disclose(ticket, spec, category, self.org)
        exact = shown.published  # a post's own unit may be named only where the request's place is
        closed = ticket.closed_at is not None
        state = spec.states.get(ticket.state) if spec is not None else None
        record: dict[str, Any] = {
            "service_request_id": ticket.number,
            "status": CLOSED if closed else OPEN,
            "status_notes": name_in(state.label, CHINESE) if state is not None else None,
            "service_name": name_in(category.label, CHINESE) if category else ticket.category,
            "service_code": ticket.category,
            "description": shown.description,
            "agency_responsible": self.agency(ticket.post_id, exact),
            "service_notice": self.notice(ticket, exact),
            "requested_datetime": w3c(ticket.created_at, self.tz),
            "updated_datetime": w3c(ticket.closed_at or ticket.updated_at, self.tz),
            "expected_datetime": w3c(ticket.due_at, self.tz),
            "address": shown.address,
            "address_id": shown.address_id,
            "zipcode": None,
            "lat": shown.lat,
            "long": shown.lon,
            "media_url": None,
        }
        if steps is not None:
            record["notes"] = [self.note(spec, entry, exact) for entry in steps]
        return ServiceRequest.model_validate(record)

    def agency(self, post_id: str, exact: bool) -> str | None:
        """The post's kind and unit (楼长 · 阳光小区1号楼); not ``exact``, the unit's grid (楼长 · 海曲社区第一网格)."""
        post = self.org.posts.get(post_id)
        if post is None:
            return None
        unit = self.org.units.get(post.unit_id) if exact else public_place(self.org, post.unit_id)
        return f"{POST_LABELS_ZH[post.kind]} · {unit.name}" if unit else None

    def notice(self, ticket: Ticket, exact: bool) -> str | None:
        """Who handles an open request and by when the running deadline falls."""
        agency = self.agency(ticket.post_id, exact)
        if ticket.closed_at is not None or agency is None:
            return None
        if ticket.clock is None or ticket.due_at is None:
            return f"由{agency}负责"
        due = ticket.due_at.astimezone(self.tz)
        return f"由{agency}负责，{CLOCK_DEADLINES[ticket.clock]}时限 {due:%Y-%m-%d %H:%M}"

    def note(self, spec: WorkflowSpec | None, entry: HistoryEntry, exact: bool) -> Note:
        state = spec.states.get(entry.to_state) if spec else None
        label = name_in(state.label, CHINESE) if state else entry.to_state
        agency = self.agency(entry.post_id, exact)
        return Note(
            datetime=w3c(entry.at, self.tz),
            status=CLOSED if state and state.final else OPEN,
            type=entry.action,
            description=f"{label} · {agency}" if agency else label,
        )
