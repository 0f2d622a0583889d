"""The resident pages: open a request, the receipt, the private link, tracking, feedback, photos."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from secret_keys import TEST_SECRET_KEY
from sqlalchemy import select
from werkzeug.test import TestResponse

from ticketing.db.schema import attachments
from ticketing.deploy.datadir import uploads_dir
from ticketing.deploy.settings import Settings
from ticketing.domain.ticket import ResidentChannel
from ticketing.notify.channels import RecordingSms, SmsChannel
from ticketing.notify.links import ResidentLinks, link_token
from ticketing.notify.messages import Renderer
from ticketing.services import Ticketing
from ticketing.services.outbox import dispatch_due
from ticketing.web import create_app

PHONE = "13912345678"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
STAFF_PHONES = ("13903139173", "15834250284", "13911287321")  # S0013, S0004, S0001
LOGINS = [None, "S0023", "S0013", "S0055", "S0004", "S0001"]  # unrelated staff, right staff, other/right supervisor


@pytest.fixture
def uploads(app: Flask) -> Path:
    """Where the app keeps photos: each test has its own data directory (``conftest.app``)."""
    return uploads_dir(app.extensions["ticketing_settings"])


def _request(**fields: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "category": "property_repair",
        "description": "楼道灯坏了，晚上看不见台阶",
        "community": "",
        "building": "B01010101",
        "place": "",
        "address": "",
        "contact_phone": PHONE,
        "contact_name": "张阿姨",
    }
    return form | fields


def _open(client: FlaskClient, **fields: Any) -> tuple[str, str]:
    """Open a request through the form; the tracking number and the private link from the receipt."""
    response = client.post("/r/new", data=_request(**fields), content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.location == "/r/receipt"
    receipt = client.get("/r/receipt").get_data(as_text=True)
    number = re.search(r'class="resident-number">([\d-]+)<', receipt)
    link = re.search(r'href="http://localhost(/r/t/[\w-]+)"', receipt)
    assert number and link, receipt
    return number.group(1), link.group(1)


def _page(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def _resolve(service: Ticketing, number: str, at: Any) -> None:
    service.act(number, "acknowledge", "S0013", at)
    service.act(number, "resolve", "S0013", at + timedelta(hours=1), resolution="已更换楼道灯")


# --- opening a request --------------------------------------------------------------


def test_the_form_groups_categories_by_workflow_and_places_by_community(client: FlaskClient) -> None:
    page = _page(client.get("/r/new"))

    assert '<optgroup label="General resident request">' in page
    assert '<option value="property_repair">Property repair</option>' in page
    assert '<optgroup label="海曲社区" data-community="C0101">' in page
    assert '<option value="B01010101">阳光小区1号楼</option>' in page
    assert '<option value="P01010102">海曲东路烟酒店 (海曲东路104号)</option>' in page
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page


def test_the_form_speaks_chinese_by_default(app: Flask) -> None:
    page = _page(app.test_client().get("/r/new"))

    assert '<optgroup label="居民一般诉求">' in page and ">物业维修</option>" in page


@pytest.mark.parametrize(
    ("where", "location", "post"),
    [
        ({"building": "B01010101"}, "B01010101", "B01010101.building_leader"),
        ({"building": "", "place": "P01010102"}, "P01010102", "R01010101.street_leader"),  # never the shop
        ({"building": "", "place": "P01010104"}, "P01010104", "P01010101.shop_leader"),  # the market's 店长
        ({"building": "", "place": "R01010101"}, "R01010101", "R01010101.street_leader"),
        ({"building": "", "community": "C0102"}, "C0102", "C0102.community_party"),
        ({"building": "", "address": "海曲东路10号阳光小区1号楼 3单元502"}, "B01010101", "B01010101.building_leader"),
        ({"building": "", "address": "不知名的小巷"}, None, "C0101.intake"),
        ({"community": "C0101", "building": "B01010102", "address": "2单元"}, "B01010102", "B01010102.building_leader"),
    ],
)
def test_a_request_opens_at_the_place_the_resident_picked(
    client: FlaskClient, service: Ticketing, where: dict[str, str], location: str | None, post: str
) -> None:
    number, _link = _open(client, **where)

    ticket = service.show(number).ticket
    assert (ticket.location_id, ticket.post_id, ticket.channel.value) == (location, post, "web")
    assert (ticket.contact_phone, ticket.contact_name, ticket.description) == (
        PHONE,
        "张阿姨",
        "楼道灯坏了，晚上看不见台阶",
    )
    assert ticket.address == where.get("address", "")


def test_validation_errors_show_next_to_the_fields_and_keep_what_was_typed(
    client: FlaskClient, service: Ticketing
) -> None:
    data = _request(description="", contact_phone="call me", building="B01010101", place="P01010102")
    data |= {"address": "3单元502", "contact_name": "张阿姨"}

    response = client.post("/r/new", data=data)

    page = _page(response)
    assert response.status_code == 200
    assert '<p class="error" id="description-error">Say what the problem is.</p>' in page
    assert '<p class="error" id="contact_phone-error">A text message needs a mobile number (11 digits' in page
    assert '<p class="error" id="place-error">Pick a building or a street or shop, not both.</p>' in page
    assert 'value="call me"' in page and 'value="3单元502"' in page and 'value="张阿姨"' in page
    assert '<option value="B01010101" selected>' in page and '<option value="P01010102" selected>' in page
    assert '<option value="property_repair" selected>' in page
    assert service.state_counts() == {"overdue": 0}  # nothing was opened


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"category": ""}, "category", "Choose what your request is about."),
        ({"category": "fishing"}, "category", "Not a valid choice."),
        ({"description": "灯" * 4001}, "description", "At most 4000 characters."),
        ({"description": "  \n "}, "description", "Say what the problem is."),
        ({"contact_phone": ""}, "contact_phone", "You chose a text message: give your phone number, or choose"),
        ({"contact_phone": "12-34", "notify_by": "none"}, "contact_phone", "This is not a phone number:"),
        ({"contact_phone": "1380000000012345", "notify_by": "none"}, "contact_phone", "This is not a phone number:"),
        ({"contact_phone": "12345", "notify_by": "sms"}, "contact_phone", "A text message needs a mobile number"),
        ({"contact_phone": "12345", "notify_by": "none"}, "contact_phone", "like 010-12345678"),
        ({"contact_phone": "010-12345678", "notify_by": "sms"}, "contact_phone", "a landline can only be called back"),
        ({"contact_phone": "12012345678", "notify_by": "sms"}, "contact_phone", "(11 digits, like 139 1234 5678)"),
        ({"building": ""}, "address", "Say where: pick your building, a street or shop, or type the address."),
        ({"community": "C0102"}, "building", "This building is not in the community you chose."),
        ({"building": "", "community": "C0102", "place": "P01010102"}, "place", "not in the community you chose"),
        ({"notify_by": "email"}, "contact_email", "Give your e-mail address, or choose another way to be told."),
        ({"notify_by": "email", "contact_email": "   "}, "contact_email", "Give your e-mail address"),
        ({"contact_email": "zhang@example"}, "contact_email", "This is not an e-mail address."),
        ({"contact_email": "zhang ayi@example.com"}, "contact_email", "This is not an e-mail address."),
        ({"contact_email": f"{'z' * 243}@example.com"}, "contact_email", "This is not an e-mail address."),
        ({"notify_by": "fax"}, "notify_by", "Not a valid choice."),
    ],
)
def test_each_field_is_checked(
    client: FlaskClient, service: Ticketing, fields: dict[str, str], field: str, message: str
) -> None:
    response = client.post("/r/new", data=_request(**fields))

    assert response.status_code == 200
    assert re.search(f'<p class="error" id="{field}-error">[^<]*{re.escape(message)}', _page(response))
    assert service.state_counts() == {"overdue": 0}


def _checked(page: str) -> list[str]:
    """The ways of being told that the form shows chosen."""
    return re.findall(r'<input checked id="notify_by-\d" name="notify_by" required type="radio" value="(\w+)">', page)


def test_the_form_asks_how_to_tell_the_resident_with_sms_chosen(client: FlaskClient, app: Flask) -> None:
    page = _page(client.get("/r/new"))
    chinese = _page(app.test_client().get("/r/new"))

    assert "How should we tell you when it is resolved and closed?" in page
    assert _checked(page) == ["sms"]
    assert "> SMS</label>" in page and "> E-mail</label>" in page
    assert "> No message, only the phone callback</label>" in page
    assert 'name="contact_email" type="email"' in page and "Your e-mail address (optional)" in page
    assert "<legend>办理结果通知方式</legend>" in chinese and _checked(chinese) == ["sms"]
    assert "> 短信</label>" in chinese and "> 电子邮件</label>" in chinese and "> 不通知，仅电话回访</label>" in chinese
    assert "电子邮箱（选填）" in chinese


def test_choosing_e_mail_without_an_address_keeps_the_choice_and_opens_nothing(
    client: FlaskClient, service: Ticketing
) -> None:
    response = client.post("/r/new", data=_request(notify_by="email", contact_email=""))

    page = _page(response)
    assert response.status_code == 200
    assert "Please correct the fields marked below." in page
    assert "Give your e-mail address, or choose another way to be told." in page
    assert _checked(page) == ["email"]  # what the resident chose stays chosen
    assert service.state_counts() == {"overdue": 0}


@pytest.mark.parametrize(
    ("fields", "way", "email", "shown"),
    [
        ({}, ResidentChannel.SMS, "", "SMS"),
        (
            {"notify_by": "email", "contact_email": " zhang@example.com "},
            ResidentChannel.EMAIL,
            "zhang@example.com",
            "E-mail",
        ),
        (
            {"notify_by": "none", "contact_email": "zhang@example.com"},
            ResidentChannel.NONE,
            "zhang@example.com",
            "No message, only the phone callback",
        ),
    ],
)
def test_the_choice_is_kept_and_shown_on_the_status_page(
    client: FlaskClient, service: Ticketing, fields: dict[str, str], way: ResidentChannel, email: str, shown: str
) -> None:
    number, link = _open(client, **fields)

    ticket = service.show(number).ticket
    assert (ticket.notify_by, ticket.contact_email) == (way, email)
    page = _page(client.get(link))
    assert f"<dt>How we tell you</dt><dd>{shown}</dd>" in page
    assert "zhang@example.com" not in page  # the address is for the people handling the request


def test_the_status_page_says_how_the_resident_is_told_in_chinese(app: Flask) -> None:
    browser = app.test_client()
    _number, link = _open(browser, notify_by="none")

    assert "<dt>通知方式</dt><dd>不通知，仅电话回访</dd>" in _page(browser.get(link))


def test_the_receipt_shows_the_number_and_private_link_again_on_reload(client: FlaskClient, service: Ticketing) -> None:
    number, link = _open(client)

    again = _page(client.get("/r/receipt"))
    assert number in again and link in again
    token = link.removeprefix("/r/t/")
    assert len(token) >= 32 and service.find_by_token(token).ticket.number == number
    second, second_link = _open(client, description="垃圾没人清运")
    assert second != number and second_link != link  # each request has its own link
    assert second in _page(client.get("/r/receipt")) and link not in _page(client.get("/r/receipt"))


# --- without a phone -------------------------------------------------------------------


def test_a_resident_who_leaves_only_an_e_mail_address_gets_the_receipt_and_is_told_by_e_mail(
    client: FlaskClient, service: Ticketing
) -> None:
    number, link = _open(client, contact_phone="", notify_by="email", contact_email="zhang@example.com")

    ticket = service.show(number).ticket
    assert (ticket.contact_phone, ticket.contact_email, ticket.notify_by) == ("", "zhang@example.com", "email")
    receipt = _page(client.get("/r/receipt"))
    assert "You gave no phone number, so this link is how you follow the request" in receipt
    assert "last four digits of your phone" not in receipt
    status = _page(client.get(link))
    assert "<dt>How we tell you</dt><dd>E-mail</dd>" in status and "Your phone" not in status


def test_an_anonymous_request_is_opened_with_its_receipt_and_tells_nobody(
    client: FlaskClient, service: Ticketing
) -> None:
    number, link = _open(client, contact_phone="", contact_name="", notify_by="none")

    ticket = service.show(number).ticket
    assert (ticket.contact_phone, ticket.contact_name, ticket.notify_by) == ("", "", ResidentChannel.NONE)
    assert f"Request {number}" in _page(client.get(link))


@pytest.mark.parametrize(
    ("typed", "notify_by", "kept"),
    [
        ("010-12345678", "none", "010-12345678"),
        ("0571 8888 8888", "none", "0571-88888888"),
        ("+86 139 1234 5678", "sms", "13912345678"),
        ("86-139-1234-5678", "sms", "13912345678"),
        ("１３９１２３４５６７８", "sms", "13912345678"),
    ],
)
def test_a_landline_is_taken_for_the_callback_and_a_mobile_however_written_for_sms(
    client: FlaskClient, service: Ticketing, typed: str, notify_by: str, kept: str
) -> None:
    number, _link = _open(client, contact_phone=typed, notify_by=notify_by)

    ticket = service.show(number).ticket
    assert (ticket.contact_phone, ticket.notify_by) == (kept, notify_by)


def test_a_text_message_without_a_phone_is_refused_with_what_to_give_and_opens_nothing(
    client: FlaskClient, service: Ticketing
) -> None:
    response = client.post("/r/new", data=_request(contact_phone="", notify_by="sms"))

    page = _page(response)
    assert response.status_code == 200
    assert "You chose a text message: give your phone number, or choose another way to be told." in page
    assert _checked(page) == ["sms"]
    assert service.state_counts() == {"overdue": 0}


def test_a_request_without_a_phone_cannot_be_tracked_by_a_phone_ending_and_the_page_says_what_to_use(
    app: Flask, client: FlaskClient
) -> None:
    number, _link = _open(client, contact_phone="", notify_by="none")
    resident = app.test_client()

    response = resident.post(
        "/r/track", data={"number": number, "phone_ending": "0000"}, headers={"Accept-Language": "en"}
    )

    page = _page(response)
    assert "No request matches this tracking number and phone ending." in page
    assert "Gave no phone number? Open the private link on your receipt instead." in page


def test_the_receipt_without_a_request_sends_to_the_form(client: FlaskClient) -> None:
    response = client.get("/r/receipt")

    assert (response.status_code, response.location) == (302, "/r/new")


def test_the_forms_need_a_csrf_token(app: Flask) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    browser = app.test_client()

    assert browser.post("/r/new", data=_request()).status_code == 400
    assert browser.post("/r/track", data={"number": "x", "phone_ending": "5678"}).status_code == 400


# --- the status page -------------------------------------------------------------------


def test_the_private_link_shows_the_status_and_nothing_private(
    client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    number, link = _open(client)
    service.act(number, "note", "S0013", clock[0], text="内部：住户难沟通")

    page = _page(client.get(link))

    assert f"Request {number}" in page
    assert '<p class="resident-state">Received</p>' in page  # the resident's words, not the staff's
    assert "<dd>Building leader · 阳光小区1号楼</dd>" in page
    assert "<dd>阳光小区1号楼</dd>" in page and "<dd>Property repair</dd>" in page
    assert "Handling starts by" in page and "2026-11-23 11:00" in page  # two working hours, in Shanghai time
    assert "Your request was received and given to Building leader · 阳光小区1号楼." in page
    assert "<dd>139****5678</dd>" in page and PHONE not in page
    assert "内部" not in page  # notes are internal
    assert not any(phone in page for phone in STAFF_PHONES) and "S0013" not in page and "陈强" not in page
    assert "Are you satisfied" not in page  # nothing to confirm yet


def test_the_status_page_in_chinese(app: Flask, service: Ticketing) -> None:
    browser = app.test_client()
    _number, link = _open(browser)

    page = _page(browser.get(link))

    assert '<p class="resident-state">已受理</p>' in page and "<dd>物业维修</dd>" in page
    assert "最迟开始办理" in page
    assert not any(word in page for word in ("待签收", "签收时限", "待回访", "回访时限"))


def test_the_timeline_tells_the_story_in_plain_sentences(
    client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    number, link = _open(client)
    at = clock[0]
    service.act(number, "acknowledge", "S0013", at)
    service.act(number, "pause", "S0013", at + timedelta(hours=1), reason="等居民下班，电话 13900001111")
    service.act(number, "resume", "S0013", at + timedelta(hours=2))
    service.act(
        number, "transfer", "S0013", at + timedelta(hours=3), target_post="G010101.grid_leader", reason="内部协调"
    )
    service.act(number, "acknowledge", "S0010", at + timedelta(hours=4))
    service.act(number, "refer", "S0010", at + timedelta(hours=5), body="市住房公积金管理中心", reason="内部：不属职权")

    page = _page(client.get(link))

    for sentence in (
        "Building leader · 阳光小区1号楼 took up your request.",
        "Work waits for something from you; the person responsible will contact you.",
        "Work on your request continues.",
        "Your request was passed to Grid leader · 海曲社区第一网格.",
        "Grid leader · 海曲社区第一网格 took up your request.",
        "Your request is outside the community's remit and was referred to the competent body.",
    ):
        assert sentence in page, sentence
    assert "The competent body is: 市住房公积金管理中心" in page
    assert "内部" not in page and "13900001111" not in page and "S0010" not in page


def test_missed_deadlines_show_as_handover_and_escalation(
    client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    _number, link = _open(client)
    service.sweep.run(clock[0] + timedelta(hours=3))  # building leader A missed it: B takes over
    service.sweep.run(clock[0] + timedelta(hours=6))  # B missed it too: up to the grid leader

    page = _page(client.get(link))

    assert "Another person on duty at Building leader · 阳光小区1号楼 took over your request." in page
    assert "Your request was passed up to Grid leader · 海曲社区第一网格." in page
    assert "<dd>Grid leader · 海曲社区第一网格</dd>" in page
    assert "S0014" not in page and "S0010" not in page


def test_a_returned_request_says_why(client: FlaskClient, service: Ticketing, clock: list[Any]) -> None:
    number, link = _open(client)
    service.act(number, "return_to_resident", "S0013", clock[0], reason="与已受理的请求重复")

    page = _page(client.get(link))

    assert "Your request was returned to you: 与已受理的请求重复" in page
    assert "Responsible now" not in page and "Are you satisfied" not in page


def test_an_unknown_private_link_is_not_found(client: FlaskClient) -> None:
    assert client.get("/r/t/not-a-real-token").status_code == 404


def test_the_link_a_notice_carries_opens_the_request_and_a_forged_one_does_not(
    app: Flask, client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    number, _link = _open(client)
    _resolve(service, number, clock[0])
    stranger = app.test_client()
    stranger.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    token = link_token(TEST_SECRET_KEY, number)

    page = _page(stranger.get(f"/r/t/{token}"))

    assert f"Request {number}" in page and "Are you satisfied with the result?" in page
    signature = token.partition(".")[2]
    changed = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    other_number = number[:-1] + ("2" if number[-1] != "2" else "3")
    assert stranger.get(f"/r/t/{number}.{changed}").status_code == 404
    assert stranger.get(f"/r/t/{other_number}.{signature}").status_code == 404
    assert stranger.get(f"/r/t/{link_token('another-secret-key-of-enough-length-1234', number)}").status_code == 404


@pytest.mark.parametrize(("language", "kept"), [("en", "en"), ("zh-CN", "zh_Hans"), ("fr", "zh_Hans")])
def test_the_request_keeps_the_language_the_resident_filed_in(
    app: Flask, service: Ticketing, language: str, kept: str
) -> None:
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = language

    number, _link = _open(browser)

    assert service.show(number).ticket.resident_language == kept


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "[Handled] Your request {number} was handled\n"
            "Dear 张阿姨, your request {number} (Property repair) at {place}",
        ),
        (
            "zh-CN",
            "【办理结果】您的诉求 {number} 已办理\n张阿姨，您好！您反映的物业维修诉求（编号 {number}，地点 {place}）",
        ),
    ],
)
def test_the_resolved_message_is_in_the_language_filed_in_with_the_whole_place_and_a_link_that_opens_the_request(
    app: Flask, service: Ticketing, clock: list[Any], language: str, expected: str
) -> None:
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    number, _link = _open(browser, address="2单元3楼", contact_phone=PHONE, notify_by="sms")
    _resolve(service, number, clock[0])
    sms = RecordingSms()
    links = ResidentLinks("https://grid.example.cn", TEST_SECRET_KEY)
    renderer = Renderer("zh_Hans", app.extensions["ticketing_settings"].tz, service.worlds.catalogue, links)

    dispatch_due(service.engine, [SmsChannel(sms)], clock[0] + timedelta(hours=2), 10, renderer)

    [text] = [text for phone, text, _key in sms.sent if phone == PHONE]
    place = "海曲社区 · 海曲社区第一网格 · 阳光小区1号楼 · 2单元3楼"
    assert text.startswith(expected.format(number=number, place=place))
    link = re.search(r"https://grid\.example\.cn(/r/t/[\w.-]+)", text)
    assert link and f"Request {number}" in _page(
        app.test_client().get(link.group(1), headers={"Accept-Language": "en"})
    )


def test_the_language_chosen_with_the_switch_is_the_one_kept(app: Flask, service: Ticketing) -> None:
    browser = app.test_client()
    browser.post("/language/en", data={"next": "/r/new"})

    number, _link = _open(browser)

    assert service.show(number).ticket.resident_language == "en"


# --- tracking ------------------------------------------------------------------------


def test_track_by_number_and_phone_ending(app: Flask, client: FlaskClient) -> None:
    number, _link = _open(client)
    resident = app.test_client()

    response = resident.post("/r/track", data={"number": f" {number} ", "phone_ending": " 5678 "})

    assert (response.status_code, response.location) == (302, f"/r/status/{number}")
    page = _page(resident.get(f"/r/status/{number}", headers={"Accept-Language": "en"}))
    assert f"Request {number}" in page and "Received" in page


@pytest.mark.parametrize(
    "typed",
    ["{day}-{serial}", "{day}{serial}", " {day} {serial} ", "{wide_day}－{wide_serial}", "{wide_day}{wide_serial}"],
    ids=["with-hyphen", "without-hyphen", "spaced", "full-width", "full-width-without-hyphen"],
)
def test_a_tracking_number_is_found_however_it_is_typed(app: Flask, client: FlaskClient, typed: str) -> None:
    number, _link = _open(client)
    day, serial = number.split("-")
    wide = str.maketrans("0123456789", "０１２３４５６７８９")
    entered = typed.format(day=day, serial=serial, wide_day=day.translate(wide), wide_serial=serial.translate(wide))

    response = app.test_client().post("/r/track", data={"number": entered, "phone_ending": "５６７８"})

    assert (response.status_code, response.location) == (302, f"/r/status/{number}")


def test_a_tracking_number_of_another_shape_is_refused_with_the_shape_to_give(client: FlaskClient) -> None:
    response = client.post("/r/track", data={"number": "12345", "phone_ending": "5678"})

    assert "A tracking number looks like 261127-000001 (the hyphen may be left out)." in _page(response)


def test_a_phone_written_with_country_code_and_dashes_is_tracked_by_its_last_digits(
    app: Flask, client: FlaskClient, service: Ticketing
) -> None:
    number, _link = _open(client, contact_phone=" +86 139-1234-4321 ")

    assert service.show(number).ticket.contact_phone == "13912344321"  # kept as the SMS gateway dials it
    response = app.test_client().post("/r/track", data={"number": number, "phone_ending": "4321"})
    assert response.location == f"/r/status/{number}"


@pytest.mark.parametrize(("number_of", "ending"), [("own", "5679"), ("other", "5678"), ("own", "0000")])
def test_a_wrong_number_or_ending_gets_the_same_answer(
    app: Flask, client: FlaskClient, number_of: str, ending: str
) -> None:
    number, _link = _open(client)
    resident = app.test_client()
    asked = number if number_of == "own" else "261123-999999"

    response = resident.post(
        "/r/track", data={"number": asked, "phone_ending": ending}, headers={"Accept-Language": "en"}
    )

    assert response.status_code == 200
    assert "No request matches this tracking number and phone ending." in _page(response)
    assert resident.get(f"/r/status/{number}").status_code == 404


def test_the_phone_ending_must_be_four_digits(client: FlaskClient) -> None:
    response = client.post("/r/track", data={"number": "261123-000001", "phone_ending": "78"})

    assert '<p class="error" id="phone_ending-error">Four digits, like 5678.</p>' in _page(response)
    assert 'value="261123-000001"' in _page(response)


def test_look_ups_are_rate_limited_per_client(app: Flask, client: FlaskClient) -> None:
    number, _link = _open(client)
    walker = app.test_client()
    walker.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for _ in range(15):
        assert walker.get("/r/track").status_code == 200  # only look-ups count

    answers = [
        walker.post("/r/track", data={"number": number, "phone_ending": f"{ending:04d}"}).status_code
        for ending in range(11)
    ]

    assert answers == [200] * 10 + [429]
    blocked = walker.post("/r/track", data={"number": number, "phone_ending": "5678"})
    assert blocked.status_code == 429 and "Too many attempts" in _page(blocked)
    other = app.test_client().post(
        "/r/track", data={"number": number, "phone_ending": "5678"}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other.status_code == 302


def test_another_residents_request_is_not_visible(app: Flask, client: FlaskClient) -> None:
    mine, my_link = _open(client)
    theirs, their_link = _open(app.test_client(), contact_phone="13700001111", photo=(io.BytesIO(PNG), "a.png"))
    their_photo = re.search(r'src="(/r/t/[\w-]+/photos/\d+)"', _page(app.test_client().get(their_link)))
    assert their_photo

    assert client.get(f"/r/status/{mine}").status_code == 200  # the receipt remembered it
    assert client.get(f"/r/status/{theirs}").status_code == 404
    photo_id = their_photo.group(1).rsplit("/", 1)[1]
    assert client.get(f"{my_link}/photos/{photo_id}").status_code == 404
    assert client.get(f"/r/status/{mine}/photos/{photo_id}").status_code == 404
    assert client.get(f"/r/status/{theirs}/photos/{photo_id}").status_code == 404


@pytest.mark.parametrize("staff_id", LOGINS)
def test_access_matrix(
    app: Flask,
    client: FlaskClient,
    login: Callable[[str], FlaskClient],
    service: Ticketing,
    staff_id: str | None,
) -> None:
    """Everyone may open and track requests; a request's status needs its link or a look-up, whatever the role."""
    number, link = _open(app.test_client())
    browser = login(staff_id) if staff_id else client

    assert browser.get("/r/new").status_code == 200
    assert browser.get("/r/track").status_code == 200
    assert browser.get(link).status_code == 200
    assert browser.get(f"/r/status/{number}").status_code == 404
    assert browser.get("/r/t/guessed-token").status_code == 404
    assert browser.post("/r/track", data={"number": number, "phone_ending": "5678"}).status_code == 302
    assert browser.get(f"/r/status/{number}").status_code == 200


# --- confirming the result online ----------------------------------------------------------


def test_a_satisfied_resident_closes_the_request(client: FlaskClient, service: Ticketing, clock: list[Any]) -> None:
    number, link = _open(client)
    _resolve(service, number, clock[0])
    page = _page(client.get(link))
    assert "Are you satisfied with the result?" in page and "已更换楼道灯" in page
    version = service.show(number).ticket.version
    assert f'name="version" value="{version}"' in page
    clock[0] += timedelta(days=1)

    response = client.post(
        link, data={"satisfaction": "satisfied", "solved": "yes", "comment": "灯亮了", "version": version}
    )

    assert (response.status_code, response.location) == (302, link)
    detail = service.show(number)
    assert (detail.ticket.state, detail.ticket.satisfaction, detail.ticket.closed_at) == (
        "closed",
        "satisfied",
        clock[0],
    )
    last = detail.history[-1]
    assert (last.action, last.actor_id, last.reason) == ("resident_feedback", None, "灯亮了")
    assert last.details == {"reached": 1, "means": "link", "solved": 1, "satisfaction": "satisfied"}
    page = _page(client.get(link))
    assert "Thank you. Your request is closed." in page and '<p class="resident-state">Completed</p>' in page
    assert "You confirmed the result; your request is closed." in page and "Are you satisfied" not in page


def test_an_unsatisfied_resident_reopens_the_request(client: FlaskClient, service: Ticketing, clock: list[Any]) -> None:
    number, _link = _open(client)
    _resolve(service, number, clock[0])
    version = service.show(number).ticket.version

    response = client.post(
        f"/r/status/{number}",
        data={"satisfaction": "unsatisfied", "solved": "no", "comment": "只亮了一层", "version": version},
    )

    assert response.location == f"/r/status/{number}"
    ticket = service.show(number).ticket
    assert (ticket.state, ticket.reopen_count, ticket.holder_id) == ("in_progress", 1, "S0013")
    page = _page(client.get(f"/r/status/{number}"))
    assert "Your request was reopened" in page and "You were not satisfied; your request was reopened." in page
    assert '<p class="resident-state">Being handled</p>' in page and "Handled by" in page


def test_a_referred_request_names_the_body_and_is_confirmed_online(
    client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    number, link = _open(client, category="policy_enquiry")
    service.act(number, "acknowledge", "S0013", clock[0])
    service.act(number, "refer", "S0013", clock[0], body="市住房公积金管理中心", reason="不属社区职权")
    page = _page(client.get(link))
    assert "The competent body is: 市住房公积金管理中心" in page and "Are you satisfied" in page

    client.post(
        link,
        data={"satisfaction": "basically_satisfied", "solved": "yes", "version": service.show(number).ticket.version},
    )

    assert service.show(number).ticket.satisfaction == "basically_satisfied"


def test_a_stale_version_shows_the_current_state(client: FlaskClient, service: Ticketing, clock: list[Any]) -> None:
    number, link = _open(client)
    _resolve(service, number, clock[0])
    seen = service.show(number).ticket.version
    service.act(number, "note", "S0013", clock[0] + timedelta(hours=2), text="准备回访")

    response = client.post(
        link, data={"satisfaction": "unsatisfied", "solved": "no", "comment": "还是不亮", "version": seen}
    )

    page = _page(response)
    assert response.status_code == 409
    assert "Someone else changed this request — here is its current state." in page
    assert "还是不亮" in page  # what the resident typed stays
    assert f'name="version" value="{seen + 1}"' in page
    assert service.show(number).ticket.state == "resolved"


def test_a_request_closed_by_the_callback_meanwhile_is_shown_closed(
    client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    number, link = _open(client)
    _resolve(service, number, clock[0])
    seen = service.show(number).ticket.version
    service.act(
        number, "callback", "S0013", clock[0] + timedelta(hours=3), reached=True, satisfaction="satisfied", solved=True
    )

    response = client.post(link, data={"satisfaction": "unsatisfied", "solved": "no", "version": seen})

    page = _page(response)
    assert response.status_code == 409 and '<p class="resident-state">Completed</p>' in page
    assert "We called you back; your request is closed." in page and "Are you satisfied" not in page
    assert service.show(number).ticket.satisfaction == "satisfied"


def test_feedback_needs_a_verdict(client: FlaskClient, service: Ticketing, clock: list[Any]) -> None:
    number, link = _open(client)
    _resolve(service, number, clock[0])

    response = client.post(link, data={"comment": "嗯", "version": service.show(number).ticket.version})

    assert response.status_code == 200 and "Choose how satisfied you are." in _page(response)
    assert service.show(number).ticket.state == "resolved"


def test_a_verdict_left_out_is_announced_at_the_top_of_the_page(
    client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    number, link = _open(client)
    _resolve(service, number, clock[0])

    page = _page(client.post(link, data={"solved": "yes", "version": service.show(number).ticket.version}))

    summary = re.search(r'<div class="flash error error-summary" role="alert" tabindex="-1">(.*?)</div>', page, re.S)
    assert summary and page.index(summary.group(0)) < page.index("<h1>")  # above everything a phone shows first
    assert '<a href="#satisfaction-0">Choose how satisfied you are.</a>' in summary.group(1)
    assert "solved" not in summary.group(1)  # what was answered is not an error
    assert "resident.js" in page  # the script that moves the focus to it


def test_feedback_before_the_matter_is_handled_is_refused(client: FlaskClient, service: Ticketing) -> None:
    number, link = _open(client)

    response = client.post(
        link, data={"satisfaction": "satisfied", "solved": "yes", "version": service.show(number).ticket.version}
    )

    assert response.status_code == 403
    assert service.show(number).ticket.state == "new"


# --- photos -----------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "content_type"), [(PNG, "image/png"), (JPEG, "image/jpeg"), (WEBP, "image/webp")])
def test_a_photo_is_kept_and_shown_to_the_resident_only(
    app: Flask, client: FlaskClient, service: Ticketing, uploads: Path, content: bytes, content_type: str
) -> None:
    number, link = _open(client, photo=(io.BytesIO(content), "IMG_0001.bin"))

    with service.engine.connect() as conn:
        [row] = conn.execute(select(attachments)).all()
    assert (row.ticket_id, row.content_type, row.size) == (service.show(number).ticket.id, content_type, len(content))
    assert (uploads / row.file_name).read_bytes() == content and "IMG_0001" not in row.file_name
    photo_url = f"{link}/photos/{row.id}"
    assert f'src="{photo_url}"' in _page(client.get(link))
    served = client.get(photo_url)
    assert (served.status_code, served.mimetype, served.data) == (200, content_type, content)
    assert client.get(f"/r/status/{number}/photos/{row.id}").data == content
    assert app.test_client().get(f"/r/status/{number}/photos/{row.id}").status_code == 404


def test_a_photo_is_served_from_a_data_directory_given_relative_to_where_the_service_runs(
    service: Ticketing, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the default data directory is ``instance``, relative to the working directory
    settings = Settings(database_url=database_url, secret_key=TEST_SECRET_KEY, data_dir=Path("instance"))
    app = create_app(settings, service, testing=True)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()

    _number, link = _open(client, photo=(io.BytesIO(JPEG), "IMG_0001.jpg"))

    photo_url = re.search(r'<img class="resident-photo" src="([^"]+)"', _page(client.get(link)))
    assert photo_url, "no photo on the status page"
    served = client.get(photo_url.group(1))
    assert (served.status_code, served.data) == (200, JPEG)
    assert [path.read_bytes() for path in (tmp_path / "instance" / "uploads").iterdir()] == [JPEG]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<script>alert(1)</script>", "Send a photo as JPEG, PNG or WebP."),
        (b"GIF89a" + b"\x00" * 64, "Send a photo as JPEG, PNG or WebP."),
        (JPEG + b"\x00" * (5 * 1024 * 1024), "The photo is larger than 5 MB."),
    ],
)
def test_a_file_that_is_not_a_small_photo_is_refused(
    client: FlaskClient, service: Ticketing, uploads: Path, content: bytes, message: str
) -> None:
    response = client.post(
        "/r/new", data=_request(photo=(io.BytesIO(content), "photo.png")), content_type="multipart/form-data"
    )

    page = _page(response)
    assert response.status_code == 200 and f'<p class="error" id="photo-error">{message}</p>' in page
    assert "If you chose a photo, choose it again." in page and 'value="张阿姨"' in page
    assert service.state_counts() == {"overdue": 0}
    assert not uploads.exists() or not any(uploads.iterdir())


def test_a_control_character_is_refused_with_a_reason_and_nothing_is_opened(
    client: FlaskClient, service: Ticketing
) -> None:
    response = client.post("/r/new", data=_request(description="楼道灯\x00坏了"), content_type="multipart/form-data")

    assert response.status_code == 400
    assert "description: control characters are not allowed" in _page(response)
    assert service.state_counts() == {"overdue": 0}


def test_a_page_reached_by_tracking_shows_only_what_the_resident_gave_and_the_answer_for_them(
    app: Flask, client: FlaskClient, service: Ticketing, clock: list[Any]
) -> None:
    number, _link = _open(
        client, category="family_dispute", description="邻居吵架", contact_email="zhang@example.com", notify_by="email"
    )
    holder = service.show(number).ticket.holder_id
    service.act(number, "note", holder, clock[0], text="内部：已联系派出所")
    resident = app.test_client()
    resident.post("/r/track", data={"number": number, "phone_ending": "5678"})

    page = _page(resident.get(f"/r/status/{number}", headers={"Accept-Language": "en"}))

    assert "邻居吵架" in page and "139****5678" in page  # their own words, their phone masked
    for private in (PHONE, "张阿姨", "zhang@example.com", "内部", str(holder), *STAFF_PHONES):
        assert private not in page
