"""The application over the test database, with the demo district loaded, and the web app over it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from databases import DEMO_ORG, RunDatabase
from flask import Flask
from flask.testing import FlaskClient
from passwords import quick_hashes
from secret_keys import TEST_SECRET_KEY
from sqlalchemy import Engine

from ticketing.demo import load_demo_org
from ticketing.demo.tickets import DemoLoad, load_demo
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.settings import Settings
from ticketing.services import Ticketing
from ticketing.services.accounts import account, set_password
from ticketing.web import create_app

WEB_NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai
PASSWORD = "test-password"


@pytest.fixture
def service(engine: Engine, run_database: RunDatabase) -> Ticketing:
    """The application over the demo district (loaded once a run, restored for each test)."""
    run_database.prepare(DEMO_ORG, lambda: _load_demo_org(engine))
    return create_ticketing(Settings(database_url=run_database.url), engine)


def _load_demo_org(engine: Engine) -> None:
    with engine.begin() as conn:
        load_demo_org(conn)


@pytest.fixture
def demo_tickets(service: Ticketing, run_database: RunDatabase) -> DemoLoad:
    """The demo's sample tickets too, as loaded at ``WEB_NOW`` (once a run, restored for each test)."""
    return run_database.prepare(f"demo_{WEB_NOW:%Y%m%d%H%M}", lambda: load_demo(service, WEB_NOW))


@pytest.fixture
def clock() -> list[datetime]:
    """The web app's clock: tests move time by setting ``clock[0]``."""
    return [WEB_NOW]


@pytest.fixture
def app(service: Ticketing, database_url: str, clock: list[datetime], tmp_path: Path) -> Flask:
    """The web app; its data directory (secret key, photos) is the test's ``tmp_path``."""
    settings = Settings(database_url=database_url, secret_key=TEST_SECRET_KEY, secure_cookies=False, data_dir=tmp_path)
    app = create_app(settings, service, clock=lambda: clock[0], testing=True)
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser that reads English (pages default to Chinese)."""
    return _english(app.test_client())


def _english(client: FlaskClient) -> FlaskClient:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def login(app: Flask, service: Ticketing) -> Callable[[str], FlaskClient]:
    """A logged-in English-reading client for a staff id (the account is created, or activated, on first use).

    An account's password is set only then: setting it again would end the sessions of earlier clients.
    Its hash is one PBKDF2 round, not scrypt (a tenth of a second to make and as long to check, for every
    login of every test); the login still checks it (the method is read from the stored hash).
    """

    def as_staff(staff_id: str) -> FlaskClient:
        found = account(service.engine, staff_id)
        if found is None or not found.active:
            with quick_hashes():
                set_password(service.engine, staff_id, PASSWORD, WEB_NOW)
        client = _english(app.test_client())
        response = client.post("/login", data={"staff_id": staff_id, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return as_staff
