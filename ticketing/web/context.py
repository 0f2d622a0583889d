"""What views share: the application service, the clock and the settings of the running app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app

from ticketing.services import Ticketing
from ticketing.settings import Settings

Clock = Callable[[], datetime]


def service() -> Ticketing:
    return current_app.extensions["ticketing"]


def settings() -> Settings:
    return current_app.extensions["ticketing_settings"]


def now() -> datetime:
    """The current time; tests and browser runs inject a clock with ``create_app(clock=…)``."""
    clock: Clock = current_app.extensions["ticketing_clock"]
    return clock()


def wall_clock() -> datetime:
    return datetime.now(UTC)
