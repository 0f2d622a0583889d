"""The rates' queries (``ticketing.read.rates``): the counts of the rate base over tickets opened in a period,
and of the tickets shown apart (checked without a callback, terminated, returned).

Each level is one GROUP BY query over the tickets opened in the period
(``ix_tickets_created``; ``ix_tickets_community_created`` within a
supervisor's communities), restricted to the reader's scope; the weekly trend
is one more query grouping by a CASE over the week boundaries, so weeks
follow the district's calendar days on every database.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, and_, case, false, func, literal, select, true
from sqlalchemy.sql.base import ReadOnlyColumnCollection

from ticketing.db.queries.board import in_communities
from ticketing.db.schema import tickets
from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import UnitKind
from ticketing.domain.rates import RateCounts
from ticketing.domain.ticket import RETURNED, TERMINATED, CallbackMeans

_LEVELS: dict[UnitKind, ColumnElement[str | None]] = {
    UnitKind.STREET: tickets.c.street_id,
    UnitKind.COMMUNITY: tickets.c.community_id,
    UnitKind.GRID: tickets.c.grid_id,
}


def _opened(start: datetime, end: datetime, communities: Collection[str] | None) -> list[ColumnElement[bool]]:
    c = tickets.c
    return [c.created_at >= start, c.created_at < end, in_communities(communities)]


def _counts(c: ReadOnlyColumnCollection[str, ColumnElement[object]]) -> tuple[ColumnElement[int], ...]:
    """The fields of ``RateCounts`` in order, over columns named like the tickets'."""

    def counted(*conditions: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((and_(*conditions), 1), else_=0)), 0)

    base = and_(c.state.not_in((RETURNED, TERMINATED)), c.satisfaction.is_not(None))
    return (
        counted(base),
        counted(base, c.acknowledged_at.is_not(None), c.ack_late == false()),
        counted(base, c.satisfaction == Satisfaction.SATISFIED.value),
        counted(base, c.satisfaction == Satisfaction.BASICALLY_SATISFIED.value),
        counted(base, c.solved == true()),
        counted(base, c.callback_means == CallbackMeans.PHONE.value),
        counted(base, c.callback_means == CallbackMeans.LINK.value),
        counted(base, c.callback_means == CallbackMeans.VISIT.value),
        counted(c.state.not_in((RETURNED, TERMINATED)), c.callback_means == CallbackMeans.NONE.value),
        counted(c.state == TERMINATED),
        counted(c.state == RETURNED),
    )


def counts_by(
    conn: Connection, level: UnitKind, start: datetime, end: datetime, communities: Collection[str] | None
) -> dict[str | None, RateCounts]:
    """The counts of every street, community or grid with tickets opened in ``start``–``end`` in the base."""
    column = _LEVELS[level]
    query = select(column, *_counts(tickets.c)).where(*_opened(start, end, communities)).group_by(column)
    return {key: RateCounts(*(int(n) for n in numbers)) for key, *numbers in conn.execute(query)}


def weekly_counts(
    conn: Connection, start: datetime, week_ends: Sequence[datetime], communities: Collection[str] | None
) -> dict[int, RateCounts]:
    """The counts of each week with tickets in the base, by index: week i ends at ``week_ends[i]``, the last one too."""
    week = case(
        *((tickets.c.created_at < end, literal(index)) for index, end in enumerate(week_ends)),
        else_=literal(len(week_ends)),
    )
    c = tickets.c
    inner = (
        select(week.label("week"), c.state, c.acknowledged_at, c.ack_late, c.satisfaction, c.solved, c.callback_means)
        .where(*_opened(start, week_ends[-1], communities))
        .subquery()
    )
    query = select(inner.c.week, *_counts(inner.c)).group_by(inner.c.week)
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
