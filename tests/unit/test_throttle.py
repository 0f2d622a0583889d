"""Failed logins: a doubling delay between tries, a lockout at the limit, and both lift with time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ticketing.domain.throttle import ACCOUNT_RULE, ADDRESS_RULE, Attempts, LockoutRule

T0 = datetime(2026, 11, 23, 1, tzinfo=UTC)
RULE = LockoutRule(
    limit=4,
    window=timedelta(minutes=10),
    lockout=timedelta(minutes=15),
    first_delay=timedelta(seconds=1),
    max_delay=timedelta(seconds=2),
)


def _fail(
    times: int, rule: LockoutRule = RULE, start: datetime = T0, every: timedelta = timedelta(seconds=30)
) -> Attempts:
    attempts = None
    for n in range(times):
        attempts = rule.after_failure(attempts, start + n * every)
    assert attempts is not None
    return attempts


def test_a_key_with_no_failures_may_try() -> None:
    assert RULE.retry_at(None, T0) is None


def test_the_first_failure_is_free_then_each_waits_a_doubling_delay_up_to_the_cap() -> None:
    first = RULE.after_failure(None, T0)
    second = RULE.after_failure(first, T0 + timedelta(seconds=5))
    third = RULE.after_failure(second, T0 + timedelta(seconds=10))

    assert (first.failures, first.locked_until) == (1, None)
    assert (second.failures, second.locked_until) == (2, T0 + timedelta(seconds=6))
    assert third.locked_until == T0 + timedelta(seconds=12)
    assert RULE.retry_at(second, T0 + timedelta(seconds=5.5)) == T0 + timedelta(seconds=6)
    assert RULE.retry_at(second, T0 + timedelta(seconds=6)) is None
    assert not RULE.locks(third)


def test_the_delay_stops_doubling_at_the_cap() -> None:
    capped = _fail(4, replace(RULE, limit=10))  # would wait 4 s

    assert capped.locked_until == T0 + timedelta(seconds=90) + RULE.max_delay


def test_the_limit_locks_for_the_lockout_then_the_key_starts_afresh() -> None:
    locked = _fail(4)
    last = T0 + timedelta(seconds=90)

    assert RULE.locks(locked) and locked.locked_until == last + timedelta(minutes=15)
    assert RULE.retry_at(locked, last + timedelta(minutes=14)) == last + timedelta(minutes=15)
    assert RULE.retry_at(locked, last + timedelta(minutes=15)) is None
    again = RULE.after_failure(locked, last + timedelta(minutes=16))
    assert (again.failures, again.window_started_at) == (1, last + timedelta(minutes=16))


def test_failures_spread_beyond_the_window_never_lock() -> None:
    spread = _fail(10, every=timedelta(minutes=11))

    assert spread.failures == 1 and not RULE.locks(spread)


def test_an_address_has_no_delay_and_more_room_than_an_account() -> None:
    once = ADDRESS_RULE.after_failure(None, T0)

    assert once.locked_until is None
    assert ADDRESS_RULE.limit > ACCOUNT_RULE.limit
    assert ACCOUNT_RULE.locks(_fail(ACCOUNT_RULE.limit, ACCOUNT_RULE, every=timedelta(seconds=10)))
