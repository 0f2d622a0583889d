"""``ticketing worker``: the heartbeat, ``--once``, and deadlines firing on time in a real worker process.

The on-time test is the one place that waits in real time: a worker process
wakes at each pending due time, so a deadline moved to a second or three
ahead must fire within 2 s of it (the measured lateness is printed).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.base import STATE_STOPPED
from click.testing import CliRunner
from sqlalchemy import Engine, select, update

from ticketing.cli import cli
from ticketing.db.heartbeat import beat, next_due, read_heartbeat
from ticketing.db.schema import deadlines, history, tickets
from ticketing.deploy.metrics import WORKER_REGISTRY
from ticketing.domain.org import UnitKind
from ticketing.scheduler import WAKE, Worker
from ticketing.services import Ticketing

LATENESS_TARGET_S = 2.0
WAIT_S = 30.0  # a bound for slow starts on a loaded machine, not a measure


def _open(service: Ticketing, count: int, now: datetime) -> list[int]:
    with service.engine.connect() as conn:
        org = service.worlds.organisation(conn)
    buildings = sorted(u.id for u in org.units.values() if u.kind is UnitKind.BUILDING)
    return [
        service.open_ticket(
            category="property_repair",
            description="楼道灯不亮",
            contact_phone="13806330000",
            location_id=buildings[i],
            now=now,
        ).id
        for i in range(count)
    ]


def _move_due(engine: Engine, due: dict[int, datetime]) -> None:
    """Move each ticket's pending deadline (and the ticket's own due time: the sweep checks they agree)."""
    with engine.begin() as conn:
        for ticket_id, at in due.items():
            conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(due_at=at))
            pending = (deadlines.c.ticket_id == ticket_id) & (deadlines.c.status == "pending")
            conn.execute(update(deadlines).where(pending).values(due_at=at))


def _fired(engine: Engine, ids: list[int]) -> dict[int, tuple[datetime, datetime]]:
    """Ticket id → (due, fired) of its fired deadline."""
    query = select(deadlines.c.ticket_id, deadlines.c.due_at, deadlines.c.fired_at).where(
        deadlines.c.ticket_id.in_(ids), deadlines.c.status == "done"
    )
    with engine.connect() as conn:
        return {ticket_id: (due, fired) for ticket_id, due, fired in conn.execute(query)}


def test_heartbeat_reads_back_the_last_beat(engine: Engine) -> None:
    first, second = datetime(2026, 11, 23, 1, tzinfo=UTC), datetime(2026, 11, 23, 1, 0, 5, tzinfo=UTC)
    with engine.begin() as conn:
        assert read_heartbeat(conn) is None
        beat(conn, first)
        beat(conn, second)
        assert read_heartbeat(conn) == second


def test_next_due_is_the_earliest_pending_deadline(service: Ticketing) -> None:
    now = datetime.now(UTC)
    with service.engine.connect() as conn:
        assert next_due(conn) is None
    ids = _open(service, 3, now)
    _move_due(service.engine, {ids[0]: now + timedelta(hours=2), ids[1]: now + timedelta(hours=1)})
    _move_due(service.engine, {ids[2]: now + timedelta(hours=3)})
    with service.engine.connect() as conn:
        assert next_due(conn) == now + timedelta(hours=1)


def test_worker_once_fires_what_fell_due_and_exits(service: Ticketing, database_url: str) -> None:
    now = datetime.now(UTC)
    ids = _open(service, 3, now - timedelta(hours=1))
    _move_due(service.engine, {ticket_id: now - timedelta(minutes=5) for ticket_id in ids})

    result = CliRunner().invoke(cli, ["--database-url", database_url, "worker", "--once"], catch_exceptions=False)

    assert result.exit_code == 0
    assert sorted(_fired(service.engine, ids)) == ids
    with service.engine.connect() as conn:
        handed = conn.execute(select(history.c.ticket_id).where(history.c.action == "handover"))
        assert sorted(handed.scalars()) == ids


@pytest.mark.slow
def test_worker_fires_deadlines_on_time_and_stops_on_sigterm(service: Ticketing, database_url: str) -> None:
    ids = _open(service, 6, datetime.now(UTC))
    env = os.environ | {"TICKETING_DATABASE_URL": database_url}
    command = [sys.executable, "-c", "from ticketing.cli import main; main()", "worker", "--safety-interval", "60"]
    worker = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        _wait(lambda: _heartbeat(service.engine) is not None, "the worker's first heartbeat")
        now = datetime.now(UTC)
        _move_due(service.engine, {ticket_id: now + timedelta(seconds=1 + i * 0.4) for i, ticket_id in enumerate(ids)})
        _wait(lambda: len(_fired(service.engine, ids)) == len(ids), "every deadline to fire")
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=WAIT_S)
    lateness = sorted((fired - due).total_seconds() for due, fired in _fired(service.engine, ids).values())
    print(f"worker lateness (s): {', '.join(f'{s:.3f}' for s in lateness)}")
    assert all(0 <= s < LATENESS_TARGET_S for s in lateness), lateness
    assert worker.returncode == 0, output
    assert "worker stopped" in output


def test_stopping_while_a_wake_plans_its_next_wake_does_not_hang(service: Ticketing) -> None:
    """The stop waits for the running sweep, and the wake's planning after it still gets the scheduler's lock."""
    _open(service, 1, datetime.now(UTC))  # a pending deadline: the plan sets a wake for it
    running = Worker(service)
    planning, stopping = threading.Event(), threading.Event()

    def wake() -> None:
        planning.set()
        stopping.wait(WAIT_S)
        running.plan()

    running.scheduler.add_job(wake, id=WAKE)
    running.scheduler.start()
    assert planning.wait(WAIT_S)
    _wait(lambda: running.scheduler.get_job(WAKE) is None, "the scheduler to be done with the one-shot wake")
    stopper = threading.Thread(target=running.stop)
    stopper.start()
    _wait(lambda: running.scheduler.state == STATE_STOPPED, "the scheduler to stop taking jobs")
    stopping.set()
    stopper.join(WAIT_S)
    assert not stopper.is_alive(), "the worker hung on its stop"


def test_a_wake_that_took_nothing_leaves_the_next_look_to_the_plan_instead_of_spinning(service: Ticketing) -> None:
    """Another worker holding the due timers (here: a clock behind the due time) must not make a wake loop."""
    opened = datetime(2026, 11, 23, 1, tzinfo=UTC)
    first, second = _open(service, 2, opened)
    _move_due(service.engine, {first: opened + timedelta(hours=1), second: opened + timedelta(hours=2)})
    behind = Worker(service, clock=lambda: opened)
    behind.wake()
    assert behind.scheduler.get_job(WAKE) is None  # nothing taken: no wake set at once for the same due time
    ahead = Worker(service, clock=lambda: opened + timedelta(hours=1, minutes=30))
    ahead.wake()
    assert set(_fired(service.engine, [first, second])) == {first}
    wake = ahead.scheduler.get_job(WAKE)
    assert wake is not None and wake.trigger.run_date == opened + timedelta(hours=2)  # progress: the next wake at once


def _heartbeat(engine: Engine) -> datetime | None:
    with engine.connect() as conn:
        return read_heartbeat(conn)


def _wait(done: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_sweep_is_measured_and_the_outbox_delivered_by_the_worker(service: Ticketing) -> None:
    opened = datetime(2026, 11, 23, 1, tzinfo=UTC)
    ids = _open(service, 2, opened)
    later = opened + timedelta(days=3)
    delivered: list[datetime] = []
    running = Worker(service, clock=lambda: later, dispatch=delivered.append)
    before = WORKER_REGISTRY.get_sample_value("ticketing_deadlines_fired_total") or 0.0
    assert running.sweep().fired == 2
    assert set(_fired(service.engine, ids)) == set(ids)
    assert WORKER_REGISTRY.get_sample_value("ticketing_deadlines_fired_total") == before + 2
    assert (WORKER_REGISTRY.get_sample_value("ticketing_sweep_lateness_seconds_count") or 0) >= 1
    running.deliver()
    assert delivered == [later]
