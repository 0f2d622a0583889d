"""Screenshots of the main pages, kept as test artifacts (and for the README)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def shoot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as a test artifact.

    Written aside and renamed into place: under xdist the SQLite and the PostgreSQL run of a test may
    save the same screenshot at once.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    partial = path.with_name(f".{name}.{os.getpid()}.png")
    partial.write_bytes(page.screenshot(full_page=True))
    partial.replace(path)
    return path
