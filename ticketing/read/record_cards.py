"""Record cards (服务记录卡): one card's entries, and the totals of every member, unit and team over a period.

Hours on a card are each person's; a unit or team that sent several people served hours × people person-hours,
and the totals count person-hours.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from ticketing.db.queries import record_cards as queries
from ticketing.domain.volunteering.model import ClaimantKind
from ticketing.read.source import Source


@dataclass(frozen=True, slots=True)
class Entry:
    served_on: date
    hours: float  # each person's
    people: int
    what: str
    title: str | None  # the item served, if any
    ticket_id: int | None
    confirmed_by: str | None

    @property
    def person_hours(self) -> float:
        return self.hours * self.people


@dataclass(frozen=True, slots=True)
class Card:
    entries: list[Entry]

    @property
    def hours(self) -> float:
        return sum(entry.person_hours for entry in self.entries)


@dataclass(frozen=True, slots=True)
class Total:
    """One member's, unit's or team's service over a period."""

    kind: ClaimantKind
    id: int
    community_id: str
    name: str
    entries: int
    hours: float  # person-hours
    claims_completed: int


def card(source: Source, registrant_id: int | None = None, team_id: int | None = None) -> Card:
    """The record card of a registrant or a team, latest day first."""
    with source.engine.connect() as conn:
        rows = queries.entries(conn, registrant_id, team_id)
    return Card(
        [Entry(r.served_on, r.minutes / 60, r.people, r.what, r.title, r.ticket_id, r.confirmed_by) for r in rows]
    )


def totals(source: Source, communities: Collection[str], first: date, last: date, tz: tzinfo) -> list[Total]:
    """Everyone who served or completed a claim from ``first`` to ``last``: most person-hours first, then by name."""
    starts = datetime.combine(first, time(), tz)
    ends = datetime.combine(last + timedelta(days=1), time(), tz)
    with source.engine.connect() as conn:
        served = queries.served(conn, communities, first, last)
        completed = queries.completed(conn, communities, starts, ends)
        people, groups = queries.owners(conn, communities)
    owners: dict[tuple[str, int], tuple[ClaimantKind, str, str]] = {
        ("r", row.id): (ClaimantKind(row.kind), row.community_id, row.name) for row in people
    }
    owners.update({("t", row.id): (ClaimantKind.TEAM, row.community_id, row.name) for row in groups})
    counts: dict[tuple[str, int], list[int]] = {}
    for row in served:
        key = ("t", row.team_id) if row.team_id is not None else ("r", row.registrant_id)
        counts.setdefault(key, [0, 0, 0])
        counts[key][0] += row.entries
        counts[key][1] += row.person_minutes or 0
    for row in completed:
        key = ("t", row.team_id) if row.team_id is not None else ("r", row.registrant_id)
        counts.setdefault(key, [0, 0, 0])
        counts[key][2] += row.claims
    found = []
    for key, (entries, minutes, claims) in counts.items():
        if key not in owners:
            continue
        kind, community, name = owners[key]
        found.append(Total(kind, key[1], community, name, entries, minutes / 60, claims))
    return sorted(found, key=lambda total: (-total.hours, -total.claims_completed, total.name, total.id))
