"""Failed logins slow down, then lock, what they were tried against: an account, or a client address.

Each key keeps its failures within a window. The first failure is free (a
typo); after each further one the key waits a short, doubling delay before
the next try (a person retyping hardly notices; a script guessing is held to
a crawl), and at the limit it is locked until the lockout has passed. The rule is arithmetic on the stored record and
the time, so the caller decides where records live and what time it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class Attempts:
    """The failures of one key since ``window_started_at``, and until when it may not try again."""

    failures: int
    window_started_at: datetime
    locked_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class LockoutRule:
    """``limit`` failures within ``window`` lock the key for ``lockout``; from the second on, fewer wait
    ``first_delay``, doubling up to ``max_delay``."""

    limit: int
    window: timedelta
    lockout: timedelta
    first_delay: timedelta = timedelta(0)
    max_delay: timedelta = timedelta(0)

    def retry_at(self, attempts: Attempts | None, now: datetime) -> datetime | None:
        """When the key may try again, or None when it may now."""
        if attempts is None or attempts.locked_until is None or attempts.locked_until <= now:
            return None
        return attempts.locked_until

    def after_failure(self, attempts: Attempts | None, now: datetime) -> Attempts:
        """The record after one more failure at ``now``; a window that has run out starts again."""
        if attempts is None or self._expired(attempts, now):
            attempts = Attempts(0, now)
        failures = attempts.failures + 1
        if failures >= self.limit:
            return Attempts(failures, attempts.window_started_at, now + self.lockout)
        delay = min(self.first_delay * 2 ** (failures - 2), self.max_delay) if failures > 1 else timedelta(0)
        return Attempts(failures, attempts.window_started_at, now + delay if delay else None)

    def locks(self, attempts: Attempts) -> bool:
        """Whether this record is a lockout (the limit reached), not just the delay between tries."""
        return attempts.failures >= self.limit

    def _expired(self, attempts: Attempts, now: datetime) -> bool:
        if self.locks(attempts):
            return attempts.locked_until is not None and attempts.locked_until <= now
        return attempts.window_started_at + self.window <= now


ACCOUNT_RULE = LockoutRule(
    limit=5,
    window=timedelta(minutes=15),
    lockout=timedelta(minutes=15),
    first_delay=timedelta(seconds=1),
    max_delay=timedelta(seconds=8),
)
"""Five wrong passwords for one staff number within 15 minutes lock it for 15 minutes; 0, 1, 2, 4 s between."""

ADDRESS_RULE = LockoutRule(limit=20, window=timedelta(minutes=15), lockout=timedelta(minutes=15))
"""Twenty failures from one client address within 15 minutes lock it (an office may share one address)."""
