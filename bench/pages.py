"""Pages, the API list and the exports as each role reads them, beside ``/healthz`` timed the same way.

Run in a process of its own (``python -m bench.pages TASK``, started by
``python -m bench``) so its resident memory is the web app's alone: the steady
memory after every page has been read is the exports' baseline.  Each page is
requested ``requests`` times a round, alternating with ``/healthz`` (the floor:
routing, the session, the headers, no query); its figure is the 95th percentile,
the median of the rounds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.report import Figure, percentile

PASSWORD = "bench-password-1"
PAGE_GOAL = 0.050  # seconds, p95
FIRST_BYTE_GOAL = 0.200  # seconds
RSS_GOAL = 150  # MiB
GRID_LEADER, COMMUNITY, STREET, ADMIN = "S0010", "S0004", "S0002", "S0001"  # the demo logins, in either district


def pages(database: str, url: str, requests: int, rounds: int) -> list[Figure]:
    """Every page figure on this database (the child's answer, made into figures)."""
    task = json.dumps({"url": url, "requests": requests, "rounds": rounds})
    done = subprocess.run([sys.executable, "-m", "bench.pages", task], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"the page figures failed:\n{done.stderr}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    floor = found.pop("healthz")
    figures = [
        Figure(
            database,
            f"{name} (p95)",
            _ms(seconds),
            f"/healthz: {_ms(floor)}",
            f"{seconds / floor:.1f}×",
            "≤ 50 ms",
            seconds <= PAGE_GOAL,
        )
        for name, seconds in found.pop("pages").items()
    ]
    for fmt in ("csv", "xlsx"):
        export = found[fmt]
        figures.append(
            Figure(
                database,
                f"board export, admin, {fmt.upper()} ({export['rows']:,} rows, {export['total_s']:.1f} s in all)",
                f"first byte {_ms(export['first_byte_s'])}",
                f"board page 1, admin: {_ms(found['admin_board_s'])}",
                f"{export['first_byte_s'] / found['admin_board_s']:.1f}×",
                "≤ 200 ms",
                export["first_byte_s"] <= FIRST_BYTE_GOAL,
            )
        )
    after, steady = found["rss_after_mb"], found["rss_steady_mb"]
    figures.append(
        Figure(
            database,
            "web RSS after both exports",
            f"{after:.0f} MB",
            f"steady, every page read: {steady:.0f} MB",
            f"{after / steady:.2f}×",
            f"≤ {RSS_GOAL} MB",
            after <= RSS_GOAL,
        )
    )
    return figures


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def _child(task: dict[str, Any]) -> None:
    """Log in as each role, time every page against /healthz, then both exports; print the figures as JSON."""
    from sqlalchemy import select

    from ticketing.db.engine import make_engine
    from ticketing.db.schema import tickets
    from ticketing.deploy.settings import Settings
    from ticketing.services.accounts import set_password
    from ticketing.services.credentials import issue_staff_token
    from ticketing.web import create_app

    now = datetime.now(UTC)
    engine = make_engine(task["url"])
    for staff_id in (GRID_LEADER, COMMUNITY, STREET, ADMIN):
        set_password(engine, staff_id, PASSWORD, now)
    _, token = issue_staff_token(engine, ADMIN, now)
    with engine.connect() as conn:
        newest = select(tickets.c.number).where(tickets.c.community_id == "C0101").order_by(tickets.c.id.desc())
        number = conn.execute(newest.limit(1)).scalar_one()
    engine.dispose()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=task["url"],
            secret_key="bench-secret-key-" + "x" * 48,
            secure_cookies=False,
            data_dir=Path(folder),
            login_limit="1000 per minute",
            api_token_limit="100000 per minute",
        )
        app = create_app(settings)
        app.config["WTF_CSRF_ENABLED"] = False
        clients = {staff_id: _logged_in(app, staff_id) for staff_id in (GRID_LEADER, COMMUNITY, STREET, ADMIN)}
        month, year = _periods(now.date())
        api = {"Authorization": f"Bearer {token}"}
        checks: dict[str, Callable[[], object]] = {
            "staff queue, grid leader": lambda: _get(clients[GRID_LEADER], "/staff/queue"),
            "ticket page": lambda: _get(clients[COMMUNITY], f"/staff/t/{number}"),
            "overdue board page 1, community": lambda: _get(clients[COMMUNITY], "/supervise/board"),
            "overdue board page 1, street": lambda: _get(clients[STREET], "/supervise/board"),
            "overdue board page 1, admin": lambda: _get(clients[ADMIN], "/supervise/board"),
            "rates page, month, admin": lambda: _get(clients[ADMIN], f"/supervise/rates?{month}"),
            "rates page, year, admin": lambda: _get(clients[ADMIN], f"/supervise/rates?{year}"),
            "/api/v1/tickets, admin": lambda: _get(clients[ADMIN], "/api/v1/tickets", api),
        }
        floor = lambda: _get(clients[ADMIN], "/healthz")  # noqa: E731
        for check in (*checks.values(), floor):  # imports, templates, the organisation, the database's caches
            check()
        rounds: dict[str, list[float]] = {name: [] for name in (*checks, "healthz")}
        for _ in range(task["rounds"]):
            for name, check in checks.items():
                ours, theirs = [], []
                for _ in range(task["requests"]):
                    ours.append(_seconds(check))
                    theirs.append(_seconds(floor))
                rounds[name].append(percentile(ours, 0.95))
                rounds["healthz"].append(percentile(theirs, 0.95))
        medians = {name: sorted(samples)[len(samples) // 2] for name, samples in rounds.items()}
        steady = _memory("VmRSS")
        exports = {fmt: _export(clients[ADMIN], f"/supervise/board.{fmt}") for fmt in ("csv", "xlsx")}
        figures = {
            "healthz": medians.pop("healthz"),
            "pages": medians,
            "admin_board_s": medians["overdue board page 1, admin"],
            "rss_steady_mb": steady,
            "rss_after_mb": _memory("VmRSS"),
        }
    print(json.dumps(figures | exports))


def _logged_in(app: Any, staff_id: str) -> Any:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    answer = client.post("/login", data={"staff_id": staff_id, "password": PASSWORD})
    if answer.status_code != 302:
        raise SystemExit(f"could not log in as {staff_id}: {answer.status_code}")
    return client


def _periods(today: date) -> tuple[str, str]:
    """The query strings of this month so far and of the last 365 days."""
    return f"first={today.replace(day=1)}&last={today}", f"first={today - timedelta(days=365)}&last={today}"


def _get(client: Any, path: str, headers: dict[str, str] | None = None) -> None:
    answer = client.get(path, headers=headers or {})
    if answer.status_code != 200:
        raise SystemExit(f"{path} answered {answer.status_code}")


def _seconds(check: Callable[[], object]) -> float:
    start = time.perf_counter()
    check()
    return time.perf_counter() - start


def _export(client: Any, path: str) -> dict[str, float]:
    """Read an export chunk by chunk, as a browser would: its first byte, its whole time, its data rows."""
    start = time.perf_counter()
    answer = client.get(path, buffered=False)
    if answer.status_code != 200:
        raise SystemExit(f"{path} answered {answer.status_code}")
    first = 0.0
    with tempfile.TemporaryFile() as out:
        for chunk in answer.response:
            if chunk and not first:
                first = time.perf_counter()
            out.write(chunk)
        size = out.tell()
        out.seek(0)
        rows = _rows(out, path)
    answer.close()
    return {"first_byte_s": first - start, "total_s": time.perf_counter() - start, "rows": rows, "size": size}


def _rows(body: Any, path: str) -> int:
    if path.endswith(".csv"):
        return max(sum(1 for _ in body) - 1, 0)
    from openpyxl import load_workbook

    sheet = load_workbook(body, read_only=True).active
    return max(sum(1 for _ in sheet.iter_rows()) - 1, 0)


def _memory(field: str) -> float:
    """A line of /proc/self/status (Linux), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    _child(json.loads(sys.argv[1]))
