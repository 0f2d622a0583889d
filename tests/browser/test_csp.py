"""The main pages under the Content-Security-Policy in a real Chromium: no violation, and the scripts still work.

Chromium reports every blocked script, style or frame as a console error
("Refused to …" / "Content Security Policy"); any such error on any of these
pages fails the test, as does an uncaught script error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from ticketing.demo.tickets import DEMO_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Page

PAGES: dict[str | None, tuple[str, ...]] = {
    None: ("/", "/r/new", "/r/track", "/login", "/status", "/nowhere"),
    "S0013": ("/staff/queue", "/staff/accountable", "/staff/callbacks", "/staff/register", "/staff/absence"),
    "S0002": ("/supervise/board", "/supervise/rates", "/supervise/terminations", "/supervise/workflows"),
    "S0001": ("/admin/organisation", "/admin/calendars", "/admin/accounts", "/admin/absences", "/admin/import"),
}


class Violations:
    """Console errors and uncaught exceptions of one page, with the URL they happened on."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.found: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"{page.url}: uncaught {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            self.found.append(f"{self.page.url}: {text}")


@pytest.fixture
def watched(page_factory: Callable[..., Page]) -> Iterator[Callable[[str | None], tuple[Page, Violations]]]:
    def open_as(staff_id: str | None) -> tuple[Page, Violations]:
        page = page_factory(locale="en-US")
        violations = Violations(page)
        if staff_id is not None:
            page.goto("/login")
            page.fill("#staff_id", staff_id)
            page.fill("#password", DEMO_PASSWORD)
            with page.expect_navigation():
                page.locator("form.card button[type=submit]").click()
            assert f"({staff_id})" in page.locator("header").inner_text()
        return page, violations

    yield open_as


@pytest.mark.parametrize("staff_id", list(PAGES), ids=lambda who: who or "anonymous")
def test_the_main_pages_break_no_rule_of_the_policy(
    watched: Callable[[str | None], tuple[Page, Violations]], staff_id: str | None
) -> None:
    page, violations = watched(staff_id)
    for path in PAGES[staff_id]:
        response = page.goto(path)
        assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
    if staff_id == "S0013":
        page.goto("/staff/queue")
        with page.expect_navigation():
            page.locator("main table a[href^='/staff/t/']").first.click()
    assert violations.found == []


def test_the_request_form_filters_places_by_community(watched: Callable[[str | None], tuple[Page, Violations]]) -> None:
    page, violations = watched(None)
    page.goto("/r/new")
    groups = page.locator("#building optgroup")
    assert groups.count() > 1
    community = page.locator("#community option").nth(1).get_attribute("value")

    page.select_option("#community", community)

    visible = page.locator("#building optgroup:not([hidden])")
    assert visible.count() > 0
    assert {group.get_attribute("data-community") for group in visible.all()} == {community}
    assert page.locator("#building optgroup[hidden]").count() > 0
    assert violations.found == []


def test_charts_and_diagrams_render_under_the_policy(watched: Callable[[str | None], tuple[Page, Violations]]) -> None:
    page, violations = watched("S0002")
    page.goto("/supervise/rates")
    page.wait_for_function(
        """() => {
            const canvases = Array.from(document.querySelectorAll("canvas"));
            return canvases.length > 0 && canvases.every((canvas) => window.Chart && window.Chart.getChart(canvas));
        }"""
    )

    page.goto("/supervise/workflows")
    diagrams = page.locator("pre.mermaid")
    page.wait_for_function("() => [...document.querySelectorAll('pre.mermaid')].every((d) => d.querySelector('svg'))")
    box = diagrams.first.locator("svg").bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100
    assert diagrams.first.locator("svg g.node, svg g.stateGroup, svg .state").count() > 1  # states were drawn
    assert violations.found == []


def test_the_admin_hours_bars_are_drawn_without_inline_styles(
    watched: Callable[[str | None], tuple[Page, Violations]],
) -> None:
    page, violations = watched("S0001")
    page.goto("/admin/calendars")
    bar = page.locator("svg.admin-bar rect").first
    box = bar.bounding_box()
    assert box is not None and box["width"] > 5
    page.goto("/admin/organisation")
    cells = page.locator("td[class^='admin-depth-']")
    paddings = {cell.evaluate("(el) => getComputedStyle(el).paddingLeft") for cell in cells.all()[:40]}
    assert len(paddings) > 1  # deeper units are indented further
    assert violations.found == []
