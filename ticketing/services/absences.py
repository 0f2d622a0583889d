"""Absences (AB岗 cover): leave and trips recorded, ended early or cancelled, and the hand-overs they cause.

When a holder's absence begins, their open tickets pass to whoever else is on
duty at the post; when it ends, the A holder takes back what is theirs. Each
use case is one transaction: the absence and the hand-overs commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import Connection, Engine

from ticketing.db import absences as absence_store
from ticketing.db import tickets as store
from ticketing.domain import absences as absence_rules
from ticketing.domain import rules
from ticketing.domain.errors import NotFound
from ticketing.domain.org import Absence
from ticketing.domain.rules import World
from ticketing.domain.ticket import Outcome, Ticket
from ticketing.organisation.registry_view import WorldSource
from ticketing.services.changes import apply_each, require_aware
from ticketing.services.unit_of_work import unit_of_work


@dataclass(frozen=True, slots=True)
class Recorded:
    """A new absence, and how many tickets passed to the other holders because it has begun."""

    id: int
    moved: int


@dataclass(frozen=True, slots=True)
class Changed:
    """An absence ended or cancelled, and how many tickets went back to its holder."""

    absence: Absence
    moved: int


class Absences:
    """The absence use cases over one database."""

    def __init__(self, engine: Engine, worlds: WorldSource) -> None:
        self.engine = engine
        self.worlds = worlds

    def record(self, staff_id: str, starts_at: datetime, ends_at: datetime, reason: str, now: datetime) -> Recorded:
        """Record leave or a trip within the bounds of ``domain.absences``; if it has begun, the others take over."""
        require_aware(starts_at, ends_at, now)
        absence_rules.check_period(starts_at, ends_at, now, self.worlds.tz)
        text = absence_rules.check_reason(reason)
        with unit_of_work(self.engine) as work:
            world = self.worlds.world(work.conn)
            if staff_id not in world.org.staff:
                raise NotFound("unknown staff member %(staff)r", staff=staff_id)
            absence_id = absence_store.add(work.conn, staff_id, starts_at, ends_at, text)
            return Recorded(absence_id, hand_over_due(work.conn, self.worlds.world(work.conn), now))

    def end(self, absence_id: int, now: datetime, actor_id: str | None = None) -> Changed:
        """The holder is back early: the absence ends now and the tickets it handed over come back.

        ``actor_id`` is who asks (the absent member or an admin); None is the operator at the command line.
        """
        require_aware(now)
        with unit_of_work(self.engine) as work:
            absence = absence_store.get(work.conn, absence_id)
            absence_rules.check_actor(self.worlds.world(work.conn).org, absence, actor_id)
            ended = absence_rules.end_early(absence, now, self.worlds.tz)
            absence_store.end(work.conn, absence_id, ended.ends_at)
            return Changed(ended, hand_over_due(work.conn, self.worlds.world(work.conn), now))

    def cancel(self, absence_id: int, now: datetime, actor_id: str | None = None) -> Changed:
        """The absence will not happen or was a mistake: it stops counting and any tickets it moved come back."""
        require_aware(now)
        with unit_of_work(self.engine) as work:
            absence = absence_store.get(work.conn, absence_id)
            absence_rules.check_actor(self.worlds.world(work.conn).org, absence, actor_id)
            cancelled = absence_rules.cancel(absence, now, self.worlds.tz)
            absence_store.cancel(work.conn, absence_id, now, started=absence.starts_at <= now)
            return Changed(cancelled, hand_over_due(work.conn, self.worlds.world(work.conn), now))


def hand_over_due(conn: Connection, world: World, now: datetime) -> int:
    """In the caller's transaction: hand over the tickets of holders who have left, and back to those who returned.

    ``world`` must be read after the absence changes in this transaction (they bump its version), so that who
    is away is what was just written.
    """
    changed = 0
    for absence in absence_store.starting(conn, now):
        found = store.open_tickets_locked(conn, holder_id=absence.staff_id)
        changed += apply_each(conn, world, found, partial(_cover, world, absence, now), now)
        absence_store.mark(conn, absence, handed_over=True)
    for absence in absence_store.ending(conn, now):
        if not world.absent(absence.staff_id, now):
            changed += _hand_back(conn, world, absence.staff_id, now)
        absence_store.mark(conn, absence, handed_over=True, handed_back=True)
    return changed


def _hand_back(conn: Connection, world: World, staff_id: str, now: datetime) -> int:
    posts = [p.id for p in world.org.holds(staff_id) if p.holders[-1] != staff_id]
    if not posts:
        return 0
    found = store.open_tickets_locked(conn, post_ids=posts)
    return apply_each(conn, world, found, lambda t: rules.hand_back(world, t, staff_id, now), now)


def _cover(world: World, absence: Absence, now: datetime, ticket: Ticket) -> Outcome:
    return rules.cover_absence(world, ticket, absence.staff_id, absence.reason, now)
