"""How late deadlines fire with a ``ticketing worker`` running: spread over ten seconds, then a burst at one instant.

Tickets are opened through the engine, their timers moved a few seconds ahead
(the worker's clock is the real one), and only then is the worker started: it
plans its wakes from the database.  A deadline's lateness is its ``fired_at``
minus its ``due_at``, both written by the engine.  There is no baseline: the
goal is absolute.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, update

from bench.report import Figure, percentile
from ticketing.db.schema import deadlines, tickets
from ticketing.domain.org import UnitKind
from ticketing.services import Ticketing

GOAL = 2.0  # seconds
LEAD = timedelta(seconds=8)  # time for the worker to start before the first deadline
SPREAD = timedelta(seconds=10)


def lateness(database: str, service: Ticketing, env: dict[str, str], folder: Path, spread: int, burst: int) -> Figure:
    """The p99 lateness of ``spread`` deadlines due over ten seconds, and the worst of ``burst`` due at once."""
    engine = service.engine
    with engine.connect() as conn:
        org = service.worlds.organisation(conn)
    buildings = sorted(unit.id for unit in org.units.values() if unit.kind is UnitKind.BUILDING)
    ids = []
    for i in range(spread + burst):
        ticket = service.open_ticket(
            category="property_repair",
            description="楼道灯不亮",
            contact_phone="13806330000",
            location_id=buildings[i % len(buildings)],
            now=datetime.now(UTC),
        )
        ids.append(ticket.id)
    start = datetime.now(UTC) + LEAD
    due = {ticket_id: start + SPREAD * i / spread for i, ticket_id in enumerate(ids[:spread])}
    due |= dict.fromkeys(ids[spread:], start + SPREAD + timedelta(seconds=2))
    _move_due(engine, due)
    log = folder / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen([sys.executable, "-m", "ticketing.cli", "worker"], env=env, stdout=out, stderr=out)
    try:
        _wait_fired(engine, ids, worker, log)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    late = _lateness(engine, ids)
    spread_p99 = percentile([late[i] for i in ids[:spread]], 0.99)
    burst_worst = max(late[i] for i in ids[spread:])
    return Figure(
        database,
        f"escalation lateness, worker running ({spread:,} spread, burst of {burst:,})",
        f"p99 {spread_p99:.2f} s; burst {burst_worst:.2f} s",
        "-",
        "-",
        f"≤ {GOAL:.0f} s",
        max(spread_p99, burst_worst) <= GOAL,
    )


def _move_due(engine: Engine, due: dict[int, datetime]) -> None:
    with engine.begin() as conn:
        for ticket_id, at in due.items():
            conn.execute(update(tickets).where(tickets.c.id == ticket_id).values(due_at=at))
            pending = (deadlines.c.ticket_id == ticket_id) & (deadlines.c.status == "pending")
            conn.execute(update(deadlines).where(pending).values(due_at=at))


def _wait_fired(engine: Engine, ids: list[int], worker: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while len(_lateness(engine, ids)) < len(ids):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the worker did not fire every deadline:\n{log.read_text(errors='replace')}")
        time.sleep(0.5)


def _lateness(engine: Engine, ids: list[int]) -> dict[int, float]:
    """Seconds between due and fired, per ticket whose running deadline has fired."""
    fired = (deadlines.c.kind == "deadline") & (deadlines.c.status == "done") & deadlines.c.ticket_id.in_(ids)
    with engine.connect() as conn:
        rows = conn.execute(select(deadlines.c.ticket_id, deadlines.c.due_at, deadlines.c.fired_at).where(fired))
        return {ticket_id: (fired_at - due_at).total_seconds() for ticket_id, due_at, fired_at in rows}
