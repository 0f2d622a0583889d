"""Rate limits every web process and host shares, keyed on the real client behind trusted proxies.

Flask-Limiter counts in a ``limits`` storage. By default that is the project's
own database (``DatabaseStorage``, scheme ``ticketing-db://``): counters in
memory would be per process, so ``serve`` with 4 web processes would let 4
times the limit through. ``TICKETING_RATELIMIT_STORAGE_URI`` may name Redis
(``redis://host:6379/0``) instead. Each limit is a setting, read at request
time through ``configured``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from ipaddress import ip_address

from flask import Flask, current_app, request
from limits.storage import Storage
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from ticketing.deploy.settings import Settings
from ticketing.services import rate_limits
from ticketing.web.context import settings

DATABASE_URI = "ticketing-db://"
PURGE_EVERY_SECONDS = 60.0
UNREADABLE_ADDRESS = "unreadable-address"  # the one key of every client whose address is not an IP address


class DatabaseStorage(Storage):
    """Fixed-window counters in table ``rate_limits`` of ``engine``, else of the Flask app in context.

    Flask-Limiter builds its storage once for all apps of a process, so by
    default the engine is looked up per call: each app counts in its own
    database. Only the fixed-window strategy is supported.
    """

    STORAGE_SCHEME: list[str] | None = ["ticketing-db"]  # noqa: RUF012 (declared so by limits' Storage)

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        engine: Engine | None = None,
        clock: Callable[[], float] = time.time,
        **options: float | str | bool,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._engine = engine
        self._clock = clock
        self._next_purge = 0.0

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    @property
    def engine(self) -> Engine:
        return self._engine or current_app.extensions["ticketing"].engine

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = self._clock()
        if now >= self._next_purge:  # per process, so cheap: one indexed delete a minute
            self._next_purge = now + PURGE_EVERY_SECONDS
            rate_limits.purge(self.engine, now)
        return rate_limits.hit(self.engine, key, expiry, amount, now)

    def get(self, key: str) -> int:
        return rate_limits.count(self.engine, key, self._clock())

    def get_expiry(self, key: str) -> float:
        now = self._clock()
        return rate_limits.expires_at(self.engine, key, now) or now

    def check(self) -> bool:
        try:
            rate_limits.count(self.engine, "", self._clock())
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        return rate_limits.clear_all(self.engine)

    def clear(self, key: str) -> None:
        rate_limits.clear(self.engine, key)


def client_address() -> str:
    """The client's IP address, written canonically, or ``UNREADABLE_ADDRESS``: what limits and logins count per.

    Behind trusted proxies ``request.remote_addr`` is whatever text the client's proxy received in
    ``X-Forwarded-For`` (NUL, a megabyte, a word). Only an IP address is used, so no junk reaches a database
    column, and junk shares one counter instead of being a fresh client at each try. An IPv6 zone
    (``fe80::1%eth0``: any text may follow the ``%``) is dropped.
    """
    try:
        address = ip_address(request.remote_addr or "")
    except ValueError:
        return UNREADABLE_ADDRESS
    return str(ip_address(address.packed))


def configured(name: str) -> Callable[[], str]:
    """A Flask-Limiter limit read from the app's settings at request time, e.g. ``configured("track_limit")``."""

    def limit() -> str:
        value: str = getattr(settings(), name)
        return value

    return limit


def setup(app: Flask, settings: Settings) -> None:
    """Point Flask-Limiter at the shared storage; take the client address and scheme from trusted proxies.

    With ``trusted_proxies`` N, the Nth address from the right of ``X-Forwarded-For``
    is the client (what each proxy appended), and ``X-Forwarded-Proto`` the scheme.

    Call before ``limiter.init_app``.
    """
    app.config["RATELIMIT_STORAGE_URI"] = settings.ratelimit_storage_uri or DATABASE_URI
    if settings.trusted_proxies > 0:
        hops = settings.trusted_proxies  # the Host header is the proxy's to pass on: X-Forwarded-Host is not trusted
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
