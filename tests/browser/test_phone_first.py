"""The grid leader's, the supervisor's and the admin's pages on a 390 and a 360 px phone and a 1366 px desk: nothing
scrolls sideways, no table column is squeezed to a character, each role lands on its own page after logging
in, and the navigation's counts are the lists' own (CSRF on, Chinese pages, the demo district)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import pytest
from screens import shoot
from staff_pages import fits, log_in

from ticketing.services import Ticketing

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PHONE = {"width": 390, "height": 844, "mobile": True}
SMALL_PHONE = {"width": 360, "height": 780, "mobile": True}
DESK = {"width": 1366, "height": 900}
GRID_LEADER, SUPERVISOR, ADMIN = "S0010", "S0004", "S0001"  # grid G010101, community C0101, the district
SQUEEZED = """() => [...document.querySelectorAll("td, th, caption")]
    .filter((cell) => {
        const head = cell.closest("thead");
        const box = cell.getBoundingClientRect();
        return cell.textContent.trim() && box.height > 0 && !(head && head.getBoundingClientRect().width <= 1);
    })
    .filter((cell) => cell.getBoundingClientRect().width < 2 * parseFloat(getComputedStyle(cell).fontSize))
    .map((cell) => cell.textContent.trim().slice(0, 20))"""  # visible cells (and captions) narrower than two characters


def _check(page: Page, path: str) -> None:
    page.goto(path)
    assert fits(page), f"{path} scrolls sideways"
    assert page.evaluate(SQUEEZED) == [], f"{path} squeezes table cells"


@pytest.mark.parametrize("size", [PHONE, SMALL_PHONE, DESK], ids=["phone", "small-phone", "desk"])
def test_the_grid_leaders_lists_and_ticket_fit_the_screen(page_factory: Callable[..., Page], size: dict) -> None:
    page = page_factory(**size)
    log_in(page, GRID_LEADER)

    for path in ("/staff/queue", "/staff/accountable", "/staff/callbacks"):
        _check(page, path)
    page.goto("/staff/queue")
    assert page.locator("table.cards tbody tr").count() > 0, "the demo grid leader has tickets waiting"
    if size is PHONE:
        shoot(page, "phone-queue")
    page.locator("td.card-head a").first.click()
    page.wait_for_url(re.compile(r"/staff/t/"))
    assert fits(page) and page.evaluate(SQUEEZED) == []


@pytest.mark.parametrize("size", [PHONE, SMALL_PHONE, DESK], ids=["phone", "small-phone", "desk"])
def test_the_overdue_board_fits_the_screen(page_factory: Callable[..., Page], size: dict) -> None:
    page = page_factory(**size)
    log_in(page, SUPERVISOR)

    _check(page, "/supervise/board")
    assert page.locator("table.sup-board tbody tr").count() > 0, "the demo community has tickets on the board"
    if size is PHONE:
        shoot(page, "phone-board")


@pytest.mark.parametrize("size", [PHONE, SMALL_PHONE, DESK], ids=["phone", "small-phone", "desk"])
def test_the_admin_lists_fit_the_screen(page_factory: Callable[..., Page], size: dict) -> None:
    page = page_factory(**size)
    log_in(page, ADMIN)

    for path in (
        "/admin/organisation?community=C0101",
        "/admin/accounts",
        "/admin/absences",
        "/admin/outbox",
        "/admin/audit",
        "/admin/calendars",
        "/admin/posts/G010101.grid_leader/holders",
    ):
        _check(page, path)


@pytest.mark.parametrize(
    ("staff_id", "landing"),
    [(GRID_LEADER, "/staff/queue"), (SUPERVISOR, "/supervise/board"), (ADMIN, "/admin/organisation")],
)
def test_each_role_lands_on_its_own_page(page_factory: Callable[..., Page], staff_id: str, landing: str) -> None:
    page = page_factory(**PHONE)

    log_in(page, staff_id)

    assert page.url.split("?")[0].endswith(landing)
    assert fits(page)


def test_the_navigation_counts_are_the_queues_own(page_factory: Callable[..., Page], demo_service: Ticketing) -> None:
    page = page_factory(**PHONE)
    log_in(page, GRID_LEADER)

    page.goto("/staff/queue")
    counted = int(page.locator("nav.nav a[href='/staff/queue'] .nav-count").inner_text())
    caption = page.locator("table.staff-tickets caption").inner_text()

    assert counted > 0 and re.search(rf"(^|\D){counted}件", caption), caption
    page.goto("/staff/callbacks")
    callbacks = int(page.locator("nav.nav a[href='/staff/callbacks'] .nav-count").inner_text())
    assert callbacks == page.locator("table.staff-tickets tbody tr").count()


BUILDING = "B01010101"  # building leaders S0013 (A) and S0014 (B), in grid G010101 (grid leader 吴磊 S0010)
GRID_POST = "G010101.grid_leader"


def _at_the_building(service: Ticketing, clock: list[datetime]) -> str:
    return service.open_ticket(
        category="property_repair",
        description="楼道灯坏了",
        contact_phone="13906335678",
        location_id=BUILDING,
        now=clock[0],
    ).number


def _pass_to_the_grid_leader(page: Page, number: str, typed: str | None) -> None:
    """Open the menu, then the transfer form; find the grid leader by typing ``typed`` (None: no filter box)."""
    page.goto(f"/staff/t/{number}")
    assert not page.locator("#act-transfer").is_visible()  # the forms beside the first wait in the menu
    page.locator(".staff-more > summary").click()
    page.locator("#menu-transfer > summary").click()
    if typed is None:
        assert not page.locator("#transfer-target_post-filter").is_visible()
        page.select_option("#transfer-target_post", GRID_POST)
    else:
        page.fill("#transfer-target_post-filter", typed)
        assert page.locator("#transfer-target_post option").count() == 2  # the grid leader and "choose a post"
        assert page.input_value("#transfer-target_post") == GRID_POST
    page.fill("#transfer-reason", "需网格长协调物业")
    with page.expect_navigation():
        page.locator("#act-transfer button[type=submit]").click()


def test_on_a_phone_the_building_leader_finds_the_post_to_pass_a_ticket_to_by_typing(
    page_factory: Callable[..., Page], demo_service: Ticketing, clock: list[datetime]
) -> None:
    number = _at_the_building(demo_service, clock)
    page = page_factory(**PHONE)
    log_in(page, "S0013")

    _pass_to_the_grid_leader(page, number, "第一网格")  # the grid's name: only its grid leader's post

    assert demo_service.show(number).ticket.post_id == GRID_POST
    assert fits(page)


def test_without_scripts_the_transfer_list_grouped_by_tier_still_works(
    browser: Browser, live_server: str, demo_service: Ticketing, clock: list[datetime]
) -> None:
    number = _at_the_building(demo_service, clock)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server, java_script_enabled=False
    )
    try:
        page = context.new_page()
        log_in(page, "S0013")
        groups = page.goto(f"/staff/t/{number}") and page.locator("#transfer-target_post optgroup")
        assert groups.first.get_attribute("label") == "第1级 · 楼长"

        _pass_to_the_grid_leader(page, number, None)

        assert demo_service.show(number).ticket.post_id == GRID_POST
    finally:
        context.close()
