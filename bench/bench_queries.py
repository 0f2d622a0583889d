"""The board's page 1 in each scope and the API list, before and after the open-ticket indexes, in one run.

    python bench/bench_queries.py --postgres URL [--tickets N] [--rounds R]

A fresh PostgreSQL schema gets the demo district and N bulk-inserted tickets
over three years (``ticketing.db.bulk_tickets``: about 97 % closed), then ANALYZE.
Each round drops the indexes of migration 0013 and times every query as it
was before them (the API list sorted ``due_at IS NULL, due_at, id``), then
creates them again and times the queries as the application sends them now;
each figure is the median of the rounds.  See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from fresh_schema import fresh_schema
from sqlalchemy import Connection, Engine, Index, select, text
from sqlalchemy.schema import CreateIndex

from ticketing.db.bulk_tickets import fill_tickets
from ticketing.db.engine import make_engine
from ticketing.db.queries import api, board
from ticketing.db.schema import tickets
from ticketing.demo import load_demo_org
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.migrate import upgrade
from ticketing.deploy.settings import Settings
from ticketing.domain.org import UnitKind
from ticketing.domain.workflow import open_states

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)
PAGE = 25
NEW_INDEXES = (
    "ix_tickets_board",
    "ix_tickets_board_community",
    "ix_tickets_due",
    "ix_tickets_open_due",
    "ix_tickets_open_first_responder",
    "ix_tickets_open_callback_post",
    "ix_tickets_community_created",
    "ix_tickets_mediated",
    "ix_tickets_street",
)

Query = Callable[[Connection, bool], object]


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    with fresh_schema(args.postgres) as url:
        engine = make_engine(url)
        started = time.perf_counter()
        queries = _prepare(engine, args.tickets)
        print(f"{args.tickets:,} tickets in {time.perf_counter() - started:.0f} s; {args.rounds} rounds", flush=True)
        before: dict[str, list[float]] = {name: [] for name in queries}
        after: dict[str, list[float]] = {name: [] for name in queries}
        for round_number in range(1, args.rounds + 1):
            _drop_new_indexes(engine)
            _time_all(engine, queries, False, before)
            _create_new_indexes(engine)
            _time_all(engine, queries, True, after)
            print(f"round {round_number} of {args.rounds} done", flush=True)
        engine.dispose()
    _print_table(queries, before, after)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Board and API list queries before and after the 0013 indexes.")
    parser.add_argument("--postgres", metavar="URL", required=True, help="the PostgreSQL to measure on (fresh schema)")
    parser.add_argument("--tickets", type=int, default=200_000, metavar="N", help="tickets to insert (200,000)")
    parser.add_argument("--rounds", type=int, default=3, metavar="R", help="rounds; figures are medians (3)")
    return parser


def _prepare(engine: Engine, count: int) -> dict[str, Query]:
    """Migrate, load the demo district and ``count`` tickets; the queries to time, by name."""
    upgrade(engine)
    with engine.begin() as conn:
        load_demo_org(conn)
    service = create_ticketing(Settings(database_url=engine.url.render_as_string(hide_password=False)), engine)
    with engine.begin() as conn:
        world = service.worlds.world(conn)
        fill_tickets(conn, world, count, NOW)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE tickets"))
    org = world.org
    states = open_states(world.workflows.values())
    community = min(u.id for u in org.units.values() if u.kind is UnitKind.COMMUNITY)
    street = min(u.id for u in org.units.values() if u.kind is UnitKind.STREET)
    of_street = frozenset(u.id for u in org.units.values() if u.kind is UnitKind.COMMUNITY and u.parent_id == street)
    return {
        "board page 1, community": _board(board.Flagged(states, frozenset({community}))),
        "board page 1, street": _board(board.Flagged(states, of_street)),
        "board page 1, admin": _board(board.Flagged(states, None)),
        "/api/v1/tickets as admin": _api_list(False),
        "/api/v1/tickets?open=true as admin": _api_list(True),
    }


def _board(where: board.Flagged) -> Query:
    """The board's count and its first page (the same statements before and after: only the indexes differ)."""

    def read(conn: Connection, _now: bool) -> object:
        return board.count_flagged(conn, where), board.flagged(conn, where, PAGE, offset=0)

    return read


def _api_list(open_only: bool) -> Query:
    """The API list's first page of 50 (51 read): as sent now, or sorted as it was before."""

    def read(conn: Connection, now: bool) -> object:
        if now:
            return api.visible_tickets(conn, None, {}, open_only, None, 51)
        c = tickets.c
        query = select(tickets).where(c.closed_at.is_(None)) if open_only else select(tickets)
        return conn.execute(query.order_by(c.due_at.is_(None), c.due_at, c.id).limit(51)).all()

    return read


def _time_all(engine: Engine, queries: dict[str, Query], now: bool, into: dict[str, list[float]]) -> None:
    with engine.connect() as conn:
        for name, read in queries.items():
            read(conn, now)  # warm: the same pages as a second visitor finds them
            started = time.perf_counter()
            read(conn, now)
            into[name].append(time.perf_counter() - started)
            conn.rollback()


def _new_indexes() -> list[Index]:
    return [index for index in tickets.indexes if index.name in NEW_INDEXES]


def _drop_new_indexes(engine: Engine) -> None:
    with engine.begin() as conn:
        for name in NEW_INDEXES:
            conn.execute(text(f'DROP INDEX IF EXISTS "{name}"'))
        conn.execute(text("ANALYZE tickets"))


def _create_new_indexes(engine: Engine) -> None:
    with engine.begin() as conn:
        for index in _new_indexes():
            conn.execute(CreateIndex(index))
        conn.execute(text("ANALYZE tickets"))


def _print_table(queries: dict[str, Query], before: dict[str, list[float]], after: dict[str, list[float]]) -> None:
    print()
    print("| query | before (no 0013 indexes) | after | speed-up |")
    print("| --- | --- | --- | --- |")
    for name in queries:
        old, new = statistics.median(before[name]), statistics.median(after[name])
        print(f"| {name} | {old * 1000:,.2f} ms | {new * 1000:,.2f} ms | {old / new:,.0f}× |")


if __name__ == "__main__":
    main()
