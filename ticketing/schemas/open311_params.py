"""What Open311 requests take: a new service request's form, and the filters of the request list.

The endpoint reads parameters from the query string and a form body alike,
stripped, an empty one counting as absent (``ticketing.web.open311``), and
validates what it found with these models.  Parameters the specification
allows but this endpoint ignores (``device_id``, ``account_id``) are listed;
others are ignored too, except an ``attribute[…]`` no service has.  The
service code and jurisdiction are checked by the view (an unknown one is
``404``), so here they are only documented choices.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema, model_validator

from ticketing.domain.field_rules import (
    ADDRESS,
    DESCRIPTION,
    EMAIL,
    LATITUDE,
    LONGITUDE,
    MAX_PAGE,
    PHONE,
    TICKET_NUMBER,
    YEARS,
    TextRule,
    is_coordinate,
)
from ticketing.domain.ticket import RESIDENT_LANGUAGES, ResidentChannel
from ticketing.schemas.fields import (
    DAY,
    MOMENT,
    Checked,
    Mismatch,
    anchored,
    boolean,
    choice,
    integer,
    mismatch,
    runtime_choice,
    text,
)
from ticketing.schemas.open311 import CLOSED, MAX_RESULTS, OPEN

CATEGORIES, JURISDICTIONS = "categories", "jurisdictions"  # runtime choices
URGENT_MARK = "【紧急】"


@dataclass(frozen=True, slots=True)
class ServiceAttribute:
    """An attribute every service takes (``attribute[CODE]`` in a POST); ``values`` are a list's keys and names."""

    code: str
    datatype: str
    datatype_description: str
    description: str
    values: tuple[tuple[str, str], ...] = ()

    @property
    def parameter(self) -> str:
        return f"attribute[{self.code}]"

    @property
    def keys(self) -> list[str]:
        return [key for key, _name in self.values]


URGENCY = ServiceAttribute(
    "urgency",
    "singlevaluelist",
    "normal or urgent",
    f"紧急程度：紧急的请求在描述前标注{URGENT_MARK} / "
    f"How urgent: an urgent request is marked {URGENT_MARK} for the staff",
    (("normal", "一般 Normal"), ("urgent", "紧急 Urgent")),
)
BUILDING = ServiceAttribute(
    "building",
    "string",
    "a building, shop or street segment id such as B01010101",
    "楼院、店或街段编号（同 address_id）/ The building, shop or street segment, as address_id",
)
ATTRIBUTES = (URGENCY, BUILDING)
NEEDS = {ResidentChannel.EMAIL: "email", ResidentChannel.SMS: "phone"}  # the parameter each way of telling reaches
WHAT = {"email": "address", "phone": "number"}
NUMBERS = rf"{TICKET_NUMBER}(?:,{TICKET_NUMBER})*"
STATUSES = rf"(?:{OPEN}|{CLOSED})(?:,(?:{OPEN}|{CLOSED}))*"
WHEN = "a W3C date-time with its time zone, such as 2026-11-23T09:00:00+08:00"

Jurisdiction = Annotated[str | None, runtime_choice(JURISDICTIONS, checked=False)]
ServiceCode = Annotated[str, runtime_choice(CATEGORIES, checked=False)]
ServiceCodes = Annotated[str | None, runtime_choice(CATEGORIES, checked=False, several=True)]
Line = Annotated[str | None, text(TextRule(100), required=False)]
ApiKey = Annotated[str, text(TextRule(100))]
Place = Annotated[str | None, text(TextRule(64), required=False)]
Address = Annotated[str | None, text(ADDRESS, required=False)]
Email = Annotated[str | None, text(EMAIL, required=False)]
HalfName = Annotated[str | None, text(TextRule(50), required=False)]
Phone = Annotated[str | None, text(PHONE, required=False)]
Description = Annotated[str, text(DESCRIPTION)]
MediaUrl = Annotated[str | None, text(TextRule(500, r"https?://[!-~]+", "an http or https URL"), required=False)]
NotifyBy = Annotated[str | None, choice([way.value for way in ResidentChannel])]
ResidentLanguage = Annotated[str | None, choice(RESIDENT_LANGUAGES)]
Urgency = Annotated[str | None, choice(URGENCY.keys)]
Numbers = Annotated[
    str | None, text(TextRule(100_000, NUMBERS, "tracking numbers separated by commas"), required=False)
]
Page = Annotated[int, integer(minimum=1, maximum=MAX_PAGE, query=True)]
PageSize = Annotated[int | None, integer(minimum=1, maximum=MAX_RESULTS, query=True)]
Flag = Annotated[bool, boolean(query=True)]


def _coordinate(bound: float) -> Checked:
    """A WGS84 coordinate within ±``bound``, as a form gives it (text) or a number."""

    def check(value: object) -> float:
        try:
            number = float(value) if isinstance(value, str | int | float) and not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or not is_coordinate(number, bound):
            mismatch(Mismatch.RANGE, f"a WGS84 coordinate from -{bound:g} to {bound:g}", minimum=-bound, maximum=bound)
        return number

    schema = {"type": "number", "minimum": -bound, "maximum": bound}
    return Checked(PlainValidator(check), WithJsonSchema(schema))


def _when(value: object) -> date | datetime:
    """A W3C date-time with its offset (``…+08:00``, ``…Z``), or a date (midnight, district time), in ``YEARS``."""
    found: date | datetime | None = None
    if isinstance(value, str) and (DAY.fullmatch(value) or MOMENT.fullmatch(value)):
        with suppress(ValueError):
            found = date.fromisoformat(value) if DAY.fullmatch(value) else datetime.fromisoformat(value.upper())
    if found is None or found.year not in YEARS:
        mismatch(Mismatch.PATTERN, f"{WHEN}, in {YEARS[0]}–{YEARS[-1]}", pattern="date-time")
    return found


def _statuses(value: object) -> str:
    if not (isinstance(value, str) and re.fullmatch(STATUSES, value)):
        mismatch(Mismatch.PATTERN, "open, closed, or both separated by a comma", pattern=anchored(STATUSES))
    return value


Latitude = Annotated[float | None, _coordinate(LATITUDE)]
Longitude = Annotated[float | None, _coordinate(LONGITUDE)]
Statuses = Annotated[
    str | None, Checked(PlainValidator(_statuses), WithJsonSchema({"type": "string", "pattern": anchored(STATUSES)}))
]
When = Annotated[
    date | datetime | None, Checked(PlainValidator(_when), WithJsonSchema({"type": "string", "format": "date-time"}))
]


def _chosen(way: ResidentChannel) -> dict[str, Any]:
    """The JSON Schema condition "notify_by is ``way``"."""
    return {"properties": {"notify_by": {"const": way.value}}, "required": ["notify_by"]}


class Params(BaseModel):
    """Parameters of an Open311 call: ones it does not declare are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True, validate_by_name=True)

    jurisdiction_id: Jurisdiction = Field(None, description="This endpoint's jurisdiction (the only one it serves).")


class KeyedParams(Params):
    api_key: Line = Field(None, description="Needed when the deployment keeps requests private.")


class OneRequestParams(KeyedParams):
    extensions: Flag = Field(False, description="true: add the update history (`notes`).")


class RequestsParams(OneRequestParams):
    service_request_id: Numbers = Field(
        None, description="Tracking numbers, separated by commas: they override every other filter."
    )
    service_code: ServiceCodes = Field(None, description="Service codes, separated by commas.")
    start_date: When = Field(None, description="Requests opened from then (default: 90 days before end_date).")
    end_date: When = Field(None, description="Requests opened until then (at most 90 days after start_date).")
    status: Statuses = Field(None, description="open, closed, or both separated by a comma.")
    page: Page = Field(1, description="Page number.")
    page_size: PageSize = Field(None, description=f"Requests per page (default: {MAX_RESULTS}, the most there can be).")


class NewRequest(Params):
    """A new service request: a location and a description are required; the phone and e-mail are optional, as in
    the specification (an anonymous request is accepted).

    `notify_by` is this endpoint's extension: how the resident hears of the resolution and the closing.
    """

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["lat", "long"]},
                {"required": ["address_string"]},
                {"required": ["address_id"]},
                {"required": [BUILDING.parameter]},
            ],
            "dependentRequired": {"lat": ["long"], "long": ["lat"]},
            "allOf": [{"if": _chosen(way), "then": {"required": [field]}} for way, field in NEEDS.items()],
        }
    )

    api_key: ApiKey = Field(description="The API key the administrators issued (`ticketing apikey create NAME`).")
    service_code: ServiceCode
    lat: Latitude = None
    long: Longitude = None
    address_string: Address = None
    address_id: Place = None
    email: Email = Field(
        None, description="The resident's e-mail address: how they are told, unless notify_by says otherwise."
    )
    device_id: Line = None
    account_id: Line = None
    first_name: HalfName = None
    last_name: HalfName = None
    phone: Phone = Field(
        None, description="The resident's phone: the staff call back on it; required when notify_by is sms."
    )
    description: Description
    media_url: MediaUrl = None
    notify_by: NotifyBy = Field(
        None,
        description="Extension: how the resident hears that the request was resolved and closed "
        "(default: email when an email is given, else sms when a phone is given, else none). "
        "email needs the email parameter, sms the phone parameter.",
    )
    locale: ResidentLanguage = Field(
        None,
        description="Extension: the language the resident wrote in, in which their notices are written: "
        "zh_Hans or en (default: from the Accept-Language header, else zh_Hans).",
    )
    urgency: Urgency = Field(None, alias=URGENCY.parameter, description="How urgent: normal or urgent.")
    building: Place = Field(
        None, alias=BUILDING.parameter, description="The building, shop or street segment, as address_id."
    )

    @model_validator(mode="before")
    @classmethod
    def _attributes_and_location(cls, data: Any) -> Any:
        """No attribute no service has; the schema's ``anyOf``, ``dependentRequired`` and ``if``/``then``."""
        if not isinstance(data, dict):
            return data
        known = {attribute.parameter for attribute in ATTRIBUTES}
        for key in sorted(key for key in data if str(key).startswith("attribute") and key not in known):
            codes = ", ".join(attribute.code for attribute in ATTRIBUTES)
            mismatch(Mismatch.REQUIRED_WITH, f"unknown attribute; the attributes are {codes}", field=key)
        if ("lat" in data) != ("long" in data):
            mismatch(Mismatch.REQUIRED_WITH, "give both", field="lat and long")
        places = ("lat", "address_string", "address_id", BUILDING.parameter)
        if not any(place in data for place in places):
            mismatch(Mismatch.REQUIRED_WITH, "give lat and long, address_string or address_id", field="location")
        for way, field in NEEDS.items():
            if data.get("notify_by") == way.value and field not in data:
                message = f"{way.value} needs the resident's {WHAT[field]} in the {field} parameter"
                mismatch(Mismatch.REQUIRED_WITH, message, field="notify_by")
        return data

    @model_validator(mode="after")
    def _one_place(self) -> NewRequest:
        if self.address_id and self.building and self.address_id != self.building:
            mismatch(Mismatch.REQUIRED_WITH, "name different places", field="address_id and attribute[building]")
        return self
