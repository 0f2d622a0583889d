"""The board, the staff queues, the navigation's counts, the rates and the API list never read the tickets
table from end to end.

On PostgreSQL (these tests need ``TICKETING_TEST_DATABASE_URL``), over
30,000 bulk-inserted tickets of which about 97 % are closed, each page is
read through its read model while the statements it sends are recorded; each
statement that reads ``tickets`` is then explained (``EXPLAIN (FORMAT
JSON)``, with the very parameters sent) and its plan must hold no ``Seq
Scan`` on ``tickets``.  Plans, not timings: a plan shows which index serves a
query on any machine.

At 30,000 rows the planner may still find a sequential read of the whole
(small) table cheaper for a query that matches a fair share of it, where at a
million rows it would not.  So each statement is explained a second time
with ``SET LOCAL enable_seqscan = off``: that only makes sequential reads
look dear, it cannot make an index the query's terms do not fit usable, so
a ``Seq Scan`` left in that plan means no index can serve the query.  The
first plan must use no ``Seq Scan`` on tickets either, unless the test says
which query and why (none does today).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from databases import RunDatabase
from sqlalchemy import Connection, Engine, event, text

from ticketing.db import tickets as store
from ticketing.db.bulk_tickets import fill_tickets
from ticketing.demo import load_demo_org
from ticketing.domain.org import UnitKind
from ticketing.domain.rates import RateWeights
from ticketing.read import api, board, queues, rates
from ticketing.services import Ticketing

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)
TICKETS = 30_000
Statement = tuple[str, Any]


@pytest.fixture
def city(service: Ticketing, engine: Engine, run_database: RunDatabase) -> Ticketing:
    """The demo district with 30,000 tickets over three years (97 % closed), analysed; PostgreSQL only.

    Filled once a run and restored for each test (see ``tests/databases.py``).
    """
    if engine.dialect.name != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")

    def fill() -> None:
        with engine.begin() as conn:
            load_demo_org(conn)
            fill_tickets(conn, service.worlds.world(conn), TICKETS, NOW)

    run_database.prepare("query_plans_city", fill)
    with engine.connect() as conn:
        conn.execute(text("ANALYZE tickets"))
        conn.execute(text("ANALYZE ticket_joins"))
        conn.commit()
    return service


@contextmanager
def recorded(engine: Engine) -> Iterator[list[Statement]]:
    """The statements reading ``tickets`` sent while the block runs, with their parameters."""
    sent: list[Statement] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if "FROM tickets" in statement and statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _seq_scans(conn: Connection, statement: str, parameters: Any) -> list[str]:
    """The sequential reads of ``tickets`` in the statement's plan, each with the whole plan to show why."""
    explained = conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
    scans = [
        node
        for node in _nodes(explained[0]["Plan"])
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") == "tickets"
    ]
    if not scans:
        return []
    plan = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars().all()
    return ["\n".join(plan)]


def assert_indexed(engine: Engine, read: Callable[[], object], planner_may_scan: bool = False) -> None:
    """Every statement on ``tickets`` that ``read`` sends has a plan without a Seq Scan on it, as planned (unless
    ``planner_may_scan``) and with sequential reads made dear (see the module's docstring)."""
    with recorded(engine) as sent:
        read()
    assert sent, "the page read no tickets"
    with engine.connect() as conn:
        for statement, parameters in sent:
            if not planner_may_scan:
                with conn.begin():
                    assert _seq_scans(conn, statement, parameters) == [], statement
            with conn.begin():
                conn.execute(text("SET LOCAL enable_seqscan = off"))
                assert _seq_scans(conn, statement, parameters) == [], f"no index serves: {statement}"


def _first(service: Ticketing, kind: UnitKind) -> str:
    with service.engine.connect() as conn:
        org = service.worlds.world(conn).org
    return min(unit.id for unit in org.units.values() if unit.kind is kind)


def _overseers(service: Ticketing) -> dict[str, board.Overseer]:
    community, street = _first(service, UnitKind.COMMUNITY), _first(service, UnitKind.STREET)
    return {
        "community": board.Overseer(frozenset({community}), frozenset()),
        "street": board.Overseer(frozenset(), frozenset({street})),
        "admin": board.Overseer(frozenset(), frozenset(), everything=True),
    }


@pytest.mark.parametrize("scope", ["community", "street", "admin"])
def test_the_board_reads_open_flagged_tickets_by_index_in_every_scope(city: Ticketing, scope: str) -> None:
    overseer = _overseers(city)[scope]
    assert_indexed(city.engine, lambda: board.board_page(city, overseer, board.BoardFilter(), NOW))
    assert_indexed(city.engine, lambda: board.board_page(city, overseer, board.BoardFilter(tier=1), NOW, page=2))
    assert_indexed(city.engine, lambda: list(board.board_rows(city, overseer, board.BoardFilter(), NOW)))


def test_the_overdue_metric_counts_open_overdue_tickets_by_index(city: Ticketing) -> None:
    def count() -> int:
        with city.engine.connect() as conn:
            return store.count_open_overdue(conn)

    assert_indexed(city.engine, count)


@pytest.mark.parametrize("list_name", ["my_queue", "accountable", "callbacks_due"])
@pytest.mark.parametrize("staff_id", ["S0010", "S0013"])
def test_every_staff_queue_reads_its_tickets_by_index(city: Ticketing, list_name: str, staff_id: str) -> None:
    """My queue (held, my posts' unheld, joined 协同), the tickets I answer for, and my callbacks."""
    read = getattr(queues, list_name)
    assert_indexed(city.engine, lambda: read(city, staff_id, NOW))
    assert_indexed(city.engine, lambda: read(city, staff_id, NOW, number=2))


@pytest.mark.parametrize("staff_id", ["S0010", "S0013"])
def test_the_navigation_counts_read_by_index(city: Ticketing, staff_id: str) -> None:
    """The bar's counts on every page: my queue and my callbacks, and a supervisor's or admin's board."""
    assert_indexed(city.engine, lambda: queues.desk_counts(city, staff_id))
    for overseer in _overseers(city).values():
        assert_indexed(city.engine, lambda seer=overseer: board.board_count(city, seer, NOW))


@pytest.mark.parametrize("scope", ["community", "street", "admin"])
def test_the_rates_of_a_month_read_only_that_months_tickets(city: Ticketing, scope: str) -> None:
    overseer = _overseers(city)[scope]
    last = NOW.astimezone(ZoneInfo("Asia/Shanghai")).date()
    period = rates.Period(last - timedelta(days=29), last, ZoneInfo("Asia/Shanghai"))
    assert_indexed(city.engine, lambda: rates.rate_report(city, overseer, period, RateWeights()))


@pytest.mark.parametrize("open_only", [False, True])
@pytest.mark.parametrize("reader", ["admin", "staff", "supervisor"])
def test_the_api_list_reads_the_most_urgent_tickets_by_index(city: Ticketing, reader: str, open_only: bool) -> None:
    """A supervisor's street is half of this two-street district's tickets: reading that half from end to end
    is the planner's right choice at this size, so for them only the plan with sequential reads made dear
    counts (it shows an index can serve each arm of their reach)."""
    community, street = _first(city, UnitKind.COMMUNITY), _first(city, UnitKind.STREET)
    with city.engine.connect() as conn:
        posts = frozenset(post.id for post in city.worlds.world(conn).org.holds("S0010"))
    visibility = {
        "admin": api.Visibility("S0001", frozenset(), everything=True),
        "staff": api.Visibility("S0010", posts),
        "supervisor": api.Visibility("S0004", frozenset(), frozenset({community}), frozenset({street}), True),
    }[reader]
    filters = api.TicketFilter(open_only=open_only)
    first = api.ticket_slice(city, visibility, filters, None, 50)
    broad = reader == "supervisor"
    assert_indexed(city.engine, lambda: api.ticket_slice(city, visibility, filters, None, 50), broad)
    assert_indexed(city.engine, lambda: api.ticket_slice(city, visibility, filters, first.next, 50), broad)
