"""Demo data: the shipped small district (``district.yaml``) and the full one, both made by ``district.py``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported on use: ``ticketing demo --help`` reads ``district.DISTRICTS`` and needs none of them
    from sqlalchemy import Connection

    from ticketing.organisation.data import ImportSummary, OrgData

DEMO_ORG_FILE = Path(__file__).with_name("district.yaml")


def demo_org(district: str = "small") -> OrgData:
    """The demo registry: the shipped small file, or the full district generated in memory (no YAML round trip)."""
    from ticketing.demo.district import demo_document  # here: `python -m ticketing.demo.district` runs it as main
    from ticketing.organisation.files import read_org_document, read_org_file

    if district == "small":
        return read_org_file(DEMO_ORG_FILE)
    return read_org_document(demo_document(district), f"demo district {district}")


def load_demo_org(conn: Connection, district: str = "small") -> ImportSummary:
    """Import a demo district; loading it again changes nothing."""
    from ticketing.db.org_store import save_org

    return save_org(conn, demo_org(district))
