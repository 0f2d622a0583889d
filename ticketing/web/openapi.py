"""The staff API's contract: its OpenAPI 3.1 description, served at ``/api/v1/openapi.json``.

The request fields and query parameters are declared once here as ``Field``s:
the document shows them as JSON Schema and ``ticketing.web.api_v1`` reads
requests with the same declarations, so what the document promises and what
the API accepts cannot drift apart.  Category and state names come from the
loaded workflows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import PostKind, UnitKind
from ticketing.domain.permissions import ORDER
from ticketing.domain.rules import MAX_BODY, MAX_DESCRIPTION, MAX_EMAIL, MAX_TEXT
from ticketing.domain.ticket import Channel, ResidentChannel
from ticketing.domain.workflow import Clock
from ticketing.workflows import Catalogue

JSON = dict[str, Any]
Choices = Callable[[Catalogue], Sequence[str]]

# Patterns match whole values (``re.fullmatch``; anchored with ^…$ in the document).
PHONE = r"\+?[0-9][0-9 -]{3,18}[0-9]"
WORKING_TIME = r"[1-9][0-9]{0,3}[mhd]"
TICKET_NUMBER = r"[0-9]{6}-[0-9]{6,}"
LEVELS = (UnitKind.STREET.value, UnitKind.COMMUNITY.value, UnitKind.GRID.value)
TEXT = MAX_TEXT
# The intake rule's e-mail address, without control characters; Python and ECMAScript read it alike
# (their \s differ in \x1c-\x1f, \x85 and \ufeff, all excluded), so generated examples fit both.
_ADDRESS_PART = r"[^@\s\x00-\x1f\x7f-\x9f\ufeff]+"
EMAIL_ADDRESS = rf"{_ADDRESS_PART}@{_ADDRESS_PART}\.{_ADDRESS_PART}"
NOTIFY_BY = tuple(way.value for way in ResidentChannel)


def _categories(catalogue: Catalogue) -> list[str]:
    return [category.code for category in catalogue.categories()]


def _states(catalogue: Catalogue) -> list[str]:
    return sorted({state for spec in catalogue.workflows.values() for state in spec.states})


@dataclass(frozen=True, slots=True)
class Field:
    """One request value: a body field or a query parameter, with what it must be.

    ``kind`` is ``string``, ``integer``, ``boolean``, ``date`` or ``date-time``;
    ``choices`` are fixed, ``catalogue_choices`` come from the loaded workflows.
    A required text that is only blanks fits the schema but is refused (400).
    """

    name: str
    kind: str = "string"
    description: str = ""
    required: bool = False
    max_length: int = 100
    choices: tuple[str, ...] = ()
    catalogue_choices: Choices | None = None
    nullable: bool = False
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    default: object = None

    def allowed(self, catalogue: Catalogue) -> Sequence[str]:
        return self.catalogue_choices(catalogue) if self.catalogue_choices else self.choices

    def schema(self, catalogue: Catalogue) -> JSON:
        found: JSON
        if self.kind in ("date", "date-time"):
            found = {"type": "string", "format": self.kind}
        elif self.kind == "string":
            found = {"type": "string", "minLength": 1, "maxLength": self.max_length}
            if self.pattern:
                found["pattern"] = f"^{self.pattern}$"
        else:
            found = {"type": self.kind}
            found.update({k: v for k, v in (("minimum", self.minimum), ("maximum", self.maximum)) if v is not None})
        allowed = list(self.allowed(catalogue))
        if allowed:
            found = {"type": "string", "enum": allowed}
        if self.nullable:
            found["type"] = [found["type"], "null"]
            if "enum" in found:
                found["enum"] = [*found["enum"], None]
        if self.default is not None:
            found["default"] = self.default
        if self.description:
            found["description"] = self.description
        return found


def _text(name: str, description: str, required: bool = True, max_length: int = TEXT) -> Field:
    return Field(name, description=description, required=required, max_length=max_length)


VERSION = Field(
    "version",
    "integer",
    "The ticket version you read; if the ticket changed since, the action is refused with 409.",
    required=True,
    minimum=1,
)
REASON = _text("reason", "Why.")
ACTION_FIELDS: dict[str, tuple[Field, ...]] = {
    "acknowledge": (),
    "note": (_text("text", "The note."),),
    "transfer": (_text("target_post", "The post to pass it to (see transfer_targets).", max_length=100), REASON),
    "pause": (_text("reason", "What the ticket is waiting for."),),
    "resume": (),
    "resolve": (_text("resolution", "What was done."),),
    "refer": (
        _text("body", "The competent body the resident is referred to.", max_length=MAX_BODY),
        _text("reason", "Why it is outside the community's remit.", required=False),
    ),
    "callback": (
        Field("reached", "boolean", "Whether the resident was reached.", default=True),
        Field(
            "satisfaction",
            description="The resident's verdict, when reached.",
            choices=tuple(s.value for s in Satisfaction),
            nullable=True,
        ),
        _text("comment", "What the resident said.", required=False),
    ),
    "extend": (
        Field(
            "by",
            description=(
                "Working time to add: minutes, hours or working days, e.g. 30m, 4h, 2d; at most the tier's "
                "`max_extension` (default: its resolve time), else 400."
            ),
            required=True,
            max_length=5,
            pattern=WORKING_TIME,
        ),
        _text("reason", "Why the deadline is extended."),
    ),
    "return_to_resident": (_text("reason", "Why the request goes back to the resident."),),
}
ACTION_SUMMARIES = {
    "acknowledge": "Acknowledge (签收): a holder of the ticket's post takes it; the first one becomes first responder",
    "note": "Add a note (holders, the first responder, supervisors)",
    "transfer": "Transfer (转办) to another post of the chain or the community",
    "pause": "Pause the clock while waiting for something (holders)",
    "resume": "Resume a paused ticket with the working time it had left (holders)",
    "resolve": "Resolve (holders); the first responder then calls the resident back",
    "refer": "Refer (转介) to a competent body outside the community's remit (holders)",
    "callback": "Record the telephone callback (回访): the first responder or the other holder of their post",
    "extend": "Extend (延期) the running deadline, before it passes (supervisors)",
    "return_to_resident": "Return (退回) the request to the resident (a holder who is not the first responder)",
}
NEW_TICKET_FIELDS = (
    Field("category", description="The request's category.", required=True, catalogue_choices=_categories),
    _text("description", "What the problem is.", max_length=MAX_DESCRIPTION),
    Field("contact_phone", description="The resident's phone.", required=True, max_length=20, pattern=PHONE),
    _text("contact_name", "The resident's name.", required=False, max_length=100),
    Field("contact_email", description="The resident's e-mail address.", max_length=MAX_EMAIL, pattern=EMAIL_ADDRESS),
    Field(
        "notify_by",
        description="How the resident hears that the request was resolved and closed: "
        "SMS to contact_phone, e-mail to contact_email (then required), or none (only the telephone callback).",
        choices=NOTIFY_BY,
        default=ResidentChannel.SMS.value,
    ),
    Field(
        "channel",
        description="How the request came in.",
        choices=(Channel.WALK_IN.value, Channel.PHONE.value),
        default=Channel.WALK_IN.value,
    ),
    Field("location_id", description="A building, street segment or shop id; or give `address`."),
    _text("address", "The address, when the place has no id.", required=False, max_length=300),
)
NEW_ABSENCE_FIELDS = (
    Field("staff_id", description="Whose absence (admins only; default: yourself)."),
    Field("starts_at", "date-time", "From (with a time zone offset).", required=True),
    Field("ends_at", "date-time", "Until (with a time zone offset).", required=True),
    _text("reason", "Leave, business trip, meeting…", max_length=200),
)
TICKET_FILTERS = (
    Field("state", description="Only tickets in this state.", catalogue_choices=_states),
    Field("post", description="Only tickets at this post."),
    Field("holder", description="Only tickets held by this staff member."),
    Field("first_responder", description="Only tickets this staff member is first responder for."),
    Field("community", description="Only tickets of this community."),
    Field("overdue", "boolean", "Only overdue (true) or not overdue (false) tickets."),
    Field("open", "boolean", "Only open tickets (true).", default=False),
    Field("limit", "integer", "Tickets per page.", minimum=1, maximum=100, default=25),
    Field("cursor", description="`next_cursor` of the previous page.", max_length=200),
)
MAX_PAGE = 100_000  # no list has that many pages; a larger number would overflow the database's offset
PAGE = Field("page", "integer", "Page number.", minimum=1, maximum=MAX_PAGE, default=1)
BOARD_FILTERS = (
    Field("street", description="Only this street."),
    Field("community", description="Only this community."),
    Field("grid", description="Only this grid."),
    Field("tier", "integer", "Only tickets at this tier of their chain (0: the first).", minimum=0, maximum=20),
    Field("min_age_days", "integer", "Only tickets opened more than this many days ago.", minimum=0, maximum=3650),
    PAGE,
)
RATE_PARAMS = (
    Field("from", "date", "First day of the period (default: 30 days ago)."),
    Field("to", "date", "Last day of the period, included (default: today); at most 366 days in all."),
    Field("level", description="Rows per street, community or grid.", choices=LEVELS, default="community"),
)
ORGANISATION_PARAMS = (Field("community", description="The community to show (default: the intake community)."),)
ABSENCE_PARAMS = (Field("staff", description="Whose absences (admins only; default: yourself)."),)


# --- response schemas ------------------------------------------------------------------------------


def _ref(name: str) -> JSON:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: JSON) -> JSON:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: JSON, required: Sequence[str] | None = None) -> JSON:
    """A closed object: every property listed (all required unless said), nothing else."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": list(properties if required is None else required),
        "properties": properties,
    }


def _list(schema: JSON) -> JSON:
    return {"type": "array", "items": schema}


STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
COUNT = {"type": "integer", "minimum": 0}
MOMENT = {"type": "string", "format": "date-time"}
MAYBE_MOMENT = {"type": ["string", "null"], "format": "date-time"}
MAYBE_STRING = {"type": ["string", "null"]}
MAYBE_NUMBER = {"type": ["number", "null"]}
DAY = {"type": "string", "format": "date"}

SUMMARY: JSON = {
    "number": STRING,
    "version": {"type": "integer", "minimum": 1},
    "workflow": STRING,
    "category": STRING,
    "state": STRING,
    "final": BOOLEAN,
    "channel": {"enum": [c.value for c in Channel]},
    "tier": COUNT,
    "post_id": STRING,
    "holder_id": MAYBE_STRING,
    "first_responder_id": MAYBE_STRING,
    "street_id": MAYBE_STRING,
    "community_id": MAYBE_STRING,
    "grid_id": MAYBE_STRING,
    "location_id": MAYBE_STRING,
    "place": STRING,
    "contact_phone": STRING,
    "overdue": BOOLEAN,
    "ack_late": BOOLEAN,
    "needs_review": BOOLEAN,
    "deadline": _ref("Deadline"),
    "created_at": MOMENT,
    "updated_at": MOMENT,
}
DETAIL: JSON = {
    **SUMMARY,
    "description": STRING,
    "address": STRING,
    "contact_name": STRING,
    "contact_email": STRING,
    "notify_by": {"enum": list(NOTIFY_BY)},
    "lat": MAYBE_NUMBER,
    "lon": MAYBE_NUMBER,
    "post": _nullable(_ref("Post")),
    "holder": _nullable(_ref("Person")),
    "first_responder": _nullable(_ref("Person")),
    "first_responder_post_id": MAYBE_STRING,
    "reopen_count": COUNT,
    "callback_attempts": COUNT,
    "satisfaction": {"enum": [*(s.value for s in Satisfaction), None]},
    "resolution": MAYBE_STRING,
    "referred_to": MAYBE_STRING,
    "acknowledged_at": MAYBE_MOMENT,
    "resolved_at": MAYBE_MOMENT,
    "closed_at": MAYBE_MOMENT,
    "history": _list(_ref("HistoryEntry")),
    "actions": {**_list({"enum": list(ORDER)}), "description": "What you may do to the ticket now."},
    "transfer_targets": _list(_ref("Post")),
}
PAGED = {"page": {"type": "integer", "minimum": 1}, "per_page": COUNT, "total": COUNT, "pages": COUNT}
HOLDER = _object({"id": STRING, "name": STRING, "absent": BOOLEAN})
ORG_POST = _object(
    {
        "id": STRING,
        "kind": {"enum": [k.value for k in PostKind]},
        "unit_id": STRING,
        "holder_a": _ref("Holder"),
        "holder_b": _ref("Holder"),
        "calendar_id": STRING,
    }
)
RATE_CELLS = {
    "counts": _object({"base": COUNT, "responded": COUNT, "satisfied": COUNT, "basically_satisfied": COUNT}),
    "rates": _object(
        {"response": MAYBE_NUMBER, "resolution": MAYBE_NUMBER, "satisfaction": MAYBE_NUMBER, "total": MAYBE_NUMBER}
    ),
}

SCHEMAS: JSON = {
    "Error": _object(
        {
            "error": _object(
                {
                    "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
                    "message": STRING,
                    "details": {"type": "object"},
                }
            )
        }
    ),
    "Person": _object({"id": STRING, "name": STRING}),
    "UnitRef": _object({"id": STRING, "name": STRING}),
    "Deadline": {
        **_object(
            {
                "clock": {"enum": [*(c.value for c in Clock), None]},
                "due_at": MAYBE_MOMENT,
                "working_seconds_left": MAYBE_NUMBER,
                "overdue": BOOLEAN,
                "kept_seconds": MAYBE_NUMBER,
            }
        ),
        "description": "The running deadline in working time: negative seconds left once it has passed; "
        "`kept_seconds` is what a paused clock keeps.",
    },
    "Post": _object(
        {
            "id": STRING,
            "kind": {"enum": [k.value for k in PostKind]},
            "unit_id": STRING,
            "unit_name": STRING,
            "holder_a": STRING,
            "holder_b": STRING,
        }
    ),
    "HistoryEntry": _object(
        {
            "at": MOMENT,
            "actor_id": MAYBE_STRING,
            "action": STRING,
            "from_state": MAYBE_STRING,
            "to_state": STRING,
            "tier": COUNT,
            "post_id": STRING,
            "holder_id": MAYBE_STRING,
            "reason": STRING,
        }
    ),
    "TicketSummary": {**_object(SUMMARY), "description": "A ticket in a list (the phone masked)."},
    "Ticket": {**_object(DETAIL), "description": "A ticket with its history and what you may do to it now."},
    "TicketList": _object({"items": _list(_ref("TicketSummary")), "next_cursor": MAYBE_STRING}),
    "QueuePage": _object({"items": _list(_ref("TicketSummary")), **PAGED}),
    "BoardItem": _object({**SUMMARY, "overdue_since": MAYBE_MOMENT, "review_since": MAYBE_MOMENT}),
    "BoardPage": _object({"items": _list(_ref("BoardItem")), **PAGED}),
    "ActionResult": _object(
        {
            "action": {"enum": list(ACTION_FIELDS)},
            "number": STRING,
            "state": STRING,
            "version": {"type": "integer", "minimum": 1},
            "ticket": {
                **_nullable(_ref("Ticket")),
                "description": "The ticket as you see it now; null when the action took it out of your sight.",
            },
        }
    ),
    "RateRow": _object({"unit_id": MAYBE_STRING, "name": STRING, **RATE_CELLS}),
    "RateWeek": _object({"from": DAY, "to": DAY, **RATE_CELLS}),
    "RateReport": _object(
        {
            "from": DAY,
            "to": DAY,
            "level": {"enum": list(LEVELS)},
            "weights": _object(
                {
                    "response": {"type": "number"},
                    "resolution": {"type": "number"},
                    "satisfaction": {"type": "number"},
                    "basically_satisfied": {"type": "number"},
                }
            ),
            "rows": _list(_ref("RateRow")),
            "overall": _object(RATE_CELLS),
            "weeks": _list(_ref("RateWeek")),
        }
    ),
    "Holder": HOLDER,
    "OrganisationPost": ORG_POST,
    "Organisation": _object(
        {
            "community": _nullable(_ref("UnitRef")),
            "streets": _list(
                _object(
                    {
                        "id": STRING,
                        "name": STRING,
                        "posts": _list(_ref("OrganisationPost")),
                        "communities": _list(_ref("UnitRef")),
                    }
                )
            ),
            "units": _list(
                _object(
                    {
                        "id": STRING,
                        "kind": {"enum": [k.value for k in UnitKind]},
                        "name": STRING,
                        "parent_id": MAYBE_STRING,
                        "depth": COUNT,
                        "posts": _list(_ref("OrganisationPost")),
                    }
                )
            ),
        }
    ),
    "Absence": _object(
        {
            "id": INTEGER,
            "staff_id": STRING,
            "starts_at": MOMENT,
            "ends_at": MOMENT,
            "reason": STRING,
            "current": BOOLEAN,
            "cancelled_at": MAYBE_MOMENT,
        }
    ),
    "AbsenceList": _object({"items": _list(_ref("Absence"))}),
}

ERRORS: dict[int, tuple[str, str]] = {
    400: (
        "BadRequest",
        "Not JSON (`invalid_json`), a value no request may carry (a control character, text that is not UTF-8, "
        "JSON nested too deep: `invalid_input`), or refused by the rules (`invalid_input`, `invalid_cursor`).",
    ),
    401: ("Unauthorized", "No bearer token, or an unknown or revoked one."),
    403: ("Forbidden", "Not for your role (`forbidden`), or not allowed by the rules (`not_allowed`)."),
    404: ("NotFound", "No such resource, or none you may see."),
    409: ("Conflict", "The ticket changed since the version you sent (reload it), or the absence is over."),
    422: ("Unprocessable", "Fields or parameters that do not fit this description; `details.fields` says which."),
    429: ("RateLimited", "Too many requests for this token: wait a little."),
}


def _responses(ok: int, schema: str, errors: Sequence[int], description: str = "Done.") -> JSON:
    found: JSON = {str(ok): {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}}
    for status in errors:
        found[str(status)] = {"$ref": f"#/components/responses/{ERRORS[status][0]}"}
    return found


def _parameters(fields: Sequence[Field], catalogue: Catalogue) -> list[JSON]:
    return [
        {
            "name": field.name,
            "in": "query",
            "required": field.required,
            "schema": field.schema(catalogue),
            **({"description": field.description} if field.description else {}),
        }
        for field in fields
    ]


def body_schema(fields: Sequence[Field], catalogue: Catalogue) -> JSON:
    """A request body: a closed JSON object of these fields."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [field.name for field in fields if field.required],
        "properties": {field.name: field.schema(catalogue) for field in fields},
    }


def _body(schema: JSON) -> JSON:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


NUMBER_PARAMETER: JSON = {
    "name": "number",
    "in": "path",
    "required": True,
    "description": "The tracking number.",
    "schema": {"type": "string", "pattern": f"^{TICKET_NUMBER}$"},
}
ABSENCE_ID_PARAMETER: JSON = {
    "name": "absence_id",
    "in": "path",
    "required": True,
    "description": "The absence's id, as listed by `GET /api/v1/absences`.",
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
}
AUTHED = (400, 401, 429)  # any call: an unusable value (a control character), the token, the rate limit


def _get(operation_id: str, summary: str, tag: str, ok: str, errors: Sequence[int], **extra: Any) -> JSON:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "tags": [tag],
            **extra,
            "responses": _responses(200, ok, sorted({*errors, *AUTHED})),
        }
    }


def _paths(catalogue: Catalogue) -> JSON:
    new_ticket = body_schema(NEW_TICKET_FIELDS, catalogue)
    new_ticket["anyOf"] = [{"required": ["location_id"]}, {"required": ["address"]}]
    new_ticket["if"] = {"properties": {"notify_by": {"const": ResidentChannel.EMAIL.value}}, "required": ["notify_by"]}
    new_ticket["then"] = {"required": ["contact_email"]}
    tickets_path = {
        **_get(
            "listTickets",
            "Tickets you may see, most urgent deadline first, a page at a time",
            "tickets",
            "TicketList",
            [400, 422],
            parameters=_parameters(TICKET_FILTERS, catalogue),
        ),
        "post": {
            "operationId": "openTicket",
            "summary": "Register a walk-in or phone request on a resident's behalf; you become its first responder",
            "tags": ["tickets"],
            "requestBody": _body(new_ticket),
            "responses": _responses(201, "Ticket", [400, 401, 404, 422, 429], "Registered."),
        },
    }
    paths: JSON = {
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": "This description",
                "tags": ["meta"],
                "security": [],
                "responses": {
                    "200": {
                        "description": "The OpenAPI 3.1 document.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/api/v1/tickets": tickets_path,
        "/api/v1/tickets/{number}": _get(
            "showTicket",
            "A ticket with its history, deadlines, version and the actions you may take now",
            "tickets",
            "Ticket",
            [404, 422],
            parameters=[NUMBER_PARAMETER],
        ),
    }
    for action, fields in ACTION_FIELDS.items():
        # Whoever may see a ticket may note it (holders, its first responder, supervisors): no 403 there.
        refusals = set() if action == "note" else {403}
        paths[f"/api/v1/tickets/{{number}}/actions/{action}"] = {
            "post": {
                "operationId": f"act_{action}",
                "summary": ACTION_SUMMARIES[action],
                "tags": ["actions"],
                "parameters": [NUMBER_PARAMETER],
                "requestBody": _body(body_schema((VERSION, *fields), catalogue)),
                "responses": _responses(200, "ActionResult", sorted({400, 401, 404, 409, 422, 429} | refusals)),
            }
        }
    queues = {
        "mine": ("myQueue", "Open tickets you hold and those of your posts nobody holds, most urgent first"),
        "accountable": ("accountableQueue", "Tickets you are first responder for, open ones first"),
        "callbacks": ("callbacksQueue", "Resolved and referred tickets waiting for your telephone callback"),
    }
    for name, (operation_id, summary) in queues.items():
        paths[f"/api/v1/queues/{name}"] = _get(
            operation_id, summary, "queues", "QueuePage", [422], parameters=_parameters((PAGE,), catalogue)
        )
    paths["/api/v1/board"] = _get(
        "board",
        "The overdue board (超期督办) of your communities and streets (supervisors, admins)",
        "supervision",
        "BoardPage",
        [403, 422],
        parameters=_parameters(BOARD_FILTERS, catalogue),
    )
    paths["/api/v1/rates"] = _get(
        "rates",
        "The three rates (三率) over a period, per street, community or grid (supervisors, admins)",
        "supervision",
        "RateReport",
        [400, 403, 422],
        parameters=_parameters(RATE_PARAMS, catalogue),
    )
    paths["/api/v1/organisation"] = _get(
        "organisation",
        "The streets and one community's units and posts with their A and B holders",
        "organisation",
        "Organisation",
        [404, 422],
        parameters=_parameters(ORGANISATION_PARAMS, catalogue),
    )
    paths["/api/v1/absences"] = {
        **_get(
            "listAbsences",
            "Current and coming absences (yours; anyone's for admins)",
            "absences",
            "AbsenceList",
            [403, 404, 422],
            parameters=_parameters(ABSENCE_PARAMS, catalogue),
        ),
        "post": {
            "operationId": "recordAbsence",
            "summary": "Record leave or a trip: the other holders of the posts cover at once",
            "tags": ["absences"],
            "requestBody": _body(body_schema(NEW_ABSENCE_FIELDS, catalogue)),
            "responses": _responses(201, "Absence", [400, 401, 403, 404, 422, 429], "Recorded."),
        },
    }
    changes = {
        "end": ("endAbsence", "End a running absence now: the tickets it handed over come back", "Ended."),
        "cancel": ("cancelAbsence", "Cancel a coming absence or one entered by mistake: it stops counting", "Done."),
    }
    for change, (operation_id, summary, done) in changes.items():
        paths[f"/api/v1/absences/{{absence_id}}/{change}"] = {
            "post": {
                "operationId": operation_id,
                "summary": summary,
                "description": "Your own absences; admins anyone's. No fields: send no body or `{}`.",
                "tags": ["absences"],
                "parameters": [ABSENCE_ID_PARAMETER],
                "requestBody": {"required": False, "content": {"application/json": {"schema": _object({})}}},
                "responses": _responses(200, "Absence", [400, 401, 403, 404, 409, 422, 429], done),
            }
        }
    return paths


def document(catalogue: Catalogue) -> JSON:
    """The OpenAPI 3.1 description of ``/api/v1`` for the loaded workflows."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Ticketing staff API",
            "version": "1",
            "description": (
                "Staff scripts act as the staff member their bearer token was issued to "
                "(`ticketing staff token STAFF_ID`) and see exactly what that person sees in the web UI. "
                'Errors are `{"error": {"code", "message", "details"}}`; '
                "engine messages follow `Accept-Language` (Chinese by default)."
            ),
        },
        "security": [{"bearerAuth": []}],
        "paths": _paths(catalogue),
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
            "responses": {
                name: {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}
                for name, description in ERRORS.values()
            },
        },
    }
