"""The application over the test database, with the demo district loaded."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from ticketing.bootstrap import create_ticketing
from ticketing.demo import load_demo_org
from ticketing.services import Ticketing
from ticketing.settings import Settings


@pytest.fixture
def service(engine: Engine, database_url: str) -> Ticketing:
    with engine.begin() as conn:
        load_demo_org(conn)
    return create_ticketing(Settings(database_url=database_url), engine)
