"""Alembic environment: the URL and connection come from ``ticketing.deploy.migrate``."""

from __future__ import annotations

from alembic import context

from ticketing.db.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `ticketing init`, which passes a connection")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
