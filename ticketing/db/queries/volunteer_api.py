"""The staff API's and the command line's lists of 双报到 and volunteer service (``ticketing.read.volunteer_api``).

Each list is scoped to the communities given (None: every community) and ordered by id, newest first where a
list is long; the service list carries the places its live claims hold, the record cards their sums.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, Connection, and_, func, select, true

from ticketing.db.queries.service_list import claim_counts
from ticketing.db.schema import registrants, service_items, team_members
from ticketing.db.schema import volunteer_teams as teams
from ticketing.db.volunteering import claims_of, to_item, to_registrant
from ticketing.domain.volunteering.model import Claim, Item, Registrant, Team


def _in(column: ColumnElement[str], communities: Collection[str] | None) -> ColumnElement[bool]:
    return true() if communities is None else column.in_(sorted(communities))


def _within(page: int, per_page: int, total: int) -> int:
    """The page asked for, within the pages there are (a page past the end is the last)."""
    return min(max(1, page), max(1, -(-total // per_page)))


def registrations(
    conn: Connection,
    communities: Collection[str] | None,
    status: str | None,
    kind: str | None,
    page: int,
    per_page: int,
) -> tuple[list[Registrant], int, int]:
    """Page ``page`` of the registrations (newest first, within the pages there are), its number, the total."""
    c = registrants.c
    where = and_(
        _in(c.community_id, communities),
        true() if status is None else c.status == status,
        true() if kind is None else c.kind == kind,
    )
    total = conn.execute(select(func.count()).select_from(registrants).where(where)).scalar_one()
    number = _within(page, per_page, total)
    query = select(registrants).where(where).order_by(c.id.desc()).limit(per_page).offset((number - 1) * per_page)
    return [to_registrant(row) for row in conn.execute(query)], number, total


def team_list(conn: Connection, communities: Collection[str] | None) -> list[Team]:
    """The teams, active ones first, each with its members."""
    query = select(teams).where(_in(teams.c.community_id, communities))
    rows = conn.execute(query.order_by(teams.c.disbanded_at.is_not(None), teams.c.id)).all()
    members: dict[int, set[int]] = {row.id: set() for row in rows}
    if rows:
        found = select(team_members).where(team_members.c.team_id.in_(sorted(members)))
        for member in conn.execute(found):
            members[member.team_id].add(member.registrant_id)
    return [
        Team(
            row.id,
            row.community_id,
            row.name,
            row.brand,
            frozenset(members[row.id]),
            row.leader_id,
            row.disbanded_at is not None,
        )
        for row in rows
    ]


def items(
    conn: Connection,
    communities: Collection[str] | None,
    kind: str | None,
    status: str | None,
    page: int,
    per_page: int,
) -> tuple[list[tuple[Item, int]], int, int]:
    """Page ``page`` of the service list (newest first), each item with the places its live claims hold."""
    c = service_items.c
    where = and_(
        _in(c.community_id, communities),
        true() if kind is None else c.kind == kind,
        true() if status is None else c.status == status,
    )
    total = conn.execute(select(func.count()).select_from(service_items).where(where)).scalar_one()
    number = _within(page, per_page, total)
    counts = claim_counts()
    query = (
        select(service_items, func.coalesce(counts.c.taken, 0).label("taken"))
        .outerjoin(counts, counts.c.item_id == c.id)
        .where(where)
        .order_by(c.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return [(to_item(row), int(row.taken)) for row in conn.execute(query)], number, total


def item_claims(conn: Connection, item_id: int) -> list[tuple[Claim, str]]:
    """The claims of an item, oldest first, each with its claimant's name."""
    found = claims_of(conn, item_id)
    names = _names(conn, {c.claimant.registrant_id for c in found}, {c.claimant.team_id for c in found})
    return [(claim, names.get((claim.claimant.team_id is not None, claim.claimant.id), "")) for claim in found]


def _names(conn: Connection, registrant_ids: set[int | None], team_ids: set[int | None]) -> dict[tuple[bool, int], str]:
    """Names by (is a team, id)."""
    found: dict[tuple[bool, int], str] = {}
    people = sorted(i for i in registrant_ids if i is not None)
    if people:
        query = select(registrants.c.id, registrants.c.name).where(registrants.c.id.in_(people))
        found |= {(False, row.id): row.name for row in conn.execute(query)}
    groups = sorted(i for i in team_ids if i is not None)
    if groups:
        query = select(teams.c.id, teams.c.name).where(teams.c.id.in_(groups))
        found |= {(True, row.id): row.name for row in conn.execute(query)}
    return found
