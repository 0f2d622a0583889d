"""What supervisors decide: the proposals of 诉求终结 pending in their area."""

from __future__ import annotations

from datetime import datetime

from ticketing.db.queries import terminations as queries
from ticketing.read.board import Overseer
from ticketing.read.queues import WorkList, item_of
from ticketing.read.source import Source


def pending_terminations(source: Source, overseer: Overseer, now: datetime) -> WorkList:
    """The tickets whose proposed 诉求终结 awaits a decision, oldest proposal first, on one page."""
    with source.engine.connect() as conn:
        world = source.worlds.world(conn)
        found = queries.pending(conn, overseer.scope(world.org).communities)
    items = [item_of(world, ticket, now) for ticket in found]
    return WorkList(items, 1, max(len(items), 1), len(items), world)
