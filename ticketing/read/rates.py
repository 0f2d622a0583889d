"""The counts behind the three rates (三率), per street, community, grid and week, over a period.

The rate base and the formulas are defined in ``ticketing.domain.rates``.
Each level is one GROUP BY query over the tickets opened in the period
(``ix_tickets_created``), restricted to the reader's scope; the weekly trend
is one more query grouping by a CASE over the week boundaries, so weeks
follow the district's calendar days on every database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, and_, case, false, func, literal, select
from sqlalchemy.sql.base import ReadOnlyColumnCollection

from ticketing.db.schema import tickets
from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import Organisation, UnitKind
from ticketing.domain.rates import RateCounts, Rates, RateWeights, rates, total_of
from ticketing.read.board import Overseer, Scope
from ticketing.read.source import Source

RETURNED = "returned"  # a terminated request (诉求终结): it leaves the rate base
LEVELS: dict[UnitKind, ColumnElement[str | None]] = {
    UnitKind.STREET: tickets.c.street_id,
    UnitKind.COMMUNITY: tickets.c.community_id,
    UnitKind.GRID: tickets.c.grid_id,
}
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
        """Seven-day stretches from the first day; the last one may be shorter."""
        found = []
        first = self.first
        while first <= self.last:
            found.append(Period(first, min(first + timedelta(days=6), self.last), self.tz))
            first += timedelta(days=7)
        return found


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


def _in_base(period: Period, scope: Scope) -> list[ColumnElement[bool]]:
    c = tickets.c
    return [
        c.created_at >= period.start,
        c.created_at < period.end,
        c.state != RETURNED,
        c.satisfaction.is_not(None),
        scope.clause(),
    ]


def _counts(c: ReadOnlyColumnCollection[str, ColumnElement[object]]) -> tuple[ColumnElement[int], ...]:
    """Base, responded in time, satisfied and basically satisfied, over columns named like the tickets'."""

    def counted(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return (
        func.count(),
        counted(and_(c.acknowledged_at.is_not(None), c.ack_late == false())),
        counted(c.satisfaction == Satisfaction.SATISFIED.value),
        counted(c.satisfaction == Satisfaction.BASICALLY_SATISFIED.value),
    )


def _counts_by(conn: Connection, level: UnitKind, period: Period, scope: Scope) -> dict[str | None, RateCounts]:
    """The counts of every street, community or grid with tickets in the base (one query)."""
    column = LEVELS[level]
    query = select(column, *_counts(tickets.c)).where(*_in_base(period, scope)).group_by(column)
    return {key: RateCounts(*(int(n) for n in numbers)) for key, *numbers in conn.execute(query)}


def _weekly_counts(conn: Connection, period: Period, scope: Scope) -> list[tuple[Period, RateCounts]]:
    """The counts of each week of the period (one query: the week of each ticket, then grouped)."""
    weeks = period.weeks()
    week = case(
        *((tickets.c.created_at < stretch.end, literal(index)) for index, stretch in enumerate(weeks)),
        else_=literal(len(weeks)),
    )
    c = tickets.c
    inner = (
        select(week.label("week"), c.acknowledged_at, c.ack_late, c.satisfaction)
        .where(*_in_base(period, scope))
        .subquery()
    )
    query = select(inner.c.week, *_counts(inner.c)).group_by(inner.c.week)
    found = {int(index): RateCounts(*(int(n) for n in numbers)) for index, *numbers in conn.execute(query)}
    return [(stretch, found.get(index, RateCounts())) for index, stretch in enumerate(weeks)]


def rate_report(source: Source, overseer: Overseer, period: Period, weights: RateWeights) -> RateReport:
    """The rates of the overseer's streets, communities and grids (with or without tickets), overall and weekly."""
    with source.engine.connect() as conn:
        org = source.worlds.organisation(conn)
        return _report(conn, org, overseer.scope(org), period, weights)


def _report(conn: Connection, org: Organisation, scope: Scope, period: Period, weights: RateWeights) -> RateReport:
    def row(unit_id: str | None, counts: RateCounts) -> RateRow:
        return RateRow(unit_id, counts, rates(counts, weights))

    levels: dict[UnitKind, list[RateRow]] = {}
    for level in LEVELS:
        found: Mapping[str | None, RateCounts] = _counts_by(conn, level, period, scope)
        listed = [unit.id for unit in scope.units(org, level)]
        extra = [key for key in found if key not in listed]
        levels[level] = [row(key, found.get(key, RateCounts())) for key in [*listed, *extra]]
    overall = total_of([r.counts for r in levels[UnitKind.STREET]])
    weeks = [(week, row(None, counts)) for week, counts in _weekly_counts(conn, period, scope)]
    return RateReport(period, levels, row(None, overall), weeks, org)
