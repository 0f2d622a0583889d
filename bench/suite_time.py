"""Time the test suite before and after, in one run: a baseline revision as it ran, and this working tree.

    python bench/suite_time.py 22c04e5                      # the whole suite, both ways
    python bench/suite_time.py 22c04e5 -- tests/unit -q     # a selection (any pytest arguments)

The baseline is checked out with ``git worktree add`` into a temporary folder
and run with this interpreter (the same venv) and ``PYTHONPATH`` set to that
checkout, so its ``ticketing`` package, workflows, migrations and templates
are the ones that run (checked before timing); its own pytest settings apply.
It runs serially (``pytest``), as it did; the working tree runs with
``--new`` (default ``-n auto``). Both get this environment: set
``TICKETING_TEST_DATABASE_URL``, ``TICKETING_REQUIRE_BROWSER`` and
``TICKETING_REQUIRE_REDIS`` as ``.ci/run`` does to time what CI runs.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Timed:
    label: str
    seconds: float
    returncode: int
    summary: str


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True).stdout.strip()


def _check_imports(checkout: Path, env: dict[str, str]) -> None:
    """Fail unless ``import ticketing`` in this environment loads the given checkout's package."""
    found = subprocess.run(
        [sys.executable, "-c", "import ticketing; print(ticketing.__file__)"],
        cwd=checkout,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not Path(found).resolve().is_relative_to(checkout.resolve()):
        raise SystemExit(f"ticketing would be imported from {found}, not from {checkout}")


def _run(label: str, checkout: Path, pytest_args: Sequence[str], env: dict[str, str]) -> Timed:
    command = [sys.executable, "-m", "pytest", *pytest_args]
    print(f"--- {label}: {shlex.join(command)}  (in {checkout})", flush=True)
    started = time.monotonic()
    done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    lines = done.stdout.strip().splitlines()
    summary = lines[-1] if lines else done.stderr.strip()[-300:]
    print(f"    {summary}  ({seconds:.1f} s)", flush=True)
    if done.returncode not in (0, 5):  # 5: nothing collected
        print("\n".join(lines[-40:]), file=sys.stderr)
    return Timed(label, seconds, done.returncode, summary)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("baseline", help="git revision to compare with (e.g. 22c04e5)")
    parser.add_argument("--old", default="", help="extra pytest arguments for the baseline (default: none, serial)")
    parser.add_argument("--new", default="-n auto", help="extra pytest arguments for the working tree")
    parser.add_argument("pytest_args", nargs="*", help="after --: a selection and options for both runs")
    args = parser.parse_args(argv)

    revision = _git("rev-parse", "--verify", f"{args.baseline}^{{commit}}")
    results: list[Timed] = []
    with tempfile.TemporaryDirectory(prefix="suite-time-") as scratch:
        baseline = Path(scratch) / "baseline"
        _git("worktree", "add", "--detach", str(baseline), revision)
        try:
            old_env = os.environ | {
                "PYTHONPATH": os.pathsep.join(filter(None, [str(baseline), os.environ.get("PYTHONPATH")]))
            }
            _check_imports(baseline, old_env)
            results.append(
                _run(f"baseline {revision[:10]}", baseline, [*shlex.split(args.old), *args.pytest_args], old_env)
            )
        finally:
            _git("worktree", "remove", "--force", str(baseline))
    new_env = dict(os.environ)
    _check_imports(REPO, new_env)
    results.append(_run("working tree", REPO, [*shlex.split(args.new), *args.pytest_args], new_env))

    old, new = results
    print()
    for timed in results:
        print(f"{timed.label:>22}: {timed.seconds:8.1f} s  (exit {timed.returncode})  {timed.summary}")
    print(f"{'ratio':>22}: {old.seconds / new.seconds:8.2f}x faster")
    return 0 if all(timed.returncode in (0, 5) for timed in results) else 1


if __name__ == "__main__":
    sys.exit(main())
