"""Measure the engine next to raw SQLAlchemy Core doing the same writes, in the same run.

    python bench/bench_engine.py [--postgres URL] [--tickets N] [--deadlines M] [--batch-size B]

Opening: ``Ticketing.open_ticket`` (one transaction per ticket) against Core
inserts of the very rows the engine wrote (ticket, history, deadline and the
reminders before it, notice, counter bump; one transaction per row-set, fresh
ids).  Sweep: one
``Ticketing.sweep`` over M due deadlines (cloned from engine-made rows, not
timed) against a Core claim-and-mark of the same rows in batches of the same
size.  See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fresh_schema import fresh_schema
from sqlalchemy import Engine, Table, delete, insert, select, update

from ticketing.db.engine import make_engine
from ticketing.db.schema import counters, deadlines, history, notifications, tickets
from ticketing.demo import load_demo_org
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.migrate import upgrade
from ticketing.deploy.settings import Settings
from ticketing.domain.org import UnitKind
from ticketing.services import Ticketing

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI)  # an ordinary working Monday
SWEEP_AT = OPENED + timedelta(days=7)  # every acknowledge deadline has passed
OPENING_TARGET = 0.5  # engine ≥ 50 % of raw Core
SWEEP_TARGET = 5_000  # escalations per second, on PostgreSQL
CLONE_CHUNK = 5_000
CHILD_TABLES = (history, deadlines, notifications)

RowSet = dict[Table, list[dict[str, Any]]]


@dataclass(frozen=True)
class Figure:
    """One measure on one database: the engine's time next to the raw baseline's, for ``count`` items."""

    database: str
    measure: str
    count: int
    engine_s: float
    raw_s: float
    min_ratio: float | None = None  # target: engine rate ÷ raw rate
    min_rate: float | None = None  # target: engine items per second

    @property
    def ratio(self) -> float:
        return self.raw_s / self.engine_s

    @property
    def target(self) -> str:
        if self.min_ratio is not None:
            return f"engine/raw ≥ {self.min_ratio:.0%}"
        return f"≥ {self.min_rate:,.0f} /s" if self.min_rate is not None else "-"

    @property
    def met(self) -> str:
        if self.min_ratio is not None:
            return "yes" if self.ratio >= self.min_ratio else "NO"
        if self.min_rate is not None:
            return "yes" if self.count / self.engine_s >= self.min_rate else "NO"
        return "-"


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    figures = []
    with tempfile.TemporaryDirectory() as folder:
        figures += _measure("sqlite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args)
    if args.postgres:
        with fresh_schema(args.postgres) as url:
            figures += _measure("postgresql", url, args)
    _print_table(figures)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Engine throughput next to raw SQLAlchemy Core.")
    parser.add_argument("--postgres", metavar="URL", help="also measure on this PostgreSQL (in a fresh schema)")
    parser.add_argument("--tickets", type=int, default=2_000, metavar="N", help="tickets to open (default 2000)")
    parser.add_argument("--deadlines", type=int, default=100_000, metavar="M", help="due deadlines to sweep")
    parser.add_argument("--batch-size", type=int, default=500, metavar="B", help="sweep batch size (default 500)")
    return parser


def _measure(database: str, url: str, args: argparse.Namespace) -> list[Figure]:
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        load_demo_org(conn)
    service = create_ticketing(Settings(database_url=url), engine)
    try:
        print(f"{database}: opening {args.tickets} tickets through the engine, then through raw Core", flush=True)
        opened = _open_through_engine(service, args.tickets)
        templates = _row_sets(engine)
        raw_opened = _timed(lambda: _open_raw(engine, templates))
        print(f"{database}: cloning {args.deadlines} due deadlines (not timed), then sweeping", flush=True)
        _prepare_due(engine, templates, args.deadlines)
        raw_marked = _timed(lambda: _claim_and_mark_raw(engine, args.batch_size))
        _reset_deadlines(engine)
        fired = _timed(lambda: _sweep(service, args.batch_size, args.deadlines))
    finally:
        engine.dispose()
    return [
        Figure(database, "open tickets", args.tickets, opened, raw_opened, min_ratio=OPENING_TARGET),
        Figure(
            database,
            f"sweep (batch {args.batch_size})",
            args.deadlines,
            fired,
            raw_marked,
            min_rate=SWEEP_TARGET if database == "postgresql" else None,
        ),
    ]


def _timed(run: Callable[[], None]) -> float:
    """Seconds taken by one run."""
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


# --- opening -------------------------------------------------------------------


def _open_through_engine(service: Ticketing, count: int) -> float:
    with service.engine.connect() as conn:
        org = service.worlds.organisation(conn)
    buildings = sorted(unit.id for unit in org.units.values() if unit.kind is UnitKind.BUILDING)

    def run() -> None:
        for i in range(count):
            service.open_ticket(
                category="property_repair",
                description="楼道灯不亮",
                contact_phone="13806330000",
                location_id=buildings[i % len(buildings)],
                now=OPENED,
            )

    return _timed(run)


def _row_sets(engine: Engine) -> list[RowSet]:
    """Every row the engine wrote per ticket, ids left out (the database gives fresh ones)."""
    with engine.connect() as conn:
        found: dict[int, RowSet] = {}
        for row in conn.execute(select(tickets).order_by(tickets.c.id)).mappings():
            found[row["id"]] = {tickets: [dict(row)]} | {table: [] for table in CHILD_TABLES}
        for table in CHILD_TABLES:
            for row in conn.execute(select(table).order_by(table.c.id)).mappings():
                found[row["ticket_id"]][table].append({k: v for k, v in row.items() if k != "id"})
    return list(found.values())


def _open_raw(engine: Engine, templates: list[RowSet]) -> None:
    """What the engine writes per ticket, as bare Core statements: one transaction per ticket."""
    bump = update(counters).where(counters.c.name == "ticket").values(value=counters.c.value + 1)
    bump = bump.returning(counters.c.value)
    for rows in templates:
        with engine.begin() as conn:
            ticket_id = conn.execute(bump).scalar_one()
            conn.execute(insert(tickets), _ticket_clone(rows[tickets][0], ticket_id))
            for table in CHILD_TABLES:
                if rows[table]:
                    conn.execute(insert(table), [_child_clone(table, row, ticket_id) for row in rows[table]])


def _ticket_clone(row: dict[str, Any], ticket_id: int) -> dict[str, Any]:
    return row | {"id": ticket_id, "number": f"{row['number'].split('-')[0]}-{ticket_id:06d}"}


def _deadline_of(ticket: dict[str, Any], ticket_id: int) -> dict[str, Any]:
    """The pending deadline row of a ticket's running clock."""
    keys = {"clock": ticket["clock"], "tier": ticket["tier"], "due_at": ticket["due_at"]}
    return keys | {"ticket_id": ticket_id, "kind": "deadline", "step": 0, "status": "pending"}


def _child_clone(table: Table, row: dict[str, Any], ticket_id: int) -> dict[str, Any]:
    """A child row for another ticket; unique keys (a notice's idempotency key) made afresh, as the engine does."""
    fresh = {column.name: uuid.uuid4().hex for column in table.columns if column.unique and row[column.name]}
    return row | fresh | {"ticket_id": ticket_id}


# --- the sweep -----------------------------------------------------------------


def _prepare_due(engine: Engine, templates: list[RowSet], count: int) -> None:
    """Replace every ticket by ``count`` clones of the engine-made ones, each with its due deadline."""
    with engine.begin() as conn:
        for table in (*CHILD_TABLES, tickets):
            conn.execute(delete(table))
    for start in range(0, count, CLONE_CHUNK):
        ids = range(start + 1, min(start + CLONE_CHUNK, count) + 1)
        sets = [(ticket_id, templates[ticket_id % len(templates)]) for ticket_id in ids]
        with engine.begin() as conn:
            conn.execute(insert(tickets), [_ticket_clone(rows[tickets][0], ticket_id) for ticket_id, rows in sets])
            for table in CHILD_TABLES:
                if table is deadlines:  # the running deadline itself, not the reminder pending before it
                    clones = [_deadline_of(rows[tickets][0], ticket_id) for ticket_id, rows in sets]
                else:
                    clones = [_child_clone(table, row, ticket_id) for ticket_id, rows in sets for row in rows[table]]
                conn.execute(insert(table), clones)
    with engine.begin() as conn:
        conn.execute(update(counters).where(counters.c.name == "ticket").values(value=count))
    _vacuum(engine)


def _claim_and_mark_raw(engine: Engine, batch_size: int) -> None:
    """The bare claim-and-mark: select due ids (skipping locked rows on PostgreSQL), mark them done."""
    claim = select(deadlines.c.id).where(deadlines.c.status == "pending", deadlines.c.due_at <= SWEEP_AT)
    claim = claim.order_by(deadlines.c.due_at, deadlines.c.id).limit(batch_size)
    if engine.dialect.name == "postgresql":
        claim = claim.with_for_update(skip_locked=True)
    while True:
        with engine.begin() as conn:
            ids = conn.execute(claim).scalars().all()
            if not ids:
                return
            conn.execute(update(deadlines).where(deadlines.c.id.in_(ids)).values(status="done", fired_at=SWEEP_AT))


def _reset_deadlines(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(update(deadlines).values(status="pending", fired_at=None))
    _vacuum(engine)


def _vacuum(engine: Engine) -> None:
    """On PostgreSQL, clear the dead rows of the bulk load or reset and refresh statistics, as autovacuum would."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def _sweep(service: Ticketing, batch_size: int, expected: int) -> None:
    report = service.sweep.run(SWEEP_AT, batch_size=batch_size)
    if report.fired != expected or report.handed_over != expected:
        raise SystemExit(f"the sweep fired {report.fired} and handed over {report.handed_over}, expected {expected}")


# --- the report ----------------------------------------------------------------


def _print_table(figures: list[Figure]) -> None:
    header = ("database", "measure", "count", "engine s", "engine /s", "raw s", "raw /s", "engine/raw", "target", "met")
    lines = [header]
    for f in figures:
        lines.append(
            (
                f.database,
                f.measure,
                f"{f.count:,}",
                f"{f.engine_s:.2f}",
                f"{f.count / f.engine_s:,.0f}",
                f"{f.raw_s:.2f}",
                f"{f.count / f.raw_s:,.0f}",
                f"{f.ratio:.0%}",
                f.target,
                f.met,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print()
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
