"""The rates' queries (``ticketing.read.rates``): the counts of the rate base over tickets opened in a period,
and of the tickets shown apart (checked without a callback, terminated, returned).

They sum the daily roll-up over the period's days: ``daily_counts`` (at most a row per grid and day, whatever
the number of tickets) and the changes recorded since the sweep last folded them in (``daily_count_changes``,
``ticketing.db.rollup``).  Each level is one GROUP BY (the primary key leads with the day;
``ix_daily_counts_community_day`` within a supervisor's communities); the weekly trend is one more, grouping by
a CASE over the week boundaries.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, Connection, Subquery, case, func, literal, select, true, union_all

from ticketing.db.queries.board import in_communities
from ticketing.db.schema import RATE_COUNTS, daily_count_changes, daily_counts, tickets
from ticketing.domain.org import UnitKind
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


_LEVELS = {UnitKind.STREET: "street_id", UnitKind.COMMUNITY: "community_id", UnitKind.GRID: "grid_id"}


def counts_by(
    conn: Connection, level: UnitKind, first: date, last: date, communities: Collection[str] | None
) -> dict[str | None, RateCounts]:
    """The counts of every street, community or grid with tickets opened on ``first``–``last`` (both included)."""
    rows = _days(first, last, communities)
    column = rows.c[_LEVELS[level]]
    query = select(column, *_sums(rows)).group_by(column)
    return {key or None: RateCounts(*(int(n) for n in numbers)) for key, *numbers in conn.execute(query)}


def weekly_counts(
    conn: Connection, first: date, week_lasts: Sequence[date], communities: Collection[str] | None
) -> dict[int, RateCounts]:
    """The counts of each week with tickets, by index: week i ends on ``week_lasts[i]`` (included)."""
    rows = _days(first, week_lasts[-1], communities)
    week = case(
        *((rows.c.day <= last, literal(index)) for index, last in enumerate(week_lasts)),
        else_=literal(len(week_lasts)),
    )
    query = select(week, *_sums(rows)).group_by(week)
    return {int(index): RateCounts(*(int(n) for n in numbers)) for index, *numbers in conn.execute(query)}


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
