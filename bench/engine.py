"""Intake and sweep: the engine next to bare SQLAlchemy Core on the same database, in the same run.

Intake: ``Ticketing.open_ticket``, one transaction per ticket, against Core
inserting one ticket row per transaction (a copy of an engine-made one, with a
fresh id): the floor of a transaction on this database.  Sweep: one
``Ticketing.sweep`` over M due deadlines (copies of engine-made tickets, each
with its running deadline; made with bulk inserts, not timed) against a Core
claim-and-mark of the same rows in batches of the same size.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Table, delete, func, insert, select, update

from bench.report import Figure, interleaved, timed
from ticketing.db.schema import attachments, counters, deadlines, history, notifications, ticket_joins, tickets
from ticketing.domain.org import UnitKind
from ticketing.services import Ticketing

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI)  # an ordinary working Monday
SWEEP_AT = OPENED + timedelta(days=7)  # every acknowledge deadline has passed
INTAKE_GOAL = 0.5  # engine ≥ 50 % of the baseline's rate
SWEEP_GOAL = 5_000  # escalations per second, on PostgreSQL, in every run
CLONE_CHUNK = 5_000
CHILD_TABLES = (history, deadlines, notifications)

RowSet = dict[Table, list[dict[str, Any]]]


def intake(database: str, service: Ticketing, count: int, rounds: int) -> Figure:
    """Tickets per second opened through the engine, beside one-row Core transactions."""
    engine = service.engine
    with engine.connect() as conn:
        org = service.worlds.organisation(conn)
    buildings = sorted(unit.id for unit in org.units.values() if unit.kind is UnitKind.BUILDING)
    template: list[dict[str, Any]] = []

    def through_engine() -> float:
        def run() -> None:
            for i in range(count):
                service.open_ticket(
                    category="property_repair",
                    description="楼道灯不亮",
                    contact_phone="13806330000",
                    location_id=buildings[i % len(buildings)],
                    now=OPENED,
                )

        seconds = timed(run)
        if not template:  # the baseline's row: a ticket the engine made, as it stands after opening
            with engine.connect() as conn:
                template.append(
                    dict(conn.execute(select(tickets).order_by(tickets.c.id.desc()).limit(1)).mappings().one())
                )
        return seconds

    def one_row_each() -> float:
        with engine.connect() as conn:
            first = conn.execute(select(func.max(tickets.c.id))).scalar_one() + 1_000_000

        def run() -> None:
            for ticket_id in range(first, first + count):
                with engine.begin() as conn:
                    conn.execute(insert(tickets), _ticket_clone(template[0], ticket_id))

        seconds = timed(run)
        with engine.begin() as conn:  # not timed: the copies have no history and would mislead the pages
            conn.execute(delete(tickets).where(tickets.c.id >= first))
        return seconds

    engine_s, raw_s = interleaved(rounds, through_engine, one_row_each)
    ours, theirs = count / engine_s, count / raw_s
    return Figure(
        database,
        "intake, engine, one transaction per ticket",
        f"{ours:,.0f}/s",
        f"raw Core one row per transaction: {theirs:,.0f}/s",
        f"{ours / theirs:.1%}",
        f"≥ {INTAKE_GOAL:.0%}",
        ours / theirs >= INTAKE_GOAL,
    )


def sweep(
    database: str, service: Ticketing, count: int, rounds: int, batch_size: int, step: Callable[[str], None]
) -> Figure:
    """Escalations per second of one sweep over ``count`` due deadlines, beside a bare claim-and-mark.

    Replaces every ticket of the database by copies of the engine-made ones: run it last.
    """
    engine = service.engine
    step("sweep: opening the tickets to copy")
    building = _first_building(service)
    opened = [
        service.open_ticket(
            category="property_repair",
            description="楼道灯不亮",
            contact_phone="13806330000",
            location_id=building,
            now=OPENED,
        ).id
        for _ in range(20)
    ]
    templates = _row_sets(engine, opened)
    rates: list[float] = []

    def engine_run() -> float:
        step(f"sweep: copying {count:,} due deadlines (not timed), then the engine's sweep")
        _prepare_due(engine, templates, count)

        def run() -> None:
            report = service.sweep.run(SWEEP_AT, batch_size=batch_size)
            if report.fired != count or report.handed_over != count:
                raise SystemExit(f"the sweep fired {report.fired} and handed over {report.handed_over}, not {count}")

        seconds = timed(run)
        rates.append(count / seconds)
        return seconds

    def baseline_run() -> float:
        step("sweep: the bare claim-and-mark")
        _prepare_due(engine, templates, count)
        return timed(lambda: _claim_and_mark(engine, batch_size))

    engine_s, raw_s = interleaved(rounds, engine_run, baseline_run)
    ours, theirs = count / engine_s, count / raw_s
    goal = database == "postgresql"
    return Figure(
        database,
        f"sweep, {count:,} due (runs {min(rates):,.0f}–{max(rates):,.0f}/s)",
        f"{ours:,.0f}/s",
        f"bare claim-and-mark: {theirs:,.0f}/s",
        f"{ours / theirs:.1%}",
        f"≥ {SWEEP_GOAL:,}/s in every run" if goal else "-",
        min(rates) >= SWEEP_GOAL if goal else None,
    )


def _first_building(service: Ticketing) -> str:
    with service.engine.connect() as conn:
        org = service.worlds.organisation(conn)
    return min(unit.id for unit in org.units.values() if unit.kind is UnitKind.BUILDING)


def _row_sets(engine: Engine, ids: list[int]) -> list[RowSet]:
    """These tickets and every row the engine wrote for them, ids left out."""
    with engine.connect() as conn:
        found: dict[int, RowSet] = {}
        for row in conn.execute(select(tickets).where(tickets.c.id.in_(ids))).mappings():
            found[row["id"]] = {tickets: [dict(row)]} | {table: [] for table in CHILD_TABLES}
        for table in CHILD_TABLES:
            for row in conn.execute(select(table).where(table.c.ticket_id.in_(list(found)))).mappings():
                found[row["ticket_id"]][table].append({k: v for k, v in row.items() if k != "id"})
    return list(found.values())


def _ticket_clone(row: dict[str, Any], ticket_id: int) -> dict[str, Any]:
    return row | {"id": ticket_id, "number": f"{row['number'].split('-')[0]}-{ticket_id:07d}"}


def _deadline_of(ticket: dict[str, Any], ticket_id: int) -> dict[str, Any]:
    """The pending deadline row of a ticket's running clock."""
    keys = {"clock": ticket["clock"], "tier": ticket["tier"], "due_at": ticket["due_at"]}
    return keys | {"ticket_id": ticket_id, "kind": "deadline", "step": 0, "status": "pending"}


def _child_clone(table: Table, row: dict[str, Any], ticket_id: int) -> dict[str, Any]:
    """A child row for another ticket; unique keys (a notice's idempotency key) made afresh, as the engine does."""
    fresh = {column.name: uuid.uuid4().hex for column in table.columns if column.unique and row[column.name]}
    return row | fresh | {"ticket_id": ticket_id}


def _prepare_due(engine: Engine, templates: list[RowSet], count: int) -> None:
    """Replace every ticket by ``count`` copies of the templates, each with its due deadline."""
    with engine.begin() as conn:
        for table in (*CHILD_TABLES, ticket_joins, attachments, tickets):
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
    vacuum(engine)


def _claim_and_mark(engine: Engine, batch_size: int) -> None:
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


def vacuum(engine: Engine) -> None:
    """On PostgreSQL, clear the dead rows of a bulk load and refresh this schema's statistics, as autovacuum would."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE tickets, history, deadlines, notifications")
