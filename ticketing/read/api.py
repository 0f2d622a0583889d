"""The staff API's ticket list: filters, the reader's visibility, and cursor (keyset) pages.

Tickets come most urgent first: by deadline, those without one last, then by
id.  A cursor is the (deadline, id) of the last ticket of a page and the next
page is read from there (no OFFSET), so tickets opened meanwhile shift no
page; a ticket whose deadline moves between two reads may move across it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select, true

from ticketing.db import tickets as store
from ticketing.db.schema import tickets
from ticketing.domain.rules import World
from ticketing.domain.ticket import Ticket
from ticketing.read.source import Source


@dataclass(frozen=True, slots=True)
class Visibility:
    """The tickets a reader sees, as ``StaffUser.can_see`` decides it, as a query condition.

    Their posts' tickets and those they are first responder for; for
    supervisors also their communities' and streets'; everything for admins.
    """

    staff_id: str
    post_ids: frozenset[str]
    communities: frozenset[str] = frozenset()
    streets: frozenset[str] = frozenset()
    supervisor: bool = False
    everything: bool = False

    def clause(self) -> ColumnElement[bool]:
        if self.everything:
            return true()
        c = tickets.c
        arms: list[ColumnElement[bool]] = [c.first_responder_id == self.staff_id]
        if self.post_ids:
            arms.append(c.post_id.in_(sorted(self.post_ids)))
        if self.supervisor and self.communities:
            arms.append(c.community_id.in_(sorted(self.communities)))
        if self.supervisor and self.streets:
            arms.append(c.street_id.in_(sorted(self.streets)))
        return or_(*arms)


@dataclass(frozen=True, slots=True)
class TicketFilter:
    """What the list is narrowed to; ``None`` means any."""

    state: str | None = None
    post_id: str | None = None
    holder_id: str | None = None
    first_responder_id: str | None = None
    community_id: str | None = None
    overdue: bool | None = None
    open_only: bool = False

    def conditions(self) -> list[ColumnElement[bool]]:
        c = tickets.c
        found = [
            column == value
            for column, value in (
                (c.state, self.state),
                (c.post_id, self.post_id),
                (c.holder_id, self.holder_id),
                (c.first_responder_id, self.first_responder_id),
                (c.community_id, self.community_id),
                (c.overdue, self.overdue),
            )
            if value is not None
        ]
        if self.open_only:
            found.append(c.closed_at.is_(None))
        return found


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page ended: the deadline and id of its last ticket."""

    due_at: datetime | None
    ticket_id: int

    def encode(self) -> str:
        """An opaque URL-safe token (base64 of a small JSON array)."""
        raw = json.dumps([self.due_at.isoformat() if self.due_at else None, self.ticket_id], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """The cursor behind a token; ValueError if the token was not made by ``encode``."""
        try:
            due, ticket_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            moment = datetime.fromisoformat(due) if due is not None else None
        except (binascii.Error, UnicodeDecodeError, TypeError, ValueError) as error:
            raise ValueError(f"{token!r} is not a cursor of this list") from error
        if not isinstance(ticket_id, int) or isinstance(ticket_id, bool) or (moment and moment.tzinfo is None):
            raise ValueError(f"{token!r} is not a cursor of this list")
        return cls(moment, ticket_id)

    def after(self) -> ColumnElement[bool]:
        """The tickets that sort after this cursor."""
        c = tickets.c
        if self.due_at is None:
            return and_(c.due_at.is_(None), c.id > self.ticket_id)
        return or_(
            c.due_at > self.due_at,
            and_(c.due_at == self.due_at, c.id > self.ticket_id),
            c.due_at.is_(None),
        )


@dataclass(frozen=True, slots=True)
class TicketSlice:
    """One page of the list, the cursor of the next one (None on the last page), and the world it was read in."""

    tickets: list[Ticket]
    next: Cursor | None
    world: World


def ticket_slice(
    source: Source, visibility: Visibility, filters: TicketFilter, after: Cursor | None, limit: int
) -> TicketSlice:
    """Up to ``limit`` visible tickets matching ``filters``, most urgent first, after ``after``."""
    query = select(tickets).where(visibility.clause(), *filters.conditions())
    if after is not None:
        query = query.where(after.after())
    query = query.order_by(tickets.c.due_at.is_(None), tickets.c.due_at, tickets.c.id).limit(limit + 1)
    with source.engine.connect() as conn:
        world = source.worlds.world(conn)
        found = [store.to_ticket(row) for row in conn.execute(query)]
    page = found[:limit]
    more = len(found) > limit
    return TicketSlice(page, Cursor(page[-1].due_at, page[-1].id) if more else None, world)
