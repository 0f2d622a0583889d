"""The benchmark generator's history is one the application reads, works on and keeps numbering after."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from databases import RunDatabase
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from bench.generate import Summary, generate, main
from ticketing.db.schema import daily_count_changes, daily_counts, deadlines, history, notifications, tickets
from ticketing.demo import load_demo_org
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.settings import Settings
from ticketing.services import Ticketing
from ticketing.services.credentials import issue_staff_token

GENERATED_AT = datetime(2026, 11, 23, 1, tzinfo=ZoneInfo("UTC"))  # the web tests' clock: Monday 09:00 in Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")
TICKETS = 2_000
YEARS = 0.5  # a denser half year than three sparse ones: 11 requests a day leave some of the last days' open
ADMIN = "S0001"  # the full district's first hire


@pytest.fixture
def generated(engine: Engine, run_database: RunDatabase) -> Summary:
    """The full district with 2,000 tickets over half a year (built once a run, restored for each test)."""
    return run_database.prepare("bench_generated", lambda: _generate(engine))


def _generate(engine: Engine) -> Summary:
    with engine.begin() as conn:
        load_demo_org(conn, "full")
    return generate(engine, TICKETS, seed=13, now=GENERATED_AT, years=YEARS)


@pytest.fixture
def service(engine: Engine, run_database: RunDatabase, generated: Summary) -> Ticketing:
    """The application over the generated history (this module's own ``service``: the web app's fixtures use it)."""
    return create_ticketing(Settings(database_url=run_database.url), engine)


def _count(engine: Engine, *where: object) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(tickets).where(*where)).scalar_one()  # type: ignore[arg-type]


def test_the_history_has_the_declared_proportions(engine: Engine, generated: Summary) -> None:
    c = tickets.c
    assert _count(engine) == generated.tickets == TICKETS
    open_ = _count(engine, c.closed_at.is_(None))
    assert open_ == generated.open
    assert 0.02 <= open_ / TICKETS <= 0.05, "about 3.2 % open, 96.8 % closed"
    assert 0 < generated.overdue < open_, "some open tickets overdue, not all"
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(c.created_at), func.max(c.created_at))).one()
        per_ticket = {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one() / TICKETS
            for table in (history, deadlines, notifications)
        }
        states = {row.state: row.n for row in conn.execute(select(c.state, func.count().label("n")).group_by(c.state))}
        means = {row.callback_means for row in conn.execute(select(c.callback_means).distinct())}
        mediations = {row.mediation for row in conn.execute(select(c.mediation).distinct())}
        undelivered = conn.execute(
            select(func.count()).where(notifications.c.sent_at.is_(None) | notifications.c.next_attempt_at.isnot(None))
        ).scalar_one()
        created = [row.created_at.astimezone(SHANGHAI) for row in conn.execute(select(c.created_at))]
        pending = conn.execute(select(func.count()).select_from(daily_count_changes)).scalar_one()
        rated = conn.execute(select(func.sum(daily_counts.c.base))).scalar_one()
    assert pending == 0 and rated > 0.8 * TICKETS, "the rates' roll-up is folded, as a running worker keeps it"
    assert last - first > timedelta(days=YEARS * 365 - 5)
    assert 3.5 <= per_ticket["history"] <= 6, per_ticket
    assert 2.5 <= per_ticket["deadlines"] <= 5, per_ticket
    assert undelivered == 0, "notices are recorded as delivered"
    assert states["closed"] > 0.85 * TICKETS
    assert {"closed_unreachable", "terminated", "returned"} <= set(states), states
    assert {"phone", "visit", "link"} <= means, means
    assert {"success", "partial", "failed"} <= mediations, "disputes record how their mediation ended"
    weekday = sum(1 for at in created if at.weekday() < 5) / 5
    weekend = sum(1 for at in created if at.weekday() >= 5) / 2
    assert weekday > 1.3 * weekend, "more requests on a working day than on a weekend day"
    office = sum(1 for at in created if time(8) <= at.time() < time(18))
    assert office > 0.7 * TICKETS, "most requests come in office hours"


def test_the_queue_board_rates_and_api_answer_on_the_generated_history(
    engine: Engine, login: Callable[[str], FlaskClient], client: FlaskClient, service: Ticketing
) -> None:
    c = tickets.c
    with engine.connect() as conn:
        held = conn.execute(
            select(c.holder_id, c.number).where(c.closed_at.is_(None), c.holder_id.isnot(None)).order_by(c.id)
        ).first()
    assert held is not None
    holder = login(held.holder_id)
    queue = holder.get("/staff/queue")
    assert queue.status_code == 200 and held.number in queue.get_data(as_text=True)
    assert holder.get(f"/staff/t/{held.number}").status_code == 200

    admin = login(ADMIN)
    assert admin.get("/supervise/board").status_code == 200
    assert admin.get("/supervise/rates").status_code == 200
    _id, token = issue_staff_token(service.engine, ADMIN, GENERATED_AT)
    bearer = {"Authorization": f"Bearer {token}"}

    board = client.get("/api/v1/board", headers=bearer)
    flagged = (c.overdue.is_(True)) | (c.tier > 0) | (c.needs_review.is_(True))
    assert board.status_code == 200
    assert board.get_json()["total"] == _count(engine, c.closed_at.is_(None), flagged) > 0

    first, last = (GENERATED_AT - timedelta(days=365)).astimezone(SHANGHAI).date(), GENERATED_AT.date()
    rates = client.get(f"/api/v1/rates?from={first}&to={last}", headers=bearer)
    assert rates.status_code == 200
    counts = rates.get_json()["overall"]["counts"]
    start = datetime.combine(first, time(), SHANGHAI)
    end = datetime.combine(last + timedelta(days=1), time(), SHANGHAI)
    in_period = (c.created_at >= start, c.created_at < end)
    assert counts["terminated"] == _count(engine, c.state == "terminated", *in_period) > 0
    assert counts["base"] > 0.8 * _count(engine, *in_period)

    listed = client.get("/api/v1/tickets?open=true&limit=100", headers=bearer)
    assert listed.status_code == 200
    assert len(listed.get_json()["items"]) == min(100, _count(engine, c.closed_at.is_(None)))


def test_a_ticket_opened_afterwards_takes_the_next_number(service: Ticketing, generated: Summary) -> None:
    opened = service.open_ticket(
        category="sanitation", description="垃圾桶满了", contact_phone="13806330000", now=GENERATED_AT
    )
    assert opened.id == generated.last_id + 1
    assert opened.number == f"261123-{generated.last_id + 1:06d}"


def test_the_sweep_fires_a_timer_the_generator_left_pending(engine: Engine, service: Ticketing) -> None:
    d = deadlines.c
    with engine.connect() as conn:
        pending = conn.execute(select(d.id, d.due_at).where(d.status == "pending").order_by(d.due_at, d.id)).first()
    assert pending is not None

    report = service.sweep.run(max(pending.due_at, GENERATED_AT) + timedelta(minutes=1))

    assert report.applied + report.stale >= 1
    with engine.connect() as conn:
        assert conn.execute(select(d.status).where(d.id == pending.id)).scalar_one() == "done"


def test_the_command_adds_tickets_after_the_last_one_with_worker_processes(
    engine: Engine, database_url: str, generated: Summary, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--url", database_url, "--tickets", "300", "--years", "0.1", "--workers", "2"]) == 0

    assert "300 tickets (" in capsys.readouterr().out
    with engine.connect() as conn:
        count, last = conn.execute(select(func.count(), func.max(tickets.c.id))).one()
    assert (count, last) == (TICKETS + 300, generated.last_id + 300)
