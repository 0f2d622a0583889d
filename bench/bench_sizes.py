"""Measure what each ticket costs on disk: rows and bytes per ticket in every table and index.

    python bench/bench_sizes.py [--tickets N] [--postgres URL] [--no-sqlite]

A hundred template tickets go through the engine with the life a ticket
usually has (opened, acknowledged, resolved, called back and closed; one in
ten handed to the B holder by a missed deadline first; three in a hundred
still open), then are cloned with Core bulk inserts up to N tickets spread
over three years, as ``bench_engine.py`` clones its deadlines. The sizes of
the district alone (migrated, demo organisation loaded) are measured first
and subtracted, so each figure is what N tickets added, divided by N.

PostgreSQL: ``pg_relation_size`` (the table's heap), ``pg_indexes_size`` and
``pg_total_relation_size`` (heap, indexes and TOAST) after ``VACUUM ANALYZE``,
in a fresh schema dropped afterwards. SQLite: the pages of each table and
index from the ``dbstat`` table (the file's size when SQLite lacks it).
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fresh_schema import fresh_schema
from sqlalchemy import Engine, Table, func, insert, select, text, update

from ticketing.db.engine import make_engine
from ticketing.db.schema import counters, deadlines, history, metadata, notifications, tickets
from ticketing.demo import load_demo_org
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.migrate import upgrade
from ticketing.deploy.settings import Settings
from ticketing.domain.org import UnitKind
from ticketing.domain.ticket import ResidentChannel
from ticketing.services import Ticketing

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI)  # an ordinary working Monday
MISSED = OPENED - timedelta(days=3)  # the Friday before: its acknowledge deadline has passed by Monday
TEMPLATES = 100
YEARS = 3
CHUNK = 5_000
CHILD_TABLES = (history, deadlines, notifications)
MiB = 1024 * 1024


@dataclass(frozen=True)
class Size:
    """One table or index: its rows and bytes (an index has no rows of its own here)."""

    name: str
    table: str
    rows: int
    heap: int  # the table's own pages (SQLite: the table's b-tree); 0 for an index
    indexes: int  # the table's indexes together; an index's own size
    total: int


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            _report("SQLite", f"sqlite:///{Path(folder) / 'sizes.sqlite3'}", args.tickets)
    if args.postgres:
        with fresh_schema(args.postgres) as url:
            _report("PostgreSQL", url, args.tickets)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=20_000, help="tickets to make (default 20,000)")
    parser.add_argument("--postgres", metavar="URL", help="also measure on this PostgreSQL, in a fresh schema")
    parser.add_argument("--no-sqlite", action="store_true", help="measure on PostgreSQL only")
    return parser


def _report(database: str, url: str, count: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        load_demo_org(conn)
    service = create_ticketing(Settings(database_url=url), engine)
    before = _sizes(engine)
    started = time.perf_counter()
    templates = _templates(service)
    _clone(engine, templates, count)
    made = time.perf_counter() - started
    after = _sizes(engine)
    print(f"\n{database}: {count:,} tickets made in {made:.1f} s ({_states(engine)})")
    _print(before, after, count)
    engine.dispose()


# --- the tickets ---------------------------------------------------------------


def _templates(service: Ticketing) -> list[dict[Table, list[dict[str, Any]]]]:
    """A hundred tickets through the engine, each with its usual life; every row each one wrote, by table."""
    with service.engine.connect() as conn:
        org = service.worlds.organisation(conn)
    buildings = sorted(unit.id for unit in org.units.values() if unit.kind is UnitKind.BUILDING)
    numbers = []
    for i in range(TEMPLATES):
        opened = service.open_ticket(
            category="property_repair",
            description="楼道声控灯不亮，晚上上下楼很不方便，请尽快安排维修",
            contact_phone="13806330000",
            contact_name="居民",
            notify_by=ResidentChannel.SMS,  # told by text when it is resolved and closed, as the form's default
            location_id=buildings[i % len(buildings)],
            now=MISSED if i % 10 == 9 else OPENED,
            access_token=uuid.uuid4().hex if i % 2 else None,  # half came through the resident form
        )
        numbers.append(opened.number)
    service.sweep.run(OPENED)  # the tickets of Friday pass to their B holders
    for i, number in enumerate(numbers):
        if i % 100 == 0:
            continue  # still waiting to be acknowledged
        _act(service, number, "acknowledge", OPENED + timedelta(hours=1))
        if i % 100 in (1, 2):
            continue  # in progress
        _act(service, number, "resolve", OPENED + timedelta(hours=3), resolution="已更换灯泡并测试正常")
        _act(
            service,
            number,
            "callback",
            OPENED + timedelta(days=1),
            reached=True,
            satisfaction="satisfied",
            solved=True,
            comment="很满意",
        )
    return _row_sets(service.engine)


def _act(service: Ticketing, number: str, action: str, at: datetime, **params: Any) -> None:
    ticket = service.show(number).ticket
    actor = ticket.first_responder_id if action == "callback" else ticket.holder_id
    service.act(number, action, actor, at, **params)


def _row_sets(engine: Engine) -> list[dict[Table, list[dict[str, Any]]]]:
    with engine.connect() as conn:
        found: dict[int, dict[Table, list[dict[str, Any]]]] = {}
        for row in conn.execute(select(tickets).order_by(tickets.c.id)).mappings():
            found[row["id"]] = {tickets: [dict(row)]} | {table: [] for table in CHILD_TABLES}
        for table in CHILD_TABLES:
            for row in conn.execute(select(table).order_by(table.c.id)).mappings():
                found[row["ticket_id"]][table].append({k: v for k, v in row.items() if k != "id"})
    return list(found.values())


def _clone(engine: Engine, templates: list[dict[Table, list[dict[str, Any]]]], count: int) -> None:
    """Copies of the templates up to ``count`` tickets, closed ones spread back over three years."""
    first = len(templates) + 1
    for start in range(first, count + 1, CHUNK):
        ids = range(start, min(start + CHUNK, count + 1))
        sets = [(ticket_id, templates[ticket_id % len(templates)]) for ticket_id in ids]
        with engine.begin() as conn:
            copies = [_ticket(_shifted(t[tickets][0], _age(t, ticket_id, count)), ticket_id) for ticket_id, t in sets]
            conn.execute(insert(tickets), copies)
            for table in CHILD_TABLES:
                clones = [
                    _child(table, _shifted(row, _age(t, ticket_id, count)), ticket_id)
                    for ticket_id, t in sets
                    for row in t[table]
                ]
                if clones:
                    conn.execute(insert(table), clones)
    with engine.begin() as conn:
        conn.execute(update(counters).where(counters.c.name == "ticket").values(value=count))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def _age(template: dict[Table, list[dict[str, Any]]], ticket_id: int, count: int) -> timedelta:
    """How far back a copy lies: closed tickets over three years, open ones within the last month."""
    if template[tickets][0]["closed_at"] is None:
        return timedelta(days=ticket_id % 30)
    return timedelta(days=YEARS * 365 * (count - ticket_id) / count)


def _shifted(row: dict[str, Any], age: timedelta) -> dict[str, Any]:
    return {k: (v - age if isinstance(v, datetime) else v) for k, v in row.items()}


def _ticket(row: dict[str, Any], ticket_id: int) -> dict[str, Any]:
    day = row["created_at"].astimezone(SHANGHAI)
    fresh = {"id": ticket_id, "number": f"{day:%y%m%d}-{ticket_id:06d}"}
    if row["access_token_hash"]:
        fresh["access_token_hash"] = hashlib.sha256(uuid.uuid4().bytes).hexdigest()
    return row | fresh


def _child(table: Table, row: dict[str, Any], ticket_id: int) -> dict[str, Any]:
    fresh = {column.name: uuid.uuid4().hex for column in table.columns if column.unique and row[column.name]}
    return row | fresh | {"ticket_id": ticket_id}


def _states(engine: Engine) -> str:
    with engine.connect() as conn:
        found = conn.execute(select(tickets.c.state, func.count()).group_by(tickets.c.state)).all()
    total = sum(n for _, n in found)
    return ", ".join(f"{state} {n / total:.1%}" for state, n in sorted(found, key=lambda r: -r[1]))


# --- the sizes -----------------------------------------------------------------


def _sizes(engine: Engine) -> dict[str, Size]:
    """Every table of the schema and every index, by name."""
    with engine.connect() as conn:
        rows = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in metadata.sorted_tables}
    if engine.dialect.name == "postgresql":
        return _postgres_sizes(engine, rows)
    return _sqlite_sizes(engine, rows)


def _postgres_sizes(engine: Engine, rows: dict[str, int]) -> dict[str, Size]:
    found: dict[str, Size] = {}
    with engine.connect() as conn:
        tables = conn.execute(
            text(
                "SELECT c.relname, pg_relation_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid) "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        )
        for name, heap, indexes, total in tables:
            found[name] = Size(name, name, rows.get(name, 0), heap, indexes, total)
        indexes = conn.execute(
            text(
                "SELECT indexrelname, relname, pg_relation_size(indexrelid) FROM pg_stat_user_indexes "
                "WHERE schemaname = current_schema()"
            )
        )
        for name, table, size in indexes:
            found[name] = Size(name, table, 0, 0, size, size)
    return found


def _sqlite_sizes(engine: Engine, rows: dict[str, int]) -> dict[str, Size]:
    path = engine.url.database or ""
    with closing(sqlite3.connect(path)) as conn:
        owners = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"))
        try:
            pages = dict(conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"))
        except sqlite3.OperationalError:  # built without dbstat: the file as one figure
            size = Path(path).stat().st_size
            return {"(file)": Size("(file)", "(file)", sum(rows.values()), size, 0, size)}
        unique = {name: _columns(conn, name) for name in owners if name.startswith("sqlite_autoindex")}
    found: dict[str, Size] = {}
    for name, table in owners.items():
        if name != table:
            shown = f"{name} (unique {unique[name]})" if name in unique else name
            found[name] = Size(shown, table, 0, 0, pages.get(name, 0), pages.get(name, 0))
    for table in {table for table in owners.values()}:
        heap = pages.get(table, 0)
        indexes = sum(size.total for size in found.values() if size.table == table)
        found[table] = Size(table, table, rows.get(table, 0), heap, indexes, heap + indexes)
    return found


def _columns(conn: sqlite3.Connection, index: str) -> str:
    """The columns of one of SQLite's own indexes (those of UNIQUE constraints are named only by number)."""
    return ", ".join(row[2] for row in conn.execute(f"PRAGMA index_info('{index}')"))


def _print(before: dict[str, Size], after: dict[str, Size], count: int) -> None:
    """Per table, then per index: what the tickets added, per ticket; then totals per million tickets."""
    grown = [(name, size, before.get(name)) for name, size in after.items()]
    tables = [(s, b) for name, s, b in grown if s.table == name and s.rows > (b.rows if b else 0)]
    tables.sort(key=lambda pair: -(pair[0].total - (pair[1].total if pair[1] else 0)))

    def per(value: int, old: int) -> str:
        return f"{(value - old) / count:,.0f}"

    print("| table | rows per ticket | table B/ticket | indexes B/ticket | total B/ticket |")
    print("| --- | ---: | ---: | ---: | ---: |")
    total = 0
    for size, old in tables:
        o = old or Size(size.name, size.table, 0, 0, 0, 0)
        total += size.total - o.total
        rows = (size.rows - o.rows) / count
        cells = (per(size.heap, o.heap), per(size.indexes, o.indexes), per(size.total, o.total))
        print(f"| {size.name} | {rows:.2f} | {' | '.join(cells)} |")
    print(f"| **all** | | | | **{total / count:,.0f}** |")
    print("\n| index | table | B/ticket |")
    print("| --- | --- | ---: |")
    indexes = [(s, b) for name, s, b in grown if s.table != name]
    indexes.sort(key=lambda pair: (pair[0].table, -pair[0].total))
    for size, old in indexes:
        added = size.total - (old.total if old else 0)
        if added > 0:
            print(f"| {size.name} | {size.table} | {added / count:,.0f} |")
    print(f"\nper million tickets: {total / count:,.0f} MB on disk (MB = 10^6 B); {total / count * 1e6 / MiB:,.0f} MiB")


if __name__ == "__main__":
    main()
