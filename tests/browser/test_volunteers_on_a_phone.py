"""The supervisors' volunteer figures on a 360 px phone: the page and its SVG charts fit the screen, and the
rates page's panel links to them (Chinese pages, the demo district's 双报到 data)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from screens import shoot
from staff_pages import fits, log_in

from ticketing.services import Ticketing

if TYPE_CHECKING:
    from playwright.sync_api import Page

SMALL_PHONE = {"width": 360, "height": 780, "mobile": True}


def test_on_a_small_phone_a_street_supervisor_reads_the_volunteer_charts(
    page_factory: Callable[..., Page], demo_service: Ticketing
) -> None:
    page = page_factory(**SMALL_PHONE)
    log_in(page, "S0002")
    page.goto("/supervise/rates")
    panel = page.locator("#volunteer-panel")
    assert panel.locator("svg[role=img]").count() == 2 and fits(page)
    shoot(page, "supervisor-rates-volunteers-phone")
    with page.expect_navigation():
        panel.locator("#volunteer-panel-link").click()

    assert "/supervise/volunteers" in page.url
    charts = page.locator("figure.vol-chart svg")
    assert charts.count() == 3 and fits(page)
    for index in range(3):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert float(page.locator("#overall-hours").inner_text()) > 0
    shoot(page, "supervisor-volunteers-phone")
