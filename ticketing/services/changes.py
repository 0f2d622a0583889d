"""What every ticket-changing use case does around a rule: refuse naive times, plan timers, save in bulk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection

from ticketing.db import tickets as store
from ticketing.domain import supervision
from ticketing.domain.errors import InvalidInput
from ticketing.domain.rules import World
from ticketing.domain.ticket import Outcome, Ticket


def require_aware(*moments: datetime) -> None:
    """Refuse naive times at the edge: a time without a zone is 8 hours off in one place or another."""
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise InvalidInput("%(moment)s has no time zone; give a time with an offset", moment=moment.isoformat())


def plan_timers(world: World, ticket: Ticket, outcome: Outcome, now: datetime) -> None:
    """Replace the ticket's pending timer with the first its new state implies, when its deadline changed."""
    if outcome.deadline_changed:
        outcome.timers = supervision.next_timer(world, ticket, now)


def apply_each(
    conn: Connection, world: World, found: list[Ticket], apply: Callable[[Ticket], Outcome], now: datetime
) -> int:
    """Apply one rule to each ticket and save those it changed in one statement batch; how many changed."""
    changed = []
    for ticket in found:
        outcome = apply(ticket)
        if outcome.entries:
            plan_timers(world, ticket, outcome, now)
            changed.append((ticket, outcome))
    store.save_many(conn, changed)
    return len(changed)
