"""SQL on a SQLite database file opened with ``sqlite3`` itself, as a backup and a restore must.

SQLite's online backup API works on ``sqlite3`` connections, not SQLAlchemy's,
so these few statements are plain SQL over such a connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping


def schema_version(conn: sqlite3.Connection) -> str | None:
    """The Alembic revision the file's schema is at; None when the file holds no ticketing schema."""
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row is not None else None


def has_schema(conn: sqlite3.Connection) -> bool:
    """Whether the file holds a migrated schema at all (its ``alembic_version`` table)."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone() is not None


def settle(conn: sqlite3.Connection, counters: Mapping[str, int], stale_meta_keys: Collection[str]) -> None:
    """In one transaction: raise each counter to at least ``counters``' value, and drop the given meta rows."""
    with conn:
        conn.executemany(
            "INSERT INTO counters (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
            counters.items(),
        )
        conn.executemany("DELETE FROM meta WHERE key = ?", [(key,) for key in stale_meta_keys])
