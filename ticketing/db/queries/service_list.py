"""The community staff's service list: items with their counts, an item's claims with who claimed, a ticket's help.

Each page reads in one or two queries: the counts of an item's claims come from one grouped subquery joined to
the page's items (``ix_service_claims_item_id``), a ticket's needs and their claims from one outer join.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Subquery, case, func, select

from ticketing.db.rows import AnyRow
from ticketing.db.schema import registrants, service_claims, service_items, team_members, tickets
from ticketing.db.schema import volunteer_teams as teams
from ticketing.db.volunteering import to_item
from ticketing.domain.field_rules import MAX_ID
from ticketing.domain.volunteering.model import (
    LIVE_CLAIMS,
    ClaimantKind,
    ClaimStatus,
    Item,
    ItemKind,
    ItemStatus,
    RegistrationStatus,
)


@dataclass(frozen=True, slots=True)
class ItemRow:
    """An item with what its claims hold: places taken by live claims, claims waiting for the community."""

    item: Item
    taken: int
    pending: int
    ticket_number: str | None


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """A claim with its claimant's name and phone (a team: its leader's phone, if it has a leader)."""

    id: int
    item_id: int
    kind: ClaimantKind
    claimant_id: int
    name: str
    phone: str
    people: int
    status: ClaimStatus
    claimed_at: datetime
    reason: str
    entered_by: str | None


@dataclass(frozen=True, slots=True)
class Choice:
    """An approved member or unit, or an active team, staff may enter a claim for."""

    kind: ClaimantKind
    id: int
    name: str
    size: int  # a team's members; 0 for a registrant


_LIVE = [status.value for status in LIVE_CLAIMS]


def claim_counts() -> Subquery:
    """Per item: the places its live claims hold (``taken``) and the claims waiting for the community."""
    c = service_claims.c
    return (
        select(
            c.item_id,
            func.coalesce(func.sum(case((c.status.in_(_LIVE), c.people), else_=0)), 0).label("taken"),
            func.coalesce(func.sum(case((c.status == ClaimStatus.PENDING.value, 1), else_=0)), 0).label("pending"),
        )
        .group_by(c.item_id)
        .subquery("counts")
    )


def items_page(
    conn: Connection,
    communities: Collection[str] | None,
    kind: ItemKind | None,
    status: ItemStatus | None,
    offset: int,
    limit: int,
) -> tuple[list[ItemRow], int]:
    """Items of these communities (None: every one), open first then newest, with the number of all that match."""
    c = service_items.c
    where: list[ColumnElement[bool]] = []
    if communities is not None:
        where.append(c.community_id.in_(sorted(communities)))
    if kind is not None:
        where.append(c.kind == kind.value)
    if status is not None:
        where.append(c.status == status.value)
    total = conn.execute(select(func.count()).select_from(service_items).where(*where)).scalar_one()
    counts = claim_counts()
    opened_first = case((c.status == ItemStatus.OPEN.value, 0), else_=1)
    query = (
        select(service_items, counts.c.taken, counts.c.pending, tickets.c.number.label("ticket_number"))
        .outerjoin(counts, counts.c.item_id == c.id)
        .outerjoin(tickets, tickets.c.id == c.ticket_id)
        .where(*where)
        .order_by(opened_first, c.id.desc())
        .offset(offset)
        .limit(limit)
    )
    rows = [
        ItemRow(to_item(row), int(row.taken or 0), int(row.pending or 0), row.ticket_number)
        for row in conn.execute(query)
    ]
    return rows, total


def item(conn: Connection, item_id: int) -> Item | None:
    """An item; None if there is no such item."""
    if not 0 < item_id <= MAX_ID:
        return None
    row = conn.execute(select(service_items).where(service_items.c.id == item_id)).first()
    return to_item(row) if row is not None else None


def claim_item(conn: Connection, claim_id: int) -> int | None:
    """The item a claim is on; None if there is no such claim."""
    if not 0 < claim_id <= MAX_ID:
        return None
    found: int | None = conn.execute(
        select(service_claims.c.item_id).where(service_claims.c.id == claim_id)
    ).scalar_one_or_none()
    return found


def _claims_query(*where: ColumnElement[bool]) -> Select[Any]:
    c = service_claims.c
    leader = registrants.alias("leader")
    return (
        select(
            c.id,
            c.item_id,
            c.registrant_id,
            c.team_id,
            c.people,
            c.status,
            c.claimed_at,
            c.reason,
            c.entered_by,
            registrants.c.kind.label("registrant_kind"),
            func.coalesce(registrants.c.name, teams.c.name).label("name"),
            func.coalesce(registrants.c.phone, leader.c.phone, "").label("phone"),
        )
        .outerjoin(registrants, registrants.c.id == c.registrant_id)
        .outerjoin(teams, teams.c.id == c.team_id)
        .outerjoin(leader, leader.c.id == teams.c.leader_id)
        .where(*where)
        .order_by(c.id)
    )


def _claim_row(row: AnyRow) -> ClaimRow:
    if row.team_id is not None:
        kind, claimant_id = ClaimantKind.TEAM, row.team_id
    else:
        kind, claimant_id = ClaimantKind(row.registrant_kind), row.registrant_id
    return ClaimRow(
        row.id,
        row.item_id,
        kind,
        claimant_id,
        row.name or "",
        row.phone or "",
        row.people,
        ClaimStatus(row.status),
        row.claimed_at,
        row.reason or "",
        row.entered_by,
    )


def claims(conn: Connection, item_id: int) -> list[ClaimRow]:
    """The item's claims in the order they came, with who claimed."""
    return [_claim_row(row) for row in conn.execute(_claims_query(service_claims.c.item_id == item_id))]


def choices(conn: Connection, community_id: str) -> list[Choice]:
    """The community's approved members and units, and its active teams with their sizes, by name."""
    r = registrants.c
    people = select(r.kind, r.id, r.name).where(
        r.community_id == community_id, r.status == RegistrationStatus.APPROVED.value
    )
    found = [Choice(ClaimantKind(row.kind), row.id, row.name, 0) for row in conn.execute(people.order_by(r.name, r.id))]
    size = func.count(team_members.c.registrant_id)
    active = (
        select(teams.c.id, teams.c.name, size.label("size"))
        .outerjoin(team_members, team_members.c.team_id == teams.c.id)
        .where(teams.c.community_id == community_id, teams.c.disbanded_at.is_(None))
        .group_by(teams.c.id, teams.c.name)
        .order_by(teams.c.name, teams.c.id)
    )
    found += [Choice(ClaimantKind.TEAM, row.id, row.name, int(row.size)) for row in conn.execute(active)]
    return found


@dataclass(frozen=True, slots=True)
class HelpRow:
    """A need made from a ticket, and one of its claims (None: it has none)."""

    item: Item
    claim: ClaimRow | None


def ticket_help(conn: Connection, ticket_id: int) -> list[HelpRow]:
    """The needs made from a ticket, newest first, each with its claims: one query (``ix_service_items_ticket_id``)."""
    c = service_claims.c
    leader = registrants.alias("leader")
    query = (
        select(
            service_items,
            c.id.label("claim_id"),
            c.registrant_id,
            c.team_id,
            c.people.label("claim_people"),
            c.status.label("claim_status"),
            c.claimed_at,
            c.reason,
            c.entered_by,
            registrants.c.kind.label("registrant_kind"),
            func.coalesce(registrants.c.name, teams.c.name).label("name"),
            func.coalesce(registrants.c.phone, leader.c.phone, "").label("phone"),
        )
        .outerjoin(service_claims, c.item_id == service_items.c.id)
        .outerjoin(registrants, registrants.c.id == c.registrant_id)
        .outerjoin(teams, teams.c.id == c.team_id)
        .outerjoin(leader, leader.c.id == teams.c.leader_id)
        .where(service_items.c.ticket_id == ticket_id)
        .order_by(service_items.c.id.desc(), c.id)
    )
    found = []
    for row in conn.execute(query):
        claim = None
        if row.claim_id is not None:
            kind = ClaimantKind.TEAM if row.team_id is not None else ClaimantKind(row.registrant_kind)
            claim = ClaimRow(
                row.claim_id,
                row.id,
                kind,
                row.team_id if row.team_id is not None else row.registrant_id,
                row.name or "",
                row.phone or "",
                row.claim_people,
                ClaimStatus(row.claim_status),
                row.claimed_at,
                row.reason or "",
                row.entered_by,
            )
        found.append(HelpRow(to_item(row), claim))
    return found
