"""The journeys of issue 3 in a real Chromium: a resident, a building leader, the sweep, a supervisor, the language.

Time moves by setting ``clock[0]`` (the live server's clock) and running the
sweep; the Chinese pages assert on the workflow files' labels (待签收, 物业维修…)
and, on the resident's pages, on the resident's words for the states (已受理).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from screens import shoot

from ticketing.demo.tickets import DEMO_PASSWORD
from ticketing.domain.ticket import Ticket
from ticketing.services import Ticketing

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Expect, Page

BUILDING = "B01010101"  # 阳光小区1号楼 in grid G010101: building leaders S0013 (A) and S0014 (B)
BUILDING_NAME = "阳光小区1号楼"
GRID_NAME = "海曲社区第一网格"  # grid leaders S0010 (A) and S0011 (B)
COMMUNITY = "C0101"  # 海曲社区: party organisation S0004 (A, a supervisor) and S0005 (B)
COMMUNITY_NAME = "海曲社区"
PHONE = "139 0633 5678"
NUMBER = re.compile(r"^\d{6}-\d{6}$")
PHONE_SIZE = {"width": 390, "height": 844, "mobile": True}


@pytest.fixture
def expect(browser: Browser) -> Expect:
    """Playwright's assertions (imported once the browser fixture has checked Playwright is there)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect


def _open(service: Ticketing, now: datetime) -> Ticket:
    """A request about building B01010101, opened online."""
    return service.open_ticket(
        category="property_repair",
        description="三单元楼道窗户玻璃破了，风雨都往里灌",
        contact_phone=PHONE,
        contact_name="王阿姨",
        location_id=BUILDING,
        now=now,
    )


def _miss_deadline(service: Ticketing, clock: list[datetime], number: str) -> Ticket:
    """Move time just past the ticket's running deadline and sweep; the ticket afterwards."""
    due = service.show(number).ticket.due_at
    assert due is not None, f"{number} has no running deadline"
    clock[0] = max(clock[0], due + timedelta(minutes=1))
    service.sweep.run(clock[0])
    return service.show(number).ticket


def _log_in(page: Page, expect: Expect, staff_id: str) -> None:
    page.goto("/login")
    page.fill("#staff_id", staff_id)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()
    expect(page.locator("header")).to_contain_text(f"({staff_id})")


def test_a_resident_opens_a_request_on_a_phone_and_follows_it(
    page_factory: Callable[..., Page], expect: Expect
) -> None:
    page = page_factory(**PHONE_SIZE)
    page.goto("/r/new")
    page.select_option("#category", "property_repair")
    page.fill("#description", "楼道声控灯不亮，晚上上下楼很不方便")
    page.select_option("#community", COMMUNITY)
    page.select_option("#building", BUILDING)
    page.fill("#contact_phone", PHONE)
    page.fill("#contact_name", "王阿姨")
    shoot(page, "resident-form")
    page.locator("form:has(#contact_phone) button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/r/receipt$"))
    number = page.locator(".resident-number").inner_text().strip()
    assert NUMBER.match(number), number
    link = page.locator(".resident-link a")
    expect(link).to_have_attribute("href", re.compile(r"/r/t/[\w-]{20,}$"))
    shoot(page, "resident-receipt")

    link.click()
    expect(page.locator("h1")).to_contain_text(number)
    expect(page.locator(".resident-state")).to_have_text("已受理")  # the resident's word; staff see 待签收
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("物业维修")
    expect(facts).to_contain_text(BUILDING_NAME)  # responsible now: the leader of the resident's building
    expect(facts).to_contain_text("****5678")  # the phone, masked
    expect(page.locator(".resident-text").first).to_have_text("楼道声控灯不亮，晚上上下楼很不方便")
    shoot(page, "resident-status")

    other = page_factory(**PHONE_SIZE)  # another browser: neither the session nor the private link
    other.goto("/r/track")
    other.fill("#number", number)
    other.fill("#phone_ending", "5678")
    other.locator("form:has(#phone_ending) button[type=submit]").click()
    expect(other).to_have_url(re.compile(rf"/r/status/{number}$"))
    expect(other.locator("h1")).to_contain_text(number)
    expect(other.locator(".resident-state")).to_have_text("已受理")


def test_a_building_leader_acknowledges_and_resolves(
    page_factory: Callable[..., Page], expect: Expect, demo_service: Ticketing, clock: list[datetime]
) -> None:
    ticket = _open(demo_service, clock[0])
    assert ticket.holder_id == "S0013", ticket.holder_id  # the A holder, on duty on a Monday morning
    page = page_factory()
    _log_in(page, expect, ticket.holder_id)
    page.goto("/staff/queue")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=ticket.number))
    expect(row).to_contain_text("待签收")
    expect(row).to_contain_text(BUILDING_NAME)
    shoot(page, "staff-queue")

    row.get_by_role("link", name=ticket.number).click()
    state = page.locator(".staff-state strong")
    expect(state).to_have_text("待签收")
    page.locator("#act-acknowledge button[type=submit]").click()
    expect(state).to_have_text("办理中")
    page.fill("#resolve-resolution", "已更换窗户玻璃")
    page.locator("#act-resolve button[type=submit]").click()
    expect(state).to_have_text("办理完毕，待回访")
    expect(page.locator("dl.staff-facts")).to_contain_text("已更换窗户玻璃")
    expect(page.locator("#act-callback")).to_be_visible()  # next: the telephone callback
    shoot(page, "staff-ticket")
    done = demo_service.show(ticket.number).ticket
    assert (done.state, done.first_responder_id) == ("resolved", "S0013")


def test_the_sweep_escalates_an_unacknowledged_ticket_to_the_grid_leader(
    page_factory: Callable[..., Page], expect: Expect, demo_service: Ticketing, clock: list[datetime]
) -> None:
    ticket = _open(demo_service, clock[0])
    assert ticket.holder_id == "S0013"
    passed = _miss_deadline(demo_service, clock, ticket.number)
    assert (passed.tier, passed.holder_id) == (0, "S0014")  # first miss: the B holder of the same post
    escalated = _miss_deadline(demo_service, clock, ticket.number)
    assert (escalated.tier, escalated.holder_id, escalated.state) == (1, "S0010", "new")  # second miss: up a tier

    page = page_factory(locale="en-US")
    _log_in(page, expect, "S0010")
    page.goto("/staff/queue")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=ticket.number))
    expect(row).to_contain_text("Awaiting acknowledgement")
    row.get_by_role("link", name=ticket.number).click()
    expect(page.locator(".staff-state strong")).to_have_text("Awaiting acknowledgement")
    expect(page.locator("dl.staff-facts")).to_contain_text(GRID_NAME)  # the post now: the grid's leader
    expect(page.locator("ol.timeline > li > strong")).to_contain_text(["Accepted", "Handed over", "Escalated"])
    expect(page.locator("#act-acknowledge button[type=submit]")).to_be_visible()


def test_a_supervisor_sees_the_overdue_ticket_and_the_rates_change_after_a_callback(
    page_factory: Callable[..., Page], expect: Expect, demo_service: Ticketing, clock: list[datetime]
) -> None:
    ticket = _open(demo_service, clock[0])
    for _ in range(8):  # building leader A, B; grid leader A, B; community party A, B
        ticket = _miss_deadline(demo_service, clock, ticket.number)
        if ticket.overdue:
            break
    assert ticket.overdue and ticket.tier == 2, ticket  # overdue at the top of the chain
    clock[0] += timedelta(hours=14)  # the next morning
    demo_service.sweep.run(clock[0])

    page = page_factory()
    _log_in(page, expect, "S0004")
    page.goto("/supervise/board")
    row = page.locator(f"#t-{ticket.number}")
    expect(row).to_contain_text(COMMUNITY_NAME)
    expect(row.locator(".sup-flag")).to_contain_text(["超期", "已上报"])
    shoot(page, "supervisor-board")

    page.goto("/supervise/rates")
    cells = page.locator(f"#table-community tr[data-key={COMMUNITY}] td")  # base, …, solved, response rate (6th), …
    _wait_for_charts(page)
    before = cells.all_inner_texts()
    shoot(page, "supervisor-rates")

    holder = ticket.holder_id
    demo_service.act(ticket.number, "acknowledge", holder, clock[0])
    demo_service.act(ticket.number, "resolve", holder, clock[0], resolution="已协调物业更换玻璃")
    closed = demo_service.act(
        ticket.number, "callback", holder, clock[0], reached=True, satisfaction="satisfied", solved=True
    )
    assert closed.state == "closed"

    page.reload()
    _wait_for_charts(page)
    after = cells.all_inner_texts()
    assert int(after[0]) == int(before[0]) + 1, (before, after)  # one more ticket with a callback in the base
    assert after[5] != before[5], (before, after)  # its acknowledgement was late: the response rate moves


def _wait_for_charts(page: Page) -> None:
    """Wait until every canvas holds a Chart.js chart that has finished animating."""
    page.wait_for_function(
        """() => {
            const canvases = [...document.querySelectorAll("canvas")];
            return window.Chart && canvases.length > 0 && canvases.every((canvas) => {
                const chart = window.Chart.getChart(canvas);
                return chart && !window.Chart.animator.running(chart);
            });
        }"""
    )


def test_switching_between_chinese_and_english(page_factory: Callable[..., Page], expect: Expect) -> None:
    page = page_factory()
    page.goto("/r/new")
    html = page.locator("html")
    category = page.locator("#category option[value=property_repair]")
    workflow = page.locator("#category optgroup").filter(has=page.locator("option[value=property_repair]"))
    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(category).to_have_text("物业维修")
    expect(workflow).to_have_attribute("label", "居民一般诉求")

    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(category).to_have_text("Property repair")
    expect(workflow).to_have_attribute("label", "General resident request")
    expect(page).to_have_url(re.compile(r"/r/new$"))  # back on the same page

    page.get_by_role("button", name="中文").click()
    expect(html).to_have_attribute("lang", "zh-Hans")
    expect(category).to_have_text("物业维修")
    expect(workflow).to_have_attribute("label", "居民一般诉求")
