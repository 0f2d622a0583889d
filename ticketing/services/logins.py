"""Logging in with a password, throttled per staff number and per client address in the database.

Every web process reads and counts the same ``login_attempts`` rows (keys
``account:<staff id>`` and ``address:<client address>``), so more processes
or hosts give a guesser no more tries. A staff number is counted whether or
not it exists, and every unlocked attempt checks one scrypt hash, so neither
the answer nor its time tells which numbers exist. This is the lockout of
failed passwords; the request rate of ``/login`` per address
(``TICKETING_LOGIN_LIMIT``) is Flask-Limiter's, counted separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from ticketing.db import login_attempts
from ticketing.domain.throttle import ACCOUNT_RULE, ADDRESS_RULE, LockoutRule
from ticketing.services.accounts import Account, authenticate
from ticketing.services.unit_of_work import unit_of_work

MAX_KEY = 150  # the ``login_attempts.key`` column holds 200 characters


@dataclass(frozen=True, slots=True)
class LoginResult:
    """The account when the login succeeded; whether the password was checked; when a lock lifts, if one holds."""

    account: Account | None
    checked: bool
    retry_at: datetime | None = None


def log_in(engine: Engine, staff_id: str, password: str, address: str, now: datetime) -> LoginResult:
    """Check the password unless the staff number or the address is locked; count a failure against both."""
    account_key = f"account:{staff_id[:MAX_KEY]}"
    rules: dict[str, LockoutRule] = {account_key: ACCOUNT_RULE, f"address:{address[:MAX_KEY]}": ADDRESS_RULE}
    with engine.connect() as conn:
        stored = login_attempts.read(conn, rules)
    waits = [rule.retry_at(stored.get(key), now) for key, rule in rules.items()]
    if retry_at := max((wait for wait in waits if wait is not None), default=None):
        return LoginResult(None, checked=False, retry_at=retry_at)
    found = authenticate(engine, staff_id, password)
    with unit_of_work(engine) as work:
        if found is not None:
            login_attempts.clear(work.conn, account_key)
            return LoginResult(found, checked=True)
        counted = {key: login_attempts.record_failure(work.conn, key, rule, now) for key, rule in rules.items()}
    with unit_of_work(engine) as work:  # apart, so it never waits on rows another login holds while holding its own
        login_attempts.prune(work.conn, now, max(rule.window for rule in rules.values()))
    locks = [record.locked_until for key, record in counted.items() if rules[key].locks(record)]
    return LoginResult(None, checked=True, retry_at=max((lock for lock in locks if lock is not None), default=None))
