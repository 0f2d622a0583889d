"""双报到 on a 360 px phone, end to end: a building leader asks for volunteer help with a ticket, an in-service
party member registers with the community, is approved, claims the need made from the ticket through their own
link, and the community confirms it; when the ticket is resolved the help is on the member's record card.
Each page fits the screen and its forms work with CSRF on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from screens import shoot
from staff_pages import fits, log_in

from ticketing.demo.tickets import DEMO_PASSWORD
from ticketing.services import Ticketing
from ticketing.services.accounts import set_password

if TYPE_CHECKING:
    from playwright.sync_api import Page

SMALL_PHONE = {"width": 360, "height": 740, "mobile": True}
BUILDING_LEADER, SECRETARY, GRID_LEADER = "S0013", "S0004", "S0010"
NEED = "帮独居老人搬运受损家具"


def test_a_party_member_registers_on_a_phone_and_claims_the_help_a_ticket_asked_for(
    page_factory: Callable[..., Page], demo_service: Ticketing, clock: list[datetime]
) -> None:
    set_password(demo_service.engine, GRID_LEADER, DEMO_PASSWORD, clock[0])
    ticket = demo_service.open_ticket(
        category="property_repair",
        description="独居老人家中水管漏水，家具泡水需要搬运",
        contact_phone="13906335678",
        location_id="B01010101",
        now=clock[0],
    )
    demo_service.act(ticket.number, "acknowledge", BUILDING_LEADER, clock[0])
    due_at = demo_service.show(ticket.number).ticket.due_at

    leader = page_factory(**SMALL_PHONE)
    log_in(leader, BUILDING_LEADER)
    leader.goto(f"/staff/t/{ticket.number}")
    leader.locator(".svc-ask > summary").click()
    leader.fill("#help-title", NEED)
    leader.fill("#help-description", "家具被水泡坏，需要两位志愿者帮忙搬到楼下")
    leader.fill("#help-people", "2")
    leader.locator(".svc-ask button[type=submit]").click()
    leader.wait_for_selector(".flash")
    assert NEED in leader.locator("#help-section").inner_text()
    assert fits(leader)

    member = page_factory(**SMALL_PHONE)
    member.goto("/v/register")
    member.select_option("#community", "C0101")
    member.locator("input[name=kind][value=member]").check()
    member.fill("#name", "王建国")
    member.fill("#phone", "139 0633 1234")
    member.fill("#work_unit", "东港区财政局")
    member.fill("#skills", "搬运、水电维修")
    assert fits(member)
    member.get_by_role("button", name="下一步：核对").click()
    assert "13906331234" in member.locator("main").inner_text()
    member.locator("button[value=confirm]").click()
    link = member.locator(".resident-link a").get_attribute("href")
    assert link and "/v/me/" in link
    shoot(member, "volunteer-registered")
    assert fits(member)

    registrant = demo_service.volunteering.by_link(link.rsplit("/", 1)[-1])
    secretary = page_factory(**SMALL_PHONE)
    log_in(secretary, SECRETARY)
    secretary.goto(f"/community/registrations/{registrant.id}")
    secretary.locator("form[action$='/decide'] button", has_text="通过").first.click()
    secretary.wait_for_selector(".flash")
    assert fits(secretary)

    member.goto(f"{link}/items")
    need = member.locator("article.card", has_text=NEED)
    need.get_by_role("button", name="认领").click()
    member.wait_for_selector(".flash")
    assert NEED in member.locator("main").inner_text()
    assert fits(member)

    staff = page_factory(**SMALL_PHONE)
    log_in(staff, GRID_LEADER)
    staff.goto("/community/list")
    staff.get_by_role("link", name=NEED).click()
    staff.locator("form[action$='/confirm'] button").first.click()
    staff.wait_for_selector(".flash")
    assert "已确认" in staff.locator("main").inner_text()
    shoot(staff, "community-item")
    assert fits(staff)

    after = demo_service.show(ticket.number)
    assert (after.ticket.first_responder_id, after.ticket.due_at) == (BUILDING_LEADER, due_at)
    leader.goto(f"/staff/t/{ticket.number}")
    assert "王建国" in leader.locator("ol.timeline").inner_text()

    demo_service.act(ticket.number, "resolve", BUILDING_LEADER, clock[0], resolution="志愿者协助搬运，水管已修好")
    member.goto(link)
    entry = member.locator("table.cards tr", has_text=NEED)
    assert entry.locator("td[data-label]").first.inner_text() == "2"  # the need's two hours, for one person
    assert fits(member)
