"""The demo district's 双报到 and volunteer service: every community has registrations, teams, the three lists,
claims and record cards, and a demo ticket's history shows the volunteer help it got."""

from __future__ import annotations

from sqlalchemy import func, select

from ticketing.db.schema import registrants, service_claims, service_items, service_records, tickets, volunteer_teams
from ticketing.demo.tickets import HELPED, DemoLoad
from ticketing.domain.ticket import HistoryAction
from ticketing.services import Ticketing

COMMUNITIES = {"C0101", "C0102", "C0103", "C0201", "C0202", "C0203"}


def test_every_demo_community_has_registrations_teams_items_claims_and_records(
    service: Ticketing, demo_tickets: DemoLoad
) -> None:
    with service.engine.connect() as conn:
        statuses = set(conn.execute(select(registrants.c.community_id, registrants.c.kind, registrants.c.status)))
        teams = set(conn.execute(select(volunteer_teams.c.community_id, volunteer_teams.c.brand)))
        kinds = set(conn.execute(select(service_items.c.community_id, service_items.c.kind)))
        claim_rows = select(service_items.c.community_id, service_claims.c.status).join_from(
            service_claims, service_items, service_claims.c.item_id == service_items.c.id
        )
        claims = set(conn.execute(claim_rows))
        minutes = func.sum(service_records.c.minutes * service_records.c.people)
        served = select(service_records.c.community_id, minutes).group_by(service_records.c.community_id)
        hours = {community: int(total) / 60 for community, total in conn.execute(served)}
        phones = set(conn.execute(select(registrants.c.phone)).scalars())
    for community in COMMUNITIES:
        assert {(community, "unit", "approved"), (community, "member", "approved")} <= statuses
        assert (community, "member", "pending") in statuses
        assert (community, "红马甲") in teams
        assert {(community, kind) for kind in ("need", "resource", "project")} <= kinds
        assert {(community, s) for s in ("confirmed", "completed", "pending", "declined")} <= claims
        assert hours[community] > 0
    assert any(brand == "银发守护" for _, brand in teams)
    assert all(phone.startswith("1390000") and len(phone) == 11 for phone in phones)


def test_a_demo_ticket_was_helped_by_volunteers_and_its_help_is_on_the_card(
    service: Ticketing, demo_tickets: DemoLoad
) -> None:
    with service.engine.connect() as conn:
        item = conn.execute(select(service_items).where(service_items.c.ticket_id.is_not(None))).one()
        record = conn.execute(select(service_records).where(service_records.c.ticket_id == item.ticket_id)).one()
        number = conn.execute(select(tickets.c.number).where(tickets.c.id == item.ticket_id)).scalar_one()
    assert (item.status, record.people, record.minutes) == ("closed", 2, 120)
    shown = service.show(number)
    assert shown.ticket.description == HELPED
    actions = [entry.action for entry in shown.history]
    for action in (HistoryAction.HELP_ASKED, HistoryAction.HELP_CLAIMED, HistoryAction.HELP_CONFIRMED):
        assert action in actions
    assert actions.index(HistoryAction.HELP_RECORDED) == actions.index(HistoryAction.RESOLVE) + 1
