"""What the browser tests of staff pages share: logging in as a demo staff member, and whether a page fits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ticketing.demo.tickets import DEMO_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page


def log_in(page: Page, staff_id: str) -> None:
    """Log in with the demo password and wait for the header to name the staff member."""
    page.goto("/login")
    page.fill("#staff_id", staff_id)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()
    page.locator("header").filter(has_text=f"({staff_id})").wait_for()


def fits(page: Page) -> bool:
    """Nothing wider than the screen: the page never scrolls sideways."""
    return bool(page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"))
