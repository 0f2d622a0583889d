"""Many tickets at once, as rows: a district's history for query plans and benchmarks, not through the engine.

The tickets spread over three years before ``now`` across the registry's
grids; about 97 % are closed (a final state and ``closed_at``), the rest open
with a deadline, some overdue, escalated or waiting for review, a few joined
by another post (协同).  Rows go in by multi-row INSERT in chunks; nothing
else (history, timers) is written, so only list and count queries make sense
over them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select

from ticketing.db.schema import ticket_joins, tickets
from ticketing.domain.org import Post, UnitKind
from ticketing.domain.rules import World
from ticketing.domain.workflow import open_states

CHUNK = 5_000
YEARS = timedelta(days=3 * 365)


def fill_tickets(conn: Connection, world: World, count: int, now: datetime, closed_share: float = 0.97) -> None:
    """Insert ``count`` tickets opened over the three years before ``now`` (same seed, same rows)."""
    first = (conn.execute(select(func.max(tickets.c.id))).scalar() or 0) + 1
    rows = _rows(world, range(first, first + count), now, closed_share)
    chunk: list[dict[str, Any]] = []
    joins: list[dict[str, Any]] = []
    for row, joined_by in rows:
        chunk.append(row)
        if joined_by is not None:
            joins.append(_join(row, joined_by, now))
        if len(chunk) == CHUNK:
            conn.execute(insert(tickets), chunk)
            chunk = []
    if chunk:
        conn.execute(insert(tickets), chunk)
    if joins:
        conn.execute(insert(ticket_joins), joins)


def _rows(world: World, ids: range, now: datetime, closed_share: float) -> Iterator[tuple[dict[str, Any], Post | None]]:
    org = world.org
    chance = random.Random(ids.start)
    spec = world.workflows[sorted(world.workflows)[0]]
    still_open = open_states([spec])
    final = sorted(name for name, state in spec.states.items() if state.final)
    grids = sorted((u for u in org.units.values() if u.kind is UnitKind.GRID), key=lambda u: u.id)
    posts = sorted(org.posts.values(), key=lambda p: p.id)
    of_grid = {post.unit_id: post for post in posts}
    for ticket_id in ids:
        grid = chance.choice(grids)
        community = org.units[grid.parent_id] if grid.parent_id else None
        post = of_grid.get(grid.id) or chance.choice(posts)
        created = now - YEARS * (1 - (ticket_id - ids.start) / len(ids)) - timedelta(seconds=chance.random())
        closed = chance.random() < closed_share
        state = chance.choice(final if closed else still_open)
        overdue = chance.random() < (0.15 if closed else 0.25)
        row = {
            "id": ticket_id,
            "number": f"B{ticket_id:09d}",
            "workflow": spec.name,
            "category": "other",
            "description": "楼道灯坏了",
            "channel": "phone",
            "location_id": grid.id,
            "street_id": community.parent_id if community else None,
            "community_id": community.id if community else None,
            "grid_id": grid.id,
            "state": state,
            "tier": 1 if chance.random() < 0.08 else 0,
            "post_id": post.id,
            "holder_id": None if chance.random() < 0.1 else post.holder_a,
            "first_responder_id": post.holder_a,
            "first_responder_post_id": post.id,
            "callback_post_id": post.id,
            "due_at": None if closed else created + timedelta(days=chance.uniform(1, 10)),
            "overdue": overdue,
            "needs_review": not closed and chance.random() < 0.05,
            "reopen_count": 0,
            "callback_attempts": 0,
            "satisfaction": "satisfied" if closed else None,
            "closed_at": created + timedelta(days=chance.uniform(1, 20)) if closed else None,
            "created_at": created,
            "updated_at": created,
            "opened_on": created.astimezone(world.calendar_for(post.id).tz).date(),
            "version": 1,
        }
        joined = chance.choice(posts) if not closed and chance.random() < 0.05 else None
        yield row, joined


def _join(row: dict[str, Any], post: Post, now: datetime) -> dict[str, Any]:
    return {
        "ticket_id": row["id"],
        "post_id": post.id,
        "invited_by": row["first_responder_id"],
        "invited_at": now,
        "reason": "协同",
    }
