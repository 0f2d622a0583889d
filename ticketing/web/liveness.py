"""A web process's heartbeat, so ``ticketing restore`` can tell that the service still runs.

A daemon thread upserts the ``meta`` row ``web_heartbeat`` every few seconds,
whether or not requests come (an idle process still holds caches and pooled
connections). The entry points that run a web process start it — the WSGI
module in each gunicorn process, and ``ticketing demo`` — not the app factory,
so apps built in tests write nothing behind their back.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ticketing.services.heartbeat import WEB_HEARTBEAT_INTERVAL, WEB_HEARTBEAT_KEY, beat

log = logging.getLogger("ticketing.web")


def keep_beating(engine: Engine, interval: float = WEB_HEARTBEAT_INTERVAL) -> Callable[[], None]:
    """Beat now and every ``interval`` seconds until the process ends, or the returned function is called."""
    stop = threading.Event()

    def run() -> None:
        failing = False
        while True:
            try:
                beat(engine, WEB_HEARTBEAT_KEY, datetime.now(UTC))
                failing = False
            except SQLAlchemyError as error:
                if not failing:  # once per outage, not every few seconds
                    log.warning("web heartbeat not written: %s", error)
                failing = True
            if stop.wait(interval):
                return

    thread = threading.Thread(target=run, name="web-heartbeat", daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join()

    return halt
