"""What the read models read from: the database and the cached registry view (a ``Ticketing`` is one)."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine

from ticketing.world import WorldSource


class Source(Protocol):
    engine: Engine
    worlds: WorldSource
