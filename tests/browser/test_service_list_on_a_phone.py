"""A community's service list on a 360 px phone: the list, the publish form, an item with its claims and the
ticket page's volunteer help fit the screen, and the item's buttons work with CSRF on (the demo district)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from screens import shoot
from staff_pages import fits, log_in

from ticketing.domain.volunteering.model import ItemKind, RegistrantKind, RegistrationStatus
from ticketing.domain.volunteering.registration import Application
from ticketing.domain.volunteering.service_list import Draft
from ticketing.services import Ticketing

if TYPE_CHECKING:
    from playwright.sync_api import Page

SMALL_PHONE = {"width": 360, "height": 780, "mobile": True}
SECRETARY, BUILDING_LEADER = "S0004", "S0013"  # C0101's party secretary (community staff), a volunteer post
SQUEEZED = """() => [...document.querySelectorAll("td, th, caption")]
    .filter((cell) => cell.textContent.trim() && cell.getBoundingClientRect().height > 0
        && !(cell.closest("thead") && cell.closest("thead").getBoundingClientRect().width <= 1))
    .filter((cell) => cell.getBoundingClientRect().width < 2 * parseFloat(getComputedStyle(cell).fontSize))
    .map((cell) => cell.textContent.trim().slice(0, 20))"""


def _service_list(service: Ticketing, now: datetime) -> tuple[int, str]:
    """An item of C0101 with two claims (one confirmed), and a ticket of S0013's with help asked for and claimed."""
    volunteering = service.volunteering
    links = []
    for name, phone in (("王建国", "13906331234"), ("赵敏", "13906332222")):
        application = Application("C0101", RegistrantKind.MEMBER, name, phone, work_unit="区财政局")
        registered = volunteering.register(application, now)
        volunteering.decide(registered.id, RegistrationStatus.APPROVED, SECRETARY, now)
        links.append(registered.link)
    day = volunteering.today(now)
    draft = Draft(
        ItemKind.NEED, "为独居老人代买药品", "每周两次，去社区卫生服务站代买药品", day, day + timedelta(30), 3, 2.0
    )
    item_id = volunteering.publish("C0101", draft, SECRETARY, now)
    confirmed = volunteering.claim_by_link(links[0], item_id, now)
    volunteering.confirm(confirmed, SECRETARY, now)
    volunteering.claim_by_link(links[1], item_id, now)
    ticket = service.open_ticket(
        category="property_repair",
        description="独居老人家中水管漏水",
        contact_phone="13806330000",
        location_id="B01010101",
        now=now - timedelta(hours=1),
    )
    service.act(ticket.number, "acknowledge", BUILDING_LEADER, now - timedelta(minutes=30))
    need = Draft(ItemKind.NEED, "帮忙搬运杂物", "楼道杂物需要两人搬运", day, day + timedelta(7), 2, 2.0)
    need_id = volunteering.ask_help(ticket.number, BUILDING_LEADER, need, now)
    volunteering.claim_by_link(links[1], need_id, now)
    return item_id, ticket.number


def _check(page: Page, path: str) -> None:
    page.goto(path)
    assert fits(page), f"{path} scrolls sideways"
    assert page.evaluate(SQUEEZED) == [], f"{path} squeezes table cells"


def test_the_service_list_fits_a_small_phone_and_its_buttons_work(
    page_factory: Callable[..., Page], demo_service: Ticketing, clock: list[datetime]
) -> None:
    if demo_service.engine.dialect.name != "sqlite":
        pytest.skip("the layout does not depend on the database: checked once, on SQLite")
    item_id, number = _service_list(demo_service, clock[0])
    page = page_factory(**SMALL_PHONE)
    log_in(page, SECRETARY)

    _check(page, "/community/list")
    _check(page, "/community/list/new")
    _check(page, f"/staff/t/{number}")
    assert "13906332222" in page.locator("section[aria-labelledby=help]").inner_text()
    _check(page, f"/community/list/{item_id}")
    shoot(page, "phone-service-item")

    with page.expect_navigation():
        page.locator("form[action$='/confirm'] button").click()  # the pending claim, CSRF token and all
    assert page.locator("form[action$='/confirm']").count() == 0  # both claims confirmed now
    assert fits(page)

    holder = page_factory(**SMALL_PHONE)
    log_in(holder, BUILDING_LEADER)
    _check(holder, f"/staff/t/{number}")
    assert "13906332222" not in holder.content()  # a volunteer post sees who helps, not their phones
