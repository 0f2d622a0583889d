"""The supervisors' figures of 双报到 and volunteer service (``ticketing.read.volunteer_stats``): counts per
community, never a name or a phone.

Each figure group is a few aggregate ``SELECT``\\ s, one row per community and figure (``community_id, figure,
value``): the registrations and teams standing now (``standing``: approved units and members, pending
registrations, active teams, open needs) and what happened in a period (``in_period``: claims made and
confirmed, by ``claimed_at`` within the period's UTC bounds; person-minutes served and the distinct tickets
helped with, by ``served_on`` within its days).  ``figures`` sends the groups asked for as one ``UNION ALL``
statement, so a page pays one round trip however many figures it shows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    case,
    cast,
    func,
    literal_column,
    select,
    true,
    union_all,
)

from ticketing.db.schema import registrants, service_claims, service_items, service_records, volunteer_teams
from ticketing.domain.volunteering.model import (
    ClaimStatus,
    ItemKind,
    ItemStatus,
    RegistrantKind,
    RegistrationStatus,
)

UNITS, MEMBERS, PENDING, TEAMS, OPEN_NEEDS = "units", "members", "pending", "teams", "open_needs"
CLAIMS, CONFIRMED, PERSON_MINUTES, TICKETS_HELPED = "claims", "confirmed", "person_minutes", "tickets_helped"
Arm = Select[str, str, int]  # one figure per community: (community_id, figure, value)
CONFIRMED_CLAIMS = (ClaimStatus.CONFIRMED.value, ClaimStatus.COMPLETED.value)  # accepted, served or serving


@dataclass(frozen=True, slots=True)
class Window:
    """A period as the figures compare it: its UTC bounds (``start`` ≤ claimed_at < ``end``) and its days."""

    start: datetime
    end: datetime
    first: date
    last: date


def _figure(name: str) -> ColumnElement[str]:
    return literal_column(f"'{name}'", String).label("figure")


def _scoped(column: ColumnElement[str], communities: Collection[str] | None) -> ColumnElement[bool]:
    return true() if communities is None else column.in_(sorted(communities))


def _count(community: ColumnElement[str], name: str, *where: ColumnElement[bool]) -> Arm:
    value = cast(func.count(), Integer).label("value")
    return select(community.label("community_id"), _figure(name), value).where(*where).group_by(community)


def standing(communities: Collection[str] | None) -> list[Arm]:
    """Registrations (approved units, approved members, pending), active teams and open needs, per community."""
    r, t, i = registrants.c, volunteer_teams.c, service_items.c
    approved = r.status == RegistrationStatus.APPROVED.value
    mine = _scoped(r.community_id, communities)
    return [
        _count(r.community_id, UNITS, approved, r.kind == RegistrantKind.UNIT.value, mine),
        _count(r.community_id, MEMBERS, approved, r.kind == RegistrantKind.MEMBER.value, mine),
        _count(r.community_id, PENDING, r.status == RegistrationStatus.PENDING.value, mine),
        _count(t.community_id, TEAMS, t.disbanded_at.is_(None), _scoped(t.community_id, communities)),
        _count(
            i.community_id,
            OPEN_NEEDS,
            i.kind == ItemKind.NEED.value,
            i.status == ItemStatus.OPEN.value,
            _scoped(i.community_id, communities),
        ),
    ]


def in_period(window: Window, communities: Collection[str] | None) -> list[Arm]:
    """Claims made in the period and those of them confirmed, person-minutes served and tickets helped with."""
    c, i, s = service_claims.c, service_items.c, service_records.c
    claimed = service_claims.join(service_items, c.item_id == i.id)
    when = (c.claimed_at >= window.start, c.claimed_at < window.end, _scoped(i.community_id, communities))
    confirmed = func.sum(case((c.status.in_(CONFIRMED_CLAIMS), 1), else_=0))
    served = (s.served_on >= window.first, s.served_on <= window.last, _scoped(s.community_id, communities))
    person_minutes = func.coalesce(func.sum(s.minutes * s.people), 0)
    tickets = func.count(s.ticket_id.distinct())
    return [
        _count(i.community_id, CLAIMS, *when).select_from(claimed),
        select(i.community_id.label("community_id"), _figure(CONFIRMED), cast(confirmed, Integer).label("value"))
        .select_from(claimed)
        .where(*when)
        .group_by(i.community_id),
        select(s.community_id, _figure(PERSON_MINUTES), cast(person_minutes, Integer).label("value"))
        .where(*served)
        .group_by(s.community_id),
        select(s.community_id, _figure(TICKETS_HELPED), cast(tickets, Integer).label("value"))
        .where(*served, s.ticket_id.is_not(None))
        .group_by(s.community_id),
    ]


def figures(conn: Connection, arms: Sequence[Arm]) -> dict[str, dict[str, int]]:
    """The figures of the arms, in one statement: ``{community_id: {figure: value}}`` (figures of 0 left out)."""
    found: dict[str, dict[str, int]] = {}
    if not arms:
        return found
    query = union_all(*arms) if len(arms) > 1 else arms[0]
    for community_id, figure, value in conn.execute(query):
        if value:
            found.setdefault(community_id, {})[figure] = int(value)
    return found
