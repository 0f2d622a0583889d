"""The community staff's view of 双报到: registrations (with personal data), one registration, its claims, teams.

Only the staff of a registrant's community read these (the web layer checks ``works_for`` first).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from ticketing.db import volunteering as store
from ticketing.db.queries import registrants as queries
from ticketing.db.rows import AnyRow
from ticketing.domain.volunteering.model import ClaimStatus, ItemKind, Registrant, Team
from ticketing.read.paging import Page
from ticketing.read.source import Source


@dataclass(frozen=True, slots=True)
class ClaimRow:
    id: int
    item_id: int
    title: str
    item_kind: ItemKind
    people: int
    status: ClaimStatus
    claimed_at: datetime


@dataclass(frozen=True, slots=True)
class TeamRow:
    id: int
    community_id: str
    name: str
    brand: str
    leader_id: int | None
    leader_name: str | None
    members: int
    hours: float  # person-hours served, all time
    disbanded: bool


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    name: str
    work_unit: str
    phone: str = ""


def registrations(
    source: Source,
    communities: Collection[str],
    kind: str | None,
    status: str | None,
    number: int,
    per_page: int = 30,
) -> Page[Registrant]:
    """The communities' registrations, pending first, then newest first."""
    with source.engine.connect() as conn:
        total = queries.count_registrants(conn, communities, kind, status)
        rows = queries.registrants_slice(conn, communities, kind, status, per_page, (number - 1) * per_page)
    return Page([store.to_registrant(row) for row in rows], number, per_page, total)


def registrant(source: Source, registrant_id: int) -> Registrant:
    """One registration, or NotFound."""
    with source.engine.connect() as conn:
        return store.registrant(conn, registrant_id)


def claims_of(source: Source, registrant_id: int) -> list[ClaimRow]:
    with source.engine.connect() as conn:
        rows = queries.claims_of_registrant(conn, registrant_id)
    return [
        ClaimRow(r.id, r.item_id, r.title, ItemKind(r.item_kind), r.people, ClaimStatus(r.status), r.claimed_at)
        for r in rows
    ]


def approved_members(source: Source, community_id: str) -> list[Member]:
    with source.engine.connect() as conn:
        return [Member(r.id, r.name, r.work_unit) for r in queries.approved_members(conn, community_id)]


def names(source: Source, registrant_ids: Iterable[int]) -> dict[int, str]:
    """Registrants' names by id (the audit trail names whom a decision was about)."""
    with source.engine.connect() as conn:
        return queries.names(conn, registrant_ids)


def _team_row(row: AnyRow) -> TeamRow:
    return TeamRow(
        row.id,
        row.community_id,
        row.name,
        row.brand,
        row.leader_id,
        row.leader_name,
        row.members,
        (row.person_minutes or 0) / 60,
        row.disbanded_at is not None,
    )


def teams(source: Source, communities: Collection[str]) -> list[TeamRow]:
    """The communities' teams, active first, by name."""
    with source.engine.connect() as conn:
        return [_team_row(row) for row in queries.teams_of(conn, communities)]


def team(source: Source, team_id: int) -> tuple[Team, TeamRow, list[Member]]:
    """A team (or NotFound), its summary and its members with their phones."""
    with source.engine.connect() as conn:
        found = store.team(conn, team_id)
        summary = _team_row(queries.teams_of(conn, [found.community_id], team_id)[0])
        members = [Member(r.id, r.name, r.work_unit, r.phone) for r in queries.members_of_team(conn, team_id)]
    return found, summary, members
