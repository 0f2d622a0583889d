"""The workflow diagrams read in the supervisor's language, at a phone's width and a desktop's, labels apart."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from screens import shoot

from ticketing.demo.tickets import DEMO_PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

CODES = re.compile(r"\b[a-z]+_[a-z_]+\b|\[[a-z_, ]+\]")
OVERLAPS = """() => {
    const boxes = [...document.querySelectorAll("pre.mermaid svg")].flatMap((svg) =>
        [...svg.querySelectorAll(".edgeLabel, .nodeLabel, .label")]
            .filter((label) => label.textContent.trim())
            .map((label) => ({svg, label, text: label.textContent.trim(), box: label.getBoundingClientRect()}))
    ).filter((one) => one.box.width > 0 && one.box.height > 0);
    const found = [];
    for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
            const [a, b] = [boxes[i], boxes[j]];
            if (a.svg !== b.svg || a.label.contains(b.label) || b.label.contains(a.label)) continue;
            if (a.box.left < b.box.right - 1 && b.box.left < a.box.right - 1
                && a.box.top < b.box.bottom - 1 && b.box.top < a.box.bottom - 1) {
                found.push(`${a.text} | ${b.text}`);
            }
        }
    }
    return found;
}"""


@pytest.mark.parametrize(("width", "locale"), [(390, "zh-CN"), (1366, "zh-CN"), (1366, "en-US")])
def test_the_workflow_diagrams_name_states_and_triggers_in_words_with_no_label_over_another(
    page_factory: Callable[..., Page], width: int, locale: str
) -> None:
    page = page_factory(width=width, height=900, locale=locale)
    page.goto("/login")
    page.fill("#staff_id", "S0004")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()
    page.locator("header").filter(has_text="(S0004)").wait_for()

    page.goto("/supervise/workflows")
    page.wait_for_function("() => [...document.querySelectorAll('pre.mermaid')].every((d) => d.querySelector('svg'))")
    shoot(page, f"workflows-{locale}-{width}")

    drawn = page.evaluate(
        "() => [...document.querySelectorAll('pre.mermaid svg')].map((svg) => svg.textContent).join(' ')"
    )
    assert ("待签收" in drawn) == (locale == "zh-CN") and ("Awaiting acknowledgement" in drawn) == (locale == "en-US")
    assert not CODES.search(drawn), CODES.search(drawn)
    assert page.evaluate(OVERLAPS) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
