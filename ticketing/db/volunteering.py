"""双报到 and volunteer service: the rows of registrants, teams, service list items, claims and record cards."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection, Table, delete, insert, select, update

from ticketing.db.rows import AnyRow
from ticketing.db.schema import registrants, service_claims, service_items, service_records, team_members
from ticketing.db.schema import volunteer_teams as teams
from ticketing.domain.errors import NotFound
from ticketing.domain.field_rules import MAX_ID
from ticketing.domain.volunteering.model import (
    Claim,
    Claimant,
    ClaimantKind,
    ClaimStatus,
    Item,
    ItemKind,
    ItemStatus,
    Registrant,
    RegistrantKind,
    RegistrationStatus,
    ServiceEntry,
    Team,
)
from ticketing.domain.volunteering.registration import Application
from ticketing.domain.volunteering.service_list import Draft


def _one(conn: Connection, table: Table, row_id: int, lock: bool, missing: str) -> AnyRow:
    row = None
    if 0 < row_id <= MAX_ID:
        query = select(table).where(table.c.id == row_id)
        row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(missing, id=row_id)
    return row


def to_registrant(row: AnyRow) -> Registrant:
    return Registrant(
        row.id,
        row.community_id,
        RegistrantKind(row.kind),
        row.name,
        row.phone,
        RegistrationStatus(row.status),
        row.registered_at,
        row.contact_name,
        row.work_unit,
        row.skills,
        row.offer,
        row.hours_per_month,
    )


def add_registrant(
    conn: Connection,
    application: Application,
    status: RegistrationStatus,
    source: str,
    now: datetime,
    link_hash: str | None = None,
    decided_by: str | None = None,
) -> int:
    decided = status is not RegistrationStatus.PENDING
    values = {
        "community_id": application.community_id,
        "kind": application.kind.value,
        "name": application.name,
        "phone": application.phone,
        "contact_name": application.contact_name,
        "work_unit": application.work_unit,
        "skills": application.skills,
        "offer": application.offer,
        "hours_per_month": application.hours_per_month,
        "status": status.value,
        "source": source,
        "registered_at": now,
        "decided_at": now if decided else None,
        "decided_by": decided_by if decided else None,
        "link_hash": link_hash,
    }
    return conn.execute(insert(registrants).values(values).returning(registrants.c.id)).scalar_one()


def registrant(conn: Connection, registrant_id: int, lock: bool = False) -> Registrant:
    missing = "no registration %(id)s: give the number shown in the community's list of registrations"
    return to_registrant(_one(conn, registrants, registrant_id, lock, missing))


def registrant_by_link(conn: Connection, link_hash: str, lock: bool = False) -> Registrant:
    query = select(registrants).where(registrants.c.link_hash == link_hash)
    row = conn.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound("this link opens no registration: ask the community's service centre for a new one")
    return to_registrant(row)


def with_phone(conn: Connection, community_id: str, phones: Iterable[str]) -> list[Registrant]:
    """The community's registrations with any of these phones (for the one-registration-per-phone rule)."""
    wanted = sorted(set(phones))
    if not wanted:
        return []
    query = select(registrants).where(registrants.c.community_id == community_id, registrants.c.phone.in_(wanted))
    return [to_registrant(row) for row in conn.execute(query)]


def set_status(conn: Connection, registrant_id: int, status: RegistrationStatus, by: str | None, now: datetime) -> None:
    values = {"status": status.value, "decided_at": now, "decided_by": by}
    conn.execute(update(registrants).where(registrants.c.id == registrant_id).values(values))


def set_link(conn: Connection, registrant_id: int, link_hash: str) -> None:
    """A new link for the registrant; the old one stops working."""
    conn.execute(update(registrants).where(registrants.c.id == registrant_id).values(link_hash=link_hash))


def add_team(conn: Connection, community_id: str, name: str, brand: str, now: datetime) -> int:
    values = {"community_id": community_id, "name": name, "brand": brand, "created_at": now}
    return conn.execute(insert(teams).values(values).returning(teams.c.id)).scalar_one()


def team(conn: Connection, team_id: int, lock: bool = False) -> Team:
    row = _one(conn, teams, team_id, lock, "no volunteer team %(id)s: give the number shown in the list of teams")
    query = select(team_members.c.registrant_id).where(team_members.c.team_id == team_id)
    members = frozenset(conn.execute(query).scalars())
    return Team(row.id, row.community_id, row.name, row.brand, members, row.leader_id, row.disbanded_at is not None)


def set_team(
    conn: Connection, team_id: int, name: str, brand: str, leader_id: int | None, member_ids: Iterable[int]
) -> None:
    """The team's name, brand, leader and members, as given (members replaced)."""
    conn.execute(update(teams).where(teams.c.id == team_id).values(name=name, brand=brand, leader_id=leader_id))
    conn.execute(delete(team_members).where(team_members.c.team_id == team_id))
    rows = [{"team_id": team_id, "registrant_id": member} for member in sorted(set(member_ids))]
    if rows:
        conn.execute(insert(team_members), rows)


def disband(conn: Connection, team_id: int, now: datetime) -> None:
    conn.execute(update(teams).where(teams.c.id == team_id).values(disbanded_at=now))


def teams_led_by(conn: Connection, registrant_id: int) -> list[Team]:
    """The active teams a member leads: they may claim for them through their link."""
    query = select(teams.c.id).where(teams.c.leader_id == registrant_id, teams.c.disbanded_at.is_(None))
    return [team(conn, team_id) for team_id in conn.execute(query.order_by(teams.c.id)).scalars()]


def to_item(row: AnyRow) -> Item:
    return Item(
        row.id,
        row.community_id,
        ItemKind(row.kind),
        row.title,
        row.description,
        row.starts_on,
        row.ends_on,
        row.people_wanted,
        ItemStatus(row.status),
        row.minutes_each / 60,
        row.ticket_id,
    )


def add_item(
    conn: Connection, community_id: str, draft: Draft, by: str | None, now: datetime, ticket_id: int | None = None
) -> int:
    values = {
        "community_id": community_id,
        "kind": draft.kind.value,
        "title": draft.title,
        "description": draft.description,
        "starts_on": draft.starts_on,
        "ends_on": draft.ends_on,
        "people_wanted": draft.people_wanted,
        "minutes_each": round(draft.hours_each * 60),
        "status": ItemStatus.OPEN.value,
        "ticket_id": ticket_id,
        "created_by": by,
        "created_at": now,
    }
    return conn.execute(insert(service_items).values(values).returning(service_items.c.id)).scalar_one()


def item(conn: Connection, item_id: int, lock: bool = False) -> Item:
    missing = "no item %(id)s on the service list: give the number shown in the list"
    return to_item(_one(conn, service_items, item_id, lock, missing))


def needs_of_ticket(conn: Connection, ticket_id: int, lock: bool = False) -> list[Item]:
    """The open needs made from a ticket (at most one), locked when asked."""
    query = select(service_items).where(
        service_items.c.ticket_id == ticket_id, service_items.c.status == ItemStatus.OPEN.value
    )
    return [to_item(row) for row in conn.execute(query.with_for_update() if lock else query)]


def end_item(conn: Connection, item_id: int, status: ItemStatus, now: datetime) -> None:
    values = {"status": status.value, "ended_at": now}
    conn.execute(update(service_items).where(service_items.c.id == item_id).values(values))


def _claimant(row: AnyRow) -> Claimant:
    if row.team_id is not None:
        return Claimant(ClaimantKind.TEAM, row.team_id)
    return Claimant(ClaimantKind(row.registrant_kind), row.registrant_id)


_CLAIMS = select(service_claims, registrants.c.kind.label("registrant_kind")).outerjoin(
    registrants, registrants.c.id == service_claims.c.registrant_id
)


def to_claim(row: AnyRow) -> Claim:
    return Claim(row.id, row.item_id, _claimant(row), row.people, ClaimStatus(row.status), row.claimed_at)


def add_claim(
    conn: Connection, item_id: int, claimant: Claimant, people: int, now: datetime, entered_by: str | None
) -> int:
    values = {
        "item_id": item_id,
        "registrant_id": claimant.registrant_id,
        "team_id": claimant.team_id,
        "people": people,
        "status": ClaimStatus.PENDING.value,
        "claimed_at": now,
        "entered_by": entered_by,
    }
    return conn.execute(insert(service_claims).values(values).returning(service_claims.c.id)).scalar_one()


def claims_of(conn: Connection, item_id: int) -> list[Claim]:
    query = _CLAIMS.where(service_claims.c.item_id == item_id).order_by(service_claims.c.id)
    return [to_claim(row) for row in conn.execute(query)]


def claim(conn: Connection, claim_id: int, lock: bool = False) -> Claim:
    row = None
    if 0 < claim_id <= MAX_ID:
        query = _CLAIMS.where(service_claims.c.id == claim_id)
        row = conn.execute(query.with_for_update(of=service_claims) if lock else query).first()
    if row is None:
        raise NotFound("no claim %(id)s: give the number shown with the item's claims", id=claim_id)
    return to_claim(row)


def set_claims(
    conn: Connection, changed: dict[int, ClaimStatus], by: str | None, now: datetime, reason: str = ""
) -> None:
    for claim_id, status in changed.items():
        values = {"status": status.value, "decided_at": now, "decided_by": by, "reason": reason}
        conn.execute(update(service_claims).where(service_claims.c.id == claim_id).values(values))


def served(conn: Connection, claim_id: int) -> bool:
    """Whether service is recorded on the claim."""
    query = select(service_records.c.id).where(service_records.c.claim_id == claim_id).limit(1)
    return conn.execute(query).first() is not None


def add_records(conn: Connection, entries: Iterable[ServiceEntry], now: datetime) -> int:
    rows = [
        {
            "community_id": entry.community_id,
            "registrant_id": entry.claimant.registrant_id,
            "team_id": entry.claimant.team_id,
            "claim_id": entry.claim_id,
            "item_id": entry.item_id,
            "ticket_id": entry.ticket_id,
            "served_on": entry.served_on,
            "minutes": round(entry.hours * 60),
            "people": entry.people,
            "what": entry.what,
            "confirmed_by": entry.confirmed_by,
            "recorded_at": now,
        }
        for entry in entries
    ]
    if rows:
        conn.execute(insert(service_records), rows)
    return len(rows)


def claimant_name(conn: Connection, claimant: Claimant) -> str:
    """The member's, unit's or team's name (for the staff's view of a ticket's history)."""
    if claimant.kind is ClaimantKind.TEAM:
        return conn.execute(select(teams.c.name).where(teams.c.id == claimant.id)).scalar_one()
    return conn.execute(select(registrants.c.name).where(registrants.c.id == claimant.id)).scalar_one()
