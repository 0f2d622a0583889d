"""The OpenAPI 3.1 description of the Open311 endpoint's JSON surface (served at ``/open311/v2/openapi.json``).

The XML twin of every resource (``.xml``) carries the same fields; the
specification itself (GeoReport v2) is the reference for both.  Response
schemas are closed (``additionalProperties: false``), so a test checking
answers against them also checks that nothing of the resident's leaks out.
"""

from __future__ import annotations

from typing import Any

from ticketing.domain.rules import MAX_DESCRIPTION, MAX_EMAIL
from ticketing.domain.ticket import ResidentChannel
from ticketing.read.open311 import ATTRIBUTES, MAX_RESULTS, SPECIFICATION
from ticketing.web.openapi import EMAIL_ADDRESS

PREFIX = "/open311/v2"
Schema = dict[str, Any]
ONE_LINE = r"^[^\x00-\x1f\x7f]*$"  # parameters refuse control characters
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # and blank text


def _string(nullable: bool = False, **extra: Any) -> Schema:
    return {"type": ["string", "null"] if nullable else "string", **extra}


def _closed(properties: dict[str, Schema], required: list[str] | None = None) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def _array(item: str) -> Schema:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}}


NUMBER_OR_NULL: Schema = {"type": ["number", "null"]}
SCHEMAS: dict[str, Schema] = {
    "Error": _closed({"code": {"type": "integer"}, "description": _string()}),
    "Errors": {**_array("Error"), "minItems": 1},
    "Discovery": _closed(
        {
            "changeset": _string(),
            "contact": _string(),
            "key_service": _string(),
            "endpoints": _array("Endpoint"),
        }
    ),
    "Endpoint": _closed(
        {
            "specification": _string(const=SPECIFICATION),
            "url": _string(),
            "changeset": _string(),
            "type": _string(enum=["production", "test"]),
            "formats": {"type": "array", "items": _string()},
        }
    ),
    "Service": _closed(
        {
            "service_code": _string(),
            "service_name": _string(),
            "description": _string(),
            "metadata": {"type": "boolean"},
            "type": _string(enum=["realtime", "batch", "blackbox"]),
            "keywords": _string(),
            "group": _string(),
        }
    ),
    "ServiceDefinition": _closed({"service_code": _string(), "attributes": _array("Attribute")}),
    "Attribute": _closed(
        {
            "variable": {"type": "boolean"},
            "code": _string(),
            "datatype": _string(enum=["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]),
            "required": {"type": "boolean"},
            "datatype_description": _string(nullable=True),
            "order": {"type": "integer", "minimum": 1},
            "description": _string(),
            "values": _array("AttributeValue"),
        },
        required=["variable", "code", "datatype", "required", "datatype_description", "order", "description"],
    ),
    "AttributeValue": _closed({"key": _string(), "name": _string()}),
    "Created": _closed({"service_request_id": _string(), "service_notice": _string(nullable=True)}),
    "Token": _closed({"service_request_id": _string(), "token": _string()}),
    "Request": _closed(
        {
            "service_request_id": _string(),
            "status": _string(enum=["open", "closed"]),
            "status_notes": _string(nullable=True),
            "service_name": _string(),
            "service_code": _string(),
            "description": _string(
                nullable=True,
                description="What the resident wrote, with phone, ID-card and flat numbers masked; "
                "null unless the service is public (the workflow file says so; never a dispute).",
            ),
            "agency_responsible": _string(
                nullable=True,
                description="The responsible post and its place (楼长 · 海曲社区第一网格): the grid or community "
                "unless the service is public. Never a person.",
            ),
            "service_notice": _string(nullable=True),
            "requested_datetime": _string(format="date-time"),
            "updated_datetime": _string(format="date-time"),
            "expected_datetime": _string(nullable=True, format="date-time"),
            "address": _string(
                nullable=True,
                description="A public service: the address given, masked. Any other: the grid or community name.",
            ),
            "address_id": _string(
                nullable=True, description="A public service: the location's id. Any other: the grid or community id."
            ),
            "zipcode": _string(nullable=True),
            "lat": {**NUMBER_OR_NULL, "description": "Rounded to 3 decimals (about 100 m)."},
            "long": {**NUMBER_OR_NULL, "description": "Rounded to 3 decimals (about 100 m)."},
            "media_url": _string(nullable=True),
            "notes": _array("Note"),
        },
        required=[
            "service_request_id",
            "status",
            "status_notes",
            "service_name",
            "service_code",
            "description",
            "agency_responsible",
            "service_notice",
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
            "address",
            "address_id",
            "zipcode",
            "lat",
            "long",
            "media_url",
        ],
    ),
    "Note": _closed(
        {
            "datetime": _string(format="date-time"),
            "status": _string(enum=["open", "closed"]),
            "type": _string(),
            "description": _string(),
        }
    ),
}


def _parameter(name: str, where: str = "query", required: bool = False, **schema: Any) -> Schema:
    return {"name": name, "in": where, "required": required, "schema": schema or _string(pattern=ONE_LINE)}


API_KEY = _parameter("api_key")
EXTENSIONS = _parameter("extensions", type="string", enum=["true", "false"])
ERRORS = {
    "400": "a parameter is missing or wrong",
    "403": "the api_key is missing or invalid",
    "404": "no such service, request, token or jurisdiction",
    "429": "too many requests from this key or address",
}


def _json(description: str, schema: Schema) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _codes(service_codes: list[str]) -> str:
    """A comma-separated list of the service codes, as a pattern."""
    one = "|".join(service_codes)
    return f"^({one})(,({one}))*$"


def _request_body(service_codes: list[str], jurisdiction_id: str) -> Schema:
    """The form of a new request: a location is required, and so are phone and description, unlike in the spec.

    ``notify_by`` is this endpoint's extension: how the resident hears of the resolution and the closing.
    """
    line = _string(pattern=ONE_LINE)
    properties: dict[str, Schema] = {
        "api_key": line,
        "jurisdiction_id": _string(enum=[jurisdiction_id]),
        "service_code": _string(enum=service_codes),
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "long": {"type": "number", "minimum": -180, "maximum": 180},
        "address_string": _string(maxLength=300, pattern=ONE_LINE),
        "address_id": _string(maxLength=64, pattern=ONE_LINE),
        "email": _string(
            maxLength=MAX_EMAIL,
            pattern=f"^{EMAIL_ADDRESS}$",
            description="The resident's e-mail address: how they are told, unless notify_by says otherwise.",
        ),
        "device_id": line,
        "account_id": line,
        "first_name": _string(maxLength=50, pattern=ONE_LINE),
        "last_name": _string(maxLength=50, pattern=ONE_LINE),
        "phone": _string(pattern=r"^\+?[0-9]{5,15}$"),
        "description": _string(minLength=1, maxLength=MAX_DESCRIPTION, pattern=TEXT),
        "media_url": _string(maxLength=500, pattern=r"^https?://[!-~]+$"),
        "notify_by": _string(
            enum=[way.value for way in ResidentChannel],
            description="Extension: how the resident hears that the request was resolved and closed "
            "(default: email when an email is given, else sms to the phone; none: only the telephone callback). "
            "email needs the email parameter.",
        ),
    }
    for attribute in ATTRIBUTES:
        properties[f"attribute[{attribute.code}]"] = _string(enum=attribute.keys) if attribute.values else line
    schema = {
        "type": "object",
        "properties": properties,
        "required": ["api_key", "service_code", "description", "phone"],
        "anyOf": [{"required": ["lat", "long"]}, {"required": ["address_string"]}, {"required": ["address_id"]}],
        "dependentRequired": {"lat": ["long"], "long": ["lat"]},
        "if": {"properties": {"notify_by": {"const": ResidentChannel.EMAIL.value}}, "required": ["notify_by"]},
        "then": {"required": ["email"]},
    }
    return {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}


def document(service_codes: list[str], jurisdiction_id: str) -> Schema:
    """The description, with the deployment's service codes and jurisdiction."""
    ref = {name: {"$ref": f"#/components/schemas/{name}"} for name in SCHEMAS}
    requests = {"type": "array", "items": ref["Request"], "maxItems": MAX_RESULTS}
    one_request = {**requests, "minItems": 1, "maxItems": 1}
    jurisdiction = _parameter("jurisdiction_id", type="string", enum=[jurisdiction_id])

    def operation(summary: str, parameters: list[Schema], answer: Schema, errors: tuple[str, ...]) -> Schema:
        responses: dict[str, Schema] = {"200": _json(summary, answer)}
        responses |= {code: _json(ERRORS[code], ref["Errors"]) for code in errors}
        return {"summary": summary, "parameters": [jurisdiction, *parameters], "responses": responses}

    list_parameters = [
        _parameter("service_request_id", type="string", pattern=r"^\d{6}-\d{6,}(,\d{6}-\d{6,})*$"),
        _parameter("service_code", type="string", pattern=_codes(service_codes)),
        _parameter("start_date", type="string", format="date-time"),
        _parameter("end_date", type="string", format="date-time"),
        _parameter("status", type="string", enum=["open", "closed", "open,closed"]),
        _parameter("page", type="integer", minimum=1, maximum=100_000),
        _parameter("page_size", type="integer", minimum=1, maximum=MAX_RESULTS),
        EXTENSIONS,
        API_KEY,
    ]
    create = operation(
        "open a service request",
        [],
        {"type": "array", "items": ref["Created"], "minItems": 1, "maxItems": 1},
        ("400", "403", "404", "429"),
    )
    create["requestBody"] = _request_body(service_codes, jurisdiction_id)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Open311 GeoReport v2",
            "version": "2",
            "description": f"Service requests to the district's community grid governance ({SPECIFICATION}).",
        },
        "paths": {
            f"{PREFIX}/discovery.json": {"get": operation("service discovery", [], ref["Discovery"], ("400", "404"))},
            f"{PREFIX}/services.json": {
                "get": operation("the services", [], {"type": "array", "items": ref["Service"]}, ("400", "404"))
            },
            f"{PREFIX}/services/{{service_code}}.json": {
                "get": operation(
                    "a service definition",
                    [_parameter("service_code", "path", required=True, type="string", enum=service_codes)],
                    ref["ServiceDefinition"],
                    ("400", "404"),
                )
            },
            f"{PREFIX}/requests.json": {
                "get": operation("service requests", list_parameters, requests, ("400", "403", "404")),
                "post": create,
            },
            f"{PREFIX}/requests/{{service_request_id}}.json": {
                "get": operation(
                    "one service request",
                    [
                        _parameter(
                            "service_request_id", "path", required=True, type="string", pattern=r"^\d{6}-\d{6,}$"
                        ),
                        EXTENSIONS,
                        API_KEY,
                    ],
                    one_request,
                    ("400", "403", "404"),
                )
            },
            f"{PREFIX}/tokens/{{token}}.json": {
                "get": operation(
                    "the request behind a resident's private token",
                    [_parameter("token", "path", required=True, type="string", pattern=r"^[A-Za-z0-9_-]+$"), API_KEY],
                    {"type": "array", "items": ref["Token"], "minItems": 1, "maxItems": 1},
                    ("400", "403", "404"),
                )
            },
        },
        "components": {"schemas": SCHEMAS},
    }
