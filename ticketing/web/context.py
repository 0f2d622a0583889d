"""What views share: the application service, the clock, the settings and the rate weights of the running app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app

from ticketing.deploy.settings import Settings
from ticketing.domain.rates import DEFAULT_WEIGHTS, RateWeights
from ticketing.services import Ticketing

Clock = Callable[[], datetime]
WEIGHTS_CONFIG = "TICKETING_RATE_WEIGHTS"  # app.config key: a RateWeights replacing the default weights


def service() -> Ticketing:
    return current_app.extensions["ticketing"]


def settings() -> Settings:
    return current_app.extensions["ticketing_settings"]


def rate_weights() -> RateWeights:
    """The weights of the total rate, for the supervisors' pages and the staff API alike."""
    return current_app.config.get(WEIGHTS_CONFIG, DEFAULT_WEIGHTS)


def now() -> datetime:
    """The current time; tests and browser runs inject a clock with ``create_app(clock=…)``."""
    clock: Clock = current_app.extensions["ticketing_clock"]
    return clock()


def wall_clock() -> datetime:
    return datetime.now(UTC)
