"""The frame in a real browser: Chinese by default, English on request, staff login."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from screens import shoot

from ticketing.demo.tickets import DEMO_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_chinese_by_default_and_switching_to_english(page_factory: Callable[..., Page]) -> None:
    page = page_factory()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    with page.expect_navigation():  # the same URL again: only the navigation tells the new page is there
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Staff log in").is_visible()
    shoot(page, "home-en")


def test_a_staff_member_logs_in(page_factory: Callable[..., Page]) -> None:
    page = page_factory(locale="en-US")
    page.goto("/login")
    page.fill("#staff_id", "S0013")
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").click()
    assert "(S0013)" in page.locator("header").inner_text()
