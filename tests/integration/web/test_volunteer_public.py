"""双报到, the public pages: register (form → preview → confirm → receipt), one's own link, claims, the list."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from ticketing.db.schema import registrants, service_claims
from ticketing.domain.volunteering.model import ItemKind, RegistrantKind, RegistrationStatus
from ticketing.domain.volunteering.registration import Application
from ticketing.domain.volunteering.service_list import Draft
from ticketing.services import Ticketing

COMMUNITY = "C0101"
SECRETARY = "S0004"  # party secretary of C0101: a manager, approves registrations
PHONE = "13906331234"
DAY = timedelta(days=1)


def _member(**fields: Any) -> dict[str, Any]:
    form = {
        "community": COMMUNITY,
        "kind": "member",
        "name": "王建国",
        "phone": "139 0633 1234",
        "work_unit": "区财政局",
        "skills": "水电维修",
        "hours_per_month": "8",
        "contact_name": "",
        "offer": "",
    }
    return form | fields


def _page(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def _count(service: Ticketing) -> int:
    with service.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(registrants)).scalar_one())


def _register(client: FlaskClient, **fields: Any) -> str:
    """Register through the form, its preview and the confirmation; the link path from the receipt."""
    preview = client.post("/v/register", data=_member(**fields))
    assert preview.status_code == 200, _page(preview)
    confirmed = client.post("/v/register", data=_member(**fields) | {"step": "confirm"})
    assert (confirmed.status_code, confirmed.location) == (302, "/v/registered"), _page(confirmed)
    receipt = _page(client.get("/v/registered"))
    found = re.search(r'href="http://localhost(/v/me/[\w-]+)"', receipt)
    assert found, receipt
    return found.group(1)


def _approved(service: Ticketing, clock: list[Any], name: str = "李明", phone: str = "13906335555") -> str:
    application = Application(COMMUNITY, RegistrantKind.MEMBER, name, phone, work_unit="区税务局")
    registered = service.volunteering.register(application, clock[0])
    service.volunteering.decide(registered.id, RegistrationStatus.APPROVED, SECRETARY, clock[0])
    return registered.link


def _item(service: Ticketing, clock: list[Any], title: str = "为独居老人代买药品", people: int = 3) -> int:
    day = service.volunteering.today(clock[0])
    draft = Draft(ItemKind.NEED, title, "每周两次，去社区卫生服务站代买药品", day, day + 30 * DAY, people, 2.0)
    return service.volunteering.publish(COMMUNITY, draft, SECRETARY, clock[0])


# --- registering ------------------------------------------------------------------------------------


def test_a_member_registers_checks_confirms_and_sees_the_link_once(client: FlaskClient, service: Ticketing) -> None:
    form = client.get("/v/register")
    assert form.status_code == 200
    assert 'value="C0101"' in _page(form) and "<optgroup" in _page(form)  # every community, under its street

    preview = client.post("/v/register", data=_member())
    page = _page(preview)
    assert preview.status_code == 200
    assert "Please check" in page and "王建国" in page and "13906331234" in page and "区财政局" in page
    assert "only the staff of this community" in page
    assert 'value="confirm"' in page and 'value="edit"' in page
    assert _count(service) == 0  # nothing is written before the confirmation

    back = client.post("/v/register", data=_member() | {"step": "edit"})
    assert back.status_code == 200 and 'value="区财政局"' in _page(back)
    assert _count(service) == 0

    confirmed = client.post("/v/register", data=_member() | {"step": "confirm"})
    assert (confirmed.status_code, confirmed.location) == (302, "/v/registered")
    assert _count(service) == 1
    receipt = client.get("/v/registered")
    assert receipt.headers["Cache-Control"] == "no-store"
    link = re.search(r'href="http://localhost(/v/me/[\w-]+)"', _page(receipt))
    assert link and "Waiting for approval" in _page(receipt)
    again = client.get("/v/registered")  # shown once: the session no longer holds it
    assert (again.status_code, again.location) == (302, "/v/register")

    me = client.get(link.group(1))
    assert me.status_code == 200
    assert "Waiting for approval" in _page(me) and "王建国" in _page(me)
    assert "You can claim items once it has" in _page(me)
    assert me.headers["Cache-Control"] == "no-store"
    assert me.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in me.headers["X-Robots-Tag"]


def test_a_unit_registers_with_its_contact_and_offer(client: FlaskClient, service: Ticketing) -> None:
    unit = {
        "kind": "unit",
        "name": "区供电公司",
        "phone": "0633-8881234",
        "contact_name": "李主任",
        "offer": "电工两名",
    }
    missing = client.post("/v/register", data=_member(**unit | {"offer": ""}))
    assert missing.status_code == 400 and "Say what the unit can offer." in _page(missing)

    link = _register(client, **unit | {"work_unit": ""})
    page = _page(client.get(link))
    assert "Unit in the community" in page and "李主任" in page and "电工两名" in page


def test_bad_input_reshows_the_form_with_the_reason_and_writes_nothing(client: FlaskClient, service: Ticketing) -> None:
    cases = [
        (_member(phone="12345"), "This is not a phone number"),
        (_member(community="C9999"), "Choose your community from the list."),
        (_member(name="长" * 101), "At most 100 characters."),
        (_member(hours_per_month="999"), "A whole number of hours from 0 to 200."),
        (_member(work_unit=""), "Give the unit you work for."),
        (_member(kind="boss"), "Say whether you register as a party member or as a unit."),
    ]
    for number, (form, message) in enumerate(cases):
        response = client.post("/v/register", data=form | {"step": "confirm" if number % 2 else ""})
        assert response.status_code == 400, form
        assert message in _page(response), (form, _page(response))
    assert _count(service) == 0


def test_registering_is_rate_limited_per_client(client: FlaskClient, service: Ticketing) -> None:
    statuses = [client.post("/v/register", data=_member(phone="1")).status_code for _ in range(11)]
    assert statuses == [400] * 10 + [429]
    assert _count(service) == 0


def test_a_phone_registered_already_is_refused_in_chinese(app: Flask, service: Ticketing) -> None:
    browser = app.test_client()  # reads Chinese (the default)
    _register(browser)
    again = browser.post("/v/register", data=_member() | {"step": "confirm"})
    assert again.status_code == 409
    assert "已" in _page(again) and "this phone is already registered" not in _page(again)
    assert _count(service) == 1


# --- the public list --------------------------------------------------------------------------------


def test_the_public_list_shows_items_and_places_never_names_or_phones(
    client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    link = _approved(service, clock, "王建国", PHONE)
    item = _item(service, clock, people=3)
    service.volunteering.claim_by_link(link, item, clock[0])

    page = _page(client.get(f"/v/list/{COMMUNITY}"))
    assert "为独居老人代买药品" in page and "Places left" in page
    assert re.search(r"Places left</dt><dd>2<", page)
    assert "王建国" not in page and PHONE not in page and "区税务局" not in page
    assert 'href="/v/register"' in page
    assert client.get("/v/list/C9999").status_code == 404
    assert client.get("/v/list/B01010101").status_code == 404  # a building is no community


def test_the_home_page_links_the_registration(client: FlaskClient) -> None:
    assert 'href="/v/register"' in _page(client.get("/"))


# --- one's own link ---------------------------------------------------------------------------------


def test_an_approved_member_claims_through_the_link_and_withdraws(
    client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    link = _approved(service, clock)
    item = _item(service, clock)

    listed = _page(client.get(f"/v/me/{link}/items"))
    assert "为独居老人代买药品" in listed and 'name="item_id"' in listed

    claimed = client.post(f"/v/me/{link}/claims", data={"item_id": str(item)})
    assert (claimed.status_code, claimed.location) == (302, f"/v/me/{link}")
    me = _page(client.get(f"/v/me/{link}"))
    assert "Your claim is sent" in me and "为独居老人代买药品" in me and "Waiting for the community" in me

    twice = client.post(f"/v/me/{link}/claims", data={"item_id": str(item)})
    assert twice.status_code == 409 and "claimed by this member, unit or team already" in _page(twice)

    claim_id = _claims(service)[0]
    withdrawn = client.post(f"/v/me/{link}/claims/{claim_id}/withdraw")
    assert (withdrawn.status_code, withdrawn.location) == (302, f"/v/me/{link}")
    assert "Withdrawn" in _page(client.get(f"/v/me/{link}"))

    again = client.post(f"/v/me/{link}/claims/{claim_id}/withdraw")
    assert again.status_code == 403 or again.status_code == 409


def test_a_leader_claims_for_the_team_with_a_number_of_people(
    client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    link = _approved(service, clock)
    me = service.volunteering.by_link(link)
    others = [service.volunteering.by_link(_approved(service, clock, f"队员{n}", f"1390633600{n}")).id for n in (1, 2)]
    volunteering = service.volunteering
    team = volunteering.create_team(
        COMMUNITY, "红马甲服务队", "邻里红马甲", [me.id, *others], me.id, SECRETARY, clock[0]
    )
    item = _item(service, clock, people=5)
    page = _page(client.get(f"/v/me/{link}/items"))
    assert f'value="{team}"' in page and 'name="people"' in page

    claimed = client.post(f"/v/me/{link}/claims", data={"item_id": str(item), "team_id": str(team), "people": "3"})
    assert claimed.status_code == 302
    mine = _page(client.get(f"/v/me/{link}"))
    assert "红马甲服务队" in mine and "3 people" in mine
    small = _item(service, clock, title="楼道杂物清理", people=2)
    too_many = client.post(f"/v/me/{link}/claims", data={"item_id": str(small), "team_id": str(team), "people": "3"})
    assert too_many.status_code == 409 and "2 place(s) left" in _page(too_many)
    alone = client.post(f"/v/me/{link}/claims", data={"item_id": str(item), "people": "9"})  # a member is one
    assert alone.status_code == 302
    assert re.search(r"Places left</dt><dd>1<", _page(client.get(f"/v/list/{COMMUNITY}")))


def test_a_pending_registrant_cannot_claim_yet(client: FlaskClient, service: Ticketing, clock: list[Any]) -> None:
    link = _register(client)
    item = _item(service, clock)
    page = _page(client.get(f"{link}/items"))
    assert "once the community has approved your registration" in page and 'name="item_id"' not in page
    refused = client.post(f"{link}/claims", data={"item_id": str(item)})
    assert refused.status_code in (403, 409)
    assert _claims(service) == []


def test_hostile_claims_are_refused_without_a_server_error(
    client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    link = _approved(service, clock)
    _item(service, clock)
    for form in (
        {"item_id": "x"},
        {"item_id": "99999999999999"},
        {"item_id": "0"},
        {},
        {"item_id": "2147483647"},
        {"item_id": "1", "team_id": "-1"},
        {"item_id": "1", "people": "1e9"},
    ):
        response = client.post(f"/v/me/{link}/claims", data=form)
        assert 400 <= response.status_code < 500, form
    assert _claims(service) == []


def test_a_wrong_link_is_not_found(client: FlaskClient) -> None:
    for url in ("/v/me/not-a-link", "/v/me/not-a-link/items"):
        response = client.get(url)
        assert response.status_code == 404 and "this link opens no registration" in _page(response)
    assert client.post("/v/me/not-a-link/claims", data={"item_id": "1"}).status_code == 404
    assert client.post("/v/me/not-a-link/claims/1/withdraw").status_code == 404


def test_the_pages_read_in_chinese_by_default_and_in_english_when_asked(
    app: Flask, client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    chinese = app.test_client()
    form = _page(chinese.get("/v/register"))
    assert "双报到" in form and "在职党员" in form and "驻区单位" in form
    assert "Register with your community" not in form and "Work unit" not in form
    preview = _page(chinese.post("/v/register", data=_member()))
    assert "请核对" in preview and "确认提交" in preview and "返回修改" in preview
    confirmed = chinese.post("/v/register", data=_member() | {"step": "confirm"})
    receipt = _page(chinese.get(confirmed.location))
    assert "待审核" in receipt and "只显示这一次" in receipt
    own = re.search(r'href="http://localhost(/v/me/[\w-]+)"', receipt)
    assert own and "待审核" in _page(chinese.get(own.group(1)))
    link = _approved(service, clock)
    _item(service, clock)
    for url in (f"/v/me/{link}", f"/v/me/{link}/items", f"/v/list/{COMMUNITY}"):
        page = _page(chinese.get(url))
        assert not re.search(r">[^<>]*\b(the|your|Claim|Status|Places)\b[^<>]*<", page), url

    english = _page(client.get("/v/register"))
    assert "Register with your community" in english and "In-service party member" in english


def _claims(service: Ticketing) -> list[int]:
    with service.engine.connect() as conn:
        return list(conn.execute(select(service_claims.c.id).order_by(service_claims.c.id)).scalars())


def test_a_form_with_only_the_required_fields_registers(client: FlaskClient, service: Ticketing) -> None:
    required = {
        "community": COMMUNITY,
        "kind": "member",
        "name": "周杰",
        "phone": "13906337777",
        "work_unit": "区卫健委",
    }
    confirmed = client.post("/v/register", data=required | {"step": "confirm"})
    assert confirmed.status_code == 302, _page(confirmed)
    unit = {"community": COMMUNITY, "kind": "unit", "name": "区图书馆", "phone": "0633-8887777"}
    refused = client.post("/v/register", data=unit | {"step": "confirm"})
    assert refused.status_code == 400 and "A unit gives its contact person." in _page(refused)
    assert _count(service) == 1


def test_the_forms_carry_their_csrf_token(app: Flask, service: Ticketing, clock: list[Any]) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    browser = app.test_client()

    def token(page: str) -> str:
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert found, page
        return found.group(1)

    assert browser.post("/v/register", data=_member()).status_code == 400  # no token: refused
    preview = browser.post("/v/register", data=_member() | {"csrf_token": token(_page(browser.get("/v/register")))})
    assert preview.status_code == 200
    confirmed = browser.post("/v/register", data=_member() | {"step": "confirm", "csrf_token": token(_page(preview))})
    assert confirmed.status_code == 302 and _count(service) == 1

    link = _approved(service, clock)
    item = _item(service, clock)
    items = _page(browser.get(f"/v/me/{link}/items"))
    claimed = browser.post(f"/v/me/{link}/claims", data={"item_id": str(item), "csrf_token": token(items)})
    assert claimed.status_code == 302
    me = _page(browser.get(f"/v/me/{link}"))
    withdraw = re.search(r'action="(/v/me/[\w-]+/claims/\d+/withdraw)"', me)
    assert withdraw
    assert browser.post(withdraw.group(1), data={"csrf_token": token(me)}).status_code == 302
