"""The rates' queries (``ticketing.read.rates``): the counts of the rate base over tickets opened in a period,
and of the tickets shown apart (checked without a callback, terminated, returned).

They sum the daily roll-up over the period's days: ``daily_counts`` (at most a row per grid and day, whatever
the number of tickets) and the changes recorded since the sweep last folded them in (``daily_count_changes``,
``ticketing.db.rollup``).  The three levels are one GROUP BY over (street, community, grid), at most a row per
grid, summed per level by the caller (the primary key leads with the day; ``ix_daily_counts_community_day``
within a supervisor's communities); the weekly trend is one more, grouping by the day.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import ColumnElement, Connection, Subquery, func, select, true, union_all

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


def counts_by_unit(
    conn: Connection, first: date, last: date, communities: Collection[str] | None
) -> dict[tuple[str, str, str], RateCounts]:
    """The counts of every (street, community, grid) with tickets opened on ``first``–``last`` (both included).

    One scan of the period's rows for the three levels: their sums are added up from these (``""``: no such unit).
    """
    rows = _days(first, last, communities)
    keys = [rows.c[name] for name in _KEYS[1:]]
    query = select(*keys, *_sums(rows)).group_by(*keys)
    found = conn.execute(query)
    return {(street, community, grid): RateCounts(*map(int, numbers)) for street, community, grid, *numbers in found}


def daily_sums(
    conn: Connection, first: date, last: date, communities: Collection[str] | None
) -> dict[date, RateCounts]:
    """The counts of each day of ``first``–``last`` with tickets, for the weekly trend.

    Grouping by the day (at most 366 groups) and adding the weeks up in Python is cheaper than grouping by a
    CASE over 53 week boundaries, which every row of a year would walk.
    """
    rows = _days(first, last, communities)
    query = select(rows.c.day, *_sums(rows)).group_by(rows.c.day)
    return {day: RateCounts(*map(int, numbers)) for day, *numbers in conn.execute(query)}


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
