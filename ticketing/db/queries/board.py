"""The overdue board's queries (``ticketing.read.board``): open tickets overdue, escalated or flagged for review.

They select the tickets by ``ON_BOARD``, the very terms of the partial
indexes holding only open flagged tickets (``ix_tickets_board`` oldest first
for the whole district, ``ix_tickets_board_community`` by community), so the
closed ones, most tickets after a while, are never read; they page with
LIMIT/OFFSET for the page and by keyset (opening time, id) for exports.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, func, select, true, tuple_

from ticketing.db.schema import ON_BOARD, history, tickets
from ticketing.db.tickets import history_entry, to_ticket
from ticketing.domain.ticket import HistoryAction, HistoryEntry, Ticket


def in_communities(communities: Collection[str] | None) -> ColumnElement[bool]:
    """A supervisor's scope as a condition (the board's and the rates'); ``None`` is the whole district."""
    if communities is None:
        return true()
    return tickets.c.community_id.in_(sorted(communities))


@dataclass(frozen=True, slots=True)
class Flagged:
    """Which tickets the board shows: open (in ``states``), flagged, in ``communities``, narrowed by the rest."""

    states: Sequence[str]
    communities: Collection[str] | None
    street_id: str | None = None
    community_id: str | None = None
    grid_id: str | None = None
    tier: int | None = None
    created_before: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        c = tickets.c
        found = [
            c.state.in_(self.states),
            ON_BOARD,
            in_communities(self.communities),
        ]
        for column, value in ((c.street_id, self.street_id), (c.community_id, self.community_id)):
            if value is not None:
                found.append(column == value)
        if self.grid_id is not None:
            found.append(c.grid_id == self.grid_id)
        if self.tier is not None:
            found.append(c.tier == self.tier)
        if self.created_before is not None:
            found.append(c.created_at < self.created_before)
        return found


def count_flagged(conn: Connection, where: Flagged) -> int:
    """How many tickets ``where`` selects (the board's pages)."""
    return conn.execute(select(func.count()).select_from(tickets).where(*where.conditions())).scalar_one()


def flagged(
    conn: Connection, where: Flagged, limit: int, offset: int | None = None, after: tuple[datetime, int] | None = None
) -> list[Ticket]:
    """Up to ``limit`` of those tickets, oldest first: from ``offset``, or after an (opening time, id) keyset."""
    query = select(tickets).where(*where.conditions())
    if after is not None:  # a row comparison: the database walks the (created_at, id) board index on from the keyset
        query = query.where(tuple_(tickets.c.created_at, tickets.c.id) > tuple_(*after))
    query = query.order_by(tickets.c.created_at, tickets.c.id).limit(limit).offset(offset)
    return [to_ticket(row) for row in conn.execute(query)]


def flagged_since(conn: Connection, ticket_ids: Sequence[int]) -> dict[tuple[int, str], datetime]:
    """When each ticket last went ``overdue`` or ``callback_overdue``, by (ticket id, action) (one query)."""
    if not ticket_ids:
        return {}
    query = (
        select(history.c.ticket_id, history.c.action, func.max(history.c.at))
        .where(history.c.ticket_id.in_(ticket_ids), history.c.action.in_(("overdue", "callback_overdue")))
        .group_by(history.c.ticket_id, history.c.action)
    )
    return {(ticket_id, action): at for ticket_id, action, at in conn.execute(query)}


def latest_supervision(conn: Connection, ticket_ids: Sequence[int]) -> dict[int, HistoryEntry]:
    """Each ticket's latest supervision note (督办), by ticket id (one query, ``ix_history_ticket``)."""
    if not ticket_ids:
        return {}
    latest = (
        select(func.max(history.c.id))
        .where(history.c.ticket_id.in_(ticket_ids), history.c.action == HistoryAction.SUPERVISE.value)
        .group_by(history.c.ticket_id)
    )
    rows = conn.execute(select(history).where(history.c.id.in_(latest.scalar_subquery())))
    return {row.ticket_id: history_entry(row) for row in rows}
