"""Open311 GeoReport v2 answers, with the specification's field names, for both of its formats.

Each answer is one of these models or a list of them; ``dump`` turns it into
the plain document that ``ticketing.read.open311.render`` writes as JSON or
XML.  Fields the specification marks optional (a definition's ``values``, a
request's ``notes``) are left out when not set (``None`` then, which the
schema does not allow: ``SkipJsonSchema``); every other field is always
there, null when it has no value.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, WithJsonSchema
from pydantic.json_schema import SkipJsonSchema

from ticketing.schemas.base import Answer

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_RESULTS = 1000  # the default (and largest) number of requests in one answer
OPEN, CLOSED = "open", "closed"
Status = Literal["open", "closed"]
W3CTime = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
Document = dict[str, Any] | list[dict[str, Any]]


class Error(Answer):
    code: int
    description: str


class Errors(RootModel[Annotated[list[Error], Field(min_length=1)]]):
    """The specification's error list: one error, whose code is the HTTP status."""


class Endpoint(Answer):
    specification: Literal["http://wiki.open311.org/GeoReport_v2"]
    url: str
    changeset: str
    type: Literal["production", "test"]
    formats: list[str]


class Discovery(Answer):
    changeset: str
    contact: str
    key_service: str
    endpoints: list[Endpoint]


class Service(Answer):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: Literal["realtime", "batch", "blackbox"]
    keywords: str
    group: str


class Services(RootModel[list[Service]]):
    pass


class AttributeValue(Answer):
    key: str
    name: str


class Attribute(Answer):
    model_config = ConfigDict(json_schema_serialization_defaults_required=False)

    variable: bool
    code: str
    datatype: Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
    required: bool
    datatype_description: str | None
    order: Annotated[int, Field(ge=1)]
    description: str
    values: list[AttributeValue] | SkipJsonSchema[None] = Field(
        None, description="A list's keys and names (list datatypes only)."
    )


class ServiceDefinition(Answer):
    service_code: str
    attributes: list[Attribute]


class Created(Answer):
    service_request_id: str
    service_notice: str | None


class CreatedList(RootModel[Annotated[list[Created], Field(min_length=1, max_length=1)]]):
    pass


class Token(Answer):
    service_request_id: str
    token: str


class Tokens(RootModel[Annotated[list[Token], Field(min_length=1, max_length=1)]]):
    pass


class Note(Answer):
    datetime: W3CTime
    status: Status
    type: str
    description: str


class ServiceRequest(Answer):
    model_config = ConfigDict(json_schema_serialization_defaults_required=False)

    service_request_id: str
    status: Status
    status_notes: str | None
    service_name: str
    service_code: str
    description: str | None = Field(
        description="What the resident wrote, with phone, ID-card and flat numbers masked; "
        "null unless the service is public (the workflow file says so; never a dispute)."
    )
    agency_responsible: str | None = Field(
        description="The responsible post and its place (楼长 · 海曲社区第一网格): the grid or community "
        "unless the service is public. Never a person."
    )
    service_notice: str | None
    requested_datetime: W3CTime
    updated_datetime: W3CTime
    expected_datetime: W3CTime | None
    address: str | None = Field(
        description="A public service: the address given, masked. Any other: the grid or community name."
    )
    address_id: str | None = Field(
        description="A public service: the location's id. Any other: the grid or community id."
    )
    zipcode: str | None
    lat: float | None = Field(description="Rounded to 3 decimals (about 100 m).")
    long: float | None = Field(description="Rounded to 3 decimals (about 100 m).")
    media_url: str | None
    notes: list[Note] | SkipJsonSchema[None] = Field(None, description="The update history (with `extensions=true`).")


class ServiceRequests(RootModel[Annotated[list[ServiceRequest], Field(max_length=MAX_RESULTS)]]):
    pass


class OneServiceRequest(RootModel[Annotated[list[ServiceRequest], Field(min_length=1, max_length=1)]]):
    pass


def dump(answer: BaseModel) -> Document:
    """The answer as a plain document (JSON values, the specification's names), optional fields left out if unset."""
    found: Document = answer.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return found
