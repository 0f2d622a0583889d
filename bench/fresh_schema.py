"""A fresh PostgreSQL schema per benchmark run, so runs never see each other's data or a test's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def fresh_schema(base_url: str) -> Iterator[str]:
    """A new PostgreSQL schema, reached through ``search_path`` in the URL it yields; dropped afterwards.

    Only SQLAlchemy is used here, so a script that runs another revision's ``ticketing`` (bench_exports)
    imports none of this one's.
    """
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    base = make_url(base_url).set(drivername="postgresql+psycopg")
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
