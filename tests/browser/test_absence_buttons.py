"""Ending an absence from a 360 px phone: the page fits the screen and the button works (CSRF on)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from screens import shoot
from staff_pages import fits, log_in

from ticketing.services import Ticketing

if TYPE_CHECKING:
    from playwright.sync_api import Page

SMALL_PHONE = {"width": 360, "height": 740, "mobile": True}


def test_on_a_small_phone_i_end_my_absence_and_cancel_a_coming_one(
    page_factory: Callable[..., Page], demo_service: Ticketing, clock: list[datetime]
) -> None:
    running = demo_service.absences.record(
        "S0013", clock[0] - timedelta(hours=1), clock[0] + timedelta(days=2), "外出培训", clock[0]
    ).id
    coming = demo_service.absences.record(
        "S0013", clock[0] + timedelta(days=5), clock[0] + timedelta(days=7), "年假", clock[0]
    ).id
    page = page_factory(**SMALL_PHONE)
    log_in(page, "S0013")

    page.goto("/staff/absence")
    end = page.locator(f"form[action='/staff/absence/{running}/end'] button")
    cancel = page.locator(f"form[action='/staff/absence/{coming}/cancel'] button")
    assert end.is_visible() and cancel.is_visible() and fits(page)
    shoot(page, "staff-absence-phone")
    with page.expect_navigation():
        end.click()
    page.wait_for_selector(".flash")
    assert page.locator(f"form[action='/staff/absence/{running}/end']").count() == 0
    with page.expect_navigation():  # the page already shows the first flash: wait for the next page
        page.locator(f"form[action='/staff/absence/{coming}/cancel'] button").click()
    page.wait_for_selector(".flash")

    with demo_service.engine.connect() as conn:
        assert not demo_service.worlds.world(conn).absent("S0013", clock[0] + timedelta(days=6))
    assert page.locator("form[action*='/staff/absence/']").count() == 0 and fits(page)


def test_the_admin_absences_page_fits_a_small_phone(
    page_factory: Callable[..., Page], demo_service: Ticketing, clock: list[datetime]
) -> None:
    demo_service.absences.record("S0014", clock[0], clock[0] + timedelta(days=2), "出差", clock[0])
    page = page_factory(**SMALL_PHONE)
    log_in(page, "S0001")

    page.goto("/admin/absences")

    assert page.locator("form[action$='/end'] button").is_visible()
    assert fits(page)
