"""The supervisors' figures of 双报到 and volunteer service: counts per street and community, with SVG charts."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask.testing import FlaskClient

from ticketing.domain.volunteering.model import Claimant, ClaimantKind, ItemKind, RegistrantKind, RegistrationStatus
from ticketing.domain.volunteering.registration import Application
from ticketing.domain.volunteering.service_list import Draft
from ticketing.services import Ticketing
from ticketing.services.volunteering import Volunteering

Login = Callable[[str], FlaskClient]
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)  # the web app's clock
TODAY = MONDAY.date()
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
SECRETARY, GRID_LEADER, BUILDING_LEADER, OTHER_SECRETARY = "S0004", "S0010", "S0013", "S0055"
# name, members, units, pending, teams, open needs, claims, confirmed, person-hours, tickets helped
C0101 = ["海曲社区", "2", "1", "1", "1", "1", "3", "2", "7.5", "1"]
C0102 = ["阳光社区", "1", "0", "0", "0", "1", "1", "0", "0", "0"]


def _member(name: str, phone: str, community: str = "C0101") -> Application:
    return Application(community, RegistrantKind.MEMBER, name, phone, work_unit="区财政局", skills="水电维修")


def _need(title: str, people: int = 3) -> Draft:
    return Draft(ItemKind.NEED, title, "每周两次上门帮忙", TODAY, TODAY + 30 * DAY, people, 2.0)


def _approved(volunteers: Volunteering, application: Application, by: str = SECRETARY) -> tuple[int, str]:
    registered = volunteers.register(application, MONDAY)
    volunteers.decide(registered.id, RegistrationStatus.APPROVED, by, MONDAY)
    return registered.id, registered.link


@pytest.fixture
def served(service: Ticketing) -> None:
    """C0101: two members and a unit approved, one pending, a team; a need with a confirmed, recorded claim and
    a pending one; the team's joint service; a ticket's need whose confirmed help is recorded at its resolution.
    C0102: a member with a pending claim of an open need."""
    volunteers = service.volunteering
    first_id, first = _approved(volunteers, _member("王建国", "13906331234"))
    second_id, second = _approved(volunteers, _member("赵敏", "13906332222"))
    unit = Application("C0101", RegistrantKind.UNIT, "区供电公司", "0633-8881234", contact_name="李主任", offer="电工")
    _approved(volunteers, unit)
    volunteers.register(_member("孙立", "13906333333"), MONDAY)
    team = volunteers.create_team("C0101", "红马甲服务队", "红马甲", [first_id, second_id], first_id, SECRETARY, MONDAY)
    need = volunteers.publish("C0101", _need("为独居老人代买药品"), GRID_LEADER, MONDAY)
    claim = volunteers.claim_by_link(first, need, MONDAY)
    volunteers.confirm(claim, GRID_LEADER, MONDAY)
    volunteers.claim_by_link(second, need, MONDAY)
    me = Claimant(ClaimantKind.MEMBER, first_id)
    volunteers.record_service(GRID_LEADER, me, TODAY, 1.5, "代买药品", MONDAY + HOUR, claim_id=claim)
    volunteers.record_service(
        GRID_LEADER, Claimant(ClaimantKind.TEAM, team), TODAY, 2, "清扫楼道", MONDAY + HOUR, people=2
    )
    ticket = service.open_ticket(
        category="property_repair",
        description="独居老人家中水管漏水",
        contact_phone="13806330000",
        location_id="B01010101",
        now=MONDAY,
    )
    service.act(ticket.number, "acknowledge", BUILDING_LEADER, MONDAY + HOUR)
    help_need = volunteers.ask_help(ticket.number, BUILDING_LEADER, _need("帮老人搬运物品", 1), MONDAY + HOUR)
    volunteers.confirm(volunteers.claim_by_link(first, help_need, MONDAY + HOUR), GRID_LEADER, MONDAY + HOUR)
    service.act(ticket.number, "resolve", BUILDING_LEADER, MONDAY + 2 * HOUR, resolution="志愿者协助修好水管")
    _, other = _approved(volunteers, _member("钱多", "13906334444", "C0102"), OTHER_SECRETARY)
    volunteers.claim_by_link(other, volunteers.publish("C0102", _need("陪老人散步"), OTHER_SECRETARY, MONDAY), MONDAY)


def cells(page: str, table: str, key: str) -> list[str]:
    section = page[page.index(f'id="{table}"') :]
    row = section[section.index(f'data-key="{key}"') :]
    row = row[: row.index("</tr>")]
    return [html.unescape(cell) for cell in re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)]


def test_the_figures_of_each_community_come_from_what_its_volunteers_did(served: None, login: Login) -> None:
    response = login("S0001").get("/supervise/volunteers")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert cells(page, "table-community", "C0101") == C0101
    assert cells(page, "table-community", "C0102") == C0102
    assert cells(page, "table-community", "C0201")[1:] == ["0"] * 9
    assert cells(page, "table-street", "ST01") == ["秦楼街道", "3", "1", "1", "1", "2", "4", "2", "7.5", "1"]
    assert '<dd id="overall-hours">7.5</dd>' in page
    assert "13906331234" not in page and "王建国" not in page, "counts only: no names, no phones"


def test_a_period_before_the_service_has_no_claims_or_hours(served: None, login: Login) -> None:
    page = login("S0001").get("/supervise/volunteers?first=2026-10-01&last=2026-10-31").get_data(as_text=True)
    assert cells(page, "table-community", "C0101") == [*C0101[:6], "0", "0", "0", "0"]
    refused = login("S0001").get("/supervise/volunteers?first=2026-11-23&last=2026-11-01")
    assert refused.status_code == 400


def test_each_supervisor_sees_the_communities_of_their_area(served: None, login: Login) -> None:
    other = login(OTHER_SECRETARY).get("/supervise/volunteers").get_data(as_text=True)
    assert cells(other, "table-community", "C0102") == C0102
    assert 'data-key="C0101"' not in other
    street = login("S0002").get("/supervise/volunteers").get_data(as_text=True)
    keys = set(re.findall(r'<tr data-key="(C\d+)"', street))
    assert keys == {"C0101", "C0102", "C0103"}
    assert cells(street, "table-community", "C0101") == C0101


def test_the_charts_are_svg_with_a_title_and_chinese_by_default(served: None, login: Login) -> None:
    client = login(SECRETARY)
    del client.environ_base["HTTP_ACCEPT_LANGUAGE"]
    page = client.get("/supervise/volunteers").get_data(as_text=True)
    svg = re.search(
        r'<svg role="img" aria-labelledby="chart-hours-title" viewBox="0 0 320 \d+"[^>]*>(.*?)</svg>', page, re.S
    )
    assert svg is not None
    assert re.search(r'<title id="chart-hours-title">[^<]+</title>', svg.group(1)), "the chart names itself"
    assert ">7.5</text>" in svg.group(1) and ">海曲社区</text>" in svg.group(1)
    assert 'aria-label="统计期"' in page and "<h2>社区</h2>" in page, "Chinese unless the browser asks otherwise"
    rates = client.get("/supervise/rates").get_data(as_text=True)
    assert 'id="volunteer-panel"' in rates and 'aria-labelledby="panel-chart-claims-title"' in rates
    assert 'href="/supervise/volunteers"' in rates
    assert cells(rates, "panel-table", "C0101")[1:] == ["7.5", "3", "2"]
