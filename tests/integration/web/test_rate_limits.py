"""Rate limits: counters in the project's database, each limit a setting, clients told apart behind proxies.

The counts across real web processes are in ``test_shared_limits.py``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from secret_keys import TEST_SECRET_KEY
from sqlalchemy import Engine, func, select
from sqlalchemy.pool import StaticPool

from ticketing.db.engine import make_engine
from ticketing.db.schema import rate_limits
from ticketing.deploy.settings import Settings
from ticketing.services import Ticketing
from ticketing.services.accounts import set_password
from ticketing.services.credentials import create_api_key
from ticketing.web import create_app
from ticketing.web.ratelimit import PURGE_EVERY_SECONDS, DatabaseStorage

START = 1_800_000_000.0  # epoch seconds, for the storage's clock
NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)
PASSWORD = "grid-leader-2026"


def _storage(engine: Engine, now: list[float]) -> DatabaseStorage:
    return DatabaseStorage("ticketing-db://", engine=engine, clock=lambda: now[0])


def _rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(rate_limits)).scalar_one()


def test_a_window_counts_until_it_ends_then_starts_again(engine: Engine) -> None:
    now = [START]
    storage = _storage(engine, now)

    assert [storage.incr("k", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("k", 60, amount=2) == 5
    assert storage.get("k") == 5
    assert storage.get_expiry("k") == START + 60
    now[0] = START + 59.9
    assert storage.incr("k", 60) == 6  # the window runs from the first hit
    now[0] = START + 60
    assert storage.get("k") == 0
    assert storage.incr("k", 60) == 1  # the ended window is reset by the hit itself
    assert storage.get_expiry("k") == START + 120
    assert storage.incr("other", 3600) == 1


def test_clearing_one_key_or_all(engine: Engine) -> None:
    storage = _storage(engine, [START])
    for key in ("a", "b", "c"):
        storage.incr(key, 60)

    storage.clear("a")
    assert (storage.get("a"), storage.get("b")) == (0, 1)
    assert storage.reset() == 2
    assert _rows(engine) == 0
    assert storage.check()


def test_a_key_longer_than_the_column_is_counted_under_its_digest(engine: Engine) -> None:
    storage = _storage(engine, [START])
    forwarded = "LIMITER/track/" + "203.0.113.7, " * 100  # a long forwarded chain must not break the page

    assert [storage.incr(forwarded, 60) for _ in range(2)] == [1, 2]
    assert storage.incr(forwarded + "x", 60) == 1  # another long key, another counter
    assert storage.get(forwarded) == 2
    storage.clear(forwarded)
    assert storage.get(forwarded) == 0


def test_rows_of_ended_windows_are_purged_once_a_minute(engine: Engine) -> None:
    now = [START]
    storage = _storage(engine, now)
    for key in ("gone-1", "gone-2"):
        storage.incr(key, 10)
    now[0] = START + 30
    storage.incr("live", 60)
    assert _rows(engine) == 3  # the last purge, at the first hit, is less than a minute old

    now[0] = START + PURGE_EVERY_SECONDS
    storage.incr("live", 60)

    assert _rows(engine) == 1
    assert storage.get("live") == 2


def test_concurrent_hits_are_each_counted_once(engine: Engine) -> None:
    storage = _storage(engine, [START])

    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda _: storage.incr("busy", 60), range(80)))

    assert sorted(counts) == list(range(1, 81))


def test_counting_leaves_later_transactions_durable(database_url: str) -> None:
    """PostgreSQL: a hit's commit skips the disk wait; the connection's next transaction (a ticket's) does not."""
    if not database_url.startswith("postgresql"):
        pytest.skip("synchronous_commit is PostgreSQL's")
    engine = make_engine(database_url, poolclass=StaticPool)  # one connection: the hits' and the next reader's
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("SET synchronous_commit = on")  # this run's databases default to off
        storage = _storage(engine, [START])
        assert [storage.incr("durable", 60) for _ in range(3)] == [1, 2, 3]
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW synchronous_commit").scalar_one() == "on"
            storage.clear("durable")
    finally:
        engine.dispose()


# --- the web app's limits ----------------------------------------------------------------------


def _app(service: Ticketing, database_url: str, tmp_path: Path, **changes: Any) -> Flask:
    settings = Settings(
        database_url=database_url, secret_key=TEST_SECRET_KEY, secure_cookies=False, data_dir=tmp_path, **changes
    )
    app = create_app(settings, service, testing=True)
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def _track(client: FlaskClient, **headers: str) -> int:
    data = {"number": "261123-000001", "phone_ending": "0000"}
    return client.post("/r/track", data=data, headers=headers).status_code


def test_the_track_limit_is_a_setting_counted_in_the_database(
    service: Ticketing, database_url: str, tmp_path: Path
) -> None:
    client = _app(service, database_url, tmp_path, track_limit="3 per minute").test_client()

    assert [_track(client) for _ in range(4)] == [200, 200, 200, 429]
    with service.engine.connect() as conn:
        assert conn.execute(select(rate_limits.c.hits)).scalars().all() == [4]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket(
    service: Ticketing, database_url: str, tmp_path: Path
) -> None:
    app = _app(service, database_url, tmp_path, track_limit="2 per minute", trusted_proxies=1)
    proxy = app.test_client()  # every request comes from the proxy's address
    first, second = {"X-Forwarded-For": "203.0.113.7"}, {"X-Forwarded-For": "198.51.100.1, 203.0.113.8"}

    assert [_track(proxy, **first) for _ in range(3)] == [200, 200, 429]
    assert [_track(proxy, **second) for _ in range(3)] == [200, 200, 429]


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(
    service: Ticketing, database_url: str, tmp_path: Path
) -> None:
    client = _app(service, database_url, tmp_path, track_limit="2 per minute").test_client()

    statuses = [_track(client, **{"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(3)]

    assert statuses == [200, 200, 429]  # a client cannot pick a fresh address for each try


def test_logging_in_is_limited_per_client_address(service: Ticketing, database_url: str, tmp_path: Path) -> None:
    app = _app(service, database_url, tmp_path, login_limit="2 per minute")
    set_password(service.engine, "S0013", PASSWORD, NOW)
    guesser = app.test_client()

    statuses = [
        guesser.post("/login", data={"staff_id": staff_id, "password": "guess"}).status_code
        for staff_id in ("S0013", "S0014", "S0015")
    ]

    assert statuses[2] == 429  # whichever accounts are tried
    assert guesser.get("/login").status_code == 200  # only attempts count
    elsewhere = {"REMOTE_ADDR": "10.1.2.3"}
    other = app.test_client().post("/login", data={"staff_id": "S0013", "password": PASSWORD}, environ_base=elsewhere)
    assert other.status_code == 302


def _open311_post(app: Flask, key: str, address: str) -> int:
    """An incomplete request (no service): 400, but it counts against the limits."""
    sender = app.test_client()
    response = sender.post("/open311/v2/requests.json", data={"api_key": key}, environ_base={"REMOTE_ADDR": address})
    return response.status_code


def test_open311_limits_per_key_and_per_address_are_settings(
    service: Ticketing, database_url: str, tmp_path: Path
) -> None:
    app = _app(service, database_url, tmp_path, open311_key_limit="2 per minute", open311_address_limit="3 per minute")
    shared, *fresh = (create_api_key(service.engine, f"client {n}", NOW) for n in range(5))

    assert [_open311_post(app, shared, f"10.0.0.{n}") for n in range(3)] == [400, 400, 429]
    assert [_open311_post(app, key, "10.9.9.9") for key in fresh] == [400, 400, 400, 429]
