"""The staff API's ticket list: filters, the reader's visibility, and cursor (keyset) pages.

Tickets come most urgent first: by deadline, those without one last, then by
id.  A cursor is the (deadline, id) of the last ticket of a page and the next
page is read from there (no OFFSET), so tickets opened meanwhile shift no
page; a ticket whose deadline moves between two reads may move across it.
The query is ``ticketing.db.queries.api``.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from ticketing.db.queries import api as queries
from ticketing.domain.rules import World
from ticketing.domain.ticket import Ticket
from ticketing.read.source import Source


@dataclass(frozen=True, slots=True)
class Visibility:
    """The tickets a reader sees, as ``StaffUser.can_see`` decides it.

    Their posts' tickets and those they are first responder for; for
    supervisors also their communities' and streets'; everything for admins.
    """

    staff_id: str
    post_ids: frozenset[str]
    communities: frozenset[str] = frozenset()
    streets: frozenset[str] = frozenset()
    supervisor: bool = False
    everything: bool = False

    def reach(self) -> queries.Reach | None:
        """What the query filters on; None: everything. Only supervisors see by community and street."""
        if self.everything:
            return None
        if not self.supervisor:
            return queries.Reach(self.staff_id, self.post_ids, frozenset(), frozenset())
        return queries.Reach(self.staff_id, self.post_ids, self.communities, self.streets)


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

    def equal(self) -> dict[str, str | bool]:
        """The ticket fields asked for and their values (``open_only`` aside)."""
        asked = {
            "state": self.state,
            "post_id": self.post_id,
            "holder_id": self.holder_id,
            "first_responder_id": self.first_responder_id,
            "community_id": self.community_id,
            "overdue": self.overdue,
        }
        return {name: value for name, value in asked.items() if value is not None}


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
    keyset = None if after is None else (after.due_at, after.ticket_id)
    with source.engine.connect() as conn:
        world = source.worlds.world(conn)
        found = queries.visible_tickets(conn, visibility.reach(), filters.equal(), filters.open_only, keyset, limit + 1)
    page = found[:limit]
    more = len(found) > limit
    return TicketSlice(page, Cursor(page[-1].due_at, page[-1].id) if more else None, world)
