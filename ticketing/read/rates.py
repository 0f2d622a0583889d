"""The counts behind the three rates (三率), per street, community, grid and week, over a period.

The rate base and the formulas are defined in ``ticketing.domain.rates``;
the counts are one query (per unit and per day) over the daily roll-up
(``ticketing.db.queries.rates``), restricted to the reader's scope.  A ticket
counts on the day it was opened, in the district's time zone.  Every unit in
scope gets a row, with tickets or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from ticketing.db.queries import rates as queries
from ticketing.domain.cooperation import MediationOutcome
from ticketing.domain.org import Organisation, UnitKind
from ticketing.domain.rates import RateCounts, Rates, RateWeights, iso_weeks, rates, total_of
from ticketing.read.board import Overseer, Scope
from ticketing.read.source import Source

LEVELS = (UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.GRID)
MAX_DAYS = 366
DEFAULT_DAYS = 30  # the period shown when none is asked for: the last 30 days, today included


@dataclass(frozen=True, slots=True)
class Period:
    """Whole calendar days ``first``–``last`` (both included) in the district's time zone."""

    first: date
    last: date
    tz: ZoneInfo

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), self.tz).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.last + timedelta(days=1), time(), self.tz).astimezone(UTC)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def weeks(self) -> list[Period]:
        """The ISO weeks (Monday to Sunday) of the period; the first and last may be shorter."""
        return [Period(first, last, self.tz) for first, last in iso_weeks(self.first, self.last)]


@dataclass(frozen=True, slots=True)
class RateRow:
    """One grid, community, street or week: its counts and rates (``unit_id`` None: no such unit)."""

    unit_id: str | None
    counts: RateCounts
    rates: Rates


@dataclass(frozen=True, slots=True)
class RateReport:
    """The rates of a period, with the registry it was read in (which names the units of the rows)."""

    period: Period
    levels: dict[UnitKind, list[RateRow]]
    overall: RateRow
    weeks: list[tuple[Period, RateRow]]
    org: Organisation
    mediations: dict[MediationOutcome, int] = field(default_factory=dict)  # disputes mediated in the period

    @property
    def empty(self) -> bool:
        """Nothing to show: no ticket of the period was rated, terminated, returned or mediated."""
        return self.overall.counts == RateCounts() and not any(self.mediations.values())


def _weekly_counts(period: Period, by_day: dict[date, RateCounts]) -> list[tuple[Period, RateCounts]]:
    """The counts of each week of the period, weeks without tickets too."""
    by_monday: dict[date, list[RateCounts]] = {}
    for day, counts in by_day.items():
        by_monday.setdefault(_monday(day), []).append(counts)
    return [(week, total_of(by_monday.get(_monday(week.first), []))) for week in period.weeks()]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _by_level(found: dict[tuple[str, str, str], RateCounts]) -> dict[UnitKind, dict[str | None, RateCounts]]:
    """The counts of each street, community and grid (``None``: tickets with no such unit) from their rows'."""
    parts: dict[UnitKind, dict[str | None, list[RateCounts]]] = {level: {} for level in LEVELS}
    for units, counts in found.items():
        for level, unit_id in zip(LEVELS, units, strict=True):
            parts[level].setdefault(unit_id or None, []).append(counts)
    return {level: {key: total_of(each) for key, each in units.items()} for level, units in parts.items()}


def rate_report(source: Source, overseer: Overseer, period: Period, weights: RateWeights) -> RateReport:
    """The rates of the overseer's streets, communities and grids (with or without tickets), overall and weekly."""
    with source.engine.connect() as conn:
        org = source.worlds.organisation(conn)
        return _report(conn, org, overseer.scope(org), period, weights)


def _report(conn: Connection, org: Organisation, scope: Scope, period: Period, weights: RateWeights) -> RateReport:
    def row(unit_id: str | None, counts: RateCounts) -> RateRow:
        return RateRow(unit_id, counts, rates(counts, weights))

    levels: dict[UnitKind, list[RateRow]] = {}
    found = queries.period_counts(conn, period.first, period.last, scope.communities)
    by_level = _by_level(found.by_unit)
    for level in LEVELS:
        summed = by_level[level]
        listed = [unit.id for unit in scope.units(org, level)]
        extra = [key for key in summed if key not in listed]
        levels[level] = [row(key, summed.get(key, RateCounts())) for key in [*listed, *extra]]
    overall = total_of([r.counts for r in levels[UnitKind.STREET]])
    weeks = [(week, row(None, counts)) for week, counts in _weekly_counts(period, found.by_day)]
    recorded = queries.mediation_counts(conn, period.start, period.end, scope.communities)
    mediations = {outcome: recorded.get(outcome.value, 0) for outcome in MediationOutcome}
    return RateReport(period, levels, row(None, overall), weeks, org, mediations)
