"""Database fixtures: every database test runs on SQLite and, when
``TICKETING_TEST_DATABASE_URL`` is set, on that PostgreSQL server too.

Each run migrates its own SQLite file and its own PostgreSQL schema (dropped
at the end), so runs never see each other's data; tables are emptied after
every test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from tables import empty_tables

from ticketing.db.engine import make_engine
from ticketing.db.migrate import upgrade

PG_ENV = "TICKETING_TEST_DATABASE_URL"


@pytest.fixture(scope="session", autouse=True)
def run_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``TICKETING_DATA_DIR`` for the run (commands, servers started as processes): never the checkout's."""
    path = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TICKETING_DATA_DIR", str(path))
        yield path


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


def _postgres_schema_url(base: str, schema: str) -> str:
    url = make_url(base).set(drivername="postgresql+psycopg")
    url = url.update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for this test run; its URL."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        url = f"sqlite:///{path}"
        _migrate(url)
        yield url
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(os.environ[PG_ENV])
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _postgres_schema_url(os.environ[PG_ENV], schema)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the run's database; every table is emptied after the test."""
    engine = make_engine(database_url)
    yield engine
    empty_tables(engine)
    engine.dispose()
