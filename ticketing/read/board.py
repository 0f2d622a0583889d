"""The supervisors' overdue board (超期督办): open tickets overdue, escalated or flagged for review.

A supervisor's ``Scope`` is the set of communities they oversee (their own
community party organisations plus every community of the streets whose
committee they sit on); admins see the whole district.  The queries are
``ticketing.db.queries.board``: a page by number for the page, batches by
keyset for exports.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import Connection

from ticketing.db.queries import board as queries
from ticketing.domain.org import Organisation, Unit, UnitKind
from ticketing.domain.rules import World
from ticketing.domain.ticket import HistoryEntry, Ticket
from ticketing.domain.workflow import open_states
from ticketing.read.queues import Deadline, deadline_of, overdue_for
from ticketing.read.source import Source, current_organisation

PER_PAGE = 25
EXPORT_BATCH = 500


@dataclass(frozen=True, slots=True)
class Scope:
    """The communities a supervisor oversees; ``None`` means the whole district (admins)."""

    communities: frozenset[str] | None

    @classmethod
    def of(cls, org: Organisation, communities: frozenset[str], streets: frozenset[str], everything: bool) -> Scope:
        """A supervisor's own communities and every community of their streets."""
        if everything:
            return cls(None)
        of_streets = {u.id for u in org.units.values() if u.kind is UnitKind.COMMUNITY and u.parent_id in streets}
        return cls(frozenset(communities) | of_streets)

    def units(self, org: Organisation, kind: UnitKind) -> list[Unit]:
        """The streets, communities or grids in scope (for filter choices and rate tables), by id."""
        communities = [u for u in org.units.values() if u.kind is UnitKind.COMMUNITY and self.includes(u.id)]
        if kind is UnitKind.COMMUNITY:
            found = communities
        elif kind is UnitKind.STREET:
            found = [org.units[i] for i in {c.parent_id for c in communities} if i in org.units]
        else:
            ids = {c.id for c in communities}
            found = [u for u in org.units.values() if u.kind is kind and u.parent_id in ids]
        return sorted(found, key=lambda unit: unit.id)

    def includes(self, community_id: str | None) -> bool:
        return self.communities is None or community_id in self.communities


@dataclass(frozen=True, slots=True)
class Overseer:
    """Whose area a reader sees: a supervisor's own communities and streets, or the whole district (admins)."""

    communities: frozenset[str]
    streets: frozenset[str]
    everything: bool = False

    def scope(self, org: Organisation) -> Scope:
        return Scope.of(org, self.communities, self.streets, self.everything)


def area(source: Source, overseer: Overseer) -> tuple[Organisation, Scope]:
    """The registry and the communities the overseer sees: the filter choices and names of the pages."""
    org = current_organisation(source)
    return org, overseer.scope(org)


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """What a supervisor narrowed the board to; ``None`` means any."""

    street_id: str | None = None
    community_id: str | None = None
    grid_id: str | None = None
    tier: int | None = None
    min_age_days: int | None = None


@dataclass(frozen=True, slots=True)
class BoardRow:
    """A ticket on the board and since when it is overdue or waiting for review; on the page, its ``deadline``
    in working time as the queues show it (time left, or how long overdue at the top of its chain)."""

    ticket: Ticket
    overdue_since: datetime | None
    review_since: datetime | None
    deadline: Deadline | None = None
    supervision: HistoryEntry | None = None  # the latest supervision note (督办)


@dataclass(frozen=True, slots=True)
class BoardPage:
    """A page of the board, with the world it was read in (its deadlines and names)."""

    rows: list[BoardRow]
    total: int
    page: int
    per_page: int
    world: World

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


def _flagged(scope: Scope, filters: BoardFilter, states: Sequence[str], now: datetime) -> queries.Flagged:
    """The board's tickets in scope with these filters (``min_age_days`` as an opening time before which)."""
    return queries.Flagged(
        states,
        scope.communities,
        filters.street_id,
        filters.community_id,
        filters.grid_id,
        filters.tier,
        None if filters.min_age_days is None else now - timedelta(days=filters.min_age_days),
    )


def board_page(source: Source, overseer: Overseer, filters: BoardFilter, now: datetime, page: int = 1) -> BoardPage:
    """One page of the overseer's board, oldest first, and how many tickets match in all."""
    with source.engine.connect() as conn:
        world = source.worlds.world(conn)
        where = _flagged(overseer.scope(world.org), filters, open_states(world.workflows.values()), now)
        total = queries.count_flagged(conn, where)
        page = min(max(page, 1), max((total + PER_PAGE - 1) // PER_PAGE, 1))
        found = queries.flagged(conn, where, PER_PAGE, offset=(page - 1) * PER_PAGE)
        rows = [replace(row, deadline=working_deadline(world, row, now)) for row in _with_since(conn, found)]
        return BoardPage(rows, total, page, PER_PAGE, world)


def lone_row(source: Source, ticket: Ticket, now: datetime) -> BoardRow:
    """A ticket not on the page (one whose action was refused), as a board row with its working-time deadline."""
    with source.engine.connect() as conn:
        world = source.worlds.world(conn)
        row = _with_since(conn, [ticket])[0]
    return replace(row, deadline=working_deadline(world, row, now))


def working_deadline(world: World, row: BoardRow, now: datetime) -> Deadline:
    """The row's deadline on the queues' working-time scale: time left or past on the running clock, else how
    long it has been overdue at the top of its chain."""
    deadline = deadline_of(world, row.ticket, now)
    if deadline.working_seconds is None and row.overdue_since is not None:
        return overdue_for(world, row.ticket, row.overdue_since, now)
    return deadline


def board_count(source: Source, overseer: Overseer, now: datetime) -> int:
    """How many tickets are on the overseer's whole board (the navigation's count; the board's own indexed count)."""
    with source.engine.connect() as conn:
        world = source.worlds.world(conn)
        where = _flagged(overseer.scope(world.org), BoardFilter(), open_states(world.workflows.values()), now)
        return queries.count_flagged(conn, where)


def board_rows(source: Source, overseer: Overseer, filters: BoardFilter, now: datetime) -> Iterator[BoardRow]:
    """Every ticket on the overseer's board with these filters, oldest first, read in batches (for exports).

    Each batch is read in its own short transaction, so an export streamed to a
    slow download holds no lock (SQLite's write lock, a PostgreSQL snapshot)
    between batches; the keyset (opening time, id) never changes for a ticket.
    """
    with source.engine.connect() as conn:
        world = source.worlds.world(conn)
    where = _flagged(overseer.scope(world.org), filters, open_states(world.workflows.values()), now)
    after: tuple[datetime, int] | None = None
    while True:
        with source.engine.connect() as conn:
            found = queries.flagged(conn, where, EXPORT_BATCH, after=after)
            batch = _with_since(conn, found)
        yield from batch
        if len(found) < EXPORT_BATCH:
            return
        after = (found[-1].created_at, found[-1].id)


def _with_since(conn: Connection, found: list[Ticket]) -> list[BoardRow]:
    """Attach when each ticket went overdue or missed its callback, from its history."""
    since = queries.flagged_since(conn, [t.id for t in found])
    notes = queries.latest_supervision(conn, [t.id for t in found])
    return [
        BoardRow(
            ticket,
            since.get((ticket.id, "overdue")) if ticket.overdue else None,
            since.get((ticket.id, "callback_overdue")) if ticket.needs_review else None,
            supervision=notes.get(ticket.id),
        )
        for ticket in found
    ]
