"""What the read models read from: the database and the cached registry view (a ``Ticketing`` is one)."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine

from ticketing.domain.org import Organisation
from ticketing.domain.rules import World
from ticketing.organisation.registry_view import WorldSource


class Source(Protocol):
    engine: Engine
    worlds: WorldSource


def current_world(source: Source) -> World:
    """The rules' world as the database has it now (kept between requests until an import or absence changes it)."""
    with source.engine.connect() as conn:
        return source.worlds.world(conn)


def current_organisation(source: Source) -> Organisation:
    """The registry as the rules see it now: units, posts and staff."""
    return current_world(source).org
