"""The community staff's 双报到 pages: registrations, imports, own links, teams and record cards with exports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from ticketing.domain.errors import NotFound
from ticketing.domain.volunteering.model import (
    Claimant,
    ClaimantKind,
    Registrant,
    RegistrantKind,
    RegistrationStatus,
)
from ticketing.domain.volunteering.registration import Application
from ticketing.read import registrants
from ticketing.services import Ticketing
from ticketing.services.volunteering import Registered

Login = Callable[[str], FlaskClient]
WEB_NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock (conftest)
MANAGER, GRID_LEADER, OTHER_COMMUNITY = "S0004", "S0010", "S0055"  # C0101's party secretary and grid leader; C0102's


def _member(service: Ticketing, name: str, phone: str, community: str = "C0101") -> Registered:
    application = Application(community, RegistrantKind.MEMBER, name, phone, work_unit="区财政局", hours_per_month=8)
    return service.volunteering.register(application, WEB_NOW)


def _approved(service: Ticketing, name: str, phone: str) -> Registered:
    registered = _member(service, name, phone)
    service.volunteering.decide(registered.id, RegistrationStatus.APPROVED, MANAGER, WEB_NOW)
    return registered


def _registrant(service: Ticketing, registrant_id: int) -> Registrant:
    return registrants.registrant(service, registrant_id)


def test_waiting_registrations_come_first_and_the_manager_approves_them(service: Ticketing, login: Login) -> None:
    _approved(service, "赵敏", "13906332222")
    waiting = _member(service, "孙立", "13906333333")
    manager = login(MANAGER)

    page = manager.get("/community/registrations").get_data(as_text=True)
    assert page.index("孙立") < page.index("赵敏")
    assert "13906333333" in page
    only_waiting = manager.get("/community/registrations?status=pending").get_data(as_text=True)
    assert "孙立" in only_waiting and "赵敏" not in only_waiting

    shown = manager.get(f"/community/registrations/{waiting.id}").get_data(as_text=True)
    assert "Approve" in shown and "Reject" in shown
    response = manager.post(f"/community/registrations/{waiting.id}/decide", data={"status": "approved"})
    assert response.status_code == 302
    assert _registrant(service, waiting.id).status is RegistrationStatus.APPROVED


def test_a_grid_leader_sees_the_data_but_may_not_approve(service: Ticketing, login: Login) -> None:
    waiting = _member(service, "孙立", "13906333333")
    grid_leader = login(GRID_LEADER)

    page = grid_leader.get(f"/community/registrations/{waiting.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "13906333333" in text and "区财政局" in text
    assert "Approve" not in text

    refused = grid_leader.post(f"/community/registrations/{waiting.id}/decide", data={"status": "approved"})
    assert refused.status_code == 403
    assert "party secretary" in refused.get_data(as_text=True)
    assert _registrant(service, waiting.id).status is RegistrationStatus.PENDING


def test_other_communities_staff_see_no_personal_data(service: Ticketing, login: Login) -> None:
    waiting = _member(service, "孙立", "13906333333")
    other = login(OTHER_COMMUNITY)

    page = other.get(f"/community/registrations/{waiting.id}")
    assert page.status_code == 403
    assert "13906333333" not in page.get_data(as_text=True)
    assert "孙立" not in other.get("/community/registrations").get_data(as_text=True)
    assert other.post(f"/community/registrations/{waiting.id}/link").status_code == 403
    assert other.get("/community/registrations/999999").status_code == 404
    assert login("S0013").get("/community/registrations").status_code == 403  # a building leader: a volunteer post


CSV_FILE = (
    "类型,名称,电话,联系人,工作单位,可提供资源\n"
    "党员,王建国,13906331234,,区财政局,\n"
    "单位,区供电公司,0633-8881234,李主任,,电工两名\n"
)


def _upload(client: FlaskClient, content: bytes, name: str = "registrants.csv") -> tuple[int, str]:
    data = {"community": "C0101", "file": (io.BytesIO(content), name)}
    response = client.post("/community/registrations/import", data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def test_an_import_adds_approved_registrations_and_running_it_again_skips_them(
    service: Ticketing, login: Login
) -> None:
    manager = login(MANAGER)
    assert "kind,name,phone" in manager.get("/community/registrations/import").get_data(as_text=True)

    status, page = _upload(manager, CSV_FILE.encode())
    assert status == 200
    assert "2 added, 0 skipped" in page
    listed = manager.get("/community/registrations?status=approved").get_data(as_text=True)
    assert "王建国" in listed and "区供电公司" in listed

    status, page = _upload(manager, CSV_FILE.encode("gb18030"))
    assert (status, "0 added, 2 skipped" in page) == (200, True)


def test_a_bad_row_refuses_the_whole_file_naming_the_row_in_chinese(service: Ticketing, login: Login) -> None:
    manager = login(MANAGER)
    manager.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    bad = CSV_FILE + "群众,李四,13906335555,,区税务局,\n"

    status, page = _upload(manager, bad.encode())
    assert status == 400
    assert "第 4 行" in page
    assert "王建国" not in manager.get("/community/registrations").get_data(as_text=True)


def test_only_managers_import_and_files_are_csv_or_xlsx(login: Login) -> None:
    grid_leader = login(GRID_LEADER)
    assert "Only the party secretary" in grid_leader.get("/community/registrations/import").get_data(as_text=True)
    assert _upload(grid_leader, CSV_FILE.encode())[0] == 403  # it does not manage C0101
    assert _upload(login(MANAGER), b"MZ", "tool.exe")[0] == 400


def test_a_new_link_is_shown_once_and_the_old_one_stops_working(service: Ticketing, login: Login) -> None:
    registered = _approved(service, "王建国", "13906331234")
    grid_leader = login(GRID_LEADER)

    response = grid_leader.post(f"/community/registrations/{registered.id}/link")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    link = page.split('<a class="vol-secret" href="')[1].split('"')[0]
    secret = link.rsplit("/v/me/", 1)[1]
    assert service.volunteering.by_link(secret).id == registered.id
    assert grid_leader.get(urlsplit(link).path).status_code == 200  # the registrant's own page opens with it
    with pytest.raises(NotFound):
        service.volunteering.by_link(registered.link)
    assert secret not in grid_leader.get(f"/community/registrations/{registered.id}").get_data(as_text=True)


def test_a_team_is_made_of_approved_members_with_a_leader(service: Ticketing, login: Login) -> None:
    wang, zhao = _approved(service, "王建国", "13906331234"), _approved(service, "赵敏", "13906332222")
    waiting = _member(service, "孙立", "13906333333")
    manager = login(MANAGER)

    form = manager.get("/community/teams/new").get_data(as_text=True)
    assert "王建国" in form and "孙立" not in form
    data = {"community": "C0101", "name": "红马甲服务队", "brand": "邻里红马甲", "members": [wang.id, zhao.id]}
    response = manager.post("/community/teams/new", data=data | {"leader": str(zhao.id)})
    assert response.status_code == 302
    team_page = manager.get(response.location).get_data(as_text=True)
    assert "红马甲服务队" in team_page and "13906332222" in team_page

    listed = manager.get("/community/teams").get_data(as_text=True)
    assert "邻里红马甲" in listed and "赵敏" in listed
    refused = manager.post("/community/teams/new", data=data | {"members": [waiting.id], "leader": ""})
    assert refused.status_code == 400
    assert login(GRID_LEADER).post("/community/teams/new", data=data).status_code == 200  # told: managers only


def test_totals_over_a_period_and_their_exports(service: Ticketing, login: Login) -> None:
    wang, zhao = _approved(service, "王建国", "13906331234"), _approved(service, "赵敏", "13906332222")
    volunteering = service.volunteering
    team = volunteering.create_team("C0101", "红马甲服务队", "", [wang.id, zhao.id], wang.id, MANAGER, WEB_NOW)
    manager = login(MANAGER)
    recorded = manager.post(
        f"/community/registrations/{zhao.id}/service",
        data={"served_on": "2026-11-20", "hours": "2", "what": "社区联建活动"},
    )
    assert recorded.status_code == 302
    served = {"served_on": "2026-11-21", "hours": "1.5", "people": "4", "what": "清理楼道"}
    assert manager.post(f"/community/teams/{team}/service", data=served).status_code == 302
    last_year = Claimant(ClaimantKind.MEMBER, wang.id)
    volunteering.record_service(MANAGER, last_year, datetime(2025, 12, 30).date(), 3, "义诊", WEB_NOW)

    page = manager.get("/community/cards").get_data(as_text=True).split("<tbody>")[1]  # this year so far
    assert page.index("红马甲服务队") < page.index("赵敏")  # 6 person-hours before 2
    assert "王建国" not in page

    table = manager.get("/community/cards.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(table)))
    assert rows[0] == ["Kind", "Name", "Community", "Entries", "Person-hours", "Claims completed"]
    assert rows[1][:2] == ["Volunteer team", "红马甲服务队"] and float(rows[1][4]) == 6.0
    assert rows[2][1] == "赵敏" and float(rows[2][4]) == 2.0

    zh = login(MANAGER)
    zh.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    workbook = load_workbook(io.BytesIO(zh.get("/community/cards.xlsx?first=2025-12-01&last=2026-11-23").data))
    cells = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert cells[0][1] != "Name"  # the reader's language: Chinese
    assert {row[1]: row[4] for row in cells[1:]} == {"红马甲服务队": 6, "王建国": 3, "赵敏": 2}

    card = manager.get(f"/community/teams/{team}").get_data(as_text=True)
    assert "清理楼道" in card
    assert manager.get("/community/cards?first=2026-11-23&last=2026-01-01").status_code == 400
    assert login(OTHER_COMMUNITY).get(f"/community/teams/{team}").status_code == 403


def test_the_audit_trail_names_the_registration_decided_and_the_community_imported_into(
    service: Ticketing, login: Login
) -> None:
    waiting = _member(service, "孙立", "13906333333")
    manager = login(MANAGER)
    manager.post(f"/community/registrations/{waiting.id}/decide", data={"status": "approved"})
    _upload(manager, CSV_FILE.encode())

    trail = login("S0001").get("/admin/audit").get_data(as_text=True)
    assert f"Dual registration {waiting.id} (孙立)" in trail
    assert f"registrant:{waiting.id}" not in trail
    assert 'data-label="Of">海曲社区</td>' in trail  # the import, of C0101
