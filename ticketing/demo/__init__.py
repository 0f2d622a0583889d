"""Demo data: the shipped demo district (``district.yaml``, made by ``district.py``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from ticketing.db.org_store import save_org
from ticketing.organisation.data import ImportSummary
from ticketing.organisation.files import read_org_file

DEMO_ORG_FILE = Path(__file__).with_name("district.yaml")


def load_demo_org(conn: Connection) -> ImportSummary:
    """Import the demo district; loading it again changes nothing."""
    return save_org(conn, read_org_file(DEMO_ORG_FILE))
