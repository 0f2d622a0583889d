"""双报到 and volunteer service over a real database: registration, claims, record cards, help with a ticket.

The web pages, the staff API and the command line call these use cases; their own tests are beside theirs.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from ticketing.db.schema import history, registrants, service_claims, service_items, service_records
from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed, NotFound
from ticketing.domain.ticket import HistoryAction, Ticket
from ticketing.domain.volunteering.model import (
    Claimant,
    ClaimantKind,
    ClaimStatus,
    ItemKind,
    ItemStatus,
    RegistrantKind,
    RegistrationStatus,
)
from ticketing.domain.volunteering.registration import Application
from ticketing.domain.volunteering.service_list import Draft
from ticketing.services import Ticketing
from ticketing.services.volunteering import Volunteering

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
TODAY = MONDAY.date()
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
COMMUNITY = "C0101"
SECRETARY, SERVICE_CENTRE, GRID_LEADER, BUILDING_LEADER = "S0004", "S0008", "S0010", "S0013"
OTHER_SECRETARY = "S0055"  # community party of C0102
ADMIN = "S0001"


def _member(name: str = "王建国", phone: str = "13906331234", community: str = COMMUNITY) -> Application:
    return Application(
        community, RegistrantKind.MEMBER, name, phone, work_unit="区财政局", skills="水电维修", hours_per_month=8
    )


def _unit(name: str = "区供电公司", phone: str = "0633-8881234") -> Application:
    return Application(COMMUNITY, RegistrantKind.UNIT, name, phone, contact_name="李主任", offer="电工两名，周末可上门")


def _need(people: int = 2, title: str = "为独居老人代买药品", hours: float = 2.0) -> Draft:
    return Draft(ItemKind.NEED, title, "每周两次，去社区卫生服务站代买药品", TODAY, TODAY + 30 * DAY, people, hours)


def _approved(volunteers: Volunteering, application: Application, by: str = SECRETARY) -> tuple[int, str]:
    registered = volunteers.register(application, MONDAY)
    volunteers.decide(registered.id, RegistrationStatus.APPROVED, by, MONDAY)
    return registered.id, registered.link


def _count(service: Ticketing, table: object) -> int:
    with service.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()  # type: ignore[arg-type]


def _open(service: Ticketing) -> Ticket:
    ticket = service.open_ticket(
        category="property_repair",
        description="独居老人家中水管漏水",
        contact_phone="13806330000",
        location_id="B01010101",
        now=MONDAY,
    )
    return service.act(ticket.number, "acknowledge", BUILDING_LEADER, MONDAY + HOUR)


def test_a_registration_waits_for_the_community_and_a_phone_registers_once(service: Ticketing) -> None:
    volunteers = service.volunteering
    registered = volunteers.register(_member(phone="139 0633 1234"), MONDAY)
    me = volunteers.by_link(registered.link)
    assert (me.status, me.phone, me.community_id) == (RegistrationStatus.PENDING, "13906331234", COMMUNITY)
    with pytest.raises(Conflict, match="already registered"):
        volunteers.register(_member(name="王建国（重复）"), MONDAY)
    assert _count(service, registrants) == 1
    with pytest.raises(NotAllowed, match="party secretary"):
        volunteers.decide(registered.id, RegistrationStatus.APPROVED, GRID_LEADER, MONDAY)
    with pytest.raises(NotAllowed):
        volunteers.decide(registered.id, RegistrationStatus.APPROVED, OTHER_SECRETARY, MONDAY)
    assert volunteers.decide(registered.id, "approved", SERVICE_CENTRE, MONDAY).status is RegistrationStatus.APPROVED
    with pytest.raises(NotAllowed, match="may become only"):
        volunteers.decide(registered.id, RegistrationStatus.REJECTED, SECRETARY, MONDAY)


def test_a_registration_with_a_bad_field_says_which_and_writes_nothing(service: Ticketing) -> None:
    volunteers = service.volunteering
    with pytest.raises(InvalidInput, match="phone"):
        volunteers.register(_member(phone="12345"), MONDAY)
    with pytest.raises(InvalidInput, match="community"):
        volunteers.register(_member(community="G010101"), MONDAY)
    with pytest.raises(InvalidInput, match="work_unit"):
        volunteers.register(Application(COMMUNITY, RegistrantKind.MEMBER, "张三", "13906331111"), MONDAY)
    assert _count(service, registrants) == 0


def test_an_import_is_approved_at_once_and_running_it_again_adds_nobody(service: Ticketing) -> None:
    volunteers = service.volunteering
    rows = [_member(), _member(name="赵敏", phone="13906332222"), _unit()]
    assert volunteers.import_registrants(COMMUNITY, rows, SECRETARY, MONDAY).added == 3
    again = volunteers.import_registrants(COMMUNITY, rows, SECRETARY, MONDAY)
    assert (again.added, again.skipped) == (0, 3)
    with service.engine.connect() as conn:
        statuses = set(conn.execute(select(registrants.c.status)).scalars())
    assert statuses == {"approved"}
    with pytest.raises(InvalidInput, match="row 3"):
        volunteers.import_registrants(COMMUNITY, [_member(phone="13906339999"), _member(phone="x")], SECRETARY, MONDAY)
    assert _count(service, registrants) == 3


def test_claims_hold_the_places_wanted_and_the_community_confirms(service: Ticketing) -> None:
    volunteers = service.volunteering
    first_id, first = _approved(volunteers, _member())
    _, second = _approved(volunteers, _member(name="赵敏", phone="13906332222"))
    _, third = _approved(volunteers, _member(name="孙立", phone="13906333333"))
    item = volunteers.publish(COMMUNITY, _need(people=2), GRID_LEADER, MONDAY)
    claim = volunteers.claim_by_link(first, item, MONDAY)
    with pytest.raises(Conflict, match="already"):
        volunteers.claim_by_link(first, item, MONDAY)
    volunteers.claim_by_link(second, item, MONDAY)
    with pytest.raises(Conflict, match="0 place"):
        volunteers.claim_by_link(third, item, MONDAY)
    with pytest.raises(NotAllowed):
        volunteers.confirm(claim, BUILDING_LEADER, MONDAY)  # a volunteer post is no community staff
    assert volunteers.confirm(claim, GRID_LEADER, MONDAY).status is ClaimStatus.CONFIRMED
    me = Claimant(ClaimantKind.MEMBER, first_id)
    volunteers.record_service(GRID_LEADER, me, TODAY, 1.5, "代买药品两次", MONDAY + HOUR, claim_id=claim)
    with pytest.raises(InvalidInput, match="still ahead"):
        volunteers.record_service(GRID_LEADER, me, TODAY + DAY, 1, "明天的事", MONDAY, claim_id=claim)
    with pytest.raises(NotAllowed, match="service recorded"):
        volunteers.withdraw_by_link(first, claim, MONDAY)
    assert volunteers.end_item(item, "closed", GRID_LEADER, MONDAY).status is ItemStatus.CLOSED
    with service.engine.connect() as conn:
        statuses = sorted(conn.execute(select(service_claims.c.status)).scalars())
        minutes = conn.execute(select(service_records.c.minutes)).scalars().all()
    assert statuses == ["completed", "lapsed"]
    assert minutes == [90]


def test_a_pending_registration_or_another_community_may_not_claim(service: Ticketing) -> None:
    volunteers = service.volunteering
    pending = volunteers.register(_member(), MONDAY)
    _, elsewhere = _approved(volunteers, _member(name="钱多", phone="13906334444", community="C0102"), OTHER_SECRETARY)
    item = volunteers.publish(COMMUNITY, _need(), SECRETARY, MONDAY)
    with pytest.raises(NotAllowed, match="approved"):
        volunteers.claim_by_link(pending.link, item, MONDAY)
    with pytest.raises(NotAllowed, match="own community"):
        volunteers.claim_by_link(elsewhere, item, MONDAY)
    with pytest.raises(NotFound):
        volunteers.claim_by_link("not-a-link", item, MONDAY)
    assert _count(service, service_claims) == 0


def test_a_team_leader_claims_for_the_team_and_no_more_people_than_it_has(service: Ticketing) -> None:
    volunteers = service.volunteering
    leader_id, leader = _approved(volunteers, _member())
    other_id, _ = _approved(volunteers, _member(name="赵敏", phone="13906332222"))
    team = volunteers.create_team(
        COMMUNITY, "红马甲服务队", "邻里红马甲", [leader_id, other_id], leader_id, SECRETARY, MONDAY
    )
    item = volunteers.publish(COMMUNITY, _need(people=10), SECRETARY, MONDAY)
    with pytest.raises(InvalidInput, match="from 1 to 2"):
        volunteers.claim_by_link(leader, item, MONDAY, team_id=team, people=3)
    volunteers.claim_by_link(leader, item, MONDAY, team_id=team, people=2)
    with service.engine.connect() as conn:
        row = conn.execute(select(service_claims.c.team_id, service_claims.c.people)).one()
    assert tuple(row) == (team, 2)
    with pytest.raises(NotAllowed, match="party secretary"):
        volunteers.create_team(COMMUNITY, "另一队", "", [leader_id], None, GRID_LEADER, MONDAY)


def test_help_with_a_ticket_leaves_it_where_it_is_and_goes_on_the_cards_at_resolution(service: Ticketing) -> None:
    volunteers = service.volunteering
    member_id, link = _approved(volunteers, _member())
    ticket = _open(service)
    with pytest.raises(NotAllowed, match="holders"):
        volunteers.ask_help(ticket.number, GRID_LEADER, _need(people=1), MONDAY + HOUR)
    item = volunteers.ask_help(ticket.number, BUILDING_LEADER, _need(people=1, title="帮老人搬运物品"), MONDAY + HOUR)
    with pytest.raises(Conflict, match="open already"):
        volunteers.ask_help(ticket.number, BUILDING_LEADER, _need(people=1), MONDAY + HOUR)
    read = service.show(ticket.number).ticket.version  # the holder's page, read before anyone claims
    claim = volunteers.claim_by_link(link, item, MONDAY + 2 * HOUR)
    volunteers.confirm(claim, GRID_LEADER, MONDAY + 2 * HOUR)
    after = service.show(ticket.number)
    assert after.ticket.version == read  # a claim and its confirmation are history lines, not changes of the ticket
    kept = (after.ticket.first_responder_id, after.ticket.holder_id, after.ticket.due_at, after.ticket.state)
    assert kept == (BUILDING_LEADER, BUILDING_LEADER, ticket.due_at, ticket.state)
    claimed = [e for e in after.history if e.action is HistoryAction.HELP_CLAIMED]
    assert claimed[0].details["helper"] == "王建国"
    at = MONDAY + 3 * HOUR
    service.act(ticket.number, "resolve", BUILDING_LEADER, at, expected_version=read, resolution="志愿者协助修好水管")
    with service.engine.connect() as conn:
        record = conn.execute(select(service_records)).one()
        item_status = conn.execute(select(service_items.c.status)).scalar_one()
        actions = list(conn.execute(select(history.c.action).order_by(history.c.id)).scalars())
    assert (record.registrant_id, record.minutes, record.ticket_id, record.confirmed_by) == (
        member_id,
        120,
        ticket.id,
        BUILDING_LEADER,
    )
    assert record.served_on == date(2026, 11, 23)
    assert item_status == "closed"
    assert actions[-2:] == ["resolve", "help_recorded"]
