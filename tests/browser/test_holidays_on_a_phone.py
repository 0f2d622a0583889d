"""Holidays on a 360 px phone: an admin reads the list and the warning, adds an override and removes it (CSRF on)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from screens import shoot
from staff_pages import fits, log_in
from test_absence_buttons import SMALL_PHONE

from ticketing.services import Ticketing

if TYPE_CHECKING:
    from playwright.sync_api import Page

REMOVE = "form[action='/admin/calendars/holidays/2027-02-20/remove'] button"


def test_on_a_small_phone_an_admin_adds_a_make_up_workday_and_removes_it(
    page_factory: Callable[..., Page], demo_service: Ticketing
) -> None:
    page = page_factory(**SMALL_PHONE)
    log_in(page, "S0001")

    page.goto("/admin/calendars#holidays")
    assert page.locator(".admin-notice-warning").is_visible()  # 2027's notice is not loaded
    assert page.locator("time[datetime='2026-10-10']").is_visible() and fits(page)
    page.fill("#day", "2027-02-20")
    page.select_option("#kind", "workday")
    page.fill("#reason", "国办发明电〔2026〕X号")
    with page.expect_navigation():
        page.locator("form[action='/admin/calendars/holidays'] button[type=submit]").click()
    page.wait_for_selector(".flash:not(.error)")

    assert page.locator(REMOVE).is_visible() and fits(page)
    shoot(page, "admin-holidays-phone")
    with page.expect_navigation():
        page.locator(REMOVE).click()
    page.wait_for_selector(".flash:not(.error)")
    assert page.locator(REMOVE).count() == 0
    with demo_service.engine.connect() as conn:
        assert demo_service.worlds.holiday_table(conn).overrides == {}
