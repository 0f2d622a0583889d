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
the connections other engines still hold; a file copy is not: a closing
connection deletes the ``-wal`` file by name). PostgreSQL keeps each state's
rows in a schema of its own and restores them in one transaction: delete
every row, insert the saved rows, set the identity sequences back. That is
faster than ``TRUNCATE``, which makes new files for every table.
"""

from __future__ import annotations

import sqlite3
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from ticketing.db.engine import make_engine
from ticketing.db.migrate import upgrade
from ticketing.db.schema import metadata

EMPTY = "empty"
DEMO_ORG = "demo_org"
Build = Callable[[], object]


class RunDatabase(ABC):
    """One backend's database for this pytest process, and the states saved from it."""

    url: str

    @abstractmethod
    def save(self, name: str) -> None:
        """Keep the database's present rows as state ``name``."""

    @abstractmethod
    def restore(self, name: str) -> None:
        """Make the database's rows those of state ``name`` again."""

    @abstractmethod
    def has(self, name: str) -> bool: ...

    @abstractmethod
    def drop(self) -> None: ...

    def prepare(self, name: str, build: Build) -> None:
        """Bring the database into state ``name``: restored when saved before, else built on the empty one and saved."""
        if self.has(name):
            self.restore(name)
        else:
            self.restore(EMPTY)
            build()
            self.save(name)

    def migrate(self) -> None:
        """Migrate the new database and save it as the empty state every test starts from."""
        engine = make_engine(self.url)
        upgrade(engine)
        engine.dispose()
        self.save(EMPTY)


class SqliteRun(RunDatabase):
    """A SQLite file; each state is a copy made with the backup API."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "test.sqlite3"
        self.url = f"sqlite:///{self.path}"
        self.saved = folder / "states"
        self.saved.mkdir()

    def _state(self, name: str) -> Path:
        return self.saved / f"{name}.sqlite3"

    def save(self, name: str) -> None:
        _copy(self.path, self._state(name))

    def restore(self, name: str) -> None:
        _copy(self._state(name), self.path)

    def has(self, name: str) -> bool:
        return self._state(name).exists()

    def drop(self) -> None:
        """The files go with pytest's temporary directory."""


def _copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target, timeout=30)) as dst:
        src.backup(dst)


class PostgresRun(RunDatabase):
    """A schema of its own on the test server; each state's rows in a further schema."""

    def __init__(self, base_url: str) -> None:
        self.schema = f"test_{uuid.uuid4().hex[:12]}"
        base = make_url(base_url).set(drivername="postgresql+psycopg")
        schema_url = base.update_query_dict({"options": f"-csearch_path={self.schema}"})
        self.url = schema_url.render_as_string(hide_password=False)
        self.conn = psycopg.connect(base.set(drivername="postgresql").render_as_string(hide_password=False))
        self.conn.autocommit = True
        self.conn.execute(f'CREATE SCHEMA "{self.schema}"')
        self.scripts: dict[str, str] = {}

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

    def has(self, name: str) -> bool:
        return name in self.scripts

    def drop(self) -> None:
        for name in self.scripts:
            self.conn.execute(f'DROP SCHEMA "{self._state(name)}" CASCADE')
        self.conn.execute(f'DROP SCHEMA "{self.schema}" CASCADE')
        self.conn.close()
