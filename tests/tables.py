"""Emptying the run's database between tests: one way, for the fixtures and the tests that share an app."""

from __future__ import annotations

from sqlalchemy import Engine, text

from ticketing.db.schema import counters, metadata


def empty_tables(engine: Engine) -> None:
    """Empty every table and reset the counters (PostgreSQL: one TRUNCATE restarting the identities)."""
    tables = [table for table in reversed(metadata.sorted_tables) if table is not counters]
    with engine.begin() as connection:
        connection.execute(counters.update().values(value=0))
        if engine.dialect.name == "postgresql":
            names = ", ".join(table.name for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
