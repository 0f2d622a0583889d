"""The whole registry as stored, with its version, for ``ticketing org show``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, inspect

from ticketing.db.org_store import load_org, org_version
from ticketing.organisation.data import OrgData


@dataclass(frozen=True, slots=True)
class StoredRegistry:
    data: OrgData
    version: int


def stored_registry(engine: Engine) -> StoredRegistry | None:
    """The registry and its version; None when this database has no registry tables yet."""
    if not inspect(engine).has_table("units"):
        return None
    with engine.connect() as conn:
        return StoredRegistry(load_org(conn), org_version(conn))
