"""Browser tests: a real Chromium (Debian's package) driven by Playwright against a live server.

Without Chromium these tests skip with the reason, unless
``TICKETING_REQUIRE_BROWSER=1`` (set by ``.ci/run``) turns the skip into a
failure. Screenshots of the main pages land in ``test-artifacts/screenshots``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from databases import RunDatabase
from secret_keys import TEST_SECRET_KEY
from sqlalchemy import Engine
from werkzeug.serving import make_server

from ticketing.demo.tickets import load_demo
from ticketing.deploy.bootstrap import create_ticketing
from ticketing.deploy.settings import Settings
from ticketing.services import Ticketing
from ticketing.web import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_NOW = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)  # Monday 09:30 in Shanghai


def _require_browser() -> None:
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is not installed (pip install -e '.[test]')"
    if missing:
        if os.environ.get("TICKETING_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required but {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def clock() -> list[datetime]:
    return [BROWSER_NOW]


@pytest.fixture
def demo_service(engine: Engine, run_database: RunDatabase, clock: list[datetime]) -> Ticketing:
    """The demo district with its sample tickets as of ``clock[0]`` (loaded once a run, restored for each test)."""
    service = create_ticketing(Settings(database_url=run_database.url), engine)
    run_database.prepare(f"demo_{clock[0]:%Y%m%d%H%M}", lambda: load_demo(service, clock[0]))
    return service


@pytest.fixture
def live_server(demo_service: Ticketing, database_url: str, clock: list[datetime]) -> Iterator[str]:
    """The real app (CSRF on, Chinese by default) on a free loopback port; its base URL."""
    settings = Settings(database_url=database_url, secret_key=TEST_SECRET_KEY, secure_cookies=False)
    app = create_app(settings, demo_service, clock=lambda: clock[0])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page_factory(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """New pages in fresh browser contexts (desktop unless a viewport is given)."""
    contexts = []

    def new_page(width: int = 1280, height: int = 900, locale: str = "zh-CN", mobile: bool = False) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale=locale, is_mobile=mobile, base_url=live_server
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield new_page
    for context in contexts:
        context.close()
