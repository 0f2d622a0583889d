"""The callback form, the terminations to decide and the rates on a 360 px phone: they fit the screen, and the
callback and the decision work from it (CSRF on, Chinese pages)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from screens import shoot
from staff_pages import fits, log_in

from ticketing.services import Ticketing

if TYPE_CHECKING:
    from playwright.sync_api import Page

SMALL_PHONE = {"width": 360, "height": 780, "mobile": True}
LINES = """cells => cells.map((cell) => {
    const text = document.createRange();
    text.selectNodeContents(cell);
    return new Set([...text.getClientRects()].map((line) => Math.round(line.top))).size;
})"""  # the lines of text in each cell
BUILDING = "B01010101"  # building leaders S0013 (A) and S0014 (B); community C0101, supervisor S0004


def _handled(service: Ticketing, at: datetime) -> str:
    number = service.open_ticket(
        category="property_repair",
        description="楼道窗户玻璃破了",
        contact_phone="13906335678",
        location_id=BUILDING,
        now=at - timedelta(hours=2),
    ).number
    service.act(number, "acknowledge", "S0013", at - timedelta(hours=2))
    return number


def test_on_a_small_phone_i_record_a_callback_with_solved_apart(
    page_factory: Callable[..., Page], demo_service: Ticketing, clock: list[datetime]
) -> None:
    number = _handled(demo_service, clock[0])
    demo_service.act(number, "resolve", "S0013", clock[0] - timedelta(hours=1), resolution="已更换玻璃")
    page = page_factory(**SMALL_PHONE)
    log_in(page, "S0013")

    page.goto(f"/staff/t/{number}")
    form = page.locator("#act-callback")
    assert form.is_visible() and fits(page)
    shoot(page, "staff-callback-phone")
    form.locator("select[name='callback-means']").select_option("phone")
    form.locator("input[name='callback-solved'][value='no']").check()
    form.locator("select[name='callback-satisfaction']").select_option("basically_satisfied")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_selector(".flash")

    ticket = demo_service.show(number).ticket
    assert (ticket.state, ticket.solved, ticket.satisfaction) == ("closed", False, "basically_satisfied")
    assert fits(page)


def test_on_a_small_phone_a_supervisor_decides_a_termination_and_reads_the_rates(
    page_factory: Callable[..., Page], demo_service: Ticketing, clock: list[datetime]
) -> None:
    number = _handled(demo_service, clock[0])
    reason = "要求社区出资更换私家门窗，属于个人财产，不在社区职责和政策范围内"
    demo_service.act(number, "propose_termination", "S0013", clock[0] - timedelta(hours=1), reason=reason)
    page = page_factory(**SMALL_PHONE)
    log_in(page, "S0004")

    page.goto("/supervise/terminations")
    assert page.locator(f"a[href='/staff/t/{number}']").is_visible() and fits(page)
    shoot(page, "supervisor-terminations-phone")
    page.locator(f"a[href='/staff/t/{number}']").click()
    approve = page.locator("#act-approve_termination")
    assert approve.is_visible() and fits(page)
    shoot(page, "supervisor-termination-ticket-phone")
    with page.expect_navigation():
        approve.locator("button[type=submit]").click()
    page.wait_for_selector(".flash")
    assert demo_service.show(number).ticket.state == "terminated"

    page.goto("/supervise/rates")
    assert page.locator("#apart-terminated").inner_text() != "0" and fits(page)
    shoot(page, "supervisor-rates-phone")
    lines = page.eval_on_selector_all("#table-community th", LINES)
    assert set(lines) == {1}, f"headers squeezed to {lines} lines: the table should scroll sideways instead"
