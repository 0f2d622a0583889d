"""What the public and a registrant (no account) see of 双报到: a community's service list, and their own page.

The public list shows what a community asks for or offers (kind, title, description, period, places): never
who registered or claimed, their names or phones.  A registrant's own page, behind the secret link they got
when they registered, shows their own registration, record card (服务记录卡), claims and the teams they lead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ticketing.db import tickets as ticket_store
from ticketing.db import volunteering as store
from ticketing.db.queries import volunteer_own as queries
from ticketing.db.rows import AnyRow
from ticketing.domain.errors import NotFound
from ticketing.domain.org import Organisation, Unit, UnitKind
from ticketing.domain.volunteering.model import (
    LIVE_CLAIMS,
    ClaimStatus,
    Item,
    Registrant,
    RegistrationStatus,
    Team,
)
from ticketing.read.source import Source, current_organisation


@dataclass(frozen=True, slots=True)
class Street:
    """A street and its communities, as the registration form lists them."""

    name: str
    communities: list[Unit]


@dataclass(frozen=True, slots=True)
class ListedItem:
    """An open item of a service list, with the places no live claim holds yet."""

    item: Item
    places_left: int


@dataclass(frozen=True, slots=True)
class OwnClaim:
    """One of the registrant's claims (or of a team they lead)."""

    id: int
    item_id: int
    title: str
    starts_on: date
    ends_on: date
    people: int
    status: ClaimStatus
    claimed_at: datetime
    team_name: str | None  # None: their own claim

    @property
    def live(self) -> bool:
        return self.status in LIVE_CLAIMS


@dataclass(frozen=True, slots=True)
class Entry:
    """A line of the record card: when, how long (each person's hours), what, and whether staff confirmed it."""

    served_on: date
    hours: float
    people: int
    what: str
    confirmed: bool


@dataclass(frozen=True, slots=True)
class OwnPage:
    """A registrant's own page."""

    registrant: Registrant
    community: Unit
    entries: list[Entry]
    hours_this_year: float
    hours_in_all: float
    claims: list[OwnClaim]
    teams: list[Team]

    @property
    def approved(self) -> bool:
        return self.registrant.status is RegistrationStatus.APPROVED


def streets(source: Source) -> list[Street]:
    """Every community of the district under its street (by id); a community under no street comes last."""
    org = current_organisation(source)
    grouped: dict[str, list[Unit]] = {}
    names: dict[str, str] = {}
    for unit in sorted(org.units.values(), key=lambda u: u.id):
        if unit.kind is not UnitKind.COMMUNITY:
            continue
        street = org.ancestor(unit.id, UnitKind.STREET)
        key = street.id if street is not None else "~"
        names[key] = street.name if street is not None else ""
        grouped.setdefault(key, []).append(unit)
    return [Street(names[key], grouped[key]) for key in sorted(grouped)]


def community(source: Source, community_id: str) -> Unit:
    """A community of the district, or NotFound."""
    return _community(current_organisation(source), community_id)


def _community(org: Organisation, community_id: str) -> Unit:
    found = org.units.get(community_id)
    if found is None or found.kind is not UnitKind.COMMUNITY:
        raise NotFound("no community %(community)r", community=community_id)
    return found


def service_list(source: Source, community_id: str, today: date) -> tuple[Unit, list[ListedItem]]:
    """The community and its open items, soonest first; NotFound for no community of the district."""
    found = community(source, community_id)
    with source.engine.connect() as conn:
        rows = queries.open_items(conn, found.id, today)
    return found, [ListedItem(store.to_item(row), max(row.people_wanted - int(row.taken), 0)) for row in rows]


def own(source: Source, link: str, today: date) -> OwnPage:
    """The page behind a registrant's link; NotFound for a link that opens no registration."""
    with source.engine.connect() as conn:
        registrant = store.registrant_by_link(conn, ticket_store.token_hash(link))
        led = store.teams_led_by(conn, registrant.id)
        claims = [_claim(row) for row in queries.claims_of(conn, registrant.id, [team.id for team in led])]
        rows = queries.records_of(conn, registrant.id)
    entries = [Entry(r.served_on, r.minutes / 60, r.people, r.what, r.confirmed_by is not None) for r in rows]
    this_year = sum(e.hours * e.people for e in entries if e.served_on.year == today.year)
    in_all = sum(e.hours * e.people for e in entries)
    org = current_organisation(source)
    home = org.units.get(registrant.community_id)
    assert home is not None  # a registration's community is a unit of the registry (a foreign key)
    return OwnPage(registrant, home, entries, this_year, in_all, claims, led)


def _claim(row: AnyRow) -> OwnClaim:
    return OwnClaim(
        row.id,
        row.item_id,
        row.title,
        row.starts_on,
        row.ends_on,
        row.people,
        ClaimStatus(row.status),
        row.claimed_at,
        row.team_name,
    )
