"""Dispute mediation on a 360 px phone: the grid leader invites the police (协同), an auxiliary records the
outcome; each page fits the screen and its forms work (CSRF on)."""

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
POLICE = "C0101.community_police"  # officer S0006, auxiliaries S0007 and S0252
GRID_LEADER, AUXILIARY = "S0010", "S0252"


def test_on_a_small_phone_the_grid_leader_invites_the_police_and_an_auxiliary_records_the_mediation(
    page_factory: Callable[..., Page], demo_service: Ticketing, clock: list[datetime]
) -> None:
    set_password(demo_service.engine, AUXILIARY, DEMO_PASSWORD, clock[0])
    number = demo_service.open_ticket(
        category="neighbour_dispute",
        description="楼上装修噪音扰民，双方多次争吵",
        contact_phone="13906335678",
        location_id="B01010101",
        now=clock[0],
    ).number
    leader = page_factory(**SMALL_PHONE)
    log_in(leader, GRID_LEADER)
    leader.goto(f"/staff/t/{number}")
    leader.locator(".staff-more > summary").click()  # the actions beside the first one wait in a menu
    leader.locator("#menu-invite > summary").click()
    leader.select_option("#invite-post", POLICE)
    leader.fill("#invite-reason", "双方情绪激动，请民警协助调解")
    leader.locator("#act-invite button[type=submit]").click()
    leader.wait_for_selector(".flash")
    assert fits(leader)

    auxiliary = page_factory(**SMALL_PHONE)
    log_in(auxiliary, AUXILIARY)
    auxiliary.goto("/staff/queue")
    auxiliary.get_by_role("link", name=number).click()
    auxiliary.locator("#act-mediate input[value=success]").check()
    auxiliary.fill("#mediate-agreement", "双方同意晚八点后停止施工")
    auxiliary.locator("#act-mediate button[type=submit]").click()
    auxiliary.wait_for_selector(".flash")
    shoot(auxiliary, "staff-mediation")

    assert "双方同意晚八点后停止施工" in auxiliary.locator("dl.staff-facts").inner_text()
    assert fits(auxiliary)
    assert demo_service.show(number).ticket.mediation == "success"
