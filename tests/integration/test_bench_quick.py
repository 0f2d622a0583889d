"""``python -m bench --quick``, the smoke run CI makes: every figure of the table comes out, on each database.

No figure is checked against its goal here (timings are not asserted in tests): only that each is measured
beside its baseline and printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PG_ENV = "TICKETING_TEST_DATABASE_URL"
FIGURES = (
    "history generator, 2,000 tickets",
    "intake, engine, one transaction per ticket",
    "Open311 POST, gunicorn 2×4 threads, 8 clients",
    "escalation lateness, worker running",
    "staff queue, grid leader (p95)",
    "ticket page (p95)",
    "overdue board page 1, community (p95)",
    "overdue board page 1, street (p95)",
    "overdue board page 1, admin (p95)",
    "rates page, month, admin (p95)",
    "rates page, year, admin (p95)",
    "/api/v1/tickets, admin (p95)",
    "board export, admin, CSV",
    "board export, admin, XLSX",
    "web RSS after both exports",
    "sweep, 2,000 due",
)


def _databases() -> list[str]:
    return ["sqlite"] + (["postgresql"] if os.environ.get(PG_ENV) else [])


@pytest.mark.parametrize("database", _databases())
def test_quick_run_prints_every_figure_beside_its_baseline(database: str) -> None:
    where = [] if database == "sqlite" else ["--no-sqlite", "--postgres", os.environ[PG_ENV]]
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", *where], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-3000:]
    rows = [line for line in run.stdout.splitlines() if line.startswith(f"| {database}")]
    for figure in FIGURES:
        found = [row for row in rows if figure in row]
        assert len(found) == 1, f"{figure!r} missing from:\n{run.stdout}"
        cells = [cell.strip() for cell in found[0].strip("|").split("|")]
        value, baseline, verdict = cells[2], cells[3], cells[6]
        assert any(digit.isdigit() for digit in value), found[0]
        assert verdict in ("yes", "NO", "-"), found[0]
        if "lateness" not in figure and "generator" not in figure:  # the figures the issue gives no baseline
            assert any(digit.isdigit() for digit in baseline), found[0]
    assert "done" in run.stderr  # the progress bar ran to its end
