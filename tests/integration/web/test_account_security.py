"""Accounts under attack: sessions that end, tokens that stop, logins that lock, redirects that stay home."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from passwords import quick_hashes
from sqlalchemy import select, update

from ticketing.cli import cli
from ticketing.db import accounts as account_store
from ticketing.db.engine import make_engine
from ticketing.db.schema import login_attempts, staff_tokens
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.domain.errors import InvalidInput
from ticketing.domain.throttle import ACCOUNT_RULE, ADDRESS_RULE
from ticketing.services import Ticketing, accounts
from ticketing.services.accounts import set_password
from ticketing.services.credentials import issue_staff_token, list_staff_tokens
from ticketing.web import create_app

Login = Callable[[str], FlaskClient]

ADMIN = "S0001"
STAFF = "S0013"  # building leader A of B01010101
PASSWORD = "test-password"  # what the ``login`` fixture sets
OTHER_ADDRESS = {"REMOTE_ADDR": "10.0.0.2"}


@pytest.fixture(autouse=True)
def generous_request_limit(app: Flask) -> None:
    """These tests make many logins from one address: Flask-Limiter's request rate is not what they test."""
    app.extensions["ticketing_settings"] = replace(app.extensions["ticketing_settings"], login_limit="1000 per minute")


def _text(response: Any) -> str:
    return response.get_data(as_text=True)


def _logged_out(client: FlaskClient) -> bool:
    response = client.get("/staff/queue")
    return response.status_code == 302 and response.location.startswith("/login")


def _log_in(client: FlaskClient, staff_id: str, password: str = PASSWORD, **environ: str) -> Any:
    return client.post("/login", data={"staff_id": staff_id, "password": password}, environ_base=environ)


# --- sessions -----------------------------------------------------------------------------------


def test_a_cookie_captured_before_logout_no_longer_opens_the_queue(login: Login, app: Flask) -> None:
    browser, other_browser = login(STAFF), login(STAFF)
    captured = browser.get_cookie("session")
    assert captured is not None and browser.get("/staff/queue").status_code == 200

    assert browser.post("/logout").status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", captured.value)
    assert _logged_out(thief)
    assert _logged_out(other_browser)  # logging out ends every session of the account
    assert _log_in(app.test_client(), STAFF).status_code == 302


def test_a_new_password_logs_out_the_accounts_other_sessions(login: Login) -> None:
    admin, staff = login(ADMIN), login(STAFF)
    other_admin = login(ADMIN)

    assert admin.post(f"/admin/accounts/{STAFF}/password", data={"password": "a-new-password"}).status_code == 302
    assert _logged_out(staff)
    assert admin.post(f"/admin/accounts/{ADMIN}/password", data={"password": "my-new-password"}).status_code == 302
    assert admin.get("/admin/accounts").status_code == 200  # the admin who changed it stays logged in here
    assert _logged_out(other_admin)


def test_a_new_password_from_the_command_line_logs_out_the_account(login: Login, database_url: str) -> None:
    staff = login(STAFF)

    result = CliRunner().invoke(
        cli, ["--database-url", database_url, "staff", "passwd", STAFF, "--password", "fresh-one"]
    )

    assert result.exit_code == 0, result.output
    assert _logged_out(staff)


def test_deactivation_ends_a_live_session_for_good(login: Login) -> None:
    admin, staff = login(ADMIN), login(STAFF)

    assert admin.post(f"/admin/accounts/{STAFF}/deactivate").status_code == 302
    assert _logged_out(staff)
    assert admin.post(f"/admin/accounts/{STAFF}/activate").status_code == 302
    assert _logged_out(staff)  # activating again does not bring the old session back


def test_a_session_from_before_the_epoch_is_refused_even_if_the_account_is_active(
    login: Login, service: Ticketing
) -> None:
    staff = login(STAFF)

    accounts.end_sessions(service.engine, STAFF)

    assert _logged_out(staff)


# --- bearer tokens ------------------------------------------------------------------------------


def test_a_deactivated_accounts_bearer_token_is_refused(
    login: Login, client: FlaskClient, service: Ticketing, clock: list[datetime]
) -> None:
    set_password(service.engine, STAFF, PASSWORD, clock[0])
    _id, token = issue_staff_token(service.engine, STAFF, clock[0])
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/queues/mine", headers=bearer).status_code == 200

    assert login(ADMIN).post(f"/admin/accounts/{STAFF}/deactivate").status_code == 302

    refused = client.get("/api/v1/queues/mine", headers=bearer)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "invalid_token"
    assert all(found.revoked_at is not None for found in list_staff_tokens(service.engine, STAFF))


def test_an_inactive_account_gets_no_token_and_no_revived_one_works(
    client: FlaskClient, service: Ticketing, clock: list[datetime]
) -> None:
    now = clock[0]
    set_password(service.engine, STAFF, PASSWORD, now)
    _id, token = issue_staff_token(service.engine, STAFF, now)
    accounts.deactivate(service.engine, STAFF, now)
    with pytest.raises(InvalidInput, match="deactivated"):
        issue_staff_token(service.engine, STAFF, now)
    with service.engine.begin() as conn:  # even a token un-revoked behind the service's back
        conn.execute(update(staff_tokens).values(revoked_at=None))

    response = client.get("/api/v1/queues/mine", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401


# --- throttling ---------------------------------------------------------------------------------


def _attempt_keys(service: Ticketing) -> set[str]:
    with service.engine.connect() as conn:
        return set(conn.execute(select(login_attempts.c.key)).scalars())


def test_failed_logins_lock_the_account_with_a_message_until_the_lockout_passes(
    client: FlaskClient, service: Ticketing, clock: list[datetime]
) -> None:
    set_password(service.engine, STAFF, PASSWORD, clock[0])
    for _ in range(ACCOUNT_RULE.limit - 1):
        assert _log_in(client, STAFF, "wrong-password").status_code == 200
        clock[0] += timedelta(seconds=10)  # past the delay between tries

    locking = _log_in(client, STAFF, "wrong-password")

    assert locking.status_code == 429 and locking.headers["Retry-After"] == "900"
    assert "Wrong staff number or password." in _text(locking)
    assert "Too many failed logins. Try again after 2026-11-23 09:16" in _text(locking)
    clock[0] += timedelta(minutes=14)
    still = _log_in(client, STAFF)  # the right password, but locked: from this or any other address
    assert still.status_code == 429 and "Try again after 2026-11-23 09:16" in _text(still)
    assert "Wrong staff number" not in _text(still)
    assert _log_in(client, STAFF, **OTHER_ADDRESS).status_code == 429
    assert _log_in(client, "S0014", "whatever-1", **OTHER_ADDRESS).status_code == 200  # other accounts are not
    clock[0] += timedelta(minutes=1)
    assert _log_in(client, STAFF).status_code == 302


def test_a_second_failure_makes_the_next_try_wait_and_a_success_clears_the_account(
    client: FlaskClient, service: Ticketing, clock: list[datetime]
) -> None:
    set_password(service.engine, STAFF, PASSWORD, clock[0])
    assert _log_in(client, STAFF, "wrong-password").status_code == 200
    assert _log_in(client, STAFF, "wrong-password").status_code == 200

    hurried = _log_in(client, STAFF)

    assert hurried.status_code == 429 and "Try again after 2026-11-23 09:01" in _text(hurried)
    clock[0] += timedelta(seconds=1)
    assert _log_in(client, STAFF).status_code == 302
    assert _attempt_keys(service) == {"address:127.0.0.1"}  # the account starts afresh, the address does not


def test_failures_from_one_address_lock_it_for_every_account(
    app: Flask, service: Ticketing, clock: list[datetime]
) -> None:
    set_password(service.engine, STAFF, PASSWORD, clock[0])
    guesser = app.test_client()
    for n in range(ADDRESS_RULE.limit - 1):
        assert _log_in(guesser, f"S{9000 + n}", "wrong-password").status_code == 200

    locking = _log_in(guesser, "S8999", "wrong-password")

    assert locking.status_code == 429
    assert _log_in(guesser, STAFF).status_code == 429  # the right password from the locked address
    assert _log_in(app.test_client(), STAFF, **OTHER_ADDRESS).status_code == 302
    clock[0] += ADDRESS_RULE.lockout
    assert _log_in(guesser, STAFF).status_code == 302


@pytest.fixture
def other_app(app: Flask, database_url: str, clock: list[datetime]) -> Iterator[Flask]:
    """A second web process's app beside ``app``: the same settings and database, its own engine and service."""
    settings = app.extensions["ticketing_settings"]
    engine = make_engine(database_url)
    other = create_app(settings, create_ticketing(settings, engine), clock=lambda: clock[0], testing=True)
    other.config["WTF_CSRF_ENABLED"] = False
    yield other
    engine.dispose()


def test_an_account_locked_through_one_web_process_is_locked_in_another(
    client: FlaskClient, other_app: Flask, service: Ticketing, clock: list[datetime]
) -> None:
    elsewhere = other_app.test_client()
    elsewhere.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    with quick_hashes():
        set_password(service.engine, STAFF, PASSWORD, clock[0])
        for _ in range(ACCOUNT_RULE.limit - 1):
            assert _log_in(client, STAFF, "wrong-password").status_code == 200
            clock[0] += timedelta(seconds=10)  # past the delay between tries
        assert _log_in(client, STAFF, "wrong-password").status_code == 429

        refused = _log_in(elsewhere, STAFF)  # the right password, through the other process

    assert refused.status_code == 429 and "Too many failed logins. Try again after 2026-11-23 09:16" in _text(refused)
    assert "Wrong staff number" not in _text(refused)


def test_failed_logins_from_one_address_add_up_across_web_processes(
    app: Flask, other_app: Flask, service: Ticketing, clock: list[datetime]
) -> None:
    processes = (app, other_app)
    with quick_hashes():
        set_password(service.engine, STAFF, PASSWORD, clock[0])
        for n in range(ADDRESS_RULE.limit):  # half through each process: neither alone reaches the limit
            tried = _log_in(processes[n % 2].test_client(), f"S{9000 + n}", "wrong-password")
            assert tried.status_code == (429 if n == ADDRESS_RULE.limit - 1 else 200)

        for process in processes:
            assert _log_in(process.test_client(), STAFF).status_code == 429  # the right password, locked address
        assert _log_in(other_app.test_client(), STAFF, **OTHER_ADDRESS).status_code == 302


@pytest.fixture
def checked_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The hashes ``accounts`` checks a password against, in order."""
    seen: list[str] = []
    real = accounts.check_password_hash

    def spy(hashed: str, password: str) -> bool:
        seen.append(hashed)
        return real(hashed, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    yield seen


def test_a_login_with_an_unknown_or_inactive_number_still_checks_a_hash(
    client: FlaskClient, service: Ticketing, clock: list[datetime], checked_hashes: list[str]
) -> None:
    set_password(service.engine, STAFF, PASSWORD, clock[0])
    set_password(service.engine, "S0014", PASSWORD, clock[0])
    accounts.deactivate(service.engine, "S0014", clock[0])

    for staff_id in ("S9999", "S0014", STAFF):
        assert _log_in(client, staff_id, "wrong-password").status_code == 200

    dummy = accounts._dummy_hash()
    assert checked_hashes[:2] == [dummy, dummy] and checked_hashes[2] not in ("", dummy)
    assert checked_hashes[2].startswith("scrypt:") and dummy.startswith("scrypt:")
    assert {"account:S9999", "account:S0014", "account:S0013"} <= _attempt_keys(service)  # counted alike


def _work(hashed: str) -> tuple[str, tuple[int, ...], int, int]:
    """What checking a password against a werkzeug hash costs: the algorithm, its cost parameters
    (``scrypt:32768:8:1``: n, r and p), and the lengths of the salt and the digest."""
    method, salt, digest = hashed.split("$")
    algorithm, *parameters = method.split(":")
    return algorithm, tuple(int(value) for value in parameters), len(salt), len(digest)


def test_the_dummy_hash_costs_as_much_to_check_as_a_stored_one(service: Ticketing, clock: list[datetime]) -> None:
    set_password(service.engine, STAFF, PASSWORD, clock[0])
    with service.engine.connect() as conn:
        stored = account_store.find(conn, STAFF)
    assert stored is not None

    algorithm, parameters, _salt, _digest = _work(stored.password_hash)

    assert algorithm == "scrypt" and len(parameters) == 3  # n, r and p are written into the hash
    assert _work(accounts._dummy_hash()) == _work(stored.password_hash)


# --- passwords ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aaaaaaaa", "the password must not be one character repeated"),
        ("12345678", "this password is one of the most common ones"),
        ("Password", "this password is one of the most common ones"),
    ],
)
def test_the_admin_page_refuses_a_weak_password_with_the_reason(
    login: Login, service: Ticketing, password: str, reason: str
) -> None:
    refused = login(ADMIN).post("/admin/accounts/S0020/password", data={"password": password})

    assert refused.status_code == 400 and reason in _text(refused)
    assert accounts.account(service.engine, "S0020") is None


def test_the_demo_password_is_accepted(service: Ticketing, clock: list[datetime]) -> None:
    assert set_password(service.engine, "S0020", "demo-2026", clock[0])


# --- redirects ----------------------------------------------------------------------------------


CONTROL_ESCAPE = re.compile("%(0[0-9A-F]|1[0-9A-F]|7F)")
HOSTILE_NEXT = [
    "/%09/evil.example/x",
    "//evil",
    "/%5Cevil",
    "https://evil",
    "%0D%0ASet-Cookie:%20a=b",
    "/x%0D%0ASet-Cookie:%20a=b",
    "/%00",
    "javascript:alert(1)",
]


def _sent_home(response: Any, target: str, home: str = "/") -> bool:
    """Redirected to the start page (``home``); or, for a control character, refused by the request guard before
    the view."""
    assert "a=b" not in response.headers.get("Set-Cookie", "")
    if response.status_code == 400:
        return bool(CONTROL_ESCAPE.search(target)) and "Location" not in response.headers
    return response.status_code == 302 and response.headers["Location"] == home


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_sends_a_hostile_next_to_the_start_page(login: Login, app: Flask, target: str) -> None:
    login(STAFF)  # creates the account
    response = app.test_client().post(f"/login?next={target}", data={"staff_id": STAFF, "password": PASSWORD})

    assert _sent_home(response, target, home="/staff/queue")  # a staff member's start page: their queue


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_the_language_switch_sends_a_hostile_next_to_the_start_page(client: FlaskClient, target: str) -> None:
    response = client.post("/language/en", data=f"next={target}", content_type="application/x-www-form-urlencoded")

    assert _sent_home(response, target)


def test_a_path_on_this_site_is_followed(login: Login, client: FlaskClient) -> None:
    login(STAFF)
    logged_in = client.post("/login?next=/staff/queue%3Fsort%3Ddue", data={"staff_id": STAFF, "password": PASSWORD})
    switched = client.post("/language/en", data={"next": "/r/new?lang=x"})

    assert logged_in.headers["Location"] == "/staff/queue?sort=due"
    assert switched.headers["Location"] == "/r/new?lang=x"


def test_a_staff_number_logs_in_typed_in_lower_case(login: Login, app: Flask) -> None:
    login("S0015")  # creates the account
    client = app.test_client()

    response = _log_in(client, " s0015 ")

    assert response.status_code == 302 and not _logged_out(client)
    assert "肖书勤" in _text(client.get("/staff/queue"))
