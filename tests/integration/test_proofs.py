"""The worker's exactly-once proofs: racing workers, a worker killed mid-batch, downtime, a holiday week.

Every worker runs in its own OS process (multiprocessing spawn, an engine per
process from the URL) with an injected clock. Due deadlines are prepared fast
by cloning engine-made rows with Core bulk inserts, as ``bench/engine.py``
does; each clone is a ticket whose acknowledge deadline passed, so firing it
hands the ticket to the post's other holder: one history entry, one notice.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import time
import uuid
from datetime import datetime, timedelta
from multiprocessing.synchronize import Barrier
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, Table, create_engine, delete, func, insert, select, update

from ticketing.db.schema import counters, deadlines, history, notifications, tickets
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.settings import Settings
from ticketing.domain.org import UnitKind
from ticketing.scheduler import Worker
from ticketing.services import Ticketing

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI)  # an ordinary working Monday
SWEEP_AT = OPENED + timedelta(days=7)  # every acknowledge deadline has passed
TEMPLATES = 20
CHILD_TABLES = (history, deadlines, notifications)
CHUNK = 5_000
TIMEOUT_S = 60

RowSet = dict[Table, list[dict[str, Any]]]


def sweep_in_process(url: str, barrier: Barrier | None, batch_size: int, results: multiprocessing.Queue) -> None:
    """Child process: a worker over the URL, its clock at ``SWEEP_AT``; one sweep once all are ready."""
    service = create_ticketing(Settings(database_url=url))
    with service.engine.connect() as conn:
        service.worlds.world(conn)  # load the registry before the race, not during it
    if barrier is not None:
        barrier.wait(timeout=TIMEOUT_S)
    report = Worker(service, batch_size=batch_size, clock=lambda: SWEEP_AT).sweep()
    results.put((report.fired, report.handed_over, report.stale))
    service.engine.dispose()


def _buildings(service: Ticketing) -> list[str]:
    with service.engine.connect() as conn:
        org = service.worlds.organisation(conn)
    return sorted(u.id for u in org.units.values() if u.kind is UnitKind.BUILDING)


def _open(
    service: Ticketing, count: int, now: datetime, buildings: list[str] | None = None, category: str = "property_repair"
) -> list[int]:
    where = buildings or _buildings(service)
    return [
        service.open_ticket(
            category=category,
            description="楼道灯不亮",
            contact_phone="13806330000",
            location_id=where[i % len(where)],
            now=now,
        ).id
        for i in range(count)
    ]


def _clone_due(service: Ticketing, count: int) -> None:
    """``count`` tickets with a due acknowledge deadline: clones of a few the engine opened (not timed)."""
    _open(service, TEMPLATES, OPENED)
    engine = service.engine
    with engine.begin() as conn:
        templates: dict[int, RowSet] = {
            row["id"]: {tickets: [dict(row)]} | {table: [] for table in CHILD_TABLES}
            for row in conn.execute(select(tickets).order_by(tickets.c.id)).mappings()
        }
        for table in (history, notifications):
            for row in conn.execute(select(table).order_by(table.c.id)).mappings():
                templates[row["ticket_id"]][table].append({k: v for k, v in row.items() if k != "id"})
        for rows in templates.values():  # the running deadline itself, not the reminder pending before it
            ticket = rows[tickets][0]
            rows[deadlines] = [
                {"ticket_id": ticket["id"], "kind": "deadline", "clock": ticket["clock"], "step": 0}
                | {"tier": ticket["tier"], "due_at": ticket["due_at"], "status": "pending"}
            ]
        for table in (*CHILD_TABLES, tickets):
            conn.execute(delete(table))
    sets = list(templates.values())
    for start in range(1, count + 1, CHUNK):
        chosen = [(i, sets[i % len(sets)]) for i in range(start, min(start + CHUNK, count + 1))]
        with engine.begin() as conn:
            clones = [rows[tickets][0] | {"id": i, "number": f"clone-{i:06d}"} for i, rows in chosen]
            conn.execute(insert(tickets), clones)
            for table in CHILD_TABLES:
                clones = [_clone(table, row, i) for i, rows in chosen for row in rows[table]]
                conn.execute(insert(table), clones)
    with engine.begin() as conn:
        conn.execute(update(counters).where(counters.c.name == "ticket").values(value=count))
        if engine.dialect.name == "postgresql":  # this schema's tables only: a bare ANALYZE takes every schema's
            conn.exec_driver_sql(f"ANALYZE {', '.join(table.name for table in (tickets, *CHILD_TABLES))}")


def _clone(table: Table, row: dict[str, Any], ticket_id: int) -> dict[str, Any]:
    """A child row for another ticket; unique keys (a notice's idempotency key) made afresh."""
    fresh = {column.name: uuid.uuid4().hex for column in table.columns if column.unique and row[column.name]}
    return row | fresh | {"ticket_id": ticket_id}


def _done(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(deadlines.c.status == "done")).scalar_one()


def _assert_each_fired_once(engine: Engine, count: int) -> None:
    """Every clone's deadline fired at ``SWEEP_AT``; one handover entry, two notices and one new timer each.

    The notices: the other holder's, and the grid leader's (a volunteer, the building leader, missed it).
    """
    with engine.connect() as conn:

        def per_ticket(table: Table, *where: Any) -> tuple[int, int]:
            query = select(func.count(), func.count(table.c.ticket_id.distinct())).where(*where)
            return tuple(conn.execute(query).one())  # type: ignore[return-value]

        fired = per_ticket(deadlines, deadlines.c.status == "done", deadlines.c.fired_at == SWEEP_AT)
        assert fired == (count, count), "deadlines fired (rows, tickets)"
        entries = per_ticket(history, history.c.at == SWEEP_AT, history.c.action == "handover")
        assert entries == (count, count), "handover entries (rows, tickets)"
        assert per_ticket(history, history.c.at == SWEEP_AT) == (count, count), "history entries at the sweep"
        notices = per_ticket(notifications, notifications.c.created_at == SWEEP_AT)
        assert notices == (2 * count, count), "notices (rows, tickets)"
        pending = per_ticket(deadlines, deadlines.c.status == "pending", deadlines.c.due_at > SWEEP_AT)
        assert pending == (count, count), "the other holder's first timer (rows, tickets)"
        assert conn.execute(select(func.count()).select_from(deadlines)).scalar_one() == 2 * count


def _spawn(url: str, processes: int, batch_size: int) -> tuple[list[Any], multiprocessing.Queue, Barrier | None]:
    """Start worker processes; the caller keeps the barrier referenced until they have all passed it."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes) if processes > 1 else None
    results = context.Queue()
    workers = [
        context.Process(target=sweep_in_process, args=(url, barrier, batch_size, results)) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    return workers, results, barrier


@pytest.mark.slow
def test_racing_workers_fire_each_deadline_exactly_once(service: Ticketing, database_url: str) -> None:
    count, processes = (10_000, 4) if service.engine.dialect.name == "postgresql" else (2_000, 4)
    _clone_due(service, count)

    workers, results, _barrier = _spawn(database_url, processes, batch_size=200)
    reports = [results.get(timeout=TIMEOUT_S) for _ in workers]
    for worker in workers:
        worker.join(timeout=TIMEOUT_S)
        assert worker.exitcode == 0

    fired, handed_over, stale = (sum(column) for column in zip(*reports, strict=True))
    assert (fired, handed_over, stale) == (count, count, 0), f"per process (fired, handed over, stale): {reports}"
    if service.engine.dialect.name == "postgresql":
        assert sum(r[0] > 0 for r in reports) >= 2, f"the processes did not race: {reports}"
    _assert_each_fired_once(service.engine, count)


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(service: Ticketing, database_url: str) -> None:
    count, batch = 3_000, 20
    _clone_due(service, count)

    watcher = create_engine(database_url)  # plain reads: on SQLite, no BEGIN IMMEDIATE queueing behind the worker
    [worker], _results, _ = _spawn(database_url, 1, batch_size=batch)
    deadline = time.monotonic() + TIMEOUT_S
    while _done(watcher) < 5 * batch:
        assert worker.is_alive() and time.monotonic() < deadline, "the worker never got going"
        time.sleep(0.002)
    os.kill(worker.pid, signal.SIGKILL)  # type: ignore[arg-type]
    worker.join(timeout=TIMEOUT_S)
    assert worker.exitcode == -signal.SIGKILL
    watcher.dispose()
    done = _done(service.engine)
    print(f"killed after {done} of {count} deadlines")
    assert 0 < done < count, "killed before the end"
    assert done % batch == 0, "the batch in flight was rolled back whole"

    report = Worker(service, batch_size=batch, clock=lambda: SWEEP_AT).sweep()  # the restart

    assert (report.fired, report.stale) == (count - done, 0)
    _assert_each_fired_once(service.engine, count)


def test_deadlines_due_during_downtime_fire_at_the_next_start_in_due_order(service: Ticketing) -> None:
    ids = _open(service, 30, OPENED)
    minutes = list(range(len(ids)))
    random.Random(5).shuffle(minutes)
    due = {ticket_id: OPENED + timedelta(hours=1, minutes=m) for ticket_id, m in zip(ids, minutes, strict=True)}
    with service.engine.begin() as conn:  # due while no worker ran, in an order unlike the ticket order
        for ticket_id, at in due.items():
            conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(due_at=at))
            conn.execute(update(deadlines).where(deadlines.c.ticket_id == ticket_id).values(due_at=at))

    report = Worker(service, batch_size=7, clock=lambda: SWEEP_AT).sweep()  # the sweep at start

    assert report.fired == report.handed_over == len(ids)
    with service.engine.connect() as conn:
        fired = conn.execute(select(history.c.ticket_id).where(history.c.at == SWEEP_AT).order_by(history.c.id))
        assert fired.scalars().all() == sorted(ids, key=due.__getitem__)
        done = conn.execute(select(deadlines.c.fired_at).where(deadlines.c.status == "done"))
        assert set(done.scalars()) == {SWEEP_AT}, "the deadlines, and the reminders they had passed, at the start"


def test_a_deadline_across_the_spring_festival_fires_at_the_right_working_minute(service: Ticketing) -> None:
    # Saturday 14 February 2026 is a make-up workday; 15–23 February the Spring Festival break. A dispute
    # starts at the grid leader (community staff, on the standard calendar 08:30–12:00, 13:30–17:30), who has
    # 1 working hour: half an hour on the Saturday, half an hour on Tuesday 24 February.
    opened = datetime(2026, 2, 14, 17, 0, tzinfo=SHANGHAI)
    [ticket_id] = _open(service, 1, opened, buildings=["B01020101"], category="neighbour_dispute")
    expected = datetime(2026, 2, 24, 9, 0, tzinfo=SHANGHAI)
    with service.engine.connect() as conn:
        assert conn.execute(select(tickets.c.due_at).where(tickets.c.id == ticket_id)).scalar_one() == expected

    for before in (opened + timedelta(days=2), datetime(2026, 2, 23, 17, 30, tzinfo=SHANGHAI), expected):
        assert Worker(service, clock=lambda at=before - timedelta(minutes=1): at).sweep().fired == 0
    after = expected + timedelta(minutes=1)
    assert Worker(service, clock=lambda: after).sweep().handed_over == 1
    with service.engine.connect() as conn:
        fired = conn.execute(
            select(deadlines.c.fired_at).where(deadlines.c.status == "done", deadlines.c.kind == "deadline")
        )
        assert fired.scalars().all() == [after]
