"""Staff work lists: my queue, the tickets I answer for, callbacks due; the ticket page; my absences.

Each list is one page of an indexed query (LIMIT/OFFSET, ``ticketing.db.queries.queues``)
plus its count.  Time left is working time on the calendar the deadline runs on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from ticketing.db import tickets as store
from ticketing.db.queries import queues as queries
from ticketing.db.queries.resident import photos as attached
from ticketing.domain import choices
from ticketing.domain.errors import NotFound
from ticketing.domain.org import PLACE_KINDS, Absence, Organisation, Post, UnitKind
from ticketing.domain.permissions import available_actions
from ticketing.domain.rules import (
    World,
    calendar_post,
    extension_choices,
    next_attempt_at,
    staff_means,
    transfer_targets,
)
from ticketing.domain.ticket import CallbackMeans, HistoryEntry, Ticket
from ticketing.domain.workflow import Clock, Duration, WorkflowSpec, open_states
from ticketing.read.paging import Page
from ticketing.read.resident import Photo
from ticketing.read.source import Source

PAGE_SIZE = 25


@dataclass(frozen=True, slots=True)
class Deadline:
    """A ticket's deadline as a person reads it, in working time on the calendar it runs on.

    ``working_seconds`` is the time left, or how long ago it passed when
    ``overdue``; None when no deadline runs (then ``kept_seconds`` is what a
    paused clock keeps).  A ticket flagged overdue at the top of its chain has
    no deadline left but is still ``overdue``.  ``day_seconds`` is one workday
    of that calendar, so time left can read in working days and hours.
    """

    clock: Clock | None
    due_at: datetime | None
    working_seconds: float | None
    overdue: bool
    kept_seconds: float | None = None
    day_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class Item:
    """A row of a staff list: the ticket, its deadline, where it is and who holds it; ``joined`` when the
    reader's post works on it beside the post holding it (协同)."""

    ticket: Ticket
    deadline: Deadline
    post: Post | None
    post_unit: str
    place: str
    holder: str
    phone: str
    joined: bool = False


@dataclass(frozen=True, slots=True)
class WorkList(Page[Item]):
    """A page of a staff list, with the world it was read in (its places, states and calendars)."""

    world: World


@dataclass(frozen=True, slots=True)
class TicketView:
    """Everything the ticket page shows, with what the reader may do to it now and the world it was read in."""

    ticket: Ticket
    history: list[HistoryEntry]
    spec: WorkflowSpec
    deadline: Deadline
    actions: list[str]
    targets: list[Post]
    extensions: list[Duration]
    world: World
    photos: tuple[Photo, ...] = ()  # a resident's, or the one taken on patrol
    invitable: list[Post] = field(default_factory=list)  # the posts that may be invited to join (协同)
    means: list[CallbackMeans] = field(default_factory=list)  # the callback means staff may record
    next_attempt_at: datetime | None = None  # the earliest next unreached callback attempt

    @property
    def org(self) -> Organisation:
        return self.world.org

    def person(self, staff_id: str | None) -> str:
        """``Name (S0013)``, or an empty string for the system."""
        if staff_id is None:
            return ""
        member = self.org.staff.get(staff_id)
        return f"{member.name} ({staff_id})" if member else staff_id

    def post(self, post_id: str | None) -> Post | None:
        return self.org.posts.get(post_id) if post_id else None

    def unit_name(self, unit_id: str | None) -> str:
        unit = self.org.units.get(unit_id) if unit_id else None
        return unit.name if unit else (unit_id or "")

    def photo(self, photo_id: int) -> Photo:
        """One of this ticket's photos; another ticket's is not found."""
        found = next((photo for photo in self.photos if photo.id == photo_id), None)
        if found is None:
            raise NotFound("no photo %(photo)s on this request", photo=photo_id)
        return found


@dataclass(frozen=True, slots=True)
class PlaceGroup:
    """The buildings, street segments and shops of one grid, for the registration form."""

    label: str
    places: list[tuple[str, str]]


def mask_phone(phone: str) -> str:
    """``138****0000``: the first three and last four digits of a mobile; short numbers keep their last two."""
    digits = phone.replace(" ", "").replace("-", "")
    if len(digits) >= 11:
        return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    return f"{'*' * max(len(digits) - 2, 0)}{digits[-2:]}"


def deadline_of(world: World, ticket: Ticket, now: datetime) -> Deadline:
    """The running deadline of a ticket and the working time left (or past) at ``now``."""
    if ticket.clock is None or ticket.due_at is None:
        day = world.calendar_for(ticket.post_id).workday_seconds
        return Deadline(None, None, None, ticket.overdue or ticket.needs_review, ticket.paused_remaining, day)
    calendar = world.calendar_for(calendar_post(ticket, ticket.clock))
    day = calendar.workday_seconds
    if now < ticket.due_at:
        return Deadline(ticket.clock, ticket.due_at, calendar.working_seconds(now, ticket.due_at), False, None, day)
    return Deadline(ticket.clock, ticket.due_at, calendar.working_seconds(ticket.due_at, now), True, None, day)


def overdue_for(world: World, ticket: Ticket, since: datetime, now: datetime) -> Deadline:
    """How long a ticket flagged overdue at the top of its chain has been so, in its post's working time."""
    calendar = world.calendar_for(ticket.post_id)
    return Deadline(None, None, calendar.working_seconds(since, now), True, day_seconds=calendar.workday_seconds)


def _callback_states(world: World) -> list[str]:
    states = (s for spec in world.workflows.values() for s in spec.states.values())
    return sorted({s.name for s in states if s.clock is Clock.CALLBACK})


def _page(
    world: World,
    total: int,
    read: Callable[[int, int], list[Ticket]],
    now: datetime,
    number: int,
    size: int,
    joined: Mapping[int, Sequence[str]] | None = None,
) -> WorkList:
    """Page ``number`` (within the pages there are) of ``total`` tickets, ``read(limit, offset)`` a slice of them;
    ``joined`` (ticket id → the reader's posts that joined it) marks the tickets they work on beside the holder."""
    number = min(max(number, 1), max(math.ceil(total / size), 1))
    found = read(size, (number - 1) * size)
    marks = joined or {}
    return WorkList(
        [item_of(world, ticket, now, bool(marks.get(ticket.id))) for ticket in found], number, size, total, world
    )


def item_of(world: World, ticket: Ticket, now: datetime, joined: bool = False) -> Item:
    """A row of a staff list for ``ticket``; ``joined``: the reader's post works on it beside the holder (协同)."""
    org = world.org
    post = org.posts.get(ticket.post_id)
    unit = org.units.get(ticket.location_id) if ticket.location_id else None
    holder = org.staff.get(ticket.holder_id) if ticket.holder_id else None
    return Item(
        ticket=ticket,
        deadline=deadline_of(world, ticket, now),
        post=post,
        post_unit=org.units[post.unit_id].name if post and post.unit_id in org.units else "",
        place=unit.name if unit else ticket.address,
        holder=f"{holder.name} ({holder.id})" if holder else "",
        phone=mask_phone(ticket.contact_phone),
        joined=joined,
    )


def my_queue(source: Source, staff_id: str, now: datetime, number: int = 1, size: int = PAGE_SIZE) -> WorkList:
    """Open tickets I hold, those of my posts that nobody holds, and those my posts were invited to join (协同);
    overdue and most urgent first."""
    with source.engine.connect() as conn:
        world = source.worlds.world(conn)
        states = open_states(world.workflows.values())
        posts = sorted(post.id for post in world.org.holds(staff_id))
        total = queries.count_my_queue(conn, staff_id, states, posts)
        joined = queries.joined_by(conn, posts)
        read = partial(queries.my_queue, conn, staff_id, states, posts)
        return _page(world, total, read, now, number, size, joined)


def accountable(source: Source, staff_id: str, now: datetime, number: int = 1, size: int = PAGE_SIZE) -> WorkList:
    """Tickets I am first responder for, wherever they are now: open ones first, newest first."""
    with source.engine.connect() as conn:
        world = source.worlds.world(conn)
        total = queries.count_accountable(conn, staff_id)
        return _page(world, total, partial(queries.accountable, conn, staff_id), now, number, size)


def callbacks_due(source: Source, staff_id: str, now: datetime, number: int = 1, size: int = PAGE_SIZE) -> WorkList:
    """Resolved or referred tickets whose callback is mine to make: I hold their callback post (by default
    the first responder's), or I am their first responder and the callback is my post's."""
    with source.engine.connect() as conn:
        world = source.worlds.world(conn)
        held = world.org.holds(staff_id)
        states = _callback_states(world)
        posts = sorted(post.id for post in held)
        total = queries.count_callbacks_due(conn, staff_id, states, posts)
        read = partial(queries.callbacks_due, conn, staff_id, states, posts)
        return _page(world, total, read, now, number, size)


@dataclass(frozen=True, slots=True)
class DeskCounts:
    """What waits on a staff member's desk, for the navigation: their queue and the callbacks due."""

    queue: int
    callbacks: int


def desk_counts(source: Source, staff_id: str) -> DeskCounts:
    """The counts of my queue and my callbacks due: the lists' own indexed counts, in one connection."""
    with source.engine.connect() as conn:
        world = source.worlds.world(conn)
        posts = sorted(post.id for post in world.org.holds(staff_id))
        queue = queries.count_my_queue(conn, staff_id, open_states(world.workflows.values()), posts)
        callbacks = queries.count_callbacks_due(conn, staff_id, _callback_states(world), posts)
    return DeskCounts(queue, callbacks)


def ticket_view(source: Source, key: str, staff_id: str, now: datetime) -> TicketView:
    """A ticket with its whole history, its deadline and the actions this staff member may take now."""
    with source.engine.connect() as conn:
        world = source.worlds.world(conn)
        ticket = store.get(conn, key)
        history = store.history_of(conn, ticket.id)
        photos = tuple(Photo(row.id, row.file_name, row.content_type, row.size) for row in attached(conn, ticket.id))
    return TicketView(
        ticket=ticket,
        history=history,
        spec=world.spec(ticket),
        deadline=deadline_of(world, ticket, now),
        actions=available_actions(world, ticket, staff_id, now),
        targets=transfer_targets(world, ticket),
        extensions=extension_choices(world, ticket),
        world=world,
        photos=photos,
        invitable=choices.invite_targets(world.org, ticket),
        means=staff_means(ticket),
        next_attempt_at=next_attempt_at(world, ticket),
    )


def my_absences(source: Source, staff_id: str, now: datetime) -> list[Absence]:
    """My absences that are still running or still to come, soonest first (cancelled ones are gone)."""
    with source.engine.connect() as conn:
        return queries.my_absences(conn, staff_id, now)


def register_places(source: Source, staff_id: str) -> list[PlaceGroup]:
    """The places of the communities I work in (all of them for someone without a local post), grid by grid."""
    with source.engine.connect() as conn:
        org = source.worlds.organisation(conn)
    every = [unit for unit in org.units.values() if unit.kind is UnitKind.COMMUNITY]
    communities: set[str] = set()
    for post in org.holds(staff_id):
        community = org.ancestor(post.unit_id, UnitKind.COMMUNITY)
        street = org.ancestor(post.unit_id, UnitKind.STREET)
        if community is not None:
            communities.add(community.id)
        elif street is not None:
            communities |= {unit.id for unit in every if unit.parent_id == street.id}
    communities = communities or {unit.id for unit in every}
    by_grid: dict[str, list[tuple[str, str]]] = {}
    for unit in sorted(org.units.values(), key=lambda u: u.id):
        community = org.ancestor(unit.id, UnitKind.COMMUNITY)
        grid = org.ancestor(unit.id, UnitKind.GRID)
        if unit.kind in PLACE_KINDS and community and grid and community.id in communities:
            by_grid.setdefault(grid.id, []).append((unit.id, unit.name))
    groups = []
    for grid_id, places in sorted(by_grid.items()):
        grid = org.units[grid_id]
        community = org.units.get(grid.parent_id or "")
        groups.append(PlaceGroup(f"{community.name if community else ''} · {grid.name}", places))
    return groups
