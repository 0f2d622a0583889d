"""Pending proposals of 诉求终结 in a supervisor's scope (``ix_tickets_termination_proposed_at``)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Connection, select

from ticketing.db.queries.board import in_communities
from ticketing.db.schema import tickets
from ticketing.db.tickets import to_ticket
from ticketing.domain.ticket import TERMINATED, Ticket

MAX_PENDING = 200


def pending(conn: Connection, communities: Collection[str] | None) -> list[Ticket]:
    """Tickets with a proposal no supervisor decided yet, oldest proposal first."""
    c = tickets.c
    query = (
        select(tickets)
        .where(c.termination_proposed_at.is_not(None), c.state != TERMINATED, in_communities(communities))
        .order_by(c.termination_proposed_at, c.id)
        .limit(MAX_PENDING)
    )
    return [to_ticket(row) for row in conn.execute(query)]
