"""The run's database and its saved states: a state is built once per run, then restored in milliseconds.

Each pytest process (each xdist worker too) migrates one database of its own
for each backend: a SQLite file in its temporary directory, a PostgreSQL
schema with a random name. Tests share that database one after another and
always see committed rows, so ``ticketing serve`` or a worker started as a
process sees what the test wrote. A *state* (the migrated, empty database; the
demo district; the demo with its tickets) is built the first time a test
asks for it and saved; later tests restore the saved copy instead of
building it again.

SQLite saves and restores whole files through SQLite's backup API (safe with
the connections other engines still hold, unlike a file copy) and
checkpoints them, so the database file alone holds the whole database, as a
test that copies it expects. Each SQLite test has an engine of its own,
disposed after it: a test that opens the database file itself and closes it
drops every lock the process holds on it, and a connection kept open past
that could see its ``-wal`` file deleted by another process.

PostgreSQL keeps each state's rows in a schema of its own and restores them
in one transaction: delete every row, insert the saved rows, set the
identity sequences back. That is faster than ``TRUNCATE``, which makes new
files for every table. Its tests share one engine, so its connections, and
the server's caches and prepared statements in them, outlive a test (that
saves a fifth of a test's time).
"""

from __future__ import annotations

import sqlite3
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import closing, suppress
from pathlib import Path
from typing import Any, TypeVar, cast

import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from ticketing.db.engine import make_engine
from ticketing.db.schema import metadata
from ticketing.deploy.migrate import upgrade

EMPTY = "empty"
DEMO_ORG = "demo_org"
T = TypeVar("T")


class RunDatabase(ABC):
    """One backend's database for this pytest process, and the states saved from it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.built: dict[str, Any] = {}  # state name -> what its build returned

    def engine(self) -> Engine:
        """An engine for one test; give it back with ``release``."""
        return make_engine(self.url)

    def release(self, engine: Engine) -> None:
        engine.dispose()

    @abstractmethod
    def save(self, name: str) -> None:
        """Keep the database's present rows as state ``name``."""

    @abstractmethod
    def restore(self, name: str) -> None:
        """Make the database's rows those of state ``name`` again."""

    @abstractmethod
    def drop(self) -> None: ...

    def prepare(self, name: str, build: Callable[[], T]) -> T:
        """Bring the database into state ``name``: restored when saved before, else built on the empty one and saved.

        What ``build`` returned (ids of what it made, say) is kept with the state and returned again.
        """
        if name in self.built:
            self.restore(name)
        else:
            self.restore(EMPTY)
            self.built[name] = build()
            self.save(name)
        return cast(T, self.built[name])

    def migrate(self) -> None:
        """Migrate the new database and save it as the empty state every test starts from."""
        engine = make_engine(self.url)
        upgrade(engine)
        engine.dispose()
        self.save(EMPTY)
        self.built[EMPTY] = None


class SqliteRun(RunDatabase):
    """A SQLite file; each state is a copy made with the backup API."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "test.sqlite3"
        super().__init__(f"sqlite:///{self.path}")
        self.saved = folder / "states"
        self.saved.mkdir()

    def _state(self, name: str) -> Path:
        return self.saved / f"{name}.sqlite3"

    def save(self, name: str) -> None:
        _copy(self.path, self._state(name))

    def restore(self, name: str) -> None:
        _copy(self._state(name), self.path)

    def drop(self) -> None:
        """The files go with pytest's temporary directory."""


def _copy(source: Path, target: Path) -> None:
    """Copy the database at ``source`` into ``target``, written through to its file (not left in its WAL)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target, timeout=30)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")


class PostgresRun(RunDatabase):
    """A schema of its own on the test server; each state's rows in a further schema."""

    def __init__(self, base_url: str) -> None:
        self.schema = f"test_{uuid.uuid4().hex[:12]}"
        base = make_url(base_url).set(drivername="postgresql+psycopg")
        # Commits need not wait for the WAL to reach the disk: a test run survives no server crash anyway.
        options = f"-csearch_path={self.schema} -csynchronous_commit=off"
        schema_url = base.update_query_dict({"options": options})
        super().__init__(schema_url.render_as_string(hide_password=False))
        self.conn = psycopg.connect(base.set(drivername="postgresql").render_as_string(hide_password=False))
        self.conn.autocommit = True
        self.conn.execute("SET synchronous_commit = off")  # each restore commits: no wait for the disk either
        self.conn.execute(f'CREATE SCHEMA "{self.schema}"')
        # A saved state is consistent: restoring it needs no foreign-key checks (ten times faster). Only a
        # superuser may skip them; anyone else restores with the checks.
        with suppress(psycopg.errors.InsufficientPrivilege):
            self.conn.execute("SET session_replication_role = replica")
        self.scripts: dict[str, str] = {}
        self.shared = make_engine(self.url)

    def _state(self, name: str) -> str:
        return f"{self.schema}_{name}"

    def save(self, name: str) -> None:
        state, tables = self._state(name), metadata.sorted_tables
        with self.conn.transaction():
            self.conn.execute(f'CREATE SCHEMA "{state}"')
            inserts = []
            for table in tables:
                count = self.conn.execute(f'SELECT count(*) FROM "{self.schema}"."{table.name}"').fetchone()
                if count and count[0]:
                    self.conn.execute(f'CREATE TABLE "{state}"."{table.name}" AS TABLE "{self.schema}"."{table.name}"')
                    columns = ", ".join(f'"{column.name}"' for column in table.columns)
                    inserts.append(
                        f'INSERT INTO "{self.schema}"."{table.name}" ({columns}) '
                        f'SELECT {columns} FROM "{state}"."{table.name}"'
                    )
            sequences = self.conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s", (self.schema,)
            ).fetchall()
        deletes = [f'DELETE FROM "{self.schema}"."{table.name}"' for table in reversed(tables)]
        resets = [
            f'SELECT setval(\'"{self.schema}"."{sequence}"\', {value or 1}, {"true" if value else "false"})'
            for sequence, value in sequences
        ]
        self.scripts[name] = ";\n".join([*deletes, *inserts, *resets])

    def restore(self, name: str) -> None:
        with self.conn.transaction():
            self.conn.execute(self.scripts[name])

    def engine(self) -> Engine:
        """The run's one engine, shared by the tests."""
        return self.shared

    def release(self, engine: Engine) -> None:
        """Keep the engine, unless the test left a connection in use: then start a new one."""
        if isinstance(engine.pool, QueuePool) and engine.pool.checkedout():
            self.shared.dispose()
            self.shared = make_engine(self.url)

    def drop(self) -> None:
        self.shared.dispose()
        for name in self.scripts:
            self.conn.execute(f'DROP SCHEMA "{self._state(name)}" CASCADE')
        self.conn.execute(f'DROP SCHEMA "{self.schema}" CASCADE')
        self.conn.close()
