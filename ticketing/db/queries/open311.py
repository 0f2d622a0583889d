"""Open311's queries (``ticketing.read.open311``): requests by opening time (``ix_tickets_created``) or number."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Connection, select

from ticketing.db.schema import history, tickets
from ticketing.db.tickets import to_ticket
from ticketing.domain.ticket import HistoryAction, HistoryEntry, Ticket


def opened_between(
    conn: Connection,
    start: datetime,
    end: datetime,
    categories: Sequence[str],
    closed: bool | None,
    limit: int,
    offset: int,
) -> list[Ticket]:
    """Tickets opened in ``start``–``end`` (both included), of ``categories`` if any, closed or not (None: both).

    Newest first.
    """
    where = [tickets.c.created_at >= start, tickets.c.created_at <= end]
    if categories:
        where.append(tickets.c.category.in_(categories))
    if closed is not None:
        where.append(tickets.c.closed_at.is_not(None) if closed else tickets.c.closed_at.is_(None))
    query = (
        select(tickets)
        .where(*where)
        .order_by(tickets.c.created_at.desc(), tickets.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [to_ticket(row) for row in conn.execute(query)]


def with_numbers(conn: Connection, numbers: Sequence[str]) -> list[Ticket]:
    """The tickets with these tracking numbers, in no particular order."""
    return [to_ticket(row) for row in conn.execute(select(tickets).where(tickets.c.number.in_(numbers)))]


def history_of_many(
    conn: Connection, ticket_ids: Sequence[int], actions: Collection[str]
) -> dict[int, list[HistoryEntry]]:
    """The history entries of these actions of each ticket that has some, in order (``ix_history_ticket``)."""
    if not ticket_ids:
        return {}
    query = (
        select(history)
        .where(history.c.ticket_id.in_(ticket_ids), history.c.action.in_(sorted(actions)))
        .order_by(history.c.ticket_id, history.c.id)
    )
    found: dict[int, list[HistoryEntry]] = {}
    for row in conn.execute(query):
        entry = HistoryEntry(
            row.at,
            row.actor_id,
            HistoryAction(row.action),
            row.from_state,
            row.to_state,
            row.tier,
            row.post_id,
            row.holder_id,
            row.reason,
            dict(row.details or {}),
        )
        found.setdefault(row.ticket_id, []).append(entry)
    return found
