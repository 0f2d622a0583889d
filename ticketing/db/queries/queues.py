"""The staff work lists' queries (``ticketing.read.queues``): each list a count and a slice, and my absences.

The queue unites three arms, each on an index with the open states:
tickets I hold (``ix_tickets_holder_state``), tickets of my posts nobody
holds (``ix_tickets_post_state``), and tickets my posts were invited to join
(``ix_ticket_joins_post_open``); the accountable list reads
``ix_tickets_first_responder``, the callbacks the partial indexes of open
tickets by callback post and first responder.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, func, or_, select, union_all

from ticketing.db.absences import to_absence
from ticketing.db.schema import OPEN, absences, ticket_joins, tickets
from ticketing.db.tickets import to_ticket
from ticketing.domain.org import Absence
from ticketing.domain.ticket import Ticket


def count_my_queue(conn: Connection, staff_id: str, open_states: Sequence[str], post_ids: Sequence[str]) -> int:
    return _count(conn, _my_queue(staff_id, open_states, post_ids))


def my_queue(
    conn: Connection, staff_id: str, open_states: Sequence[str], post_ids: Sequence[str], limit: int, offset: int
) -> list[Ticket]:
    """Tickets in ``open_states`` that I hold, that nobody holds on ``post_ids``, or that ``post_ids`` joined (协同);
    overdue and most urgent first."""
    where = _my_queue(staff_id, open_states, post_ids)
    return _slice(conn, where, _most_urgent_first(tickets.c.overdue), limit, offset)


def _my_queue(staff_id: str, open_states: Sequence[str], post_ids: Sequence[str]) -> ColumnElement[bool]:
    """The arms as one indexed query each, their ids united: an OR with the joined tickets' subquery in it
    would be read with a filter over the whole tickets table."""
    c = tickets.c
    open_state = c.state.in_(open_states)
    arms: list[Select[tuple[int]]] = [select(c.id).where(c.holder_id == staff_id, open_state)]
    if post_ids:
        arms.append(select(c.id).where(c.post_id.in_(post_ids), open_state, c.holder_id.is_(None)))
        arms.append(
            select(ticket_joins.c.ticket_id).where(
                ticket_joins.c.post_id.in_(post_ids), ticket_joins.c.released_at.is_(None)
            )
        )
    return and_(c.id.in_(union_all(*arms)), open_state)


def joined_by(conn: Connection, post_ids: Sequence[str]) -> dict[int, list[str]]:
    """The open invitations (协同) of these posts: ticket id → the posts among them that joined it."""
    if not post_ids:
        return {}
    c = ticket_joins.c
    found: dict[int, list[str]] = {}
    query = select(c.ticket_id, c.post_id).where(c.post_id.in_(post_ids), c.released_at.is_(None))
    for ticket_id, post_id in conn.execute(query):
        found.setdefault(ticket_id, []).append(post_id)
    return found


def count_accountable(conn: Connection, staff_id: str) -> int:
    return _count(conn, tickets.c.first_responder_id == staff_id)


def accountable(conn: Connection, staff_id: str, limit: int, offset: int) -> list[Ticket]:
    """Tickets whose first responder is ``staff_id``: open ones first, newest first."""
    order = [tickets.c.closed_at.is_not(None), tickets.c.id.desc()]
    return _slice(conn, tickets.c.first_responder_id == staff_id, order, limit, offset)


def count_callbacks_due(conn: Connection, staff_id: str, states: Sequence[str], post_ids: Sequence[str]) -> int:
    return _count(conn, _callbacks_due(staff_id, states, post_ids))


def callbacks_due(
    conn: Connection, staff_id: str, states: Sequence[str], post_ids: Sequence[str], limit: int, offset: int
) -> list[Ticket]:
    """Tickets in ``states`` whose callback post is one of ``post_ids``, or whose first responder is ``staff_id``
    with the callback at their own post (``ix_tickets_open_callback_post``, ``ix_tickets_open_first_responder``:
    open tickets only, as callbacks are due on open ones)."""
    where = _callbacks_due(staff_id, states, post_ids)
    return _slice(conn, where, _most_urgent_first(tickets.c.needs_review), limit, offset)


def _callbacks_due(staff_id: str, states: Sequence[str], post_ids: Sequence[str]) -> ColumnElement[bool]:
    c = tickets.c
    own = and_(c.first_responder_id == staff_id, c.callback_post_id == c.first_responder_post_id)
    return and_(c.state.in_(states), OPEN, or_(c.callback_post_id.in_(post_ids), own))


def my_absences(conn: Connection, staff_id: str, now: datetime) -> list[Absence]:
    """The absences of ``staff_id`` still running or to come at ``now``, soonest first; cancelled ones are gone."""
    query = (
        select(absences)
        .where(absences.c.staff_id == staff_id, absences.c.ends_at > now, absences.c.cancelled_at.is_(None))
        .order_by(absences.c.starts_at, absences.c.id)
    )
    return [to_absence(row) for row in conn.execute(query)]


def _most_urgent_first(flag: ColumnElement[bool]) -> list[ColumnElement[object]]:
    """Flagged (overdue) first, then the earliest deadline, tickets without one last (``NULLS LAST``, the
    deadline index's order on PostgreSQL, which SQLite reads from an index too)."""
    return [flag.desc(), tickets.c.due_at.asc().nulls_last(), tickets.c.id]


def _count(conn: Connection, where: ColumnElement[bool]) -> int:
    return conn.execute(select(func.count()).select_from(tickets).where(where)).scalar_one()


def _slice(
    conn: Connection, where: ColumnElement[bool], order: Sequence[ColumnElement[Any]], limit: int, offset: int
) -> list[Ticket]:
    query = select(tickets).where(where).order_by(*order).limit(limit).offset(offset)
    return [to_ticket(row) for row in conn.execute(query)]
