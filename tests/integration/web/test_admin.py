"""The admin pages (organisation, A/B holders, import, absences, calendars, accounts) and who may use them."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from ticketing.db.schema import notifications
from ticketing.domain.org import Post
from ticketing.domain.ticket import Ticket
from ticketing.services import Ticketing
from ticketing.services.accounts import account, authenticate

Login = Callable[[str], FlaskClient]

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the web app's clock: Monday 09:00 in Shanghai
ADMIN = "S0001"
BUILDING_POST = "B01010101.building_leader"  # A S0013 陈强, B S0014 吴红霞
ROSTER_HEADER = "岗位,单位编号,AB岗,工号\n"
PASSWORD = "test-password"  # what the ``login`` fixture sets


def _open(service: Ticketing) -> Ticket:
    return service.open_ticket(
        category="sanitation", description="垃圾未清运", contact_phone="13806330000", location_id="B01010101", now=NOW
    )


def _post(service: Ticketing, post_id: str = BUILDING_POST) -> Post:
    with service.engine.connect() as conn:
        return service.worlds.organisation(conn).posts[post_id]


def _absent(service: Ticketing, staff_id: str, at: datetime) -> bool:
    with service.engine.connect() as conn:
        return service.worlds.world(conn).absent(staff_id, at)


def _upload(*files: tuple[str, str]) -> dict[str, Any]:
    return {"files": [(io.BytesIO(text.encode()), name) for name, text in files]}


def _text(response: Any) -> str:
    return response.get_data(as_text=True)


# --- pages ---------------------------------------------------------------------------------------


def test_every_admin_page_renders_for_the_admin(login: Login) -> None:
    admin = login(ADMIN)
    page = _text(admin.get("/admin/organisation"))
    assert "海曲社区" in page and "阳光小区1号楼" in page
    assert "陈强" in page and "S0013" in page and "吴红霞" in page and "S0014" in page
    assert "Building leader" in page and "错时工作制" in page and "07:30-13:00, 13:30-19:00" in page
    assert "/admin/organisation?community=C0102" in page and "秦楼街道" in page and "蔡红霞" in page
    assert "/admin/posts/B01010101.building_leader/holders" in page
    assert 'Building leader <span class="muted">volunteer</span>' in page and "Property service unit" in page
    assert "no post: requests about a shop go to its street leader" in page
    other = _text(admin.get("/admin/organisation?community=C0102"))
    assert "C0102" in other and "B01010101" not in other

    holders = _text(admin.get(f"/admin/posts/{BUILDING_POST}/holders"))
    assert 'value="S0013"' in holders and 'value="S0014"' in holders and "阳光小区1号楼" in holders
    assert 'type="file"' in _text(admin.get("/admin/import"))
    assert 'type="datetime-local"' in _text(admin.get("/admin/absences"))
    calendars = _text(admin.get("/admin/calendars"))
    assert "错时工作制" in calendars and "标准办公时间" in calendars and "C0101" in calendars
    assert "Governs 18 posts." in calendars and "closed" in calendars  # the standard hours: staff only
    assert "志愿者日间服务时间" in calendars and "Governs 182 posts." in calendars  # every volunteer post

    accounts = _text(admin.get("/admin/accounts"))
    assert "Page 1 of 6" in accounts and "S0050" in accounts and "S0051" not in accounts
    assert "S0051" in _text(admin.get("/admin/accounts?page=2"))
    with_login = _text(admin.get("/admin/accounts?login=yes"))
    assert "S0001" in with_login and "S0002" not in with_login
    assert "S0013" in _text(admin.get("/admin/accounts?q=陈强"))
    assert "no login" in _text(admin.get("/admin/accounts/S0013"))


def test_labels_follow_the_language(login: Login) -> None:
    admin = login(ADMIN)
    admin.post("/language/zh_Hans", data={"next": "/"})
    page = _text(admin.get("/admin/organisation"))
    assert "楼长" in page and "网格长" in page and "Building leader" not in page


def test_unknown_community_post_or_staff_is_a_404(login: Login) -> None:
    admin = login(ADMIN)
    assert admin.get("/admin/organisation?community=C9999").status_code == 404
    assert admin.get("/admin/organisation?community=G010101").status_code == 404  # a grid, not a community
    assert admin.get("/admin/posts/B0000.building_leader/holders").status_code == 404
    assert admin.get("/admin/accounts/S9999").status_code == 404
    assert admin.post("/admin/accounts/S9999/password", data={"password": "long-enough"}).status_code == 404
    assert admin.post("/admin/accounts/S0020/deactivate").status_code == 404  # S0020 has no login


# --- A/B holders --------------------------------------------------------------------------------


def test_changed_holders_take_the_next_ticket(service: Ticketing, login: Login) -> None:
    assert _open(service).holder_id == "S0013"
    admin = login(ADMIN)
    response = admin.post(f"/admin/posts/{BUILDING_POST}/holders", data={"holder_a": " s0015 ", "holder_b": "s0013"})
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/organisation?community=C0101#{BUILDING_POST}")
    assert (_post(service).holder_a, _post(service).holder_b) == ("S0015", "S0013")
    assert _open(service).holder_id == "S0015"
    page = _text(admin.get(response.location))
    assert "阳光小区1号楼 Building leader: A is now 肖书勤 (was 陈强); B is now 陈强 (was 吴红霞)." in page
    assert BUILDING_POST not in page.split("<main")[1].split("</section>")[0]


def test_a_holder_change_is_told_in_chinese_with_names(service: Ticketing, login: Login) -> None:
    admin = login(ADMIN)
    admin.post("/language/zh_Hans", data={"next": "/"})
    url = f"/admin/posts/{BUILDING_POST}/holders"
    response = admin.post(url, data={"holder_a": "S0013", "holder_b": "s0015"})
    page = _text(admin.get(response.location))
    assert "阳光小区1号楼楼长：A岗仍为 陈强；B岗现为 肖书勤（原 吴红霞）。" in page


def test_wrong_holders_are_refused_next_to_the_field_and_kept(service: Ticketing, login: Login) -> None:
    admin = login(ADMIN)
    url = f"/admin/posts/{BUILDING_POST}/holders"
    unknown = admin.post(url, data={"holder_a": "S9999", "holder_b": "S0014"})
    assert unknown.status_code == 400
    page = _text(unknown)
    assert 'id="holder_a-error">No staff member has this number.' in page and 'value="S9999"' in page
    same = _text(admin.post(url, data={"holder_a": "S0014", "holder_b": "S0014"}))
    assert 'id="holder_b-error">A and B must be two different people.' in same
    assert 'id="holder_a-error"' not in same
    empty = admin.post(url, data={"holder_a": "", "holder_b": "S0020"})
    assert empty.status_code == 400 and 'id="holder_a-error"' in _text(empty) and 'value="S0020"' in _text(empty)
    assert (_post(service).holder_a, _post(service).holder_b) == ("S0013", "S0014")


# --- import -------------------------------------------------------------------------------------


def test_a_roster_upload_changes_a_holder(service: Ticketing, login: Login) -> None:
    admin = login(ADMIN)
    roster = ROSTER_HEADER + "楼长,B01010101,A,S0015\n楼长,B01010101,B,S0013\n"
    response = admin.post("/admin/import", data=_upload(("花名册.csv", roster)), content_type="multipart/form-data")
    assert response.status_code == 200
    page = _text(response)
    assert "Imported: the registry is now at version" in page
    assert re.search(r"Posts</th>\s*<td>0</td><td>1</td><td>215</td><td>0</td>", page)  # created, updated, unchanged
    assert _post(service).holder_a == "S0015"
    assert _open(service).holder_id == "S0015"
    again = _text(admin.post("/admin/import", data=_upload(("花名册.csv", roster)), content_type="multipart/form-data"))
    assert "Nothing changed." in again


def test_a_broken_upload_names_the_file_and_writes_nothing(service: Ticketing, login: Login) -> None:
    admin = login(ADMIN)
    good = ROSTER_HEADER + "楼长,B01010101,A,S0015\n楼长,B01010101,B,S0013\n"
    bad_roster = ROSTER_HEADER + "楼长,B01010101,X,S0015\n"
    response = admin.post(
        "/admin/import",
        data=_upload(("good.csv", good), ("roster.csv", bad_roster), ("org.yaml", "district: [\n")),
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = _text(response)
    assert "2 problems; nothing was imported." in page
    assert "roster.csv: row 2, column AB岗: &#39;X&#39; is not A, B or a further holder" in page
    assert "<code>org.yaml: " in page and "ticketing-import-" not in page
    assert _post(service).holder_a == "S0013"


def test_import_asks_for_importable_files(login: Login) -> None:
    admin = login(ADMIN)
    wrong = admin.post("/admin/import", data=_upload(("notes.txt", "hello")), content_type="multipart/form-data")
    assert wrong.status_code == 400
    assert "Only .yaml, .yml, .toml, .csv and .xlsx files can be imported." in _text(wrong)
    none = admin.post("/admin/import", data={}, content_type="multipart/form-data")
    assert none.status_code == 400 and "Choose at least one file." in _text(none)


# --- absences -----------------------------------------------------------------------------------


def test_an_absence_hands_the_ticket_over(service: Ticketing, login: Login) -> None:
    ticket = _open(service)
    admin = login(ADMIN)
    response = admin.post(
        "/admin/absences",
        data={"staff_id": "s0013", "starts_at": "2026-11-23T08:00", "ends_at": "2026-11-25T18:00", "reason": "年假"},
    )
    assert response.status_code == 302 and response.location.endswith("/admin/absences")
    history = service.show(ticket.number).history
    assert any(entry.action == "handover" and entry.holder_id == "S0014" for entry in history)
    assert service.show(ticket.number).ticket.holder_id == "S0014"
    # The times were Shanghai local times: 08:00 there is 00:00 UTC.
    assert _absent(service, "S0013", datetime(2026, 11, 23, 0, tzinfo=UTC))
    assert not _absent(service, "S0013", datetime(2026, 11, 23, 0, tzinfo=UTC) - timedelta(minutes=1))
    listed = _text(admin.get("/admin/absences"))
    assert "Absence of 陈强 recorded; 1 ticket passed to the other holder of their post." in listed
    assert "年假" in listed and "away now" in listed
    organisation = _text(admin.get("/admin/organisation"))
    assert "Absent now" in organisation and "away now" in organisation


def test_a_wrong_absence_is_refused_next_to_the_field_and_kept(service: Ticketing, login: Login) -> None:
    admin = login(ADMIN)
    backwards = admin.post(
        "/admin/absences",
        data={"staff_id": "S0013", "starts_at": "2026-11-25T18:00", "ends_at": "2026-11-23T08:00", "reason": "年假"},
    )
    assert backwards.status_code == 400
    page = _text(backwards)
    assert 'id="ends_at-error">The end must be after the start.' in page
    assert 'value="2026-11-25T18:00"' in page and 'value="年假"' in page
    unknown = admin.post(
        "/admin/absences",
        data={"staff_id": "S9999", "starts_at": "2026-11-23T08:00", "ends_at": "2026-11-25T18:00", "reason": "出差"},
    )
    assert unknown.status_code == 400
    page = _text(unknown)
    assert 'id="staff_id-error">No staff member has this number.' in page and 'value="S9999"' in page
    blank = admin.post("/admin/absences", data={"staff_id": "S0013", "starts_at": "", "ends_at": "", "reason": " "})
    assert all(f'id="{name}-error"' in _text(blank) for name in ("starts_at", "ends_at", "reason"))
    assert not _absent(service, "S0013", NOW)


# --- accounts -----------------------------------------------------------------------------------


def test_admin_creates_and_resets_a_login(login: Login, client: FlaskClient) -> None:
    admin = login(ADMIN)
    short = admin.post("/admin/accounts/S0020/password", data={"password": "short"})
    assert short.status_code == 400
    assert 'id="password-error">Between 8 and 200 characters.' in _text(short) and 'value="short"' in _text(short)
    created = admin.post("/admin/accounts/S0020/password", data={"password": "first-password"})
    assert created.status_code == 302
    assert "Login created for S0020." in _text(admin.get(created.location))
    assert client.post("/login", data={"staff_id": "S0020", "password": "first-password"}).status_code == 302
    admin.post("/admin/accounts/S0020/password", data={"password": "second-password"})
    assert "Password of S0020 changed." in _text(admin.get("/admin/accounts/S0020"))
    assert client.post("/login", data={"staff_id": "S0020", "password": "first-password"}).status_code == 200
    assert client.post("/login", data={"staff_id": "S0020", "password": "second-password"}).status_code == 302


def test_a_deactivated_login_stops_working_at_once(login: Login, app: Flask) -> None:
    admin = login(ADMIN)
    staff = login("S0013")
    assert staff.get("/admin/organisation").status_code == 403  # logged in, but no admin
    assert admin.post("/admin/accounts/S0013/deactivate").status_code == 302
    assert "deactivated" in _text(admin.get("/admin/accounts/S0013"))
    refused = staff.get("/admin/organisation")
    assert refused.status_code == 302 and "/login" in refused.location
    assert "(S0013)" not in _text(staff.get("/"))
    fresh = app.test_client()
    assert fresh.post("/login", data={"staff_id": "S0013", "password": PASSWORD}).status_code == 200
    assert admin.post("/admin/accounts/S0013/activate").status_code == 302
    assert fresh.post("/login", data={"staff_id": "S0013", "password": PASSWORD}).status_code == 302


# --- who may do what ----------------------------------------------------------------------------

PAGES = [
    "/admin/organisation",
    "/admin/organisation?community=C0102",
    f"/admin/posts/{BUILDING_POST}/holders",
    "/admin/import",
    "/admin/absences",
    "/admin/calendars",
    "/admin/accounts",
    "/admin/accounts/S0013",
]


def _actions() -> list[tuple[str, dict[str, Any]]]:
    roster = ROSTER_HEADER + "楼长,B01010101,A,S0015\n楼长,B01010101,B,S0013\n"
    return [
        (f"/admin/posts/{BUILDING_POST}/holders", {"holder_a": "S0015", "holder_b": "S0013"}),
        ("/admin/import", _upload(("roster.csv", roster))),
        (
            "/admin/absences",
            {"staff_id": "S0013", "starts_at": "2026-11-23T08:00", "ends_at": "2026-11-25T18:00", "reason": "年假"},
        ),
        ("/admin/accounts/S0013/password", {"password": "taken-over-1"}),
        ("/admin/accounts/S0013/deactivate", {}),
        ("/admin/accounts/S0013/activate", {}),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client: FlaskClient, service: Ticketing) -> None:
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url
    for url, data in _actions():
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 302 and "/login" in response.location, url
    assert _post(service).holder_a == "S0013" and not _absent(service, "S0013", NOW)


@pytest.mark.parametrize(
    "staff_id",
    [
        "S0013",  # the building's own leader
        "S0027",  # a building leader elsewhere
        "S0004",  # the community's supervisor (party organisation)
        "S0002",  # the street's supervisor (party working committee)
        "S0127",  # another street's supervisor
    ],
)
def test_staff_and_supervisors_are_refused_everything(staff_id: str, login: Login, service: Ticketing) -> None:
    user = login(staff_id)
    for url in PAGES:
        assert user.get(url).status_code == 403, url
    for url, data in _actions():
        assert user.post(url, data=data, content_type="multipart/form-data").status_code == 403, url
    assert _post(service).holder_a == "S0013" and not _absent(service, "S0013", NOW)
    found = account(service.engine, "S0013")
    assert (found is not None) == (staff_id == "S0013")  # nobody else created a login for S0013
    assert found is None or authenticate(service.engine, "S0013", PASSWORD) is not None  # nor reset or stopped it


def test_the_admin_may_do_everything(login: Login, service: Ticketing) -> None:
    admin = login(ADMIN)
    for url in PAGES:
        assert admin.get(url).status_code == 200, url
    for url, data in _actions():
        assert admin.post(url, data=data, content_type="multipart/form-data").status_code in (200, 302), url
    assert _post(service).holder_a == "S0015" and _absent(service, "S0013", NOW)


def test_admin_forms_need_the_csrf_token(app: Flask, login: Login, service: Ticketing) -> None:
    admin = login(ADMIN)
    app.config["WTF_CSRF_ENABLED"] = True
    response = admin.post(f"/admin/posts/{BUILDING_POST}/holders", data={"holder_a": "S0015", "holder_b": "S0013"})
    assert response.status_code == 400
    assert admin.post("/admin/accounts/S0001/deactivate").status_code == 400
    assert _post(service).holder_a == "S0013"
    refused = admin.post("/admin/accounts/S0001/deactivate", headers={"Accept-Language": "zh-CN"})
    refused = refused.get_data(as_text=True)
    assert "表单已过期" in refused and "CSRF" not in refused  # the reader's language, not the library's English


def test_the_admin_sees_notices_given_up_on(service: Ticketing, login: Callable[[str], FlaskClient]) -> None:
    ticket = _open(service)
    client = login("S0001")
    assert "Every notice was delivered." in client.get("/admin/outbox").get_data(as_text=True)
    with service.engine.begin() as conn:
        conn.execute(
            update(notifications)
            .where(notifications.c.ticket_id == ticket.id)
            .values(attempts=8, last_error="smtp: connection refused", dead_at=NOW, next_attempt_at=None)
        )
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert ticket.number in page and "smtp: connection refused" in page and "S0013" in page


def test_a_staff_number_in_lower_case_opens_the_account_page(login: Login) -> None:
    response = login(ADMIN).get("/admin/accounts/s0015")
    assert (response.status_code, response.location) == (302, "/admin/accounts/S0015")
