"""双报到 and volunteer service as the staff API and the command line list them, within the caller's communities.

Staff (``actor_id``) see the communities they work for (``access.staff_communities``); admins and the
command-line operator (None) every community.  A community asked for that the caller does not work for is
refused (NotAllowed), an unknown one is not found; someone who works for no community at all (a volunteer post)
is refused too: these lists carry personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from ticketing.db import volunteering as store
from ticketing.db.queries import volunteer_api as queries
from ticketing.domain.errors import NotAllowed, NotFound
from ticketing.domain.org import Organisation, Role, UnitKind
from ticketing.domain.volunteering import access, records
from ticketing.domain.volunteering.model import LIVE_CLAIMS, Claim, Item, Registrant, Team
from ticketing.read.paging import Page
from ticketing.read.record_cards import Total, totals
from ticketing.read.source import Source, current_organisation

PER_PAGE = 50


@dataclass(frozen=True, slots=True)
class Scope:
    """The communities a list covers (None: all)."""

    communities: frozenset[str] | None


def scope(org: Organisation, actor_id: str | None, community_id: str | None) -> Scope:
    """The communities ``actor_id`` may list, narrowed to ``community_id`` when given."""
    if community_id is not None:
        unit = org.units.get(community_id)
        if unit is None or unit.kind is not UnitKind.COMMUNITY:
            raise NotFound("community: %(community)r is no community of the district", community=community_id)
        access.require_staff(org, actor_id, community_id)
        return Scope(frozenset({community_id}))
    member = org.staff.get(actor_id) if actor_id else None
    if actor_id is None or (member is not None and member.role is Role.ADMIN):
        return Scope(None)
    mine = access.staff_communities(org, actor_id)
    if not mine:
        raise NotAllowed("only community staff (and admins) see volunteer registrations, the service list and cards")
    return Scope(mine)


def registrations(
    source: Source,
    actor_id: str | None,
    community_id: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    page: int = 1,
) -> Page[Registrant]:
    where = scope(current_organisation(source), actor_id, community_id).communities
    with source.engine.connect() as conn:
        found, number, total = queries.registrations(conn, where, status, kind, page, PER_PAGE)
    return Page(found, number, PER_PAGE, total)


def teams(source: Source, actor_id: str | None, community_id: str | None = None) -> list[Team]:
    where = scope(current_organisation(source), actor_id, community_id).communities
    with source.engine.connect() as conn:
        return queries.team_list(conn, where)


def items(
    source: Source,
    actor_id: str | None,
    community_id: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    page: int = 1,
) -> Page[tuple[Item, int]]:
    """A page of the service list, each item with the places its live claims hold."""
    where = scope(current_organisation(source), actor_id, community_id).communities
    with source.engine.connect() as conn:
        found, number, total = queries.items(conn, where, kind, status, page, PER_PAGE)
    return Page(found, number, PER_PAGE, total)


@dataclass(frozen=True, slots=True)
class ItemDetail:
    item: Item
    taken: int
    claims: list[tuple[Claim, str]]  # each with its claimant's name


def item(source: Source, actor_id: str | None, item_id: int) -> ItemDetail:
    """An item with its claims (the claimants' names: the community's staff only)."""
    org = current_organisation(source)
    with source.engine.connect() as conn:
        found = store.item(conn, item_id)
        access.require_staff(org, actor_id, found.community_id)
        claims = queries.item_claims(conn, item_id)
    taken = sum(claim.people for claim, _name in claims if claim.status in LIVE_CLAIMS)
    return ItemDetail(found, taken, claims)


def claim(source: Source, claim_id: int) -> Claim:
    """A claim (NotFound if there is none): whose it is and of which item."""
    with source.engine.connect() as conn:
        return store.claim(conn, claim_id)


def card_totals(
    source: Source, actor_id: str | None, first: date, last: date, tz: tzinfo, community_id: str | None = None
) -> list[Total]:
    """The record cards' totals from ``first`` to ``last`` (at most three years), as the community's page shows."""
    records.check_period(first, last)
    org = current_organisation(source)
    where = scope(org, actor_id, community_id).communities
    every = [unit.id for unit in org.units.values() if unit.kind is UnitKind.COMMUNITY]
    return totals(source, every if where is None else where, first, last, tz)


# --- one team, as the staff API answers a change of it


def team(source: Source, actor_id: str | None, team_id: int) -> Team:
    """A team with its members and leader (NotFound if there is none): the community's staff only."""
    org = current_organisation(source)
    with source.engine.connect() as conn:
        found = store.team(conn, team_id)
    access.require_staff(org, actor_id, found.community_id)
    return found
