"""Fill a migrated database with years of realistic ticket history, fast, for the benchmarks.

    python -m bench.generate --url URL [--tickets N] [--seed S] [--years Y] [--workers W]

The tickets live their lives through the domain's own rules in memory
(``bench/lives.py``), in chunks spread over worker processes; the rows those
rules produce are written chunk by chunk in large batches — ``COPY`` on
PostgreSQL, one ``executemany`` per table on SQLite — never through the
engine's transactions one ticket at a time.  Notices are recorded as
delivered.  The ticket counter ends at the last id written, so tickets opened
afterwards by the engine take the next numbers.  Same seed and ``now``, same
data, whatever the number of workers.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, update

from bench.lives import (
    DAY,
    DEADLINE_COLUMNS,
    HISTORY_COLUMNS,
    NOTICE_COLUMNS,
    OPEN_SHARE,
    RECENT,
    RECENT_OPEN,
    TICKET_COLUMNS,
    Chunk,
    Rows,
    indexed,
    live_chunk,
)
from ticketing.db import rollup, schema
from ticketing.db.engine import make_engine
from ticketing.db.schema import counters
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.settings import Settings
from ticketing.domain.rules import World
from ticketing.organisation.registry_view import WorldSource

Progress = Callable[[int, int], None]
"""Told ``(tickets written, tickets wanted)`` after each chunk."""

_WEEKDAY_WEIGHT = (1.0, 0.95, 0.95, 0.9, 0.9, 0.55, 0.45)
# Opening hours' weight, local time 0–23: the morning and afternoon peaks, a small evening (错时) tail.
_HOUR_WEIGHT = (0, 0, 0, 0, 0, 0, 1, 3, 8, 12, 12, 9, 4, 5, 9, 10, 9, 7, 5, 5, 4, 2, 1, 0)
_STALLED_FINISH = 1.12  # some stalled stories finish before they stop: ask for a little more to end near 3.2 %


@dataclass(frozen=True)
class Summary:
    """What a run wrote, and how long it took."""

    tickets: int
    open: int
    overdue: int
    history: int
    deadlines: int
    notices: int
    seconds: float
    first_id: int
    last_id: int

    @property
    def per_second(self) -> float:
        return self.tickets / self.seconds if self.seconds else 0.0


def generate(
    engine: Engine,
    tickets: int,
    seed: int,
    progress: Progress | None = None,
    *,
    now: datetime | None = None,
    years: float = 3.0,
    chunk_size: int = 5_000,
    workers: int = 1,
) -> Summary:
    """Write ``tickets`` tickets opened over ``years`` before ``now``, with their history, timers, notices.

    The rates' roll-up is folded at the end, as the worker's sweeps keep it in a running district.

    The database must be migrated and hold a district (``ticketing demo --district full``),
    and nothing else may open tickets meanwhile: the ids are taken from the counter once, at the start.
    With ``workers`` > 1 the lives are played in that many processes (a SQLite file or
    a PostgreSQL URL: the workers read the district themselves) while this one writes.
    """
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    worlds = _worlds(engine)
    with engine.connect() as conn:
        first_id = conn.execute(select(counters.c.value).where(counters.c.name == "ticket")).scalar_one() + 1
    chunks = list(_chunks(seed, tickets, first_id, now, years, chunk_size, worlds))
    done, open_, overdue = 0, 0, 0
    written = {"history": 0, "deadlines": 0, "notices": 0}
    for rows in _lived(engine, worlds, chunks, workers):
        with engine.begin() as conn:
            _write(conn, rows)
            last = first_id + done + len(rows.tickets) - 1
            counter = counters.c
            conn.execute(update(counters).where(counter.name == "ticket", counter.value < last).values(value=last))
        done += len(rows.tickets)
        open_, overdue = open_ + rows.open, overdue + rows.overdue
        for name in written:
            written[name] += len(getattr(rows, name))
        if progress is not None:
            progress(done, tickets)
    with engine.begin() as conn:  # what a running worker's sweeps would have done meanwhile
        rollup.fold(conn)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            analysed = "tickets, history, deadlines, notifications, daily_counts"
            conn.exec_driver_sql(f"ANALYZE {analysed}")  # this schema's, not every one's
    return Summary(
        done,
        open_,
        overdue,
        written["history"],
        written["deadlines"],
        written["notices"],
        time.perf_counter() - started,
        first_id,
        first_id + done - 1,
    )


def _worlds(engine: Engine) -> WorldSource:
    return create_ticketing(Settings(database_url=engine.url.render_as_string(hide_password=False)), engine).worlds


def _chunks(
    seed: int, count: int, first_id: int, now: datetime, years: float, size: int, worlds: WorldSource
) -> Iterator[Chunk]:
    """The run's opening moments, in order, cut into chunks that each carry their own seed."""
    rng = random.Random(seed)
    moments = opening_times(rng, count, now - timedelta(days=365 * years), now, worlds.tz)
    recent = sum(1 for at in moments if at > now - RECENT)
    older = max(OPEN_SHARE * count - RECENT_OPEN * recent, 0) / max(count - recent, 1)
    for start in range(0, count, size):
        yield Chunk(first_id + start, moments[start : start + size], rng.getrandbits(64), now, _STALLED_FINISH * older)


def opening_times(rng: random.Random, count: int, start: datetime, end: datetime, tz: Any) -> list[datetime]:
    """``count`` moments from start to end in order: more on weekdays and in office hours, growing a little."""
    days = max((end - start).days, 1)
    first = start.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    day_weights = [(1 + 0.3 * d / days) * _WEEKDAY_WEIGHT[(first + d * DAY).weekday()] for d in range(days)]
    picked_days = rng.choices(range(days), day_weights, k=count)
    hours = rng.choices(range(24), _HOUR_WEIGHT, k=count)
    found = []
    for day, hour in zip(picked_days, hours, strict=True):
        local = first + timedelta(days=day, hours=hour, seconds=rng.randrange(3600))
        found.append(min(local.astimezone(UTC), end - timedelta(seconds=1)))
    return sorted(found)


def _lived(engine: Engine, worlds: WorldSource, chunks: Sequence[Chunk], workers: int) -> Iterator[Rows]:
    """Each chunk's rows, in order: played here, or by worker processes a few chunks ahead of the writer."""
    url = engine.url.render_as_string(hide_password=False)
    if workers <= 1 or (url.startswith("sqlite://") and engine.url.database in (None, "", ":memory:")):
        with engine.connect() as conn:
            world = indexed(worlds.world(conn))
        for chunk in chunks:
            yield live_chunk(world, worlds, chunk)
        return
    spawn = multiprocessing.get_context("spawn")  # a forked child would share this process's database connections
    with ProcessPoolExecutor(workers, spawn, initializer=_start_worker, initargs=(url,)) as pool:
        ahead: deque[Future[Rows]] = deque()
        for chunk in chunks:
            ahead.append(pool.submit(_live_in_worker, chunk))
            if len(ahead) > 2 * workers:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()


_worker: tuple[World, WorldSource] | None = None


def _start_worker(url: str) -> None:
    """A worker reads the district once, through an engine of its own."""
    global _worker
    engine = make_engine(url)
    worlds = _worlds(engine)
    with engine.connect() as conn:
        _worker = (indexed(worlds.world(conn)), worlds)
    engine.dispose()


def _live_in_worker(chunk: Chunk) -> Rows:
    assert _worker is not None, "the worker's initializer reads the district"
    return live_chunk(*_worker, chunk)


def _write(conn: Connection, rows: Rows) -> None:
    """One chunk: the tickets first (the others refer to them), then their history, timers and notices."""
    for table, names, values in (
        (schema.tickets, TICKET_COLUMNS, rows.tickets),
        (schema.history, HISTORY_COLUMNS, rows.history),
        (schema.deadlines, DEADLINE_COLUMNS, rows.deadlines),
        (schema.notifications, NOTICE_COLUMNS, rows.notices),
    ):
        _insert(conn, table, names, values)


def _insert(conn: Connection, table: Table, names: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """``COPY`` on PostgreSQL; on SQLite one executemany of plain tuples, times as ``UtcDateTime`` stores them."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" * len(names))
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})"
    conn.exec_driver_sql(statement, [tuple(map(_sqlite_value, row)) for row in rows])


def _sqlite_value(value: Any) -> Any:
    """What SQLAlchemy's SQLite dialect writes for a ``UtcDateTime``: naive UTC text with microseconds."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--url", required=True, help="a migrated database holding a district")
    parser.add_argument("--tickets", type=int, default=1_000_000, help="how many tickets (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=13, help="the same seed gives the same data (default 13)")
    parser.add_argument("--years", type=float, default=3.0, help="opened over this many years up to now (default 3)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes playing the lives")
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    summary = generate(engine, args.tickets, args.seed, _bar, years=args.years, workers=args.workers)
    print(file=sys.stderr)
    print(
        f"{summary.tickets:,} tickets ({summary.open:,} open, {summary.overdue:,} overdue), "
        f"{summary.history:,} history rows, {summary.deadlines:,} timers, {summary.notices:,} notices "
        f"in {summary.seconds:,.1f} s: {summary.per_second:,.0f} tickets/s"
    )
    return 0


def _bar(done: int, total: int) -> None:
    width = 40
    filled = width * done // max(total, 1)
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}", end="", file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
