"""Operating the service: probes, metrics, logs, backups and ``ticketing serve`` under gunicorn."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from secret_keys import TEST_SECRET_KEY
from sqlalchemy import Engine, func, select

from ticketing.cli import cli
from ticketing.db import heartbeat
from ticketing.db.schema import notifications, staff
from ticketing.db.tickets import count_pending_due
from ticketing.deploy.logs import configure_logging, ticket_logger
from ticketing.deploy.metrics import WORKER_REGISTRY, observe_sweep
from ticketing.deploy.settings import Settings
from ticketing.services import SweepReport, Ticketing
from ticketing.web import create_app
from ticketing.web.ops import HEARTBEAT_MAX_AGE

WEB_NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock (conftest): Monday 09:00 in Shanghai

# --- probes ------------------------------------------------------------------


def test_healthz_answers_while_the_process_is_up(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_ready_with_a_current_schema_and_a_recent_heartbeat(client: FlaskClient, engine: Engine) -> None:
    with engine.begin() as conn:
        heartbeat.beat(conn, WEB_NOW - timedelta(seconds=5))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "worker": "ok"},
        "failed": [],
        "warnings": [
            "holidays: no State Council notice loaded for 2027, which the next 60 days reach: its make-up "
            "workdays are unknown; add them as holiday overrides once published"
        ],
    }


def test_not_ready_without_a_worker_heartbeat(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["worker"]
    assert response.get_json()["checks"]["worker"] == "no heartbeat"


def test_not_ready_when_the_heartbeat_is_stale(client: FlaskClient, engine: Engine, clock: list) -> None:
    with engine.begin() as conn:
        heartbeat.beat(conn, WEB_NOW)
    clock[0] = WEB_NOW + HEARTBEAT_MAX_AGE + timedelta(seconds=1)
    body = client.get("/readyz").get_json()
    assert body["failed"] == ["worker"]
    assert body["checks"]["worker"].startswith("stale")


def test_a_deployment_without_a_worker_can_disable_the_heartbeat_check(
    service: Ticketing, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKETING_REQUIRE_WORKER", "0")
    settings = Settings(database_url=database_url, secret_key=TEST_SECRET_KEY)
    app = create_app(settings, service, clock=lambda: WEB_NOW, testing=True)
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["worker"] == "disabled"


def test_not_ready_when_the_schema_is_behind(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}", secret_key=TEST_SECRET_KEY)
    body = create_app(settings, testing=True).test_client().get("/readyz").get_json()
    assert body["failed"] == ["migrations"]
    assert body["checks"] == {"database": "ok", "migrations": "behind", "worker": "not checked"}


def test_not_ready_when_the_database_is_unreachable() -> None:
    unreachable = f"postgresql+psycopg://nobody@127.0.0.1:{_free_port()}/none"
    settings = Settings(database_url=unreachable, secret_key=TEST_SECRET_KEY)
    response = create_app(settings, testing=True).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failed"] == ["database"]


# --- metrics -----------------------------------------------------------------


METRICS_TOKEN = "scrape-token"
SCRAPER = {"Authorization": f"Bearer {METRICS_TOKEN}"}


def _scrape(app: Flask) -> dict[tuple[str, tuple], float]:
    app.extensions["ticketing_settings"] = replace(app.extensions["ticketing_settings"], metrics_token=METRICS_TOKEN)
    response = app.test_client().get("/metrics", headers=SCRAPER)
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


@pytest.mark.usefixtures("demo_tickets")
def test_metrics_count_what_the_database_holds(app: Flask, service: Ticketing, clock: list) -> None:
    clock[0] = WEB_NOW + timedelta(days=3)  # some deadlines are due by then
    samples = _scrape(app)
    counts = service.state_counts()
    overdue = counts.pop("overdue")
    by_state = {labels[0][1]: value for (name, labels), value in samples.items() if name == "ticketing_tickets"}
    assert by_state == counts
    assert samples["ticketing_tickets_overdue", ()] == overdue
    with service.engine.connect() as conn:
        due = count_pending_due(conn, clock[0])
        unsent = conn.execute(select(func.count()).where(notifications.c.sent_at.is_(None))).scalar_one()
    assert due > 0
    assert samples["ticketing_deadlines_due", ()] == due
    assert samples["ticketing_outbox_backlog", ()] == unsent > 0
    assert samples.get(("ticketing_outbox_dead", ()), 0) == 0


def test_each_app_has_its_own_registry(service: Ticketing, database_url: str) -> None:
    settings = Settings(database_url=database_url, secret_key=TEST_SECRET_KEY, metrics_token=METRICS_TOKEN)
    first, second = (create_app(settings, service, testing=True) for _ in range(2))
    assert first.extensions["ticketing_metrics"] is not second.extensions["ticketing_metrics"]
    scraped = second.test_client().get("/metrics", headers=SCRAPER).get_data(as_text=True)
    assert "ticketing_tickets_overdue 0.0" in scraped


def test_the_worker_records_each_sweep() -> None:
    def sample(name: str) -> float:
        return WORKER_REGISTRY.get_sample_value(name) or 0.0

    before = [sample(n) for n in ("ticketing_sweep_duration_seconds_count", "ticketing_deadlines_fired_total")]
    observe_sweep(SweepReport(fired=3), seconds=0.2, lateness_seconds=1.5)
    observe_sweep(SweepReport(), seconds=0.01, lateness_seconds=None)
    assert sample("ticketing_sweep_duration_seconds_count") == before[0] + 2
    assert sample("ticketing_deadlines_fired_total") == before[1] + 3
    assert WORKER_REGISTRY.get_sample_value("ticketing_sweep_lateness_seconds_bucket", {"le": "5.0"}) >= 1


# --- logs --------------------------------------------------------------------


@pytest.fixture
def root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("root_logging")
def test_json_logs_name_the_ticket_on_every_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("json")
    configure_logging("json")  # again: still one line per record
    log = ticket_logger(logging.getLogger("ticketing.test"), "GD20261123-0001")
    log.info("escalated to tier %d", 2)
    logging.getLogger("ticketing.test").warning("no ticket here")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["message"], line.get("ticket")) for line in lines] == [
        ("escalated to tier 2", "GD20261123-0001"),
        ("no ticket here", None),
    ]
    assert lines[0]["level"] == "INFO"
    assert lines[0]["logger"] == "ticketing.test"


@pytest.mark.usefixtures("root_logging")
def test_human_logs_by_default(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TICKETING_LOG_FORMAT", raising=False)
    configure_logging()
    ticket_logger(logging.getLogger("ticketing.test"), "GD20261123-0001").info("handed over")
    assert "INFO ticketing.test [ticket GD20261123-0001]: handed over" in capsys.readouterr().err


# --- backup and restore ------------------------------------------------------


def _run(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database-url", database_url, *args], catch_exceptions=False)


def _staff_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM staff").fetchone()[0]


def test_backup_and_restore_a_sqlite_database(
    service: Ticketing, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKETING_DATA_DIR", str(tmp_path / "data"))
    if service.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL is backed up with pg_dump")
    with service.engine.connect() as conn:
        people = conn.execute(select(func.count()).select_from(staff)).scalar_one()
    copy = tmp_path / "backup.tar.gz"
    assert _run(database_url, "backup", str(copy)).exit_code == 0
    assert _run(database_url, "backup", str(copy)).exit_code == 1  # never overwrites without --force

    restored = tmp_path / "restored.sqlite3"
    result = _run(f"sqlite:///{restored}", "restore", str(copy))
    assert result.exit_code == 0, result.output
    assert _staff_count(restored) == people

    again = _run(f"sqlite:///{restored}", "restore", str(copy))
    assert again.exit_code == 1
    assert "--force" in again.output
    assert _run(f"sqlite:///{restored}", "restore", "--force", str(copy)).exit_code == 0


def test_backup_and_restore_need_no_workflow_files(
    service: Ticketing, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A deployment whose workflow files are broken can still be backed up and restored (the emergency case)."""
    if service.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL is backed up with pg_dump")
    monkeypatch.setenv("TICKETING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TICKETING_WORKFLOWS", str(tmp_path / "no-such-folder"))
    copy = tmp_path / "backup.tar.gz"
    assert _run(database_url, "init").exit_code != 0  # the workflows really are missing

    assert _run(database_url, "backup", str(copy)).exit_code == 0
    restored = tmp_path / "restored.sqlite3"
    result = _run(f"sqlite:///{restored}", "restore", str(copy))
    assert result.exit_code == 0, result.output


def test_restore_refuses_a_file_that_is_not_a_ticketing_database(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (id INTEGER)")
    (tmp_path / "notes.txt").write_text("not a database", encoding="utf-8")
    for source in (other, tmp_path / "notes.txt"):
        result = _run(f"sqlite:///{tmp_path / 'target.sqlite3'}", "restore", str(source))
        assert result.exit_code == 1
        assert "not a ticketing database" in result.output


def test_postgresql_backups_are_left_to_pg_dump(engine: Engine, database_url: str, tmp_path: Path) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL refusal")
    for command in ("backup", "restore"):
        result = _run(database_url, command, str(tmp_path / "x.dump"))
        assert result.exit_code == 1
        assert "pg_dump" in result.output


# --- serve -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _children(pid: int) -> set[int]:
    """Direct child processes, from /proc (Linux)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _wait_for(url: str, status: int, deadline: float) -> bytes:
    while time.monotonic() < deadline:
        try:
            code, body = _get(url)
        except OSError:
            code, body = 0, b""
        if code == status:
            return body
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer {status} in time")


@pytest.mark.slow
def test_serve_runs_gunicorn_workers_and_one_deadline_worker(engine: Engine, database_url: str) -> None:
    port = _free_port()
    env = {**os.environ, "TICKETING_SECURE_COOKIES": "0"}
    command = [sys.executable, "-m", "ticketing.cli", "--database-url", database_url]
    server = subprocess.Popen([*command, "serve", "--port", str(port), "--workers", "2"], env=env)
    try:
        deadline = time.monotonic() + 14
        assert json.loads(_wait_for(f"http://127.0.0.1:{port}/healthz", 200, deadline)) == {"status": "ok"}
        ready = json.loads(_wait_for(f"http://127.0.0.1:{port}/readyz", 200, deadline))  # the worker has beaten
        assert ready["checks"]["worker"] == "ok"
        children = _children(server.pid)
        assert len(children) == 3  # two web processes and one worker
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=12)
    assert server.returncode == 0
    time.sleep(0.2)
    assert not {pid for pid in children if Path(f"/proc/{pid}").exists()}
