"""Each field is read alike everywhere: the served OpenAPI documents, the API models, the web forms and the intake.

A phone number, an e-mail address and the texts' lengths are checked four
ways: by the JSON Schema the documents publish (read as ECMA-262 reads its
patterns), by the staff API itself, by the staff and resident forms, and by
``Intake.problems``.  For sampled and generated values all four agree, so a
request that fits the documents is never refused by the rules as a bad value
(the 16-digit phone the old description let through), and one the rules
refuse is refused as not fitting.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS31Validator
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from ticketing.domain.field_rules import MAX_ADDRESS, MAX_DESCRIPTION, MAX_EMAIL, MAX_NAME
from ticketing.domain.rules import Intake
from ticketing.domain.ticket import Channel
from ticketing.services import Ticketing
from ticketing.web.resident import RequestForm
from ticketing.web.staff.register import RegisterForm

Call = Callable[..., TestResponse]
PHONES = (
    "13806330000",
    "138 0633 0000",
    "+86 139-1234-5678",
    " +86 13912345678 ",
    "12345",
    "123456789012345",
    "1234",
    "1234567890123456",  # 16 digits: the old description's pattern let it through, the intake refused it
    "+86 138 0633 0000 12",
    "010-12345678",  # a landline with its area code: for the callback, not for SMS
    "0571 8888 8888",
    "12012345678",  # 11 digits, but no mobile starts 12
    "12345678",  # a landline without its area code
    "1" * 15 + " " * 18,  # 15 digits, but longer than a phone column holds
    "１３８０６３３００００",  # full-width digits
    "138\n06330000",
    "call me",
    "+",
    "12345+",
    "++12345",
)
EMAILS = (
    "wang@example.com",
    "wang@mail.example.cn",
    "wang at example.com",
    "wang@example",
    "@example.com",
    "wang@exa mple.com",
    "wang\u0085@example.com",
    f"w@{'x' * 250}.cn",
    f"w@{'x' * 249}.cn",
)
INTAKE = Intake(
    workflow="general",
    category="property_repair",
    description="楼道灯坏了",
    channel=Channel.WEB,
    contact_phone="13806330000",
)


def _documents(client: FlaskClient) -> dict[str, dict[str, Any]]:
    return {
        "staff": client.get("/api/v1/openapi.json").get_json(),
        "open311": client.get("/open311/v2/openapi.json").get_json(),
    }


def _property(document: dict[str, Any], model: str, name: str) -> dict[str, Any]:
    return document["components"]["schemas"][model]["properties"][name]


def _fits(schema: dict[str, Any], value: str) -> bool:
    """Whether ``value`` fits ``schema``, its pattern read as ECMA-262 does (``$``: the very end, never before a
    final line feed, as Python's ``$`` also allows)."""
    checked = dict(schema)
    pattern = checked.pop("pattern", None)
    if pattern is not None and not re.search(pattern.removesuffix("$") + r"\Z", value):
        return False
    return OAS31Validator(checked).is_valid(value)


def _intake_takes(field: str, value: str) -> bool:
    problems = replace(INTAKE, **{field: value}).problems()
    return not any(problem.startswith(f"{field}:") for problem in problems)


def _form_takes(app: Flask, form: type[Any], value: str) -> tuple[bool, str]:
    """Whether the form's phone field takes ``value``, and the value it hands on (forms strip some)."""
    with app.test_request_context():
        found = form(formdata=MultiDict({"contact_phone": value, "notify_by": "none"}), meta={"csrf": False})
        return found.contact_phone.validate(found), found.contact_phone.data


@pytest.fixture
def phone_schemas(client: FlaskClient) -> list[dict[str, Any]]:
    documents = _documents(client)
    return [
        _property(documents["staff"], "NewTicket", "contact_phone"),
        _property(documents["open311"], "NewRequest", "phone"),
    ]


def _agree_on_phone(app: Flask, schemas: list[dict[str, Any]], value: str) -> None:
    intake = _intake_takes("contact_phone", value)
    for schema in schemas if value else ():  # no phone (taken) is the field left out, which the documents allow
        assert _fits(schema, value) == intake, f"{value!r}: the document says {not intake}, the intake {intake}"
    for form in (RegisterForm, RequestForm):
        taken, handed_on = _form_takes(app, form, value)
        if handed_on:
            assert taken == _intake_takes("contact_phone", handed_on), f"{form.__name__} on {value!r}"


@pytest.mark.parametrize("value", PHONES)
def test_a_phone_number_is_one_in_the_documents_the_forms_and_the_intake_alike(
    app: Flask, phone_schemas: list[dict[str, Any]], value: str
) -> None:
    _agree_on_phone(app, phone_schemas, value)


def test_generated_phone_numbers_are_read_alike(app: Flask, phone_schemas: list[dict[str, Any]]) -> None:
    @given(st.text(alphabet="0123456789 -+a\n１", max_size=36))
    @settings(max_examples=300, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    def agree(value: str) -> None:
        _agree_on_phone(app, phone_schemas, value)

    agree()


@pytest.mark.parametrize("value", EMAILS)
def test_an_email_address_is_one_in_both_documents_and_the_intake_alike(client: FlaskClient, value: str) -> None:
    documents = _documents(client)
    intake = _intake_takes("contact_email", value)

    assert _fits(_property(documents["staff"], "NewTicket", "contact_email"), value) == intake
    assert _fits(_property(documents["open311"], "NewRequest", "email"), value) == intake


@pytest.mark.parametrize(
    ("field", "staff", "open311", "limit"),
    [
        ("description", "description", "description", MAX_DESCRIPTION),
        ("contact_name", "contact_name", None, MAX_NAME),
        ("address", "address", "address_string", MAX_ADDRESS),
        ("contact_email", "contact_email", "email", MAX_EMAIL),
    ],
)
def test_the_documents_allow_the_lengths_the_intake_allows(
    client: FlaskClient, field: str, staff: str, open311: str | None, limit: int
) -> None:
    documents = _documents(client)
    schemas = [_property(documents["staff"], "NewTicket", staff)]
    if open311:
        schemas.append(_property(documents["open311"], "NewRequest", open311))
    for schema in schemas:
        assert schema["maxLength"] == limit
    longest = "x" * (limit - len("@example.cn")) + "@example.cn" if field == "contact_email" else "漏" * limit
    assert _intake_takes(field, longest) and not _intake_takes(field, "x" + longest)


def test_a_phone_the_document_allows_is_registered_and_one_it_does_not_is_refused_as_not_fitting(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    body = {"category": "sanitation", "description": "垃圾没人清运", "location_id": "B01010101", "channel": "phone"}
    call = as_staff("S0010")

    registered = call("POST", "/api/v1/tickets", json={**body, "contact_phone": "+86 138-0633-1111"})
    too_long = call("POST", "/api/v1/tickets", json={**body, "contact_phone": "1234567890123456"})

    assert registered.status_code == 201, registered.get_json()
    assert too_long.status_code == 422
    assert set(too_long.get_json()["error"]["details"]["fields"]) == {"contact_phone"}
    assert len(service.list_tickets()) == 1


def test_a_landline_is_registered_for_the_callback_and_refused_for_a_text_message(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    body = {"category": "sanitation", "description": "垃圾没人清运", "location_id": "B01010101", "channel": "phone"}
    call = as_staff("S0010")

    called_back = call("POST", "/api/v1/tickets", json={**body, "contact_phone": "0633 888 1111"})
    texted = call("POST", "/api/v1/tickets", json={**body, "contact_phone": "0633-8881111", "notify_by": "sms"})
    short = call("POST", "/api/v1/tickets", json={**body, "contact_phone": "12345", "notify_by": "sms"})

    assert called_back.status_code == 201, called_back.get_json()
    ticket = service.show(called_back.get_json()["number"]).ticket
    assert (ticket.contact_phone, ticket.notify_by) == ("0633-8881111", "none")  # only called back
    assert texted.status_code == 400 and "a landline can only be called back" in texted.get_json()["error"]["message"]
    assert short.status_code == 422
    assert set(short.get_json()["error"]["details"]["fields"]) == {"contact_phone"}
    assert len(service.list_tickets()) == 1
