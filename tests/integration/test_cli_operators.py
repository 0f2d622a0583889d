"""The ``ticketing`` command as an operator meets it: a busy port, the demo's output, ticket lists, log times."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from databases import RunDatabase
from sqlalchemy import Engine

from ticketing.cli import cli
from ticketing.deploy.logs import configure_logging

Run = Callable[..., Result]


@pytest.fixture
def run(engine: Engine, run_database: RunDatabase) -> Run:
    """The command on a database where ``demo --load-only`` ran (once a run; restored for each test)."""
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--database-url", run_database.url, *args])

    def load_demo() -> None:
        assert invoke("demo", "--load-only").exit_code == 0

    run_database.prepare("demo_cli", load_demo)
    return invoke


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port another program listens on."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


# --- a busy port -------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_busy_port_names_the_option_to_change(run: Run, busy_port: int, command: str) -> None:
    result = run(command, "--port", str(busy_port))
    assert result.exit_code == 1
    assert f"port {busy_port} is in use: choose another with --port" in result.stderr
    assert "serving on" not in result.stdout and "demo logins" not in result.stdout


def test_a_busy_port_ends_the_demo_without_a_traceback(database_url: str, busy_port: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ticketing", "--database-url", database_url, "demo", "--port", str(busy_port)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"Error: port {busy_port} is in use: choose another with --port"


# --- the demo's output ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_demo_serves_under_gunicorn_and_then_prints_the_logins(tmp_path: Path) -> None:
    """No development-server warning, no migration chatter: the summary, then the logins once it listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        key: value for key, value in os.environ.items() if key not in ("TICKETING_DATABASE_URL", "TICKETING_SECRET_KEY")
    }
    env["TICKETING_DATA_DIR"] = str(tmp_path)
    stderr = tmp_path / "stderr"
    with stderr.open("wb") as errors:
        demo = subprocess.Popen(
            [sys.executable, "-m", "ticketing", "demo", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    try:
        assert demo.stdout is not None
        lines = []
        while not lines or not lines[-1].startswith("residents track any demo ticket"):
            line = demo.stdout.readline()
            assert line, f"the demo ended: {stderr.read_text()}"
            lines.append(line.rstrip("\n"))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=30) as answer:
            assert answer.status == 200 and answer.headers["Server"] == "ticketing"
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=60)
    assert f"demo logins at http://127.0.0.1:{port}/login (password demo-2026):" in lines
    assert lines.index(f"serving on http://127.0.0.1:{port}/ with a deadline worker (Ctrl+C to stop)") > lines.index(
        "registry version 1"
    )
    logged = stderr.read_text()
    assert "development server" not in logged and "alembic" not in logged and "Traceback" not in logged


def test_loading_the_demo_only_prints_no_logins(run: Run) -> None:
    result = run("demo", "--load-only")
    assert result.exit_code == 0
    assert "demo logins" not in result.stdout and "password" not in result.stdout
    assert "`ticketing demo` serves it and prints the logins" in result.stdout
    assert result.stderr == ""  # no progress unless asked for, or stderr is a terminal


def test_migrations_log_nothing_unless_verbose(run: Run, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    assert run("init").exit_code == 0
    assert not [record for record in caplog.records if record.name.startswith("alembic")]
    assert run("--verbose", "init").exit_code == 0
    assert [record for record in caplog.records if record.name.startswith("alembic")]


def test_loading_the_demo_shows_progress_when_asked(engine: Engine, database_url: str) -> None:
    """Asked with --progress (stderr here is no terminal): a line per tenth, and the result on stdout as before."""
    result = CliRunner().invoke(cli, ["--database-url", database_url, "demo", "--load-only", "--progress"])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert [line.partition("%")[0] for line in lines] == [f"loading the demo: {tenth * 10}" for tenth in range(11)]
    assert lines[-1].startswith("loading the demo: 100% (")
    assert "demo tickets: " in result.stdout


# --- ticket lists ---------------------------------------------------------------------------------------


def test_the_ticket_list_has_a_header_row_over_aligned_columns(run: Run) -> None:
    result = run("tickets", "list", "--state", "in_progress", "--limit", "3")
    assert result.exit_code == 0
    header, *rows, count = result.stdout.splitlines()
    assert header.split() == [
        "NUMBER", "STATE", "TIER", "POST", "HOLDER", "FIRST", "RESPONDER", "VERSION", "DUE", "FLAGS", "CATEGORY",
        "DESCRIPTION",
    ]  # fmt: skip
    assert len(rows) == 3 and count == "3 ticket(s)"
    state_column = header.index("STATE")
    assert all(row[state_column:].startswith("in_progress ") for row in rows)


def test_an_unknown_state_is_refused_naming_the_states(run: Run) -> None:
    result = run("tickets", "list", "--state", "bogus")
    assert result.exit_code == 2
    assert "'bogus' is not a state; choose one of new, in_progress, waiting_resident, resolved" in result.stderr
    assert "ticket(s)" not in result.stdout


# --- log times ------------------------------------------------------------------------------------------


@pytest.fixture
def shanghai_clock() -> Iterator[None]:
    """The machine's local time zone set to China Standard Time, and the root logger restored afterwards."""
    root = logging.getLogger()
    handlers, level, zone = list(root.handlers), root.level, os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    if zone is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = zone
    time.tzset()


@pytest.mark.usefixtures("shanghai_clock")
def test_log_lines_carry_the_offset_from_utc(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("text")
    logging.getLogger("ticketing.test").warning("sweep late")
    line = capsys.readouterr().err.strip()
    stamp = re.match(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d) WARNING ticketing.test: sweep late$", line)
    assert stamp, line
    assert datetime.fromisoformat(stamp[1]).utcoffset() == timedelta(hours=8)
