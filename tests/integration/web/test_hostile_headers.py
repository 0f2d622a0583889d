"""Hostile request headers behind a trusted proxy: no server error, and junk in ``X-Forwarded-For`` is one client.

The routes' paths, query strings and bodies are walked in ``test_hostile_input.py``;
here the headers every route reads before its view does: the forwarded client
address and scheme, the bearer token, the session cookie and the language. The
rate limits count in the database (the default storage), as in production, so
a client address reaches a database column on both backends.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from secret_keys import TEST_SECRET_KEY
from sqlalchemy import select

from ticketing.db.schema import login_attempts, rate_limits
from ticketing.deploy.settings import Settings
from ticketing.services import Ticketing
from ticketing.web import create_app
from ticketing.web.ratelimit import UNREADABLE_ADDRESS

MEGABYTE = "x" * 1_000_000
HIGH = "100000 per minute"  # the limits count, but every request reaches its view


def _wire(raw: bytes) -> str:
    """A header value as the WSGI server hands it on: the bytes sent, read as Latin-1."""
    return raw.decode("latin-1")


SURROGATE = _wire("\ud800".encode("utf-8", "surrogatepass"))  # a lone surrogate, as bytes
CHINESE = _wire("令牌".encode())

HOSTILE: dict[str, tuple[str, ...]] = {
    "X-Forwarded-For": (
        "1.2.3.4\x00",
        f"1.2.3.4{SURROGATE}",
        "1.2.3.4, " * 100_000 + "x",
        MEGABYTE,
        "not-an-address",
        "fe80::1%eth0",
        "fe80::1%\x00",
        "203.0.113.7, junk\x00, ::1%x, 999.1.1.1",
        "1.2.3.4:8080",
        " , ,",
    ),
    "X-Forwarded-Proto": ("https\x00", "javascript", MEGABYTE, "https, http", SURROGATE),
    "Authorization": ("Bearer \x00", f"Bearer {MEGABYTE}", f"Bearer {CHINESE}", "Bearer", "Basic \x00:\x00"),
    "Cookie": ("session=garbage", "session=\x00", f"session={MEGABYTE}", f"session=.{SURROGATE}.x", "=;=;;session"),
    "Accept-Language": (MEGABYTE, "zh\x00", "en;q=NaN, *;q=1e999", "zh-CN;q=0.9, " * 10_000, CHINESE),
}
LOGIN = {"staff_id": "S0013", "password": "a wrong password"}
TRACK = {"number": "261123-000001", "phone_ending": "0000"}
REQUESTS: tuple[tuple[str, str, dict[str, str] | None], ...] = (
    ("GET", "/login", None),
    ("POST", "/login", LOGIN),
    ("POST", "/r/track", TRACK),
    ("GET", "/api/v1/queues/mine", None),
    ("GET", "/open311/v2/requests.json", None),
    ("GET", "/", None),
)


def _app(service: Ticketing, database_url: str, tmp_path: Path, **changes: Any) -> Flask:
    settings = Settings(
        database_url=database_url,
        secret_key=TEST_SECRET_KEY,
        secure_cookies=False,
        data_dir=tmp_path,
        trusted_proxies=1,
        **changes,
    )
    app = create_app(settings, service, testing=True)
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def test_hostile_headers_get_no_server_error(service: Ticketing, database_url: str, tmp_path: Path) -> None:
    app = _app(
        service,
        database_url,
        tmp_path,
        login_limit=HIGH,
        track_limit=HIGH,
        api_token_limit=HIGH,
        open311_address_limit=HIGH,
    )
    failures = []
    for header, values in HOSTILE.items():
        for value in values:
            for method, path, form in REQUESTS:
                sent = f"{method} {path} with {header}: {value[:40]!r}"
                try:
                    response = app.test_client().open(path, method=method, data=form, headers={header: value})
                except Exception as error:  # the test app re-raises what a server would answer 500
                    failures.append(f"{sent}: {type(error).__name__}: {str(error)[:200]}")
                    continue
                if response.status_code >= 500:
                    failures.append(f"{sent}: {response.status_code}")
    assert failures == []


def _track(client: FlaskClient, forwarded_for: str) -> int:
    return client.post("/r/track", data=TRACK, headers={"X-Forwarded-For": forwarded_for}).status_code


def _clients(keys: Iterable[str]) -> list[str]:
    """The clients of Flask-Limiter's keys (``LIMITER/<client>/<endpoint>/<limit>``)."""
    return [key.split("/")[1] for key in keys]


@pytest.mark.parametrize(
    ("junk", "other_junk"),
    [("1.2.3.4\x00", "not-an-address"), (MEGABYTE, f"{SURROGATE}1"), ("999.1.1.1", "1.2.3.4:8080")],
    ids=["nul", "megabyte", "almost"],
)
def test_a_forwarded_address_that_is_no_address_counts_in_one_fixed_bucket(
    service: Ticketing, database_url: str, tmp_path: Path, junk: str, other_junk: str
) -> None:
    proxy = _app(service, database_url, tmp_path, track_limit="2 per minute").test_client()

    assert [_track(proxy, junk), _track(proxy, other_junk), _track(proxy, junk + "1")] == [200, 200, 429]
    assert _track(proxy, "203.0.113.7") == 200  # a real address has its own bucket
    with service.engine.connect() as conn:
        keys = conn.execute(select(rate_limits.c.key)).scalars().all()
    assert sorted(_clients(keys)) == sorted(["203.0.113.7", UNREADABLE_ADDRESS])


def test_an_address_is_counted_in_its_canonical_form(service: Ticketing, database_url: str, tmp_path: Path) -> None:
    proxy = _app(service, database_url, tmp_path, track_limit="2 per minute").test_client()

    statuses = [_track(proxy, address) for address in ("2001:db8::1", "2001:DB8:0::1", "2001:db8::1%\x00junk")]

    assert statuses == [200, 200, 429]  # neither spelling nor a zone (any text after %) makes a fresh client
    with service.engine.connect() as conn:
        assert _clients(conn.execute(select(rate_limits.c.key)).scalars()) == ["2001:db8::1"]


def test_failed_logins_from_no_address_are_counted_under_the_fixed_key(
    service: Ticketing, database_url: str, tmp_path: Path
) -> None:
    proxy = _app(service, database_url, tmp_path).test_client()

    response = proxy.post("/login", data=LOGIN, headers={"X-Forwarded-For": "1.2.3.4\x00"})

    assert response.status_code == 200
    with service.engine.connect() as conn:
        keys = conn.execute(select(login_attempts.c.key)).scalars().all()
    assert sorted(keys) == sorted(["account:S0013", f"address:{UNREADABLE_ADDRESS}"])
