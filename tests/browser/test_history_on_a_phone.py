"""A ticket's history on a supervisor's phone reads as sentences in the page's language, people and posts by name
(a staff number only beside one): no English line, no id alone, no code (the demo's longest story, CSRF on)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from screens import shoot
from sqlalchemy import func, select
from staff_pages import fits, log_in

from ticketing.db.schema import history, tickets
from ticketing.services import Ticketing

if TYPE_CHECKING:
    from playwright.sync_api import Page

SUPERVISOR = "S0004"  # community party secretary of C0101: sees every ticket of the community
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|(?<!\()\bS\d{4}\b|\.building_leader\b")  # a staff id only beside a name


def _longest_story(service: Ticketing) -> str:
    """The C0101 ticket with the most history lines."""
    lines = func.count(history.c.id)
    query = (
        select(tickets.c.number)
        .join(history, history.c.ticket_id == tickets.c.id)
        .where(tickets.c.community_id == "C0101")
        .group_by(tickets.c.number)
        .order_by(lines.desc(), tickets.c.number)
        .limit(1)
    )
    with service.engine.connect() as conn:
        return conn.execute(query).scalar_one()


def _history_lines(page: Page, number: str, staff_id: str) -> list[str]:
    log_in(page, staff_id)
    page.goto(f"/staff/t/{number}")
    return page.locator("section[aria-labelledby=history] li").all_inner_texts()


@pytest.mark.parametrize("locale", ["zh-CN", "en-GB"])
def test_the_history_reads_in_the_pages_language_with_names(
    page_factory: Callable[..., Page], demo_service: Ticketing, locale: str
) -> None:
    if demo_service.engine.dialect.name != "sqlite":
        pytest.skip("the words of a page do not depend on the database: read once, on SQLite")
    number = _longest_story(demo_service)
    page = page_factory(width=390, height=844, locale=locale, mobile=True)
    lines = _history_lines(page, number, SUPERVISOR)
    assert len(lines) >= 4, lines
    for line in lines:
        assert not CODE.search(line), f"a code or a bare id in {line!r}"
        if locale == "zh-CN":
            assert not ENGLISH_WORD.search(line), f"English on a Chinese page: {line!r}"
    if locale == "en-GB":
        text = " ".join(lines)
        assert "acknowledge" in text.lower() or "opened" in text.lower(), text
    else:
        page.locator("section[aria-labelledby=history]").scroll_into_view_if_needed()
        shoot(page, "phone-ticket-history")
    assert fits(page)
