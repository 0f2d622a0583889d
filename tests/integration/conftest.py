"""The application over the test database, with the demo district loaded, and the web app over it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from secret_keys import TEST_SECRET_KEY
from sqlalchemy import Engine

from ticketing.bootstrap import create_ticketing
from ticketing.demo import load_demo_org
from ticketing.services import Ticketing
from ticketing.services.accounts import account, set_password
from ticketing.settings import Settings
from ticketing.web import create_app

WEB_NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai
PASSWORD = "test-password"


@pytest.fixture
def service(engine: Engine, database_url: str) -> Ticketing:
    with engine.begin() as conn:
        load_demo_org(conn)
    return create_ticketing(Settings(database_url=database_url), engine)


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
    """

    def as_staff(staff_id: str) -> FlaskClient:
        found = account(service.engine, staff_id)
        if found is None or not found.active:
            set_password(service.engine, staff_id, PASSWORD, WEB_NOW)
        client = _english(app.test_client())
        response = client.post("/login", data={"staff_id": staff_id, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return as_staff
