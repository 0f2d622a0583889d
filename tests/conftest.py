"""Database fixtures: every database test runs on SQLite and, when
``TICKETING_TEST_DATABASE_URL`` is set, on that PostgreSQL server too.

Each pytest process (each xdist worker) migrates its own SQLite file and its
own PostgreSQL schema (dropped at the end), so runs and workers never see
each other's data. A test starts from the empty, migrated database and it is
restored to that state after the test; fixtures that need the demo district
restore a state saved the first time it was built (``tests/databases.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from databases import EMPTY, PostgresRun, RunDatabase, SqliteRun
from flask import Flask
from sqlalchemy import Engine
from template_cache import MemoryBytecodeCache
from url_builders import compiled_once
from werkzeug.routing import Rule

PG_ENV = "TICKETING_TEST_DATABASE_URL"


@pytest.fixture(scope="session", autouse=True)
def run_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``TICKETING_DATA_DIR`` for the run (commands, servers started as processes): never the checkout's."""
    path = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TICKETING_DATA_DIR", str(path))
        yield path


@pytest.fixture(scope="session", autouse=True)
def compiled_templates() -> Iterator[None]:
    """Every Flask app of the run (one a test) shares one cache of compiled templates."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Flask, "jinja_options", {**Flask.jinja_options, "bytecode_cache": MemoryBytecodeCache()})
        yield


@pytest.fixture(scope="session", autouse=True)
def url_builders_compiled_once() -> Iterator[None]:
    """Every Flask app of the run shares the URL builders werkzeug compiles for its rules."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", compiled_once(Rule._compile_builder))
        yield


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under xdist, the slow tests (real processes, real waits) run one at a time, on one worker.

    Their bounds are for a loaded machine, not for two of them at once beside it: the 4-process rate limit,
    the worker firing deadlines on time, serve and demo with their workers, the concurrent sweeps.
    """
    for item in items:
        if item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.xdist_group("slow"))


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


class RunDatabases:
    """This process's database for each backend, made on first use and kept for the whole run.

    Kept outside the parametrised fixture: pytest ends a parametrised session fixture whenever the next test
    has the other parameter (xdist hands out tests in any mix), and the saved states would go with it.
    """

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.made: dict[str, RunDatabase] = {}

    def get(self, backend: str) -> RunDatabase:
        if backend not in self.made:
            if backend == "sqlite":
                run: RunDatabase = SqliteRun(self.tmp_path_factory.mktemp("db"))
            else:
                run = PostgresRun(os.environ[PG_ENV])
            self.made[backend] = run
            run.migrate()
        return self.made[backend]

    def drop(self) -> None:
        for run in self.made.values():
            run.drop()


@pytest.fixture(scope="session")
def run_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunDatabases]:
    databases = RunDatabases(tmp_path_factory)
    yield databases
    databases.drop()


@pytest.fixture(scope="session", params=_backends())
def run_database(request: pytest.FixtureRequest, run_databases: RunDatabases) -> RunDatabase:
    """This process's migrated database on one backend, with its saved states."""
    return run_databases.get(request.param)


@pytest.fixture(scope="session")
def database_url(run_database: RunDatabase) -> str:
    """The URL of this process's database (the one ``engine`` is on)."""
    return run_database.url


@pytest.fixture
def engine(run_database: RunDatabase) -> Iterator[Engine]:
    """An engine on the empty, migrated database; the database is restored to that state after the test."""
    engine = run_database.engine()
    yield engine
    run_database.release(engine)
    run_database.restore(EMPTY)
