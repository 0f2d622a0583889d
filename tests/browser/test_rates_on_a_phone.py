"""The rates page on a 390 × 844 phone: the period presets are one tap each and an empty period says why."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from screens import shoot
from staff_pages import fits, log_in

from ticketing.services import Ticketing

if TYPE_CHECKING:
    from playwright.sync_api import Page

PHONE = {"width": 390, "height": 844, "mobile": True}


def test_on_a_phone_a_supervisor_taps_last_year_and_is_told_it_has_no_rates(
    page_factory: Callable[..., Page], demo_service: Ticketing
) -> None:
    page = page_factory(**PHONE)
    log_in(page, "s0004")  # typed in lower case, as a phone keyboard does
    page.goto("/supervise/rates")
    presets = page.locator("#presets a")
    assert presets.count() == 7 and presets.first.is_visible() and fits(page)
    shoot(page, "supervisor-rates-presets-phone")

    with page.expect_navigation():
        page.locator("#presets a", has_text="去年").click()

    assert "first=2025-01-01&last=2025-12-31" in page.url
    assert page.locator("#presets a[aria-current=true]").inner_text() == "去年"
    assert page.locator("#rates-empty").is_visible() and page.locator("canvas").count() == 0
    assert fits(page)
