"""Every page each role reaches, in each language: no raw code, no word of the other language, no serious axe rule.

Issue "Chinese first, phone first" (items 1 and 8). For each role (a resident, a building leader, a grid leader,
a community and a street supervisor, the admin) and each language, a crawl starts from the landing page and
follows every same-origin link (breadth first; not logout, exports, the APIs, photos; at most a few pages of
one shape, such as two tickets), and on each page, at a phone's width and a desktop's:

- the text a user sees (the rendered text, the title, placeholders, labels read aloud, option groups) holds
  no raw code: no snake_case word (``closed_unreachable``), no post id (``B01010101.building_leader``), no
  unit or staff id alone (beside a name it is fine: ``厉德福 (S0013)``), no element whose whole text is a code
  the database stores (a role ``staff``, a state ``new``, a calendar ``standard``);
- a Chinese page holds no Latin word of three letters or more but the product names and formats of
  ``LATIN_ALLOWED``; an English page no Chinese character but in the district's own data (names of people and
  places, what residents and staff wrote), read from the database;
- axe-core finds no serious or critical violation; the page does not scroll sideways.

Text in an element marked with another ``lang`` (the language switch) is that language's, not the page's.
The crawl also sends the request forms (a resident's, a staff member's) and the absence form empty, to check
pages with errors.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

import pytest
from axe import severe_violations
from sqlalchemy import select

from ticketing.db import schema
from ticketing.demo.tickets import DEMO_PASSWORD
from ticketing.services import Ticketing

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

ROLES: dict[str, str | None] = {
    "resident": None,
    "building-leader": "S0013",
    "grid-leader": "S0010",
    "community-supervisor": "S0004",
    "street-supervisor": "S0002",
    "admin": "S0001",
}
LANGUAGES = {"zh_Hans": "zh-CN", "en": "en-US"}
SIZES = ((390, 844), (1366, 900))
PAGES_PER_ROLE = 60
PAGES_PER_SHAPE = 2  # e.g. two ticket pages, two filters of the board
SKIPPED = re.compile(r"^/(api|open311|static|metrics|healthz|readyz|logout|language)\b|\.(csv|xlsx|json|xml)$|/photos/")
REFUSED = {False: ("/r/new",), True: ("/staff/register", "/staff/absence")}  # sent empty: a page with errors
RESIDENT_TOKEN = "crawl-resident-private-link-0001"
RESIDENT_PHONE = "139 0633 5678"

# Raw codes, in either language.
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
POST_ID = re.compile(r"\b[A-Z]{1,2}\d{2,}\.[a-z_]+\b")
BARE_ID = re.compile(r"(?<![\w(（])(?:ST\d{2}|[BCDGPRS]\d{2,})(?![\w)）])")  # an id beside a name is in brackets
# A Chinese page: Latin words of 3+ letters only for these product names and formats.
LATIN_RUN = re.compile(r"[A-Za-z]{3,}")
PRODUCTS = ("API", "OpenAPI", "Open311", "Excel", "SMS", "URL")
FORMATS = ("CSV", "XLSX", "YAML", "TOML", "JSON", "XML", "PNG", "JPEG", "WebP")
LATIN_ALLOWED = frozenset((*PRODUCTS, *FORMATS))
LATIN_FORMATS = re.compile(r"\S+@\S+\.\w+|https?://\S+|(?<!\w)\.[a-z]{2,4}\b", re.ASCII)  # e-mail, links, .yaml
# An English page: Han characters and Chinese punctuation only in the district's data.
HAN_RUN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60]+")


_TEXTS = """() => {
    const out = [];
    const langOf = (el) => (el.closest("[lang]") || document.documentElement).getAttribute("lang") || "";
    const where = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.classList.length ? "." + [...el.classList].join(".") : "");
    const shown = (el) => {
        if (el.closest("option, optgroup")) {
            const select = el.closest("select");
            return !!select && select.checkVisibility({visibilityProperty: true});
        }
        return el.checkVisibility({visibilityProperty: true});
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        const text = node.nodeValue.trim();
        if (!text || !el || el.closest("script, style, noscript, template") || !shown(el)) continue;
        const whole = el.textContent.trim() === text;
        const beside = whole && getComputedStyle(el).display.startsWith("inline")
            && !!el.parentElement && el.parentElement.textContent.trim() !== text;
        out.push({text, lang: langOf(el), where: where(el), whole, beside});
    }
    for (const el of document.querySelectorAll("[title], [placeholder], [aria-label], [alt], optgroup[label]")) {
        for (const name of ["title", "placeholder", "aria-label", "alt", "label"]) {
            const value = (el.getAttribute(name) || "").trim();
            if (value && (el.tagName !== "OPTGROUP" || name === "label" || name === "title"))
                out.push({text: value, lang: langOf(el), where: `${where(el)}[${name}]`, whole: false, beside: false});
        }
    }
    const root = document.documentElement;
    out.push({text: document.title, lang: langOf(root), where: "title", whole: false, beside: false});
    return {lang: root.getAttribute("lang"), texts: out, overflow: root.scrollWidth - root.clientWidth};
}"""


@dataclass
class Crawl:
    """What one role saw in one language: the pages visited and what was wrong on them."""

    role: str
    language: str
    data: str
    codes: frozenset[str]
    ids: frozenset[str]
    visited: list[str] = field(default_factory=list)
    findings: dict[str, None] = field(default_factory=dict)  # ordered, without repeats

    def check(self, page: Page, path: str, axe: bool = True) -> None:
        """Check the page at each size: its text, its width and (unless another page of its shape was) axe."""
        shape = _shape(path)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            seen = page.evaluate(_TEXTS)
            expected = "zh-Hans" if self.language == "zh_Hans" else "en"
            if seen["lang"] != expected:
                self._found(f"lang {shape}: the page says lang={seen['lang']!r}, not {expected!r}")
            for item in seen["texts"]:
                if item["lang"].split("-")[0] == seen["lang"].split("-")[0]:  # not the language switch
                    for problem in self._text_problems(item["text"], item["whole"], item["beside"]):
                        self._found(f"{problem} {shape}: {item['where']}: {item['text'][:120]!r}")
            if seen["overflow"] > 0:
                self._found(f"overflow {shape}: {seen['overflow']} px wider than the screen at {width} px")
            for violation in severe_violations(page) if axe else ():
                self._found(f"axe {shape}: {violation}")
        # Back to the phone before the next page loads: a page loaded wide and then narrowed could still hold a
        # chart drawn at the wide size for a frame, which no phone would ever show.
        page.set_viewport_size({"width": SIZES[0][0], "height": SIZES[0][1]})

    def _text_problems(self, text: str, whole: bool, beside: bool) -> Iterator[str]:
        """``whole``: the text is all its element holds (a code alone); ``beside``: that element is inline next
        to other text, as an id beside a name (a unit's, a staff member's or a calendar's) may be."""
        if beside and (BARE_ID.fullmatch(text) or text in self.ids):
            return
        if SNAKE_CASE.search(text) or POST_ID.search(text) or BARE_ID.search(text) or (whole and text in self.codes):
            yield "code"
        if self.language == "zh_Hans":
            if any(run not in LATIN_ALLOWED for run in LATIN_RUN.findall(LATIN_FORMATS.sub(" ", text))):
                yield "english"
        elif any(run not in self.data for run in HAN_RUN.findall(text)):
            yield "chinese"

    def _found(self, finding: str) -> None:
        self.findings[finding] = None


def _shape(path: str) -> str:
    """The path with its numbers and secrets as ``#`` and its query's keys: pages of one kind share it."""
    parts = urlsplit(path)
    keys = sorted({key for key, _ in parse_qsl(parts.query)})
    shaped = re.sub(r"/r/t/[\w-]+", "/r/t/#", re.sub(r"\d+(?:-\d+)?", "#", parts.path))
    shaped = re.sub(r"/posts/[^/]+", "/posts/#", shaped)
    return shaped + (f"?{'&'.join(keys)}" if keys else "")


def _data_text(service: Ticketing) -> str:
    """Everything people typed or the district is made of (names, addresses, descriptions), one text."""
    columns = (
        schema.calendars.c.name,
        schema.units.c.name,
        schema.units.c.address,
        schema.staff.c.name,
        schema.absences.c.reason,
        schema.holiday_overrides.c.reason,
        schema.tickets.c.description,
        schema.tickets.c.address,
        schema.tickets.c.contact_name,
        schema.tickets.c.resolution,
        schema.tickets.c.referred_to,
        schema.tickets.c.mediation_agreement,
        schema.tickets.c.termination_reason,
        schema.ticket_joins.c.reason,
        schema.history.c.reason,
        *(
            table.c[name]
            for table, names in (
                (schema.registrants, ("name", "contact_name", "work_unit", "skills", "offer")),
                (schema.volunteer_teams, ("name", "brand")),
                (schema.service_items, ("title", "description")),
                (schema.service_claims, ("reason",)),
                (schema.service_records, ("what",)),
            )
            for name in names
        ),
    )
    with service.engine.connect() as conn:
        return "\n".join(str(value) for column in columns for value in conn.scalars(select(column)) if value)


def _code_words(service: Ticketing) -> frozenset[str]:
    """The codes the database stores for kinds, states, roles and channels: shown alone, they are raw codes."""
    columns = (
        schema.calendars.c.id,
        schema.units.c.kind,
        schema.posts.c.kind,
        schema.staff.c.role,
        schema.tickets.c.state,
        schema.tickets.c.channel,
        schema.tickets.c.clock,
        schema.tickets.c.notify_by,
        schema.tickets.c.satisfaction,
        schema.history.c.action,
        schema.registrants.c.kind,
        schema.registrants.c.status,
        schema.service_items.c.kind,
        schema.service_items.c.status,
        schema.service_claims.c.status,
    )
    with service.engine.connect() as conn:
        return frozenset(str(code) for column in columns for code in conn.scalars(select(column).distinct()) if code)


def _calendar_ids(service: Ticketing) -> frozenset[str]:
    with service.engine.connect() as conn:
        return frozenset(conn.scalars(select(schema.calendars.c.id)))


def _resident_ticket(service: Ticketing, now: datetime) -> str:
    """A resident's request with a private link, acknowledged and resolved; its number."""
    ticket = service.open_ticket(
        category="property_repair",
        description="楼道声控灯不亮，晚上上下楼很不方便",
        contact_phone=RESIDENT_PHONE,
        contact_name="王阿姨",
        location_id="B01010101",
        now=now,
        access_token=RESIDENT_TOKEN,
    )
    holder = ticket.holder_id
    assert holder is not None
    service.act(ticket.number, "acknowledge", holder, now + timedelta(minutes=5))
    service.act(ticket.number, "resolve", holder, now + timedelta(minutes=30), resolution="已更换声控灯")
    return ticket.number


def _links(page: Page, origin: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all("a[href]:not([download])", "els => els.map((a) => a.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIPPED.search(parts.path):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def _log_in(page: Page, staff_id: str) -> None:
    page.goto("/login")
    page.fill("#staff_id", staff_id)
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(#password) button[type=submit]").click()
    assert f"({staff_id})" in page.locator("header").inner_text()


def _crawl(page: Page, crawl: Crawl, origin: str, starts: list[str]) -> None:
    queue = deque(starts)
    seen = set(starts)
    shapes: dict[str, int] = {}
    while queue and len(crawl.visited) < PAGES_PER_ROLE:
        path = queue.popleft()
        shape = _shape(path)
        if shapes.get(shape, 0) >= PAGES_PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = page.goto(path)
        assert response is not None
        if response.status >= 500:
            crawl._found(f"status {shape}: {response.status}")
            continue
        crawl.visited.append(path)
        crawl.check(page, page.url.removeprefix(origin), axe=shapes[shape] == 1)
        for link in _links(page, origin):
            if link not in seen:
                seen.add(link)
                queue.append(link)


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_speaks_one_language_without_codes(
    browser: Browser,
    database_url: str,
    live_server: str,
    demo_service: Ticketing,
    clock: list[datetime],
    role: str,
    language: str,
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the words on the pages do not depend on the database: crawled once, on SQLite")
    number = _resident_ticket(demo_service, clock[0])
    crawl = Crawl(role, language, _data_text(demo_service), _code_words(demo_service), _calendar_ids(demo_service))
    context: BrowserContext = browser.new_context(
        viewport={"width": SIZES[0][0], "height": SIZES[0][1]}, locale=LANGUAGES[language], base_url=live_server
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        staff_id = ROLES[role]
        if staff_id is None:
            starts = ["/", f"/r/t/{RESIDENT_TOKEN}"]
        else:
            _log_in(page, staff_id)
            starts = ["/"]
        _crawl(page, crawl, live_server, starts)
        if staff_id is None:
            page.goto("/r/track")
            page.fill("#number", number)
            page.fill("#phone_ending", RESIDENT_PHONE[-4:])
            with page.expect_navigation():
                page.locator("form:has(#phone_ending) button[type=submit]").click()
            crawl.check(page, page.url.removeprefix(live_server))
        for form in REFUSED[staff_id is not None]:
            page.goto(form)
            with page.expect_navigation():
                page.locator("main form[method=post]:not(.inline) button[type=submit]").first.click()
            crawl.check(page, f"{form} (refused)")
    finally:
        context.close()
    report = "\n".join(crawl.findings)
    assert not report, f"{role} in {language}, on {len(crawl.visited)} pages:\n{report}"
