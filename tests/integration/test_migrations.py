"""The migrations build exactly the tables the code declares, on every database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from ticketing.db.schema import metadata
from ticketing.deploy.migrate import is_current, upgrade


def test_the_migrated_schema_matches_the_declared_tables(engine: Engine) -> None:
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    assert is_current(engine)
    upgrade(engine)  # upgrading a current database is a no-op
    assert is_current(engine)
