"""What a caller is told when a value cannot be used: a 4xx with a reason, in the surface's own form.

The walk over every route (``test_hostile_input.py``) only checks that no
answer is a server error; these tests pin what pages, the staff API and
Open311 answer for the inputs a security review tried.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ticketing.services import Ticketing
from ticketing.services.credentials import issue_staff_token

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock (tests/integration/conftest.py)
Login = Callable[[str], FlaskClient]


def _message(response: TestResponse) -> str:
    """The error page's message."""
    found = re.search(r'<p class="error-message">(.*?)</p>', response.get_data(as_text=True), re.S)
    return html.unescape(found[1]).strip() if found else response.get_data(as_text=True)


def _api(client: FlaskClient, service: Ticketing, staff_id: str = "S0004") -> Callable[..., TestResponse]:
    _id, token = issue_staff_token(service.engine, staff_id, NOW)

    def call(method: str, url: str, body: str | None = None) -> TestResponse:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        return client.open(url, method=method, data=body, headers=headers)

    return call


def _api_error(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    error: dict[str, Any] = response.get_json()["error"]
    assert error["code"] == code, error
    return error


# --- pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/staff/t/²",
        "/staff/t/٣",
        "/staff/t/99999999999999999999",
        "/staff/t/1e20",
        "/admin/outbox/99999999999999999999/retry",
        "/admin/outbox/1e20/retry",
        "/admin/outbox/-1/retry",
    ],
)
def test_a_path_part_that_is_no_id_or_tracking_number_is_not_found(login: Login, url: str) -> None:
    admin = login("S0001")
    response = admin.post(url) if url.endswith("/retry") else admin.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["/staff/t/%00", "/admin/accounts/S0014%00", "/admin/accounts?q=%00", "/r/track?x=%1B"])
def test_a_control_character_in_the_address_is_refused_with_a_reason(login: Login, url: str) -> None:
    response = login("S0001").get(url)
    assert response.status_code == 400
    assert "control characters are not allowed" in _message(response)


def test_an_address_that_is_not_utf8_is_refused(client: FlaskClient) -> None:
    response = client.get("/r/track?number=%ED%A0%80")  # a lone surrogate, encoded
    assert response.status_code == 400
    assert _message(response) == "This address is not valid UTF-8 text: check the link."


def test_a_nul_in_a_form_field_is_refused_naming_the_field(client: FlaskClient) -> None:
    response = client.post("/r/track", data={"number": "261123-000001\x00", "phone_ending": "5678"})
    assert response.status_code == 400
    assert _message(response) == "number: control characters are not allowed"


def test_a_tracking_number_of_another_shape_is_refused_on_the_form(client: FlaskClient) -> None:
    for number in ("²", "99999999999999999999"):
        page = client.post("/r/track", data={"number": number, "phone_ending": "5678"}).get_data(as_text=True)
        assert "A tracking number looks like 261127-000001 (the hyphen may be left out)." in page


def test_pages_take_forms_not_json(client: FlaskClient) -> None:
    response = client.post("/r/track", data="[" * 5000 + "]" * 5000, content_type="application/json")
    assert response.status_code == 415
    assert _message(response) == "This page takes a form, not JSON."


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31"])
def test_the_rates_period_stays_within_sane_years(login: Login, day: str) -> None:
    supervisor = login("S0004")
    for page in ("/supervise/rates", "/supervise/rates.csv", "/supervise/rates.xlsx"):
        response = supervisor.get(f"{page}?first={day}")
        assert response.status_code == 400, page
    assert "Choose a date from 2000 to 2100." in supervisor.get(f"/supervise/rates?first={day}").get_data(as_text=True)


def test_a_page_number_past_every_list_shows_a_page(login: Login) -> None:
    admin = login("S0001")
    for url in ("/admin/accounts", "/admin/absences", "/staff/queue"):
        for page in ("99999999999999999999", "1e20", "-1", "²"):
            assert admin.get(f"{url}?page={page}").status_code == 200, (url, page)
    assert login("S0004").get("/supervise/board?page=99999999999999999999").status_code == 400


# --- the staff API ----------------------------------------------------------------------------------


def test_the_api_refuses_deep_json_before_parsing_it(client: FlaskClient, service: Ticketing) -> None:
    call = _api(client, service)
    for body in ("[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000):
        error = _api_error(call("POST", "/api/v1/tickets", body), 400, "invalid_input")
        assert error["message"] == "The JSON body is nested more than 32 levels deep."


def test_the_api_refuses_a_body_over_64_kib(client: FlaskClient, service: Ticketing) -> None:
    body = json.dumps({"category": "property_repair", "description": "x" * 70_000})
    error = _api_error(_api(client, service)("POST", "/api/v1/tickets", body), 413, "payload_too_large")
    assert error["message"] == "The JSON body is larger than 65,536 bytes."


@pytest.mark.parametrize("text", ["\ud800", "a\x00b", "a\x1bb"])
def test_the_api_refuses_texts_no_database_can_hold(client: FlaskClient, service: Ticketing, text: str) -> None:
    body = json.dumps({"category": "property_repair", "description": text, "contact_phone": "13912345678"})
    error = _api_error(_api(client, service)("POST", "/api/v1/tickets", body), 400, "invalid_input")
    assert error["details"] == {"field": "description"}
    assert error["message"] == "description: control characters are not allowed"


def test_the_api_refuses_nan(client: FlaskClient, service: Ticketing) -> None:
    body = '{"version": NaN, "text": "已联系"}'
    response = _api(client, service)("POST", "/api/v1/tickets/261123-000001/actions/note", body)
    error = _api_error(response, 400, "invalid_input")
    assert error["message"] == "version: NaN and Infinity are not JSON numbers."


def test_the_api_keeps_dates_and_pages_within_bounds(client: FlaskClient, service: Ticketing) -> None:
    call = _api(client, service)
    error = _api_error(call("GET", "/api/v1/rates?from=0001-01-01&to=0001-01-05"), 400, "invalid_input")
    assert error["details"] == {"fields": {"from": "a time from 2000 to 2100", "to": "a time from 2000 to 2100"}}
    error = _api_error(call("GET", "/api/v1/queues/mine?page=99999999999999999999"), 422, "invalid_request")
    assert error["details"] == {"fields": {"page": "at most 100000"}}


def test_a_control_character_in_an_api_address_gets_a_json_error(client: FlaskClient, service: Ticketing) -> None:
    error = _api_error(_api(client, service)("GET", "/api/v1/tickets?state=%00"), 400, "invalid_input")
    assert "control characters" in error["message"]


# --- Open311 ----------------------------------------------------------------------------------------


def test_open311_answers_hostile_input_in_its_own_error_format(client: FlaskClient) -> None:
    as_json = client.get("/open311/v2/requests.json?service_code=%00")
    assert as_json.status_code == 400
    assert as_json.get_json() == [{"code": 400, "description": "service_code: control characters are not allowed"}]
    as_xml = client.get("/open311/v2/requests.xml?status=%ED%A0%80")
    assert as_xml.status_code == 400 and as_xml.content_type.startswith("text/xml")
    assert b"This address is not valid UTF-8 text" in as_xml.data
