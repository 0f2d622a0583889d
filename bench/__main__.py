"""Every figure of the city-scale table, each beside a baseline measured in the same run.

    python -m bench [--postgres URL] [--no-sqlite] [--tickets N] [--quick] [--only FIGURE ...]

On each database (a temporary SQLite file; given ``--postgres``, a fresh
schema of that PostgreSQL, dropped afterwards): migrate, load the full
district, write N tickets of history with the generator, then measure intake,
the Open311 POST under gunicorn, escalation lateness with a worker running,
the pages, the API list and the exports, and last the sweep (which replaces
the tickets).  Figures are medians of interleaved rounds; the table prints
each with its baseline, the ratio and the goal.  ``--quick`` is a smoke run
(the small district, small counts, one round) for CI.  See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bench.engine import intake, sweep, vacuum
from bench.fresh_schema import fresh_schema
from bench.generate import generate
from bench.lateness import lateness
from bench.open311_load import open311
from bench.pages import pages
from bench.report import Figure, Progress, print_table
from ticketing.db.engine import make_engine
from ticketing.demo import load_demo_org
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.migrate import upgrade
from ticketing.deploy.settings import Settings

FIGURES = ("intake", "open311", "lateness", "pages", "sweep")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.quick:
        args.tickets, args.rounds, args.district = min(args.tickets, 2_000), 1, "small"
    wanted = [name for name in FIGURES if not args.only or name in args.only]
    databases = ([] if args.no_sqlite else ["sqlite"]) + (["postgresql"] if args.postgres else [])
    if not databases:
        raise SystemExit("nothing to measure: --no-sqlite needs --postgres URL")
    progress = Progress(len(databases) * (3 + len(wanted) + ("sweep" in wanted) * (1 + 2 * args.rounds)))
    figures: list[Figure] = []
    for database in databases:
        with _database(database, args.postgres) as (url, folder):
            figures += _measure(database, url, folder, wanted, args, progress)
    progress.finish()
    print_table(figures)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="also measure on this PostgreSQL, in a fresh schema")
    parser.add_argument("--no-sqlite", action="store_true", help="measure on PostgreSQL only")
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets of history first (default 100,000)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; figures are medians (default 3)")
    parser.add_argument("--district", choices=("full", "small"), default="full", help="demo district (default full)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: small district, 2,000 tickets, one round")
    parser.add_argument("--only", nargs="+", choices=FIGURES, help="measure these figures only")
    return parser


@contextmanager
def _database(database: str, postgres: str | None) -> Iterator[tuple[str, Path]]:
    with tempfile.TemporaryDirectory() as folder:
        if database == "sqlite":
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}", Path(folder)
        else:
            assert postgres is not None
            with fresh_schema(postgres) as url:
                yield url, Path(folder)


def _measure(
    database: str, url: str, folder: Path, wanted: list[str], args: argparse.Namespace, progress: Progress
) -> list[Figure]:
    quick = args.quick
    engine = make_engine(url)
    progress.step(f"{database}: migrating, loading the {args.district} district")
    upgrade(engine)
    with engine.begin() as conn:
        load_demo_org(conn, args.district)
    service = create_ticketing(Settings(database_url=url), engine)
    progress.step(f"{database}: writing {args.tickets:,} tickets of history")
    written = generate(engine, args.tickets, seed=13, workers=os.cpu_count() or 1)
    vacuum(engine)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TICKETING_")} | {"TICKETING_DATABASE_URL": url}
    figures = [
        Figure(
            database,
            f"history generator, {written.tickets:,} tickets ({written.history:,} history rows)",
            f"{written.per_second:,.0f} tickets/s ({written.seconds / 60:.1f} min)",
            "-",
            "-",
            "minutes",
            None,
        )
    ]
    try:
        for name in wanted:
            progress.step(f"{database}: {name}")
            if name == "intake":
                figures.append(intake(database, service, 200 if quick else 2_000, args.rounds))
            elif name == "open311":
                figures.append(open311(database, service, url, folder, 2.0 if quick else 10.0, args.rounds))
            elif name == "lateness":
                figures.append(lateness(database, service, env, folder, 50 if quick else 500, 100 if quick else 1_000))
            elif name == "pages":
                figures += pages(database, url, 5 if quick else 30, args.rounds)
            elif name == "sweep":
                count = 2_000 if quick else 100_000
                step = lambda what: progress.step(f"{database}: {what}")  # noqa: E731
                figures.append(sweep(database, service, count, args.rounds, 500, step))
    finally:
        engine.dispose()
    progress.step(f"{database}: done")
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
