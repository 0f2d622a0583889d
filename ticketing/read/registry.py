"""The whole registry as stored, with its version, for ``ticketing org show``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from ticketing.db.org_store import has_registry, load_org, org_version
from ticketing.organisation.data import OrgData


@dataclass(frozen=True, slots=True)
class StoredRegistry:
    data: OrgData
    version: int


def stored_registry(engine: Engine) -> StoredRegistry | None:
    """The registry and its version; None when this database has no registry tables yet."""
    with engine.connect() as conn:
        if not has_registry(conn):
            return None
        return StoredRegistry(load_org(conn), org_version(conn))
