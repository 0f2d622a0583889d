"""A resident on a 390 × 844 phone (CSP on, Chinese pages): a rating sent without a verdict says so at the top of
the page and takes the focus; switching the language keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from secret_keys import TEST_SECRET_KEY

from ticketing.notify.links import link_token
from ticketing.services import Ticketing

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Expect, Page

PHONE_SIZE = {"width": 390, "height": 844, "mobile": True}
BUILDING = "B01010101"  # 阳光小区1号楼: building leader S0013


@pytest.fixture
def expect(browser: Browser) -> Expect:
    """Playwright's assertions (imported once the browser fixture has checked Playwright is there)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def _handled(service: Ticketing, at: datetime) -> str:
    """A request about the stairway light, taken up and handled: it waits for the resident's verdict."""
    number = service.open_ticket(
        category="property_repair",
        description="楼道灯不亮",
        contact_phone="13906335678",
        location_id=BUILDING,
        now=at - timedelta(hours=2),
    ).number
    service.act(number, "acknowledge", "S0013", at - timedelta(hours=2))
    service.act(number, "resolve", "S0013", at - timedelta(hours=1), resolution="已更换楼道灯泡")
    return number


def test_a_rating_without_a_verdict_is_announced_at_the_top_and_focused(
    page_factory: Callable[..., Page], expect: Expect, demo_service: Ticketing, clock: list[datetime]
) -> None:
    number = _handled(demo_service, clock[0])
    page = page_factory(**PHONE_SIZE)
    page.goto(f"/r/t/{link_token(TEST_SECRET_KEY, number)}")
    page.locator("#solved-0").check()  # solved, but no verdict chosen
    page.fill("#comment", "师傅很快就来了")

    page.locator("form.resident-feedback button[type=submit]").click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("请选择满意程度。")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()  # the phone shows it, not the form's bottom
    assert summary.bounding_box()["y"] < page.locator("h1").bounding_box()["y"]  # above the page's title
    expect(page.locator("#comment")).to_have_value("师傅很快就来了")
    summary.get_by_role("link").click()  # the summary leads to the question left unanswered
    expect(page.locator("#satisfaction-0")).to_be_in_viewport()


def test_switching_the_language_keeps_what_was_typed(page_factory: Callable[..., Page], expect: Expect) -> None:
    page = page_factory(**PHONE_SIZE)
    page.goto("/r/new")
    page.select_option("#category", "property_repair")
    page.fill("#description", "三单元楼道灯坏了，晚上看不见台阶")
    page.select_option("#building", BUILDING)
    page.fill("#address", "3单元5楼")
    page.fill("#contact_phone", "139 0633 5678")
    page.locator("input[name=notify_by][value=none]").check()

    page.get_by_role("button", name="English").click()

    expect(page.locator("h1")).to_have_text("Open a request")
    expect(page.locator("#description")).to_have_value("三单元楼道灯坏了，晚上看不见台阶")
    expect(page.locator("#category")).to_have_value("property_repair")
    expect(page.locator("#building")).to_have_value(BUILDING)
    expect(page.locator("#address")).to_have_value("3单元5楼")
    expect(page.locator("#contact_phone")).to_have_value("139 0633 5678")
    expect(page.locator("input[name=notify_by][value=none]")).to_be_checked()

    page.goto("/r/new")  # the draft is restored once, after the switch: a later visit starts afresh
    expect(page.locator("#description")).to_have_value("")
