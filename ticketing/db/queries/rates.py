"""The rates' queries (``ticketing.read.rates``): the counts of the rate base over tickets opened in a period,
and of the tickets shown apart (checked without a callback, terminated, returned).

They sum the daily roll-up over the period's days: ``daily_counts`` (at most a row per grid and day, whatever
the number of tickets) and the changes recorded since the sweep last folded them in (``daily_count_changes``,
``ticketing.db.rollup``), grouped per (street, community, grid) and per day (``period_counts``; the primary
key leads with the day, ``ix_daily_counts_community_day`` within a supervisor's communities).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Executable,
    String,
    Subquery,
    func,
    null,
    select,
    true,
    tuple_,
    union_all,
)

from ticketing.db.queries.board import in_communities
from ticketing.db.schema import RATE_COUNTS, daily_count_changes, daily_counts, tickets
from ticketing.domain.rates import RateCounts

_KEYS = ("day", "street_id", "community_id", "grid_id")


def _days(first: date, last: date, communities: Collection[str] | None) -> Subquery:
    """The rows of the kept counts and of the changes not yet folded in, on the period's days in scope."""
    arms = []
    for source in (daily_counts, daily_count_changes):
        c = source.c
        scoped = true() if communities is None else c.community_id.in_(sorted(communities))
        columns = [c[name] for name in (*_KEYS, *RATE_COUNTS)]
        arms.append(select(*columns).where(c.day >= first, c.day <= last, scoped))
    return union_all(*arms).subquery()


def _sums(rows: Subquery) -> tuple[ColumnElement[int], ...]:
    return tuple(func.coalesce(func.sum(rows.c[name]), 0) for name in RATE_COUNTS)


@dataclass(frozen=True, slots=True)
class PeriodCounts:
    """The counts of a period per (street, community, grid) (``""``: no such unit) and per day, with tickets."""

    by_unit: dict[tuple[str, str, str], RateCounts]
    by_day: dict[date, RateCounts]


def period_counts(conn: Connection, first: date, last: date, communities: Collection[str] | None) -> PeriodCounts:
    """The counts of the tickets opened on ``first``–``last`` (both included), per unit and per day.

    The three levels are summed from the units' rows by the caller, the weeks from the days' (cheaper than a
    CASE over 53 week boundaries, which every row of a year would walk). PostgreSQL groups both ways in one
    scan of the period's rows (GROUPING SETS); SQLite, which has none, in two, sent as one statement.
    """
    rows = _days(first, last, communities)
    units, day = [rows.c[name] for name in _KEYS[1:]], rows.c.day
    query: Executable
    if conn.dialect.name == "postgresql":
        query = select(*units, day, *_sums(rows)).group_by(func.grouping_sets(tuple_(*units), tuple_(day)))
    else:  # the days' grouping first: its column types (a date) are the union's
        by_day = select(*(null().cast(String) for _ in units), day, *_sums(rows)).group_by(day)
        query = union_all(by_day, select(*units, null().cast(Date), *_sums(rows)).group_by(*units))
    found = PeriodCounts({}, {})
    for street, community, grid, day_of, *numbers in conn.execute(query):
        counts = RateCounts(*map(int, numbers))
        if day_of is None:
            found.by_unit[street, community, grid] = counts
        else:
            found.by_day[day_of] = counts
    return found


def mediation_counts(
    conn: Connection, start: datetime, end: datetime, communities: Collection[str] | None
) -> dict[str, int]:
    """How many mediations (调解) ended each way, by when they were recorded in ``start``–``end`` (the latest
    record of each ticket; ``ix_tickets_mediated`` holds the mediated tickets only)."""
    c = tickets.c
    query = (
        select(c.mediation, func.count())
        .where(c.mediated_at >= start, c.mediated_at < end, c.mediation.is_not(None), in_communities(communities))
        .group_by(c.mediation)
    )
    return {outcome: int(count) for outcome, count in conn.execute(query)}
