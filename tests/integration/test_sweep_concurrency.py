"""Sweeps racing in separate OS processes fire every due deadline exactly once.

Each process builds its own engine from the database URL (on PostgreSQL the
URL carries the test schema), loads its world, then waits at a barrier so all
of them claim at the same moment: ``FOR UPDATE SKIP LOCKED`` shares the work
out on PostgreSQL, ``BEGIN IMMEDIATE`` serialises it on SQLite.
"""

from __future__ import annotations

import multiprocessing
from datetime import datetime, timedelta
from multiprocessing.synchronize import Barrier
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from ticketing.db.schema import deadlines, history, notifications, tickets
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.settings import Settings
from ticketing.domain.org import PostKind, UnitKind
from ticketing.services import Ticketing

pytestmark = pytest.mark.slow

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI)  # an ordinary working Monday
SWEEP_AT = OPENED + timedelta(days=7)  # every acknowledge deadline has long passed
TICKETS = 2_000
PROCESSES = 4
BATCH = 100
TIMEOUT_S = 120


def sweep_in_process(url: str, barrier: Barrier, results: multiprocessing.Queue) -> None:
    """Child process: build the application from the URL, wait for the others, sweep once."""
    service = create_ticketing(Settings(database_url=url))
    with service.engine.connect() as conn:
        service.worlds.world(conn)  # load the registry before the race, not during it
    barrier.wait(timeout=TIMEOUT_S)
    report = service.sweep.run(SWEEP_AT, batch_size=BATCH)
    results.put((report.fired, report.handed_over, report.stale))
    service.engine.dispose()


def _open_due_tickets(service: Ticketing) -> list[int]:
    with service.engine.connect() as conn:
        org = service.worlds.organisation(conn)
    buildings = sorted(u.id for u in org.units.values() if u.kind is UnitKind.BUILDING)
    opened = [
        service.open_ticket(
            category="property_repair",
            description="楼道灯不亮",
            contact_phone="13806330000",
            location_id=buildings[i % len(buildings)],
            now=OPENED,
        )
        for i in range(TICKETS)
    ]
    assert all(t.holder_id == org.posts[t.post_id].holder_a and t.due_at and t.due_at < SWEEP_AT for t in opened)
    return [t.id for t in opened]


def _race(url: str) -> list[tuple[int, int, int]]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    workers = [context.Process(target=sweep_in_process, args=(url, barrier, results)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    reports = [results.get(timeout=TIMEOUT_S) for _ in workers]
    for worker in workers:
        worker.join(timeout=TIMEOUT_S)
        assert worker.exitcode == 0
    return reports


def test_concurrent_sweeps_fire_each_deadline_exactly_once(
    service: Ticketing, engine: Engine, database_url: str
) -> None:
    ids = _open_due_tickets(service)
    with engine.connect() as conn:
        org = service.worlds.organisation(conn)
        claimed = conn.execute(select(deadlines.c.id).where(deadlines.c.ticket_id.in_(ids))).scalars().all()
        kinds = conn.execute(select(deadlines.c.kind).where(deadlines.c.id.in_(claimed))).scalars().all()
        posts = dict(conn.execute(select(tickets.c.id, tickets.c.post_id)).all())
    b_holder = {ticket_id: org.posts[post_id].holder_b for ticket_id, post_id in posts.items()}
    grid_leader = {  # told too: the building leader who missed the deadline is a volunteer
        ticket_id: org.post_for(PostKind.GRID_LEADER, org.posts[post_id].unit_id).holder_a
        for ticket_id, post_id in posts.items()
    }
    assert kinds == ["reminder"] * TICKETS  # each ticket's first timer; its deadline follows when it has come

    reports = _race(database_url)

    fired, handed_over, stale = (sum(column) for column in zip(*reports, strict=True))
    assert (fired, handed_over, stale) == (TICKETS, TICKETS, TICKETS), (
        f"per process (fired, handed over, stale): {reports}"
    )
    if engine.dialect.name == "postgresql":
        assert sum(r[0] > 0 for r in reports) >= 2, f"the processes did not race: {reports}"
    with engine.connect() as conn:
        states = conn.execute(select(deadlines.c.status, deadlines.c.fired_at).where(deadlines.c.id.in_(claimed)))
        assert set(states.all()) == {("done", SWEEP_AT)}
        pending = conn.execute(
            select(deadlines.c.ticket_id, deadlines.c.clock, deadlines.c.due_at > SWEEP_AT).where(
                deadlines.c.status == "pending"
            )
        )
        assert sorted(pending.all()) == [(i, "acknowledge", True) for i in sorted(ids)]
        entries = conn.execute(
            select(history.c.ticket_id, history.c.action, history.c.holder_id).where(history.c.at == SWEEP_AT)
        )
        assert sorted(entries.all()) == [(i, "handover", b_holder[i]) for i in sorted(ids)]
        held = conn.execute(select(tickets.c.id, tickets.c.holder_id, tickets.c.version).order_by(tickets.c.id))
        assert held.all() == [(i, b_holder[i], 2) for i in sorted(ids)]
        notices = conn.execute(
            select(notifications.c.ticket_id, notifications.c.recipient_id, notifications.c.event).where(
                notifications.c.created_at == SWEEP_AT
            )
        )
        told = [(i, b_holder[i], "handed_over") for i in ids] + [(i, grid_leader[i], "volunteer_missed") for i in ids]
        assert sorted(notices.all()) == sorted(told)

    assert service.sweep.run(SWEEP_AT, batch_size=BATCH).fired == 0
