"""Back up and restore a SQLite database with SQLite's online backup API.

The backup API copies pages under the database's own locks, so a backup taken
while the web app and the worker write is a consistent snapshot; copying the
file (with its ``-wal`` beside it) is not. PostgreSQL has ``pg_dump`` and
``pg_restore`` for this, and both functions refuse it.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine


class BackupRefused(Exception):
    """The backup or restore was not done; the message says why and what to do instead."""


def backup(engine: Engine, target: Path, force: bool = False) -> None:
    """Write a consistent copy of the live database to ``target``."""
    source = _sqlite_path(engine)
    if target.exists() and not force:
        raise BackupRefused(f"{target} exists; pass --force to overwrite it")
    target.unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)


def restore(engine: Engine, source: Path, force: bool = False) -> None:
    """Replace the database with the backup in ``source`` (which must be a ticketing database)."""
    target = _sqlite_path(engine)
    if not source.is_file():
        raise BackupRefused(f"{source}: no such file")
    with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as copy:
        _check_ticketing_database(copy, source)
        if _has_schema(target) and not force:
            raise BackupRefused(f"{target} already holds a ticketing database; pass --force to replace it")
        engine.dispose()  # no pooled connection keeps reading the pages being replaced
        with closing(sqlite3.connect(target)) as live:
            copy.backup(live)


def _check_ticketing_database(conn: sqlite3.Connection, path: Path) -> None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        row = None
    if row is None:
        raise BackupRefused(f"{path} is not a ticketing database (no schema version in alembic_version)")


def _has_schema(path: str) -> bool:
    if not Path(path).is_file():
        return False
    with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone() is not None


def _sqlite_path(engine: Engine) -> str:
    if engine.dialect.name != "sqlite":
        raise BackupRefused(
            f"backup and restore cover SQLite only; for {engine.dialect.name} use pg_dump -Fc and pg_restore "
            "(see README, Deployment)"
        )
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupRefused("an in-memory database has nothing to back up")
    return database
