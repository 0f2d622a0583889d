"""Keyboard and screen-reader users (issue "Chinese first, phone first", item 8): a skip link, focus on errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page


def _focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        "() => ({tag: document.activeElement.tagName.toLowerCase(), id: document.activeElement.id,"
        " cls: document.activeElement.className, text: document.activeElement.innerText})"
    )


def test_the_first_tab_shows_a_skip_link_that_jumps_to_the_content(page_factory: Callable[..., Page]) -> None:
    page = page_factory(width=390, height=844, mobile=True)
    page.goto("/r/new")
    skip = page.locator("a.skip")
    box = skip.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 0  # out of sight until it has the focus

    page.keyboard.press("Tab")
    assert _focused(page) == {"tag": "a", "id": "", "cls": "skip", "text": "跳到正文"}
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0  # shown

    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "content"  # the main content: the next Tab is in the form, past the menu
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")


def test_a_refused_form_puts_the_focus_on_its_problems(page_factory: Callable[..., Page]) -> None:
    page = page_factory(locale="en-US")
    page.goto("/login")
    with page.expect_navigation():
        page.locator("form:has(#password) button[type=submit]").click()

    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    page.wait_for_function("() => document.activeElement.classList.contains('error-summary')")
    assert page.locator("#staff_id").get_attribute("aria-invalid") == "true"
    assert page.locator("#staff_id").get_attribute("aria-describedby") == "staff_id-error"

    summary.locator("a[href='#staff_id']").click()
    assert _focused(page)["id"] == "staff_id"  # each problem leads to its field
