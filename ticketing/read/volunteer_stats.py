"""The supervisors' figures of 双报到 and volunteer service over a period, per street and community.

Counts only: registrations standing now (approved units and in-service party members, pending ones), active
volunteer teams and open needs; and over the period the claims made (and confirmed), the person-hours served
(each record's minutes × its people, by the day served) and the tickets volunteers helped with.  The SQL is
``ticketing.db.queries.volunteer_stats``: one statement for the whole report, or for the period's figures
alone (the panel on the rates page).  Every community in scope gets a row, with figures or not.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Self

from ticketing.db.queries import volunteer_stats as queries
from ticketing.domain.org import Organisation, UnitKind
from ticketing.read.board import Overseer, Scope
from ticketing.read.rates import Period
from ticketing.read.source import Source


@dataclass(frozen=True, slots=True)
class VolunteerCounts:
    """The figures of one community, street or the whole scope."""

    units: int = 0  # approved 驻区单位
    members: int = 0  # approved 在职党员
    pending: int = 0  # registrations waiting for approval
    teams: int = 0  # volunteer teams not disbanded
    open_needs: int = 0  # needs (需求清单) open for claims
    claims: int = 0  # claims made in the period
    confirmed: int = 0  # of them, confirmed (served or serving)
    person_minutes: int = 0  # served in the period
    tickets_helped: int = 0  # distinct tickets volunteers helped with, by the day served

    @property
    def person_hours(self) -> float:
        return round(self.person_minutes / 60, 1)

    @classmethod
    def of(cls, found: dict[str, int]) -> Self:
        return cls(**{f.name: found.get(f.name, 0) for f in fields(cls)})

    def __add__(self, other: VolunteerCounts) -> VolunteerCounts:
        return VolunteerCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True, slots=True)
class VolunteerRow:
    unit_id: str
    counts: VolunteerCounts


@dataclass(frozen=True, slots=True)
class VolunteerReport:
    """The figures of a period per street and community in scope, and overall, with the registry naming them."""

    period: Period
    streets: list[VolunteerRow]
    communities: list[VolunteerRow]
    overall: VolunteerCounts
    org: Organisation

    @property
    def empty(self) -> bool:
        return self.overall == VolunteerCounts()


def volunteer_report(source: Source, overseer: Overseer, period: Period, standing: bool = True) -> VolunteerReport:
    """The overseer's figures over ``period``; without ``standing``, only the period's (claims, service)."""
    with source.engine.connect() as conn:
        org = source.worlds.organisation(conn)
        scope = overseer.scope(org)
        window = queries.Window(period.start, period.end, period.first, period.last)
        arms = [*queries.standing(scope.communities)] if standing else []
        arms += queries.in_period(window, scope.communities)
        found = queries.figures(conn, arms)
    return _report(org, scope, period, found)


def _report(org: Organisation, scope: Scope, period: Period, found: dict[str, dict[str, int]]) -> VolunteerReport:
    in_scope = scope.units(org, UnitKind.COMMUNITY)
    communities = [VolunteerRow(u.id, VolunteerCounts.of(found.get(u.id, {}))) for u in in_scope]
    by_street: dict[str, VolunteerCounts] = {}
    for row in communities:
        street = org.units[row.unit_id].parent_id or ""
        by_street[street] = by_street.get(street, VolunteerCounts()) + row.counts
    streets = [VolunteerRow(u.id, by_street.get(u.id, VolunteerCounts())) for u in scope.units(org, UnitKind.STREET)]
    overall = VolunteerCounts()
    for row in communities:
        overall = overall + row.counts
    ordered = sorted(communities, key=lambda row: (org.units[row.unit_id].parent_id or "", row.unit_id))
    return VolunteerReport(period, streets, ordered, overall, org)
