"""Open311 GeoReport v2 conformance, written from the specification: every resource and every error, XML and JSON.

Each answer is parsed as its format demands (XML: the declaration, the
specification's element names, no namespaces; JSON: valid, codes as strings),
then read into one shape by the Spark convention the specification names, so
that the same assertions hold for both formats.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from secret_keys import TEST_SECRET_KEY
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from ticketing.db.schema import tickets
from ticketing.deploy.settings import Settings
from ticketing.domain.ticket import Channel, ResidentChannel
from ticketing.read import open311 as read
from ticketing.services import Ticketing
from ticketing.services.credentials import create_api_key, revoke_api_key
from ticketing.web import create_app
from ticketing.web.extensions import limiter

API = "/open311/v2"
FORMATS = ("xml", "json")
WEB_NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock (conftest): Monday 09:00 in Shanghai
PHONE = "13912345678"
NAME = ("三", "张")  # first and last name: 张三
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
MEDIA_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
LISTS = {  # XML elements holding a list, and the element of each item (the Spark convention)
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "notes": "note",
    "endpoints": "endpoint",
    "formats": "format",
}
Doc = Any


@pytest.fixture
def key(service: Ticketing) -> str:
    return create_api_key(service.engine, "test client", WEB_NOW)


def _xml(response: TestResponse) -> ET.Element:
    text = response.get_data(as_text=True)
    assert text.startswith(DECLARATION), text[:80]
    root = ET.fromstring(response.get_data())
    for element in root.iter():
        assert not element.tag.startswith("{") and not element.attrib, f"namespace or attribute on {element.tag}"
    return root


def _spark(element: ET.Element) -> Doc:
    """An XML element as its JSON twin, every leaf as text (None when empty)."""
    if element.tag in LISTS:
        assert all(child.tag == LISTS[element.tag] for child in element), [child.tag for child in element]
        return [_spark(child) for child in element]
    if len(element):
        return {child.tag: _spark(child) for child in element}
    return element.text


def _texts(value: Doc) -> Doc:
    """JSON values as XML leaves carry them: booleans as true/false, numbers as text, null as None."""
    if isinstance(value, list):
        return [_texts(item) for item in value]
    if isinstance(value, dict):
        return {key: _texts(item) for key, item in value.items()}
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def _doc(response: TestResponse, fmt: str, root: str) -> Doc:
    """The answer in one shape for both formats, after checking it is what its format demands."""
    assert response.content_type == MEDIA_TYPES[fmt]
    if fmt == "json":
        return _texts(json.loads(response.get_data(as_text=True)))
    element = _xml(response)
    assert element.tag == root
    return _spark(element)


def _call(client: FlaskClient, method: str, path: str, fmt: str, **params: Any) -> TestResponse:
    url = f"{API}/{path}.{fmt}"
    if method == "POST":
        return client.post(url, data=params)
    return client.get(url, query_string=params)


def _ok(client: FlaskClient, path: str, fmt: str, root: str = "service_requests", **params: Any) -> Doc:
    response = _call(client, "GET", path, fmt, **params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return _doc(response, fmt, root)


def _error(response: TestResponse, fmt: str, code: int, says: str = "") -> str:
    """The answer is the specification's error list with this code; its description."""
    assert response.status_code == code, response.get_data(as_text=True)
    errors = _doc(response, fmt, "errors")
    assert len(errors) == 1 and set(errors[0]) == {"code", "description"}
    assert errors[0]["code"] == str(code) and says in errors[0]["description"], errors
    if fmt == "json":
        assert isinstance(json.loads(response.get_data(as_text=True))[0]["code"], int)
    return errors[0]["description"]


def _form(key: str, **fields: Any) -> dict[str, Any]:
    form = {
        "api_key": key,
        "service_code": "property_repair",
        "address_id": "B01010101",
        "description": "楼道灯坏了，晚上看不见台阶",
        "first_name": NAME[0],
        "last_name": NAME[1],
        "phone": PHONE,
        "email": "resident@example.com",
        "device_id": "device-1",
        "account_id": "account-1",
    }
    return {name: value for name, value in (form | fields).items() if value is not None}


def _post(client: FlaskClient, key: str, fmt: str = "json", **fields: Any) -> str:
    """Open a request through the API; its tracking number."""
    response = _call(client, "POST", "requests", fmt, **_form(key, **fields))
    assert response.status_code == 200, response.get_data(as_text=True)
    [created] = _doc(response, fmt, "service_requests")
    return created["service_request_id"]


def _open(service: Ticketing, at: datetime, category: str = "property_repair", token: str | None = None) -> str:
    ticket = service.open_ticket(
        category=category,
        description="路灯不亮",
        contact_phone=PHONE,
        contact_name="张三",
        location_id="B01010101",
        access_token=token,
        now=at,
    )
    return ticket.number


def _close(service: Ticketing, number: str, at: datetime) -> None:
    service.act(number, "acknowledge", "S0013", at)
    service.act(number, "note", "S0013", at + timedelta(minutes=1), text="内部备注：联系了物业王经理 13900000000")
    service.act(number, "resolve", "S0013", at + timedelta(hours=1), resolution="已更换楼道灯")
    service.act(number, "callback", "S0013", at + timedelta(hours=2), satisfaction="satisfied", solved=True)


# --- discovery and services ----------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_this_endpoint_in_both_formats(client: FlaskClient, fmt: str) -> None:
    found = _ok(client, "discovery", fmt, root="discovery")

    assert set(found) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = found["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == f"http://localhost{API}"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_every_category_as_a_realtime_service(client: FlaskClient, service: Ticketing, fmt: str) -> None:
    found = _ok(client, "services", fmt, root="services")

    codes = [category.code for category in service.worlds.catalogue.categories()]
    assert sorted(s["service_code"] for s in found) == sorted(codes)
    fields = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
    assert all(list(s) == fields for s in found)
    repair = next(s for s in found if s["service_code"] == "property_repair")
    assert repair["service_name"] == "物业维修"
    assert (repair["metadata"], repair["type"]) == ("true", "realtime")
    assert repair["group"] and repair["keywords"] and repair["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_service_definition_lists_its_attributes_with_datatypes_and_values(client: FlaskClient, fmt: str) -> None:
    found = _ok(client, "services/property_repair", fmt, root="service_definition")

    assert found["service_code"] == "property_repair"
    urgency, building = found["attributes"]
    assert (urgency["code"], urgency["datatype"], urgency["order"]) == ("urgency", "singlevaluelist", "1")
    assert [value["key"] for value in urgency["values"]] == ["normal", "urgent"]
    assert (building["code"], building["datatype"], building["order"]) == ("building", "string", "2")
    for attribute in (urgency, building):
        assert (attribute["variable"], attribute["required"]) == ("true", "false")
        assert attribute["description"] and attribute["datatype_description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_service_is_not_found(client: FlaskClient, fmt: str) -> None:
    _error(client.get(f"{API}/services/potholes.{fmt}"), fmt, 404, "service_code 'potholes' not found")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_singular_service_path_some_clients_ask_for_answers_the_same_definition(
    client: FlaskClient, fmt: str
) -> None:
    plural = client.get(f"{API}/services/property_repair.{fmt}")
    singular = client.get(f"{API}/service/property_repair.{fmt}")

    assert (singular.status_code, singular.content_type) == (200, MEDIA_TYPES[fmt])
    assert singular.get_data() == plural.get_data()
    _error(client.get(f"{API}/service/potholes.{fmt}"), fmt, 404, "service_code 'potholes' not found")
    _error(client.get(f"{API}/service/property_repair.{fmt}?jurisdiction_id=sfgov.org"), fmt, 404, "jurisdiction_id")
    assert client.get(f"{API}/service/property_repair.csv").status_code == 404
    assert client.post(f"{API}/service/property_repair.{fmt}").status_code == 405


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_without_a_phone_is_opened_with_its_tracking_number(
    client: FlaskClient, service: Ticketing, key: str, fmt: str
) -> None:
    e_mail_only = _call(client, "POST", "requests", fmt, **_form(key, phone=None))
    anonymous = _call(
        client, "POST", "requests", fmt, **_form(key, phone=None, email=None, first_name=None, last_name=None)
    )

    for response in (e_mail_only, anonymous):
        assert response.status_code == 200, response.get_data(as_text=True)
    [by_mail], [nobody] = (_doc(response, fmt, "service_requests") for response in (e_mail_only, anonymous))
    assert (
        by_mail["service_notice"] == nobody["service_notice"] == "由楼长 · 阳光小区1号楼负责，签收时限 2026-11-23 11:00"
    )
    mailed, unnamed = (service.show(created["service_request_id"]).ticket for created in (by_mail, nobody))
    assert (mailed.contact_phone, mailed.contact_email, mailed.notify_by) == ("", "resident@example.com", "email")
    assert (unnamed.contact_phone, unnamed.contact_name, unnamed.notify_by) == ("", "", ResidentChannel.NONE)
    [shown] = _ok(client, f"requests/{unnamed.number}", fmt)
    assert shown["service_request_id"] == unnamed.number and shown["status"] == "open"


def test_json_codes_and_ids_are_strings_and_flags_booleans(client: FlaskClient, service: Ticketing, key: str) -> None:
    _post(client, key)
    services = client.get(f"{API}/services.json").get_json()
    definition = client.get(f"{API}/services/property_repair.json").get_json()
    [request] = client.get(f"{API}/requests.json").get_json()

    assert all(isinstance(s["service_code"], str) and s["metadata"] is True for s in services)
    assert isinstance(definition, dict)  # the specification's service definition is an object, not a list
    assert definition["attributes"][0]["order"] == 1 and definition["attributes"][0]["variable"] is True
    assert all(isinstance(request[name], str) for name in ("service_request_id", "service_code", "address_id"))
    assert isinstance(request["lat"], float) and isinstance(request["long"], float)


# --- opening a request ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_opens_a_ticket_through_the_engine_as_the_web_form_does(
    client: FlaskClient, service: Ticketing, key: str, fmt: str
) -> None:
    response = _call(client, "POST", "requests", fmt, **_form(key))

    assert response.status_code == 200, response.get_data(as_text=True)
    [created] = _doc(response, fmt, "service_requests")
    assert list(created) == ["service_request_id", "service_notice"]  # realtime: no token, no account_id
    assert created["service_notice"] == "由楼长 · 阳光小区1号楼负责，签收时限 2026-11-23 11:00"
    detail = service.show(created["service_request_id"])
    ticket = detail.ticket
    assert ticket.channel is Channel.API
    assert (ticket.post_id, ticket.holder_id, ticket.tier) == ("B01010101.building_leader", "S0013", 0)
    assert (ticket.contact_phone, ticket.contact_name) == (PHONE, "张三")
    assert ticket.due_at == WEB_NOW + timedelta(hours=2)
    assert [entry.action for entry in detail.history] == ["open"]
    with service.engine.connect() as conn:  # a private link exists, as for a web request, though no one is given it
        assert conn.execute(select(tickets.c.access_token_hash).where(tickets.c.id == ticket.id)).scalar_one()


@pytest.mark.parametrize(
    ("where", "post"),
    [
        # A plain shop: its street leader; a stall in a market: the market's property service unit (店长).
        ({"address_id": None, "lat": "35.384", "long": "119.51165"}, "R01010101.street_leader"),
        ({"address_id": None, "address_string": "日照市海曲东路118号"}, "P01010101.shop_leader"),
        ({"address_id": None, "attribute[building]": "B01010102"}, "B01010102.building_leader"),
        ({"address_id": None, "address_string": "不知道哪里"}, "C0101.intake"),
    ],
)
def test_the_location_routes_the_request(
    client: FlaskClient, service: Ticketing, key: str, where: dict[str, str | None], post: str
) -> None:
    number = _post(client, key, **where)

    assert service.show(number).ticket.post_id == post


@pytest.mark.parametrize(
    ("fields", "way", "address"),
    [
        ({}, ResidentChannel.EMAIL, "resident@example.com"),
        ({"email": None}, ResidentChannel.SMS, ""),
        ({"email": ""}, ResidentChannel.SMS, ""),
        ({"notify_by": "sms"}, ResidentChannel.SMS, "resident@example.com"),
        ({"notify_by": "none"}, ResidentChannel.NONE, "resident@example.com"),
        ({"email": None, "notify_by": "none"}, ResidentChannel.NONE, ""),
        ({"phone": None}, ResidentChannel.EMAIL, "resident@example.com"),
        ({"phone": None, "email": None}, ResidentChannel.NONE, ""),
    ],
)
def test_the_resident_is_told_by_e_mail_when_an_address_comes_else_by_sms_unless_notify_by_says_otherwise(
    client: FlaskClient, service: Ticketing, key: str, fields: dict[str, str | None], way: ResidentChannel, address: str
) -> None:
    ticket = service.show(_post(client, key, **fields)).ticket

    assert (ticket.notify_by, ticket.contact_email) == (way, address)


def test_parameters_may_come_from_the_query_string_and_empty_ones_count_as_absent(
    client: FlaskClient, service: Ticketing, key: str
) -> None:
    query = {"api_key": key, "jurisdiction_id": "", "service_code": "property_repair"}
    form = _form("", lat="", long="", address_string="", email="", media_url="", **{"attribute[urgency]": ""})
    response = client.post(f"{API}/requests.json", query_string=query, data=form)

    assert response.status_code == 200, response.get_data(as_text=True)
    ticket = service.show(response.get_json()[0]["service_request_id"]).ticket
    assert ticket.description == "楼道灯坏了，晚上看不见台阶" and ticket.location_id == "B01010101"


def test_attributes_and_the_media_url_reach_the_staff_in_the_description(
    client: FlaskClient, service: Ticketing, key: str
) -> None:
    number = _post(client, key, media_url="https://example.com/p/1.jpg", **{"attribute[urgency]": "urgent"})

    assert service.show(number).ticket.description == "【紧急】楼道灯坏了，晚上看不见台阶\nhttps://example.com/p/1.jpg"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("fields", "code", "says"),
    [
        ({"api_key": None}, 403, "api_key missing or invalid"),
        ({"api_key": "not-a-key"}, 403, "api_key missing or invalid"),
        ({"jurisdiction_id": "sfgov.org"}, 404, "jurisdiction_id 'sfgov.org' not found"),
        ({"service_code": None}, 400, "service_code: required"),
        ({"service_code": "potholes"}, 404, "service_code 'potholes' not found"),
        ({"address_id": None}, 400, "location: give lat and long, address_string or address_id"),
        ({"address_id": "B99"}, 400, "unknown location 'B99'"),
        ({"lat": "35.38"}, 400, "lat and long: give both"),
        ({"lat": "135", "long": "119"}, 400, "lat: a WGS84 coordinate"),
        ({"long": "east", "lat": "35"}, 400, "long: a WGS84 coordinate"),
        ({"phone": "call me"}, 400, "not a phone number"),
        ({"phone": "12345"}, 400, "not a phone number: a mainland mobile (11 digits"),
        ({"phone": "010-12345678", "notify_by": "sms"}, 400, "a landline can only be called back"),
        ({"description": None}, 400, "description: required"),
        ({"description": "x" * 4001}, 400, "description: at most 4,000 characters"),
        ({"description": "bad\x00byte"}, 400, "description: control characters are not allowed"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url: 'javascript:alert(1)' is not an http or https URL"),
        ({"attribute[urgency]": "panic"}, 400, "attribute[urgency]: 'panic' is not one of normal, urgent"),
        ({"attribute[colour]": "red"}, 400, "attribute[colour]: unknown attribute"),
        ({"attribute[building]": "B01010102"}, 400, "address_id and attribute[building]: name different places"),
        ({"first_name": "名" * 51}, 400, "first_name: at most 50 characters"),
        ({"email": "resident at example.com"}, 400, "email: 'resident at example.com' is not an e-mail address"),
        ({"email": f"resident@{'x' * 250}.cn"}, 400, "email: at most 254 characters"),
        ({"notify_by": "fax"}, 400, "notify_by: 'fax' is not one of sms, email, none"),
        ({"notify_by": "email", "email": None}, 400, "notify_by: email needs the resident's address"),
        ({"notify_by": "sms", "phone": None}, 400, "notify_by: sms needs the resident's number in the phone parameter"),
    ],
)
def test_a_post_that_cannot_be_taken_says_why(
    client: FlaskClient, service: Ticketing, key: str, fmt: str, fields: dict[str, str | None], code: int, says: str
) -> None:
    _error(_call(client, "POST", "requests", fmt, **_form(key, **fields)), fmt, code, says)

    assert service.list_tickets() == []


def test_the_resident_is_written_to_in_the_language_the_request_came_in(
    app: Flask, client: FlaskClient, service: Ticketing, key: str
) -> None:
    by_header = service.show(_post(client, key)).ticket  # this client's Accept-Language is English
    by_param = service.show(_post(client, key, locale="zh_Hans")).ticket
    unsaid = service.show(_post(app.test_client(), key)).ticket

    assert [t.resident_language for t in (by_header, by_param, unsaid)] == ["en", "zh_Hans", "zh_Hans"]
    _error(_call(client, "POST", "requests", "json", **_form(key, locale="fr")), "json", 400, "locale: 'fr'")


def test_a_landline_is_kept_for_the_callback_and_a_mobile_for_text_messages(
    client: FlaskClient, service: Ticketing, key: str
) -> None:
    landline = service.show(_post(client, key, phone="0633 888 1111", email=None)).ticket
    mobile = service.show(_post(client, key, phone="+86 139-1234-5678", email=None)).ticket

    assert (landline.contact_phone, landline.notify_by) == ("0633-8881111", "none")  # only called back
    assert (mobile.contact_phone, mobile.notify_by) == ("13912345678", "sms")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_revoked_key_is_refused(client: FlaskClient, service: Ticketing, key: str, fmt: str) -> None:
    _post(client, key, fmt)
    revoke_api_key(service.engine, "test client", WEB_NOW)

    _error(_call(client, "POST", "requests", fmt, **_form(key)), fmt, 403, "api_key missing or invalid")


# --- reading requests ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_reads_as_the_specification_lists_its_fields(
    client: FlaskClient, service: Ticketing, key: str, fmt: str
) -> None:
    number = _post(client, key, service_code="public_facilities", description="楼道灯坏了，电话13812345678")

    [found] = _ok(client, f"requests/{number}", fmt)

    assert found == {
        "service_request_id": number,
        "status": "open",
        "status_notes": "待签收",
        "service_name": "公共设施",
        "service_code": "public_facilities",
        "description": "楼道灯坏了，电话***********",  # a public service: the resident's text, masked
        "agency_responsible": "楼长 · 阳光小区1号楼",
        "service_notice": "由楼长 · 阳光小区1号楼负责，签收时限 2026-11-23 11:00",
        "requested_datetime": "2026-11-23T09:00:00+08:00",
        "updated_datetime": "2026-11-23T09:00:00+08:00",
        "expected_datetime": "2026-11-23T11:00:00+08:00",
        "address": "海曲东路10号阳光小区1号楼",
        "address_id": "B01010101",
        "zipcode": None,
        "lat": "35.385",
        "long": "119.512",
        "media_url": None,
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_of_a_private_service_shows_no_text_and_only_its_grid(
    client: FlaskClient, service: Ticketing, key: str, fmt: str
) -> None:
    number = _post(client, key)

    [found] = _ok(client, f"requests/{number}", fmt)

    assert {name: found[name] for name in ("description", "address", "address_id", "lat", "long")} == {
        "description": None,
        "address": "海曲社区第一网格",
        "address_id": "G010101",
        "lat": "35.385",
        "long": "119.512",
    }
    assert found["agency_responsible"] == "楼长 · 海曲社区第一网格"  # the building is not named either
    assert found["service_notice"] == "由楼长 · 海曲社区第一网格负责，签收时限 2026-11-23 11:00"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_closed_request_is_closed_when_its_callback_closed_it(
    client: FlaskClient, service: Ticketing, fmt: str
) -> None:
    number = _open(service, WEB_NOW - timedelta(days=1))
    _close(service, number, WEB_NOW - timedelta(hours=20))

    [found] = _ok(client, f"requests/{number}", fmt)

    assert (found["status"], found["status_notes"]) == ("closed", "已办结")
    assert found["updated_datetime"] == "2026-11-22T15:00:00+08:00"  # when it closed
    assert found["expected_datetime"] is None and found["service_notice"] is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_request_is_not_found(client: FlaskClient, fmt: str) -> None:
    _error(client.get(f"{API}/requests/261123-999999.{fmt}"), fmt, 404, "service_request_id '261123-999999' not found")
    _error(client.get(f"{API}/requests/1.{fmt}"), fmt, 404, "not found")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_list_defaults_to_the_last_90_days_newest_first(client: FlaskClient, service: Ticketing, fmt: str) -> None:
    old = _open(service, WEB_NOW - timedelta(days=91))
    recent = [_open(service, WEB_NOW - timedelta(days=days)) for days in (89, 2, 1)]

    found = _ok(client, "requests", fmt)

    assert [r["service_request_id"] for r in found] == recent[::-1]
    assert old not in {r["service_request_id"] for r in found}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_list_filters_by_service_status_and_dates(client: FlaskClient, service: Ticketing, fmt: str) -> None:
    repair = _open(service, WEB_NOW - timedelta(days=10))
    closed = _open(service, WEB_NOW - timedelta(days=5))
    _close(service, closed, WEB_NOW - timedelta(days=4))
    dispute = _open(service, WEB_NOW - timedelta(days=3), category="neighbour_dispute")

    def numbers(**params: str) -> list[str]:
        return [r["service_request_id"] for r in _ok(client, "requests", fmt, **params)]

    assert numbers(service_code="neighbour_dispute") == [dispute]
    assert numbers(service_code="neighbour_dispute,property_repair") == [dispute, closed, repair]
    assert numbers(status="closed") == [closed]
    assert numbers(status="open") == [dispute, repair]
    assert numbers(status="open,closed") == numbers() == [dispute, closed, repair]
    assert numbers(start_date="2026-11-16T00:00:00+08:00") == [dispute, closed]
    assert numbers(end_date="2026-11-19T00:00:00Z") == [closed, repair]
    assert numbers(start_date="2026-11-13", end_date="2026-11-19") == [closed, repair]
    assert numbers(start_date="2026-11-01T00:00:00Z", end_date="2026-11-14T00:00:00Z", status="") == [repair]


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_request_ids_override_every_other_filter_and_keep_their_order(
    client: FlaskClient, service: Ticketing, fmt: str
) -> None:
    old = _open(service, WEB_NOW - timedelta(days=200))
    new = _open(service, WEB_NOW - timedelta(days=1))

    found = _ok(client, "requests", fmt, service_request_id=f"{old}, 261123-999999,{new}", status="closed")

    assert [r["service_request_id"] for r in found] == [old, new]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("params", "code", "says"),
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, 400, "more than 90 days apart"),
        ({"start_date": "2026-11-20T00:00:00Z", "end_date": "2026-11-10T00:00:00Z"}, 400, "before start_date"),
        ({"start_date": "2026-11-20T09:00:00"}, 400, "start_date: a W3C date-time with its time zone"),
        ({"end_date": "yesterday"}, 400, "end_date: a W3C date-time"),
        ({"status": "pending"}, 400, "status: open, closed"),
        ({"service_code": "potholes"}, 404, "service_code 'potholes' not found"),
        ({"page_size": "1001"}, 400, "page_size: a whole number from 1 to 1000"),
        ({"page": "0"}, 400, "page: a whole number"),
        ({"extensions": "maybe"}, 400, "extensions: true or false"),
        ({"jurisdiction_id": "sfgov.org"}, 404, "jurisdiction_id 'sfgov.org' not found"),
        ({"service_code": ["property_repair", "neighbour_dispute\x01"]}, 400, "control characters"),
    ],
)
def test_a_list_that_cannot_be_given_says_why(
    client: FlaskClient, fmt: str, params: dict[str, str], code: int, says: str
) -> None:
    _error(_call(client, "GET", "requests", fmt, **params), fmt, code, says)


def test_list_parameters_may_come_from_a_form_body(client: FlaskClient, service: Ticketing) -> None:
    closed = _open(service, WEB_NOW - timedelta(days=2))
    _close(service, closed, WEB_NOW - timedelta(days=1))
    _open(service, WEB_NOW - timedelta(hours=1))

    response = client.get(f"{API}/requests.json", data={"status": "closed"})

    assert [r["service_request_id"] for r in response.get_json()] == [closed]


@pytest.mark.parametrize("fmt", FORMATS)
def test_text_xml_cannot_hold_is_left_out_of_xml(client: FlaskClient, service: Ticketing, fmt: str) -> None:
    ticket = service.open_ticket(
        category="public_facilities", description="灯坏了", contact_phone=PHONE, location_id="B01010101", now=WEB_NOW
    )
    with service.engine.begin() as conn:  # recorded before intake refused control characters
        conn.execute(update(tickets).where(tickets.c.id == ticket.id).values(description="灯\x0b坏了"))

    [found] = _ok(client, f"requests/{ticket.number}", fmt)

    assert found["description"] == ("灯坏了" if fmt == "xml" else "灯\x0b坏了")


def test_our_jurisdiction_is_accepted(client: FlaskClient, service: Ticketing) -> None:
    number = _open(service, WEB_NOW - timedelta(days=1))

    found = _ok(client, "requests", "json", jurisdiction_id="donggang.example")

    assert [r["service_request_id"] for r in found] == [number]


def test_the_list_is_limited_by_default_and_pages_on_request(
    client: FlaskClient, service: Ticketing, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = [_open(service, WEB_NOW - timedelta(hours=hours)) for hours in range(5, 0, -1)][::-1]
    monkeypatch.setattr(read, "MAX_RESULTS", 3)

    def page(**params: str) -> list[str]:
        return [r["service_request_id"] for r in _ok(client, "requests", "json", **params)]

    assert page() == numbers[:3]
    assert page(page_size="2") == numbers[:2]
    assert page(page_size="2", page="2") == numbers[2:4]
    assert page(page_size="2", page="3") == numbers[4:]
    assert page(page_size="2", page="4") == []


# --- what the public reads -------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_extensions_add_the_public_steps_of_the_history(client: FlaskClient, service: Ticketing, fmt: str) -> None:
    number = _open(service, WEB_NOW - timedelta(days=1))
    _close(service, number, WEB_NOW - timedelta(hours=20))

    [found] = _ok(client, f"requests/{number}", fmt, extensions="true")
    [listed] = _ok(client, "requests", fmt, extensions="true")

    assert listed == found
    assert [(note["type"], note["status"]) for note in found["notes"]] == [
        ("open", "open"),
        ("acknowledge", "open"),
        ("resolve", "open"),
        ("callback", "closed"),
    ]
    assert found["notes"][1] == {
        "datetime": "2026-11-22T13:00:00+08:00",
        "status": "open",
        "type": "acknowledge",
        "description": "办理中 · 楼长 · 海曲社区第一网格",
    }
    assert "notes" not in _ok(client, f"requests/{number}", fmt)[0]


FAMILY_DISPUTE = "丈夫酗酒后打人，我的电话13812345678，身份证37010219900101123X，住3单元502室"
TYPED_ADDRESS = "海曲东路10号阳光小区1号楼3单元502"


@pytest.mark.parametrize("fmt", FORMATS)
def test_nobody_reads_what_a_resident_wrote_about_a_family_dispute(
    client: FlaskClient, service: Ticketing, key: str, fmt: str
) -> None:
    number = _post(
        client,
        key,
        service_code="family_dispute",
        description=FAMILY_DISPUTE,
        address_string=TYPED_ADDRESS,
        lat="35.38512",
        long="119.51234",
    )
    assert service.show(number).ticket.description == FAMILY_DISPUTE  # the staff have it all

    for params in ({}, {"extensions": "true"}, {"api_key": key}, {"api_key": key, "extensions": "true"}):
        answers = [_call(client, "GET", path, fmt, **params) for path in ("requests", f"requests/{number}")]
        for answer in answers:
            text = answer.get_data(as_text=True)
            assert answer.status_code == 200 and number in text
            for secret in ("13812345678", "37010219900101123X", "502", "单元", "酗酒", "海曲东路10号", "35.38512"):
                assert secret not in text, (params, secret)
            [found] = [r for r in _doc(answer, fmt, "service_requests") if r["service_request_id"] == number]
            assert (found["description"], found["address"]) == (None, "海曲社区第一网格")
            assert (found["lat"], found["long"]) == ("35.385", "119.512")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_public_service_shows_the_resident_s_text_masked_and_the_place_coarse(
    client: FlaskClient, service: Ticketing, key: str, fmt: str
) -> None:
    number = _post(
        client,
        key,
        service_code="public_facilities",
        description="3单元502门口的路灯坏了，联系138 1234 5678",
        address_string="海曲东路10号2-3-501旁",
        lat="35.38449",
        long="119.51165",
    )

    [found] = _ok(client, f"requests/{number}", fmt)
    [listed] = _ok(client, "requests", fmt)

    assert listed == found
    assert found["description"] == "*单元***门口的路灯坏了，联系*** **** ****"
    assert found["address"] == "海曲东路10号*-*-***旁"
    assert (found["lat"], found["long"]) == ("35.384", "119.512")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_key_reads_no_more_than_anyone(client: FlaskClient, service: Ticketing, key: str, fmt: str) -> None:
    numbers = [_post(client, key, service_code=code) for code in ("family_dispute", "property_repair", "sanitation")]

    for path in ("requests", *(f"requests/{number}" for number in numbers)):
        anonymous = _call(client, "GET", path, fmt, extensions="true").get_data()
        assert _call(client, "GET", path, fmt, extensions="true", api_key=key).get_data() == anonymous


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_answer_names_the_resident_or_the_staff(client: FlaskClient, service: Ticketing, key: str, fmt: str) -> None:
    number = _post(client, key, fmt)
    _close(service, number, WEB_NOW + timedelta(minutes=5))
    with service.engine.connect() as conn:
        staff = service.worlds.organisation(conn).staff["S0013"]

    answers = [
        _call(client, "GET", path, fmt, extensions="true").get_data(as_text=True)
        for path in ("requests", f"requests/{number}")
    ]

    for text in answers:
        assert number in text
        for secret in (PHONE, PHONE[-4:], "张三", "王经理", "13900000000", staff.name, staff.phone, "S0013"):
            assert secret not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_private_token_leads_to_its_request_number(client: FlaskClient, service: Ticketing, fmt: str) -> None:
    number = _open(service, WEB_NOW, token="private-token-123")

    [found] = _ok(client, "tokens/private-token-123", fmt)

    assert found == {"service_request_id": number, "token": "private-token-123"}
    _error(client.get(f"{API}/tokens/guessed.{fmt}"), fmt, 404, "token not found")


@pytest.fixture
def private_app(service: Ticketing, database_url: str) -> Flask:
    settings = Settings(
        database_url=database_url, secret_key=TEST_SECRET_KEY, secure_cookies=False, open311_public_reads=False
    )
    return create_app(settings, service, clock=lambda: WEB_NOW, testing=True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_reads_can_be_kept_to_key_holders(private_app: Flask, service: Ticketing, key: str, fmt: str) -> None:
    client = private_app.test_client()
    number = _open(service, WEB_NOW, token="private-token-123")

    for path in ("requests", f"requests/{number}", "tokens/private-token-123"):
        _error(client.get(f"{API}/{path}.{fmt}"), fmt, 403, "api_key missing or invalid")
        _error(client.get(f"{API}/{path}.{fmt}", query_string={"api_key": "nope"}), fmt, 403)
        assert client.get(f"{API}/{path}.{fmt}", query_string={"api_key": key}).status_code == 200
    for path in ("discovery", "services", "services/property_repair"):
        assert client.get(f"{API}/{path}.{fmt}").status_code == 200


# --- the endpoint ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_resources_and_formats_are_not_found_and_other_methods_not_allowed(
    client: FlaskClient, fmt: str
) -> None:
    _error(client.get(f"{API}/services.html"), "xml", 404, "no resource /open311/v2/services.html")
    _error(client.get(f"{API}/potholes.{fmt}"), fmt, 404, "no resource")
    _error(client.get(f"{API}/requests/261123-000001.yaml"), "xml", 404)
    response = client.post(f"{API}/services.{fmt}")
    _error(response, fmt, 405)
    assert response.headers["Allow"] == "GET"


@pytest.fixture
def fresh_limits(app: Flask) -> Iterator[None]:
    with app.app_context():  # the counters are in the app's database
        limiter.reset()
    yield
    with app.app_context():
        limiter.reset()


def _post_status(client: FlaskClient, api_key: str, fmt: str = "json") -> int:
    """Post an invalid request (a wrong phone): it counts against the limits as much as a valid one."""
    return _call(client, "POST", "requests", fmt, **_form(api_key, phone="call me")).status_code


@pytest.mark.usefixtures("fresh_limits")
@pytest.mark.parametrize("fmt", FORMATS)
def test_posts_are_rate_limited_per_key(client: FlaskClient, service: Ticketing, key: str, fmt: str) -> None:
    assert [_post_status(client, key, fmt) for _ in range(30)] == [400] * 30

    _error(_call(client, "POST", "requests", fmt, **_form(key)), fmt, 429, "Too many requests: at most 30 per 1 minute")
    assert _post_status(client, create_api_key(service.engine, "another client", WEB_NOW)) == 400
    assert service.list_tickets() == []


@pytest.mark.usefixtures("fresh_limits")
def test_posts_are_rate_limited_per_client_address(client: FlaskClient, service: Ticketing, key: str) -> None:
    other, third = (create_api_key(service.engine, name, WEB_NOW) for name in ("second client", "third client"))

    assert [_post_status(client, api_key) for api_key in (key, other) for _ in range(30)] == [400] * 60

    _error(_call(client, "POST", "requests", "xml", **_form(third)), "xml", 429, "at most 60 per 1 minute")


def test_the_endpoint_needs_no_csrf_token(service: Ticketing, database_url: str, key: str) -> None:
    app = create_app(Settings(database_url=database_url, secret_key=TEST_SECRET_KEY), service, clock=lambda: WEB_NOW)
    assert app.config.get("WTF_CSRF_ENABLED", True)

    response = app.test_client().post(f"{API}/requests.json", data=_form(key))

    assert response.status_code == 200, response.get_data(as_text=True)


def test_the_openapi_description_is_served(client: FlaskClient, service: Ticketing) -> None:
    found = client.get(f"{API}/openapi.json").get_json()

    assert found["openapi"] == "3.1.0"
    assert set(found["paths"]) == {
        f"{API}/{path}.json"
        for path in (
            "discovery",
            "services",
            "services/{service_code}",
            "service/{service_code}",
            "requests",
            "requests/{service_request_id}",
            "tokens/{token}",
        )
    }
    body = found["paths"][f"{API}/requests.json"]["post"]["requestBody"]["content"]
    form = body["application/x-www-form-urlencoded"]["schema"]["$ref"].removeprefix("#/components/schemas/")
    properties = found["components"]["schemas"][form]["properties"]
    assert properties["service_code"]["enum"] == [category.code for category in service.worlds.catalogue.categories()]
    assert properties["notify_by"]["enum"] == ["sms", "email", "none"]  # the extension
    assert "Extension" in properties["notify_by"]["description"]
