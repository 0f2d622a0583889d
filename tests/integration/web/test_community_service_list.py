"""A community's service list on the staff's pages: publish, claims worked through, and volunteer help on a ticket."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from ticketing.db.schema import service_claims, service_items, service_records
from ticketing.domain.volunteering.model import ItemKind, RegistrantKind, RegistrationStatus
from ticketing.domain.volunteering.registration import Application
from ticketing.domain.volunteering.service_list import Draft
from ticketing.services import Ticketing

Login = Callable[[str], FlaskClient]
NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai, the app's clock
TODAY = "2026-11-23"
DAY = timedelta(days=1)
SECRETARY, GRID_LEADER, BUILDING_LEADER = "S0004", "S0010", "S0013"  # of C0101; S0013 is a volunteer post
OTHER_GRID_LEADER = "S0061"  # grid leader of C0102
MEMBER_PHONE = "13906331234"


def _chinese(client: FlaskClient) -> FlaskClient:
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE")
    return client


def _text(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def _approved(
    service: Ticketing, name: str, phone: str, kind: RegistrantKind = RegistrantKind.MEMBER
) -> tuple[int, str]:
    """An approved registration of C0101 and its link."""
    registered = service.volunteering.register(
        Application("C0101", kind, name, phone, contact_name="李主任", work_unit="区财政局", offer="电工两名"), NOW
    )
    service.volunteering.decide(registered.id, RegistrationStatus.APPROVED, SECRETARY, NOW)
    return registered.id, registered.link


def _publish(client: FlaskClient, **fields: str) -> int:
    form = {
        "community": "C0101",
        "kind": "need",
        "title": "为独居老人代买药品",
        "description": "每周两次，去社区卫生服务站代买药品",
        "starts_on": TODAY,
        "ends_on": "2026-12-20",
        "people": "3",
        "hours_each": "2",
    } | fields
    response = client.post("/community/list/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    found = re.fullmatch(r"/community/list/(\d+)", response.location)
    assert found, response.location
    return int(found.group(1))


def _claim_of(service: Ticketing, item_id: int) -> tuple[int, str]:
    with service.engine.connect() as conn:
        row = conn.execute(
            select(service_claims.c.id, service_claims.c.status).where(service_claims.c.item_id == item_id)
        ).one()
    return row.id, row.status


def test_staff_publish_an_item_confirm_a_claim_record_the_service_and_close_it(
    service: Ticketing, login: Login
) -> None:
    staff = login(SECRETARY)
    item_id = _publish(staff)
    listed = _text(staff, "/community/list")
    assert "为独居老人代买药品" in listed and "3 of 3 left" in listed

    _member, link = _approved(service, "王建国", MEMBER_PHONE)
    service.volunteering.claim_by_link(link, item_id, NOW)
    claim_id, status = _claim_of(service, item_id)
    assert status == "pending"
    page = _text(staff, f"/community/list/{item_id}")
    assert "王建国" in page and MEMBER_PHONE in page and "2 of 3 left" in page
    assert "1</strong>" in _text(staff, "/community/list?status=open")  # one claim waits for the community

    confirmed = staff.post(f"/community/claims/{claim_id}/confirm")
    assert (confirmed.status_code, confirmed.location) == (302, f"/community/list/{item_id}")
    assert "Claim confirmed." in _text(staff, f"/community/list/{item_id}")
    recorded = staff.post(
        f"/community/claims/{claim_id}/service",
        data={"served_on": TODAY, "hours": "2", "what": "代买降压药", "people": "1"},
    )
    assert recorded.status_code == 302
    closed = staff.post(f"/community/list/{item_id}/close")
    assert closed.status_code == 302

    assert _claim_of(service, item_id)[1] == "completed"
    with service.engine.connect() as conn:
        assert (
            conn.execute(select(service_items.c.status).where(service_items.c.id == item_id)).scalar_one() == "closed"
        )
        assert conn.execute(select(service_records.c.what).where(service_records.c.claim_id == claim_id)).scalar() == (
            "代买降压药"
        )
    page = _text(staff, f"/community/list/{item_id}")
    assert "Completed" in page and "End the item" not in page and "Decline" not in page
    assert "Record service" in page  # more service may still go on a completed claim's card


def test_a_claim_is_declined_with_a_reason_and_a_refusal_keeps_the_page(service: Ticketing, login: Login) -> None:
    staff = login(GRID_LEADER)  # a grid leader is community staff too
    item_id = _publish(staff)
    _member, link = _approved(service, "赵敏", "13906332222")
    claim_id = service.volunteering.claim_by_link(link, item_id, NOW)

    unsaid = staff.post(f"/community/claims/{claim_id}/decline", data={"reason": ""})
    assert unsaid.status_code == 400 and "Say why." in unsaid.get_data(as_text=True)
    declined = staff.post(f"/community/claims/{claim_id}/decline", data={"reason": "本周人数已满"})
    assert declined.status_code == 302
    page = _text(staff, f"/community/list/{item_id}")
    assert "Declined" in page and "本周人数已满" in page

    again = staff.post(f"/community/claims/{claim_id}/confirm")  # a declined claim cannot be confirmed
    assert again.status_code == 403 and "赵敏" in again.get_data(as_text=True)
    assert staff.post("/community/claims/999999/confirm").status_code == 404
    assert staff.post(f"/community/claims/{claim_id}/service", data={"hours": "x"}).status_code == 400


def test_a_claim_entered_for_more_places_than_are_left_is_refused_in_chinese(service: Ticketing, login: Login) -> None:
    staff = _chinese(login(SECRETARY))
    item_id = _publish(staff, people="2")
    unit, _link = _approved(service, "区供电公司", "06338881234", RegistrantKind.UNIT)

    page = _text(staff, f"/community/list/{item_id}")
    assert f'value="unit:{unit}"' in page
    refused = staff.post(f"/community/list/{item_id}/claims", data={"claimant": f"unit:{unit}", "people": "3"})
    said = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "只剩 2 个名额" in said and "place(s) left" not in said
    entered = staff.post(f"/community/list/{item_id}/claims", data={"claimant": f"unit:{unit}", "people": "2"})
    assert entered.status_code == 302
    assert "共2人，剩余0个名额" in _text(staff, f"/community/list/{item_id}")


@pytest.mark.parametrize("staff_id", [OTHER_GRID_LEADER, BUILDING_LEADER])
def test_an_item_is_closed_to_staff_of_other_communities_and_to_volunteer_posts(
    service: Ticketing, login: Login, staff_id: str
) -> None:
    item_id = _publish(login(SECRETARY))
    _member, link = _approved(service, "王建国", MEMBER_PHONE)
    claim_id = service.volunteering.claim_by_link(link, item_id, NOW)
    other = login(staff_id)

    page = other.get(f"/community/list/{item_id}")
    assert page.status_code == 403 and MEMBER_PHONE not in page.get_data(as_text=True)
    assert other.post(f"/community/claims/{claim_id}/confirm").status_code == 403
    assert other.post(f"/community/list/{item_id}/close").status_code == 403
    assert _claim_of(service, item_id)[1] == "pending"
    if staff_id == OTHER_GRID_LEADER:  # their own list: their community's items only
        assert "为独居老人代买药品" not in _text(other, "/community/list")


def test_the_ticket_page_asks_for_help_and_shows_who_helps_without_their_phones(
    service: Ticketing, login: Login
) -> None:
    number = service.open_ticket(
        category="property_repair",
        description="独居老人家中水管漏水",
        contact_phone="13806330000",
        location_id="B01010101",
        now=NOW - timedelta(hours=1),
    ).number
    service.act(number, "acknowledge", BUILDING_LEADER, NOW - timedelta(minutes=30))
    holder = login(BUILDING_LEADER)
    page = _text(holder, f"/staff/t/{number}")
    assert "Ask for volunteer help" in page and "2026-11-30" in page  # the last day a week ahead

    form = {"help-title": "帮忙搬运杂物", "help-description": "楼道杂物需要两人搬运", "help-people": "2"}
    form |= {"help-hours_each": "2", "help-ends_on": "2026-11-30"}
    too_many = holder.post(f"/staff/tickets/{number}/help", data=form | {"help-people": "21"})
    assert too_many.status_code == 400
    asked = holder.post(f"/staff/tickets/{number}/help", data=form)
    assert asked.status_code == 302
    with service.engine.connect() as conn:
        need = conn.execute(select(service_items.c.id).where(service_items.c.title == "帮忙搬运杂物")).scalar_one()
    _member, link = _approved(service, "王建国", MEMBER_PHONE)
    service.volunteering.claim_by_link(link, need, NOW)

    page = _text(holder, f"/staff/t/{number}")
    assert "帮忙搬运杂物" in page and "王建国" in page
    assert MEMBER_PHONE not in page and f"/community/list/{need}" not in page  # a volunteer post: no phones
    assert 'action="/staff/tickets/' not in page  # one open need at a time
    again = holder.post(f"/staff/tickets/{number}/help", data=form)
    assert again.status_code == 409

    ticket_page = _text(login(SECRETARY), f"/staff/t/{number}")  # the community's party secretary: its staff
    assert MEMBER_PHONE in ticket_page and f"/community/list/{need}" in ticket_page
    item_page = _text(login(GRID_LEADER), f"/community/list/{need}")
    assert MEMBER_PHONE in item_page and number in item_page
    assert f"/staff/t/{number}" not in item_page  # a grid leader does not see this building's ticket: no dead link
    assert f"/staff/t/{number}" in _text(login(SECRETARY), f"/community/list/{need}")  # the item links its ticket


def test_the_pages_speak_chinese_by_default(service: Ticketing, login: Login) -> None:
    staff = _chinese(login(SECRETARY))
    day = datetime(2026, 11, 23).date()
    draft = Draft(ItemKind.PROJECT, "周末环境整治", "清理公共区域杂物", day, day + 7 * DAY, 10, 3.0)
    item_id = service.volunteering.publish("C0101", draft, SECRETARY, NOW)
    _member, link = _approved(service, "王建国", MEMBER_PHONE)
    service.volunteering.claim_by_link(link, item_id, NOW)

    pages = {
        "/community/list": ["服务清单", "发布清单项目", "项目", "认领中", "共10人，剩余9个名额"],
        "/community/list/new": ["发布清单项目", "公开发布在社区服务清单上", "需要人数", "截止日期"],
        f"/community/list/{item_id}": ["认领情况", "王建国", "待社区确认", "确认", "婉拒", "代为登记认领", "办结"],
    }
    english = ["Service list", "Publish", "Claims", "Confirm", "Decline", "People wanted", "left", "Enter a claim"]
    for url, chinese in pages.items():
        page = _text(staff, url)
        missing, present = [t for t in chinese if t not in page], [t for t in english if t in page]
        assert not missing and not present, f"{url}: missing {missing}, unexpected {present}"


ODD = [
    "",
    " ",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "0.7",
    "1e309",
    "99999999999999999999",
    "x" * 2000,
    "9999-12-31",
    "member:",
]


def test_odd_input_is_refused_never_a_server_error(service: Ticketing, login: Login) -> None:
    staff = login(SECRETARY)
    item_id = _publish(staff)
    _member, link = _approved(service, "王建国", MEMBER_PHONE)
    claim_id = service.volunteering.claim_by_link(link, item_id, NOW)
    forms = {
        "/community/list/new": ["community", "kind", "title", "description", "starts_on", "ends_on", "people"],
        f"/community/list/{item_id}/claims": ["claimant", "people"],
        f"/community/claims/{claim_id}/decline": ["reason"],
        f"/community/claims/{claim_id}/service": ["served_on", "hours", "what", "people"],
    }
    for url, names in forms.items():
        for name in names:
            for value in ODD:
                response = staff.post(url, data={name: value})
                assert response.status_code < 500, (url, name, value)
    for query in ("kind=zzz", "status=open&page=-1", "community=C0102", "community=nowhere&page=99999999999"):
        assert staff.get(f"/community/list?{query}").status_code in (200, 400), query
    assert staff.get("/community/list/new?community=C0102").status_code == 200
