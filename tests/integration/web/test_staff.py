"""The staff pages: queues, the ticket page and its actions, registration, absences, and who may do what."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ticketing.deploy.datadir import uploads_dir
from ticketing.domain.ticket import Channel, ResidentChannel, Ticket
from ticketing.services import Ticketing

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai, the app's clock
HOUR = timedelta(hours=1)
PHONE = "13806330000"
BUILDING = "B01010101"  # building leader A S0013, B S0014; grid G010101 (A S0010); community C0101
OTHER_BUILDING = "B01010201"  # another grid of the same community: building leader A S0027
GRID_POST = "G010101.grid_leader"
PAGES = ("/staff/queue", "/staff/accountable", "/staff/callbacks", "/staff/register", "/staff/absence")

Login = Callable[[str], FlaskClient]


def shanghai(hour: int, minute: int = 0) -> datetime:
    """A moment of Monday 23 November 2026, given in Shanghai time."""
    return datetime(2026, 11, 23, hour, minute, tzinfo=SHANGHAI)


def _open(service: Ticketing, at: datetime = NOW, location: str = BUILDING, description: str = "楼道灯坏了") -> Ticket:
    return service.open_ticket(
        category="property_repair", description=description, contact_phone=PHONE, location_id=location, now=at
    )


def _act(client: FlaskClient, number: str, action: str, version: int, **fields: str) -> TestResponse:
    """Post one action form as the page names its fields (each form's fields carry its action as prefix)."""
    data = {f"{action}-version": str(version)} | {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(f"/staff/t/{number}/{action}", data=data)


def _text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def _numbers(page: str) -> list[str]:
    """Ticket numbers linked from a list, in page order."""
    return re.findall(r'href="/staff/t/([0-9-]+)"', page)


def _forms(page: str) -> list[str]:
    """The actions offered on a ticket page."""
    return re.findall(r'id="act-([a-z_]+)"', page)


# --- who may open what -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(service: Ticketing, client: FlaskClient) -> None:
    number = _open(service).number

    for url in (*PAGES, f"/staff/t/{number}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    refused = _act(client, number, "acknowledge", 1)
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert service.show(number).ticket.state == "new"


@pytest.mark.parametrize("staff_id", ["S0013", "S0027", "S0055", "S0004", "S0001"])
def test_every_account_opens_its_own_lists(login: Login, staff_id: str) -> None:
    client = login(staff_id)

    for url in PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("staff_id", "page", "note"),
    [
        ("S0027", 404, 404),  # a building leader of another grid
        ("S0055", 404, 404),  # the supervisor of another community
        ("S0013", 200, 302),  # the building leader (A) of the ticket's post
        ("S0014", 200, 302),  # its B holder
        ("S0004", 200, 302),  # the supervisor of the ticket's community
        ("S0002", 200, 302),  # the supervisor of its street
        ("S0001", 200, 302),  # the admin
    ],
)
def test_the_ticket_page_and_its_actions_follow_the_scope(
    service: Ticketing, login: Login, staff_id: str, page: int, note: int
) -> None:
    number = _open(service).number
    client = login(staff_id)

    assert client.get(f"/staff/t/{number}").status_code == page
    response = _act(client, number, "note", 1, text="已电话联系居民")

    assert response.status_code == note
    notes = [entry for entry in service.show(number).history if entry.action == "note"]
    assert [(entry.actor_id, entry.reason) for entry in notes] == (
        [(staff_id, "已电话联系居民")] if note == 302 else []
    )


def test_holders_are_offered_the_holders_actions_and_supervisors_the_extension(
    service: Ticketing, login: Login
) -> None:
    number = _open(service).number

    assert _forms(_text(login("S0013").get(f"/staff/t/{number}"))) == [
        "acknowledge",
        "note",
        "invite",
        "transfer",
        "return_to_resident",
    ]
    assert _forms(_text(login("S0004").get(f"/staff/t/{number}"))) == ["note", "invite", "transfer", "extend"]


def test_the_right_supervisor_extends_a_running_deadline(service: Ticketing, login: Login) -> None:
    ticket = _open(service)
    supervisor = login("S0004")

    response = _act(supervisor, ticket.number, "extend", 1, by="1d", reason="需协调物业")

    assert response.status_code == 302
    extended = service.show(ticket.number).ticket
    assert ticket.due_at is not None and extended.due_at is not None and extended.due_at > ticket.due_at
    assert "Deadline extended" in _text(supervisor.get(response.headers["Location"]))


def test_a_holder_may_not_extend(service: Ticketing, login: Login) -> None:
    ticket = _open(service)

    response = _act(login("S0013"), ticket.number, "extend", 1, by="1d", reason="想多要一天")

    assert response.status_code == 403
    assert "approved by supervisors" in _text(response)
    assert service.show(ticket.number).ticket.due_at == ticket.due_at


def test_an_unknown_action_or_ticket_is_not_found(service: Ticketing, login: Login) -> None:
    number = _open(service).number
    client = login("S0013")

    assert _act(client, number, "close_quietly", 1).status_code == 404
    assert client.get("/staff/t/261123-999999").status_code == 404


def test_actions_need_the_csrf_token(app: Flask, service: Ticketing, login: Login) -> None:
    number = _open(service).number
    client = login("S0013")
    app.config["WTF_CSRF_ENABLED"] = True

    assert _act(client, number, "acknowledge", 1).status_code == 400
    assert service.show(number).ticket.state == "new"
    page = _text(client.get(f"/staff/t/{number}"))
    token = re.search(r'name="acknowledge-csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    data = {"acknowledge-csrf_token": token[1], "acknowledge-version": "1"}
    assert client.post(f"/staff/t/{number}/acknowledge", data=data).status_code == 302
    assert service.show(number).ticket.state == "in_progress"


# --- the queue ---------------------------------------------------------------------------------------


def test_the_queue_lists_my_open_tickets_overdue_and_most_urgent_first(
    service: Ticketing, login: Login, clock: list[datetime]
) -> None:
    soon = _open(service, shanghai(9), description="声控灯不亮")  # acknowledge within 2 working hours: 11:00
    later = _open(service, shanghai(9, 30), description="门禁坏了")  # 11:30
    late = _open(service, shanghai(6), description="水管漏水")  # a volunteer's day starts 08:00: due 10:00
    _open(service, location=OTHER_BUILDING, description="别的楼")
    returned = _open(service, shanghai(9, 10), description="重复提交")
    service.act(returned.number, "return_to_resident", "S0014", shanghai(9, 20), reason="重复")
    clock[0] = shanghai(10, 30)

    page = _text(login("S0013").get("/staff/queue"))

    assert _numbers(page) == [late.number, soon.number, later.number]
    assert "overdue by 30 min (working time)" in page
    assert "30 min left (working time)" in page and "1 h left (working time)" in page
    assert "138****0000" in page and PHONE not in page


def test_time_left_counts_working_time_on_the_posts_calendar(
    service: Ticketing, login: Login, clock: list[datetime]
) -> None:
    # A building leader is a volunteer: the day time 08:00–20:00, not the community's staggered staff hours.
    number = _open(service, shanghai(19)).number  # 1 h this evening, 1 h from 08:00 tomorrow: due 09:00
    client = login("S0013")

    clock[0] = shanghai(19, 30)
    assert "1 h 30 min left (working time)" in _text(client.get(f"/staff/t/{number}"))
    clock[0] = shanghai(9, 30) + timedelta(days=1)
    page = _text(client.get(f"/staff/t/{number}"))
    assert "overdue by 30 min (working time)" in page


def test_my_absence_hands_my_tickets_to_the_b_holder(service: Ticketing, login: Login) -> None:
    number = _open(service).number
    holder_a, holder_b = login("S0013"), login("S0014")
    assert _numbers(_text(holder_a.get("/staff/queue"))) == [number]

    response = holder_a.post(
        "/staff/absence",
        data={"starts_at": "2026-11-23T09:00", "ends_at": "2026-11-25T18:00", "reason": "外出培训"},
    )

    assert response.status_code == 302
    assert service.show(number).ticket.holder_id == "S0014"
    assert _numbers(_text(holder_b.get("/staff/queue"))) == [number]
    assert _numbers(_text(holder_a.get("/staff/queue"))) == []
    listed = _text(holder_a.get("/staff/absence"))
    assert "外出培训" in listed and "2026-11-25 18:00" in listed  # shown in the district's time


def test_a_ticket_nobody_holds_shows_in_its_posts_queues(service: Ticketing, login: Login) -> None:
    for staff_id in ("S0004", "S0005"):  # both holders of the community party organisation are away
        service.absences.record(staff_id, NOW - HOUR, NOW + 48 * HOUR, "出差", NOW)
    number = _open(service, location="C0101", description="社区广场路灯不亮").number
    assert service.show(number).ticket.holder_id is None

    assert _numbers(_text(login("S0005").get("/staff/queue"))) == [number]
    assert _numbers(_text(login("S0013").get("/staff/queue"))) == []


def test_the_absence_form_keeps_what_was_typed_on_an_error(login: Login) -> None:
    response = login("S0013").post(
        "/staff/absence", data={"starts_at": "2026-11-25T09:00", "ends_at": "2026-11-24T09:00", "reason": "病假"}
    )

    page = _text(response)
    assert response.status_code == 400
    assert "The end must be after the start." in page and 'value="病假"' in page and "2026-11-25T09:00" in page


def test_the_queue_pages_by_25(service: Ticketing, login: Login) -> None:
    for minute in range(30):
        _open(service, NOW + timedelta(minutes=minute))
    client = login("S0013")

    first, second = (_text(client.get(f"/staff/queue?page={n}")) for n in (1, 2))

    assert len(_numbers(first)) == 25 and len(_numbers(second)) == 5
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert set(_numbers(first)).isdisjoint(_numbers(second))


# --- accountable and callbacks -------------------------------------------------------------------------


def test_accountable_follows_my_tickets_through_transfer_and_escalation(service: Ticketing, login: Login) -> None:
    moved = _open(service, description="邻居装修噪音")
    service.act(moved.number, "acknowledge", "S0013", NOW)
    service.act(moved.number, "transfer", "S0013", NOW + HOUR, target_post=GRID_POST, reason="需网格长协调")
    climbed = _open(service, description="楼顶漏水")
    acknowledged = service.act(climbed.number, "acknowledge", "S0013", NOW)
    assert acknowledged.due_at is not None
    service.sweep.run(acknowledged.due_at)  # the resolve deadline passes at the building: up to the grid
    client = login("S0013")

    page = _text(client.get("/staff/accountable"))

    assert set(_numbers(page)) == {moved.number, climbed.number}
    assert page.count("Grid leader · 海曲社区第一网格") == 2
    assert "吴磊 (S0010)" in page
    assert _numbers(_text(client.get("/staff/queue"))) == []


def test_callbacks_are_due_for_the_first_responder_and_their_partner(
    service: Ticketing, login: Login, clock: list[datetime]
) -> None:
    number = _open(service).number
    service.act(number, "acknowledge", "S0013", NOW)
    resolved = service.act(number, "resolve", "S0013", NOW + HOUR, resolution="已更换灯泡")

    assert _numbers(_text(login("S0013").get("/staff/callbacks"))) == [number]
    assert _numbers(_text(login("S0014").get("/staff/callbacks"))) == [number]
    assert _numbers(_text(login("S0010").get("/staff/callbacks"))) == []

    assert resolved.due_at is not None
    service.sweep.run(resolved.due_at)
    clock[0] = resolved.due_at + HOUR
    page = _text(login("S0013").get("/staff/callbacks"))
    assert _numbers(page) == [number] and "Callback overdue" in page


# --- actions through the ticket page -------------------------------------------------------------------


def test_acknowledge_resolve_and_a_satisfied_callback_close_the_ticket(service: Ticketing, login: Login) -> None:
    number = _open(service).number
    client = login("S0013")

    first = _act(client, number, "acknowledge", 1)
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/staff/t/{number}")
    after = _text(client.get(first.headers["Location"]))
    assert "Done: Acknowledge." in after and _forms(after) == [
        "resolve",  # first, the rest in the menu
        "note",
        "invite",
        "transfer",
        "pause",
        "refer",
        "propose_termination",
    ]

    assert _act(client, number, "resolve", 2, resolution="已更换楼道灯").status_code == 302
    assert _forms(_text(client.get(f"/staff/t/{number}"))) == ["callback", "note", "invite"]
    assert (
        _act(
            client, number, "callback", 3, reached="yes", solved="yes", satisfaction="satisfied", comment="很满意"
        ).status_code
        == 302
    )

    ticket = service.show(number).ticket
    assert (ticket.state, ticket.satisfaction, ticket.first_responder_id) == ("closed", "satisfied", "S0013")
    page = _text(client.get(f"/staff/t/{number}"))
    assert "Closed" in page and "已更换楼道灯" in page and "Phone callback; Problem solved; Satisfied: 很满意" in page
    assert page.count("陈强 (S0013)") >= 4  # first responder, and the actor of three history entries


def test_pause_resume_transfer_through_the_page(service: Ticketing, login: Login) -> None:
    number = _open(service).number
    client = login("S0013")
    _act(client, number, "acknowledge", 1)

    assert _act(client, number, "pause", 2, reason="等居民下班").status_code == 302
    assert "Clock stopped" in _text(client.get(f"/staff/t/{number}"))
    assert _act(client, number, "resume", 3).status_code == 302
    page = _text(client.get(f"/staff/t/{number}"))
    assert "Grid leader · 海曲社区第一网格" in page  # a transfer target
    assert _act(client, number, "transfer", 4, target_post=GRID_POST, reason="需网格长协调").status_code == 302

    ticket = service.show(number).ticket
    assert (ticket.post_id, ticket.holder_id, ticket.first_responder_id) == (GRID_POST, "S0010", "S0013")


def test_a_refused_action_shows_the_reason_and_keeps_what_was_typed(service: Ticketing, login: Login) -> None:
    number = _open(service).number
    client = login("S0013")
    _act(client, number, "acknowledge", 1)
    _act(client, number, "resolve", 2, resolution="已更换楼道灯")

    response = _act(client, number, "callback", 3, reached="yes", satisfaction="", comment="居民说还要再看看")

    page = _text(response)
    assert response.status_code == 400
    assert "record their satisfaction" in page and "居民说还要再看看" in page
    assert service.show(number).ticket.state == "resolved"


def test_an_action_the_state_does_not_allow_is_refused_on_the_page(service: Ticketing, login: Login) -> None:
    number = _open(service).number
    client = login("S0013")

    response = _act(client, number, "resume", 1)

    assert response.status_code == 403
    assert "cannot resume" in _text(response)
    assert service.show(number).ticket.state == "new"


def test_a_missing_field_is_shown_next_to_it(service: Ticketing, login: Login) -> None:
    number = _open(service).number

    response = _act(login("S0013"), number, "transfer", 1, target_post="", reason="需网格长协调")

    assert response.status_code == 400
    assert "Choose the post to pass it to." in _text(response) and "需网格长协调" in _text(response)


def test_a_stale_page_is_a_conflict_that_shows_the_current_state(service: Ticketing, login: Login) -> None:
    number = _open(service).number
    client = login("S0013")
    service.act(number, "acknowledge", "S0014", NOW)  # the B holder signed for it meanwhile

    response = _act(client, number, "note", 1, text="我来处理")

    page = _text(response)
    assert response.status_code == 409
    assert "Someone else changed this ticket — here is the current state." in page
    assert "In progress" in page and "我来处理" in page and 'name="note-version" type="hidden" value="2"' in page
    assert [entry.action for entry in service.show(number).history] == ["open", "acknowledge"]


# --- registering a request ---------------------------------------------------------------------------


def test_registering_a_walk_in_makes_me_its_first_responder(service: Ticketing, login: Login) -> None:
    client = login("S0008")  # the intake clerk of 海曲社区
    assert "阳光小区1号楼" in _text(client.get("/staff/register"))

    response = client.post(
        "/staff/register",
        data={
            "channel": "walk_in",
            "category": "property_repair",
            "description": "电梯异响",
            "location_id": BUILDING,
            "address": "",
            "contact_phone": PHONE,
            "contact_name": "王阿姨",
        },
    )

    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[1]
    ticket = service.show(number).ticket
    assert (ticket.first_responder_id, ticket.channel, ticket.holder_id) == ("S0008", Channel.WALK_IN, "S0013")
    assert "you are its first responder" in _text(client.get(response.headers["Location"]))
    assert _numbers(_text(client.get("/staff/accountable"))) == [number]


def test_registering_without_a_description_or_place_keeps_what_was_typed(login: Login) -> None:
    response = login("S0008").post(
        "/staff/register",
        data={
            "channel": "phone",
            "category": "sanitation",
            "description": "",
            "location_id": "",
            "contact_phone": PHONE,
        },
    )

    page = _text(response)
    assert response.status_code == 400
    assert "Say what the problem is." in page and "Choose the place from the list or give the address." in page
    assert f'value="{PHONE}"' in page


def test_registering_without_the_optional_fields_still_works(
    service: Ticketing, login: Callable[[str], FlaskClient]
) -> None:
    client = login("S0008")
    response = client.post(
        "/staff/register",
        data={
            "channel": "walk_in",
            "category": "sanitation",
            "description": "楼下垃圾未清运",
            "location_id": "B01010101",
            "contact_phone": "13806331234",
        },
    )
    assert response.status_code == 302 and "/staff/t/" in response.headers["Location"]
    number = response.headers["Location"].rsplit("/", 1)[1]
    assert service.show(number).ticket.notify_by is ResidentChannel.SMS  # the default: SMS to the phone given
    assert "<dt>Notify by</dt><dd>SMS</dd>" in _text(client.get(response.headers["Location"]))


def _registration(**fields: str) -> dict[str, str]:
    return {
        "channel": "phone",
        "category": "sanitation",
        "description": "楼下垃圾未清运",
        "location_id": BUILDING,
        "contact_phone": PHONE,
        "contact_name": "王阿姨",
    } | fields


def test_the_registration_form_asks_how_the_resident_is_told(login: Login) -> None:
    page = _text(login("S0008").get("/staff/register"))

    assert "<legend>How should the resident be told when it is resolved and closed?</legend>" in page
    assert '<input checked id="notify_by-0" name="notify_by" required type="radio" value="sms"> SMS' in page
    assert 'value="email"> E-mail' in page and 'value="none"> No message, only the phone callback' in page
    assert 'name="contact_email" type="email"' in page


def test_a_resident_who_chooses_e_mail_is_told_by_e_mail_and_staff_see_the_address(
    service: Ticketing, login: Login
) -> None:
    client = login("S0008")
    response = client.post("/staff/register", data=_registration(notify_by="email", contact_email=" wang@example.com "))

    assert response.status_code == 302, _text(response)
    ticket = service.show(response.headers["Location"].rsplit("/", 1)[1]).ticket
    assert (ticket.notify_by, ticket.contact_email) == (ResidentChannel.EMAIL, "wang@example.com")
    page = _text(client.get(response.headers["Location"]))
    assert '<a href="mailto:wang@example.com">wang@example.com</a>' in page
    assert "<dt>Notify by</dt><dd>E-mail</dd>" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"notify_by": "email"}, "Give the resident&#39;s e-mail address, or choose another way to tell them."),
        ({"notify_by": "sms", "contact_email": "wang at example.com"}, "This is not an e-mail address."),
        ({"notify_by": "post"}, "Not a valid choice."),
    ],
)
def test_registering_with_a_wrong_way_to_tell_the_resident_says_why_and_opens_nothing(
    service: Ticketing, login: Login, fields: dict[str, str], message: str
) -> None:
    response = login("S0008").post("/staff/register", data=_registration(**fields))

    page = _text(response)
    assert response.status_code == 400
    assert message in page
    assert 'value="王阿姨"' in page  # what was typed stays
    assert service.list_tickets() == []


# --- patrol reports and requests filed on a resident's behalf ------------------------------------------

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _patrol(**fields: object) -> dict[str, object]:
    return {
        "channel": "patrol",
        "category": "sanitation",
        "description": "楼道堆放杂物，堵塞消防通道",
        "location_id": BUILDING,
        "contact_phone": "",
        "contact_name": "",
    } | fields


def test_the_registration_form_offers_patrol_and_on_behalf_and_opens_the_phone_camera(login: Login) -> None:
    page = _text(login("S0010").get("/staff/register"))

    assert '<option value="patrol">Found on patrol</option>' in page
    assert """<option value="on_behalf">On the resident's behalf</option>""" in page
    assert 'enctype="multipart/form-data"' in page
    assert re.search(r'<input accept="image/\*" capture="environment" id="photo" name="photo" type="file">', page)


def test_a_patrol_report_with_a_camera_photo_makes_the_grid_worker_first_responder(
    app: Flask, service: Ticketing, login: Login
) -> None:
    grid_worker = login("S0010")  # the grid leader of the building's grid, on patrol

    response = grid_worker.post(
        "/staff/register", data=_patrol(photo=(io.BytesIO(JPEG), "camera.jpg")), content_type="multipart/form-data"
    )

    assert response.status_code == 302, _text(response)
    ticket = service.show(response.headers["Location"].rsplit("/", 1)[1]).ticket
    assert (ticket.channel, ticket.first_responder_id, ticket.holder_id) == (Channel.PATROL, "S0010", "S0013")
    assert (ticket.contact_phone, ticket.notify_by) == ("", ResidentChannel.NONE)  # nobody to tell, whatever checked
    page = _text(grid_worker.get(response.headers["Location"]))
    assert "<dt>Channel</dt><dd>Found on patrol</dd>" in page and "no contact given" in page
    photo_url = re.search(r'<a href="(/staff/t/[0-9-]+/photos/[0-9]+)"[^>]*><img class="staff-thumb"', page)
    assert photo_url, page
    served = grid_worker.get(photo_url.group(1))
    assert (served.status_code, served.mimetype, served.data) == (200, "image/jpeg", JPEG)
    assert login("S0013").get(photo_url.group(1)).data == JPEG  # the holder sees it too
    assert login("S0031").get(photo_url.group(1)).status_code == 404  # staff out of scope do not
    assert [p.read_bytes() for p in uploads_dir(app.extensions["ticketing_settings"]).iterdir()] == [JPEG]


def test_a_patrol_report_with_a_residents_contact_is_refused_and_keeps_nothing(
    app: Flask, service: Ticketing, login: Login
) -> None:
    response = login("S0010").post(
        "/staff/register",
        data=_patrol(contact_phone=PHONE, photo=(io.BytesIO(JPEG), "camera.jpg")),
        content_type="multipart/form-data",
    )

    assert response.status_code == 400
    assert "A patrol report has no resident: leave the resident&#39;s phone, name and e-mail empty" in _text(response)
    assert service.list_tickets() == []
    uploads = uploads_dir(app.extensions["ticketing_settings"])
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_a_request_filed_on_a_residents_behalf_needs_no_phone_unless_a_text_message_is_chosen(
    service: Ticketing, login: Login
) -> None:
    client = login("S0010")
    refused = client.post("/staff/register", data=_patrol(channel="on_behalf", notify_by="sms"))
    opened = client.post("/staff/register", data=_patrol(channel="on_behalf", contact_name="李大爷", notify_by="none"))

    assert refused.status_code == 400
    assert "Give the resident&#39;s phone number, or choose another way to tell them." in _text(refused)
    assert opened.status_code == 302, _text(opened)
    ticket = service.show(opened.headers["Location"].rsplit("/", 1)[1]).ticket
    assert (ticket.channel, ticket.contact_name, ticket.contact_phone) == (Channel.ON_BEHALF, "李大爷", "")
    assert ticket.first_responder_id == "S0010"


def test_the_registration_form_speaks_of_patrol_and_on_behalf_in_chinese(app: Flask, login: Login) -> None:
    client = login("S0010")
    page = _text(client.get("/staff/register", headers={"Accept-Language": "zh-CN"}))

    assert ">巡查发现</option>" in page and ">代办</option>" in page and "首问负责人" in page
