"""Measure the supervisors' board export (CSV and Excel) next to the previous implementation, in the same run.

    python bench/bench_exports.py [--postgres URL] [--tickets 5000,20000,100000] [--previous REV]

The board is filled with N overdue tickets: one opened by the engine and swept
until overdue, then copied N times (its ticket row and its history rows) with
bulk inserts.  Each export is fetched by an admin, who sees the whole district,
through the web app in a fresh process, which prints the time to the first
byte, the total time and how far its resident memory grew (peak RSS minus the
RSS before the request).  The previous implementation is the ``ticketing``
package of ``--previous`` (a git revision), extracted into a temporary folder
and run by the same script against the same database.  See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fresh_schema import fresh_schema
from sqlalchemy import Engine, func, insert, select

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENED = datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI)  # an ordinary working Monday
PREVIOUS = "74475a973a76ad81968c43252572ceb0bab91e8e"  # the last revision that built exports in memory
PASSWORD = "bench-password-1"
ADMIN = "S0001"
CLONE_CHUNK = 5_000
FORMATS = ("csv", "xlsx")
BESIDE = ("workflows", "templates", "migrations")  # what the package reads from beside itself
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Figure:
    """One export of N board tickets by one implementation."""

    database: str
    tickets: int
    fmt: str
    implementation: str
    first_byte_s: float
    total_s: float
    rss_growth_mb: float
    size_mb: float
    rows: int


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    if args.child:
        _child(json.loads(args.child))
        return
    counts = sorted(int(n) for n in args.tickets.split(","))
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        previous = _extract(args.previous, Path(folder)) if args.previous != "none" else None
        figures += _measure("sqlite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}", counts, previous, args)
        if args.postgres:
            with fresh_schema(args.postgres) as url:
                figures += _measure("postgresql", url, counts, previous, args)
    _print_table(figures)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Board exports: streamed next to the previous implementation.")
    parser.add_argument("--postgres", metavar="URL", help="also measure on this PostgreSQL (in a fresh schema)")
    parser.add_argument(
        "--tickets", default="5000,20000,100000", help="board sizes, comma-separated (default 5000,20000,100000)"
    )
    parser.add_argument("--previous", default=PREVIOUS, help=f"git revision to compare with, or none ({PREVIOUS})")
    parser.add_argument(
        "--previous-xlsx-max",
        type=int,
        default=5_000,
        metavar="N",
        help="largest board the previous Excel export is run on (it is quadratic: minutes beyond; default 5000)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    return parser


def _extract(revision: str, folder: Path) -> Path:
    """The checkout at ``revision`` (package, workflows, templates, migrations), with this tree's compiled
    catalogues (they are not in git)."""
    target = folder / "previous"
    target.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "ticketing", *BESIDE], check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    for compiled in (ROOT / "ticketing/web/translations").rglob("*.mo"):
        shutil.copy(compiled, target / compiled.relative_to(ROOT))
    return target


# --- the board -----------------------------------------------------------------


def _measure(
    database: str, url: str, counts: list[int], previous: Path | None, args: argparse.Namespace
) -> list[Figure]:
    from ticketing.db.engine import make_engine

    engine = make_engine(url)
    figures = []
    try:
        at = _prepare(engine, url)
        for count in counts:
            print(f"{database}: filling the board to {count:,} tickets (bulk inserts, not timed)", flush=True)
            _fill(engine, count)
            for fmt in FORMATS:
                runs = [("streamed", None)]
                if previous is not None and (fmt == "csv" or count <= args.previous_xlsx_max):
                    runs.insert(0, ("previous", previous))
                for name, tree in runs:
                    print(f"{database}: {count:,} tickets, {fmt}, {name}", flush=True)
                    found = _run_child(url, at, fmt, tree)
                    figures.append(Figure(database, count, fmt, name, **found))
    finally:
        engine.dispose()
    return figures


def _prepare(engine: Engine, url: str) -> datetime:
    """Migrate, load the demo district, open one ticket and sweep until it is overdue; the time then."""
    from ticketing.demo import load_demo_org
    from ticketing.deploy.bootstrap import create_ticketing
    from ticketing.deploy.migrate import upgrade
    from ticketing.deploy.settings import Settings
    from ticketing.services.accounts import set_password

    upgrade(engine)
    with engine.begin() as conn:
        load_demo_org(conn)
    service = create_ticketing(Settings(database_url=url), engine)
    number = service.open_ticket(
        category="property_repair",
        description="楼道灯不亮",
        contact_phone="13806330000",
        location_id="B01010101",
        now=OPENED,
    ).number
    at = OPENED
    while not (ticket := service.show(number).ticket).overdue:
        assert ticket.due_at is not None
        at = ticket.due_at
        service.sweep.run(at)
    set_password(engine, ADMIN, PASSWORD, at)
    return at + timedelta(minutes=1)


def _fill(engine: Engine, count: int) -> None:
    """Copy the first ticket and its history until the board holds ``count`` tickets (executemany, chunked)."""
    from ticketing.db.schema import history, tickets

    with engine.connect() as conn:
        template = dict(conn.execute(select(tickets).order_by(tickets.c.id).limit(1)).mappings().one())
        of_template = history.c.ticket_id == template["id"]
        lines = [dict(row) for row in conn.execute(select(history).where(of_template)).mappings()]
        have = conn.execute(select(func.count()).select_from(tickets)).scalar_one()
    prefix = template["number"].split("-")[0]
    first = template["id"] + have
    for start in range(first, template["id"] + count, CLONE_CHUNK):
        ids = range(start, min(start + CLONE_CHUNK, template["id"] + count))
        with engine.begin() as conn:
            conn.execute(insert(tickets), [_clone(template, prefix, ticket_id) for ticket_id in ids])
            rows = [line | {"ticket_id": ticket_id} for ticket_id in ids for line in lines]
            conn.execute(insert(history), [{k: v for k, v in row.items() if k != "id"} for row in rows])
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def _clone(template: dict[str, Any], prefix: str, ticket_id: int) -> dict[str, Any]:
    """The ticket again, opened a few minutes earlier than the previous copy, with its own id and number."""
    opened = template["created_at"] - timedelta(minutes=ticket_id % 20_000)
    return template | {"id": ticket_id, "number": f"{prefix}-{ticket_id:07d}", "created_at": opened}


# --- one export, in its own process ----------------------------------------------


def _run_child(url: str, at: datetime, fmt: str, tree: Path | None) -> dict[str, Any]:
    env = dict(os.environ)
    if tree is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(tree), env.get("PYTHONPATH"))))
    task = json.dumps({"url": url, "at": at.isoformat(), "fmt": fmt})
    done = subprocess.run([sys.executable, __file__, "--child", task], env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"the export failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child(task: dict[str, Any]) -> None:
    """Fetch one board export as the admin and print its figures as JSON."""
    from ticketing.deploy.settings import Settings
    from ticketing.web import create_app

    at = datetime.fromisoformat(task["at"])
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            database_url=task["url"],
            secret_key="bench-secret-key-" + "x" * 48,
            secure_cookies=False,
            data_dir=Path(folder),
            login_limit="1000 per minute",
        )
        app = create_app(settings, clock=lambda: at, testing=True)
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
        login = client.post("/login", data={"staff_id": ADMIN, "password": PASSWORD})
        assert login.status_code == 302, login.status_code
        path = f"/supervise/board.{task['fmt']}"
        _fetch(client, f"{path}?age=3650")  # warm up: imports, templates, the organisation; no rows
        before = _reset_peak()
        start = time.perf_counter()
        first, size, body = _fetch(client, path, keep=Path(folder) / f"export.{task['fmt']}")
        total = time.perf_counter() - start
        peak = _memory("VmHWM")
        rows = _rows(body, task["fmt"])
    growth = max(peak - before, 0) / 2**20
    figures = {"first_byte_s": first - start, "total_s": total, "rss_growth_mb": growth, "size_mb": size / 2**20}
    print(json.dumps(figures | {"rows": rows}))


def _fetch(client: Any, path: str, keep: Path | None = None) -> tuple[float, int, Path | None]:
    """Read the response as a browser would, chunk by chunk, to a file; when its first byte came, and its size."""
    response = client.get(path, buffered=False)
    assert response.status_code == 200, response.status_code
    first, size = 0.0, 0
    with open(keep or os.devnull, "wb") as out:
        for chunk in response.response:
            if chunk and not first:
                first = time.perf_counter()
            size += len(chunk)
            out.write(chunk)
    response.close()
    return first, size, keep


def _reset_peak() -> int:
    """Start the peak resident memory (VmHWM) afresh, at the memory in use now (Linux); that memory."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")
    return _memory("VmRSS")


def _memory(field: str) -> int:
    """A memory figure of this process, in bytes, from ``/proc/self/status``."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(f"{field}:"))
    return int(line.split()[1]) * 1024


def _rows(body: Path | None, fmt: str) -> int:
    """The data rows of the export (its heading row left out), read back as a supervisor would."""
    assert body is not None
    if fmt == "csv":
        with open(body, encoding="utf-8-sig") as file:
            return sum(1 for _ in file) - 1
    from openpyxl import load_workbook

    book = load_workbook(body, read_only=True)
    try:
        return sum(1 for _ in book.active.iter_rows(values_only=True)) - 1
    finally:
        book.close()


# --- the report ----------------------------------------------------------------


def _print_table(figures: list[Figure]) -> None:
    header = (
        "database",
        "tickets",
        "format",
        "implementation",
        "first byte s",
        "total s",
        "RSS growth MB",
        "file MB",
        "rows",
    )
    lines = [header]
    for f in figures:
        lines.append(
            (
                f.database,
                f"{f.tickets:,}",
                f.fmt,
                f.implementation,
                f"{f.first_byte_s:.3f}",
                f"{f.total_s:.2f}",
                f"{f.rss_growth_mb:.1f}",
                f"{f.size_mb:.1f}",
                f"{f.rows:,}",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    print()
    for line in lines:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
