"""The rates' queries (``ticketing.read.rates``): the counts of the rate base over tickets opened in a period,
and of the tickets shown apart (checked without a callback, terminated, returned).

They sum the daily roll-up (``daily_counts``, kept by triggers: ``ticketing.db.rollup``) over the period's
days: at most a row per grid and day, whatever the number of tickets.  Each level is one GROUP BY (the
primary key leads with the day; ``ix_daily_counts_community_day`` within a supervisor's communities); the
weekly trend is one more, grouping by a CASE over the week boundaries.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, Connection, case, func, literal, select, true

from ticketing.db.queries.board import in_communities
from ticketing.db.schema import RATE_COUNTS, daily_counts, tickets
from ticketing.domain.org import UnitKind
from ticketing.domain.rates import RateCounts

_LEVELS: dict[UnitKind, ColumnElement[str]] = {
    UnitKind.STREET: daily_counts.c.street_id,
    UnitKind.COMMUNITY: daily_counts.c.community_id,
    UnitKind.GRID: daily_counts.c.grid_id,
}
_SUMS = tuple(func.coalesce(func.sum(daily_counts.c[name]), 0) for name in RATE_COUNTS)


def _days(first: date, last: date, communities: Collection[str] | None) -> list[ColumnElement[bool]]:
    c = daily_counts.c
    scoped = true() if communities is None else c.community_id.in_(sorted(communities))
    return [c.day >= first, c.day <= last, scoped]


def counts_by(
    conn: Connection, level: UnitKind, first: date, last: date, communities: Collection[str] | None
) -> dict[str | None, RateCounts]:
    """The counts of every street, community or grid with tickets opened on ``first``–``last`` (both included)."""
    column = _LEVELS[level]
    query = select(column, *_SUMS).where(*_days(first, last, communities)).group_by(column)
    return {key or None: RateCounts(*(int(n) for n in numbers)) for key, *numbers in conn.execute(query)}


def weekly_counts(
    conn: Connection, first: date, week_lasts: Sequence[date], communities: Collection[str] | None
) -> dict[int, RateCounts]:
    """The counts of each week with tickets, by index: week i ends on ``week_lasts[i]`` (included)."""
    week = case(
        *((daily_counts.c.day <= last, literal(index)) for index, last in enumerate(week_lasts)),
        else_=literal(len(week_lasts)),
    )
    query = select(week, *_SUMS).where(*_days(first, week_lasts[-1], communities)).group_by(week)
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
