"""An intake routes by the registry as the database holds it, though its process checks that only while numbering.

Each process keeps the registry, absences and holidays it last read; an intake
routes by them and reads their versions in the statement that takes its number.
These tests change them through a second process's application (its own cache)
and open the next request through the first one.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ticketing.db.org_store import load_org, save_org
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.settings import Settings
from ticketing.domain.ticket import Ticket
from ticketing.services import Ticketing

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
BUILDING = "B01010101"  # building leader A S0013, B S0014
LEADER, COVER = "S0013", "S0014"
NEW_BUILDING = "B01010199"


def _open(service: Ticketing, location_id: str = BUILDING) -> Ticket:
    return service.open_ticket(
        category="property_repair",
        description="楼道灯不亮",
        contact_phone="13806330000",
        location_id=location_id,
        now=MONDAY,
    )


def _other_process(service: Ticketing) -> Ticketing:
    return create_ticketing(Settings(database_url=str(service.engine.url)), service.engine)


def test_an_absence_recorded_elsewhere_routes_the_next_request_to_the_backup(service: Ticketing) -> None:
    assert _open(service).holder_id == LEADER  # this process has read the registry and absences
    _other_process(service).absences.record(
        LEADER, MONDAY - timedelta(hours=1), MONDAY + timedelta(days=2), "病假", MONDAY
    )

    ticket = _open(service)

    assert ticket.holder_id == COVER
    assert service.show(ticket.number).ticket.holder_id == COVER  # as stored, not only as answered


def test_a_building_imported_elsewhere_is_known_to_the_next_request(service: Ticketing) -> None:
    _open(service)
    with service.engine.begin() as conn:  # another process's import: a new building beside the first
        data = load_org(conn)
        org = data.organisation
        org.units[NEW_BUILDING] = replace(org.units[BUILDING], id=NEW_BUILDING, name="阳光小区99号楼")
        save_org(conn, data)  # which bumps the registry's version

    ticket = _open(service, NEW_BUILDING)

    assert ticket.location_id == NEW_BUILDING and ticket.number
