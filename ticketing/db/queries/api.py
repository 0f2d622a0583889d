"""The staff API's ticket list query (``ticketing.read.api``): visible tickets, most urgent first, by keyset."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Select, and_, or_, select, true, union_all

from ticketing.db.schema import ticket_joins, tickets
from ticketing.db.tickets import to_ticket
from ticketing.domain.ticket import Ticket


@dataclass(frozen=True, slots=True)
class Reach:
    """The tickets a reader sees: those they are first responder for, of their posts, communities and streets,
    and those their posts joined (协同)."""

    staff_id: str
    post_ids: Collection[str]
    communities: Collection[str]
    streets: Collection[str]

    def clause(self) -> ColumnElement[bool]:
        """The tickets in reach, as ids from one indexed query per arm: an OR with a subquery in it would be
        read with a filter over the whole tickets table."""
        c = tickets.c
        arms: list[Select[tuple[int]]] = [select(c.id).where(c.first_responder_id == self.staff_id)]
        for column, values in (
            (c.post_id, self.post_ids),
            (c.community_id, self.communities),
            (c.street_id, self.streets),
        ):
            if values:
                arms.append(select(c.id).where(column.in_(sorted(values))))
        if self.post_ids:
            joins = ticket_joins.c
            arms.append(
                select(joins.ticket_id).where(joins.post_id.in_(sorted(self.post_ids)), joins.released_at.is_(None))
            )
        return c.id.in_(union_all(*arms))


def visible_tickets(
    conn: Connection,
    reach: Reach | None,
    equal: Mapping[str, object],
    open_only: bool,
    after: tuple[datetime | None, int] | None,
    limit: int,
) -> list[Ticket]:
    """Up to ``limit`` tickets in ``reach`` (None: all) whose columns equal ``equal``, after a (deadline, id) keyset.

    Most urgent first: by deadline, those without one last, then by id.  Written ``due_at NULLS LAST, id``,
    the order of ``ix_tickets_due`` and ``ix_tickets_open_due`` on PostgreSQL, which SQLite also reads from
    them (it reads the index's NULLs after the rest); ``due_at IS NULL, due_at, id`` sorted every match.
    """
    c = tickets.c
    query = select(tickets).where(
        true() if reach is None else reach.clause(), *(c[column] == value for column, value in equal.items())
    )
    if open_only:
        query = query.where(c.closed_at.is_(None))
    if after is not None:
        query = query.where(_after(*after))
    query = query.order_by(c.due_at.asc().nulls_last(), c.id).limit(limit)
    return [to_ticket(row) for row in conn.execute(query)]


def _after(due_at: datetime | None, ticket_id: int) -> ColumnElement[bool]:
    """The tickets that sort after the ticket with this deadline and id."""
    c = tickets.c
    if due_at is None:
        return and_(c.due_at.is_(None), c.id > ticket_id)
    return or_(c.due_at > due_at, and_(c.due_at == due_at, c.id > ticket_id), c.due_at.is_(None))
