"""The supervisors' pages: the overdue board with its actions, the three rates with exports, the workflows."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from ticketing.domain.rates import RateWeights
from ticketing.domain.ticket import Ticket
from ticketing.services import Ticketing
from ticketing.web.context import WEIGHTS_CONFIG
from ticketing.web.labels import FLAGS

Login = Callable[[str], FlaskClient]
WEB_NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock at the start of each test (Monday 09:00 local)
MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)

PAGES = (
    "/supervise/board",
    "/supervise/rates",
    "/supervise/workflows",
    "/supervise/board.csv",
    "/supervise/board.xlsx",
    "/supervise/rates.csv",
    "/supervise/rates.xlsx",
)


def open_at(service: Ticketing, location: str, at: datetime, category: str = "public_facilities") -> str:
    ticket = service.open_ticket(
        category=category,
        description=f"测试诉求 {location}",
        contact_phone="13806330000",
        location_id=location,
        now=at,
    )
    return ticket.number


def ticket(service: Ticketing, number: str) -> Ticket:
    return service.show(number).ticket


def sweep_until(
    service: Ticketing, numbers: list[str], done: Callable[[Ticket], bool], start: datetime, step: timedelta
) -> datetime:
    """Sweep at ever later times until every ticket is ``done``; the time reached."""
    at = start
    for _ in range(100):
        if all(done(ticket(service, number)) for number in numbers):
            return at
        at += step
        service.sweep.run(at)
    raise AssertionError(f"tickets {numbers} never got there")


def handle(service: Ticketing, number: str, at: datetime, satisfaction: str | None = None) -> None:
    """The holder acknowledges and resolves; with a satisfaction, the first responder calls back (solved unless
    unsatisfied)."""
    holder = ticket(service, number).holder_id
    service.act(number, "acknowledge", holder, at)
    service.act(number, "resolve", holder, at + MINUTE, resolution="已处理")
    if satisfaction is not None:
        reached = satisfaction != "unreached"
        solved = satisfaction != "unsatisfied"  # those satisfied say it is solved
        params = {"satisfaction": satisfaction, "solved": solved} if reached else {}
        service.act(number, "callback", holder, at + 2 * MINUTE, reached=reached, **params)


def note(number: str, version: int, text: str) -> dict[str, object]:
    """What the note form of a board row posts."""
    return {f"note-{number}-version": version, f"note-{number}-text": text}


def extension(number: str, version: int, by: str, reason: str) -> dict[str, object]:
    """What the extension form of a board row posts."""
    return {f"extend-{number}-version": version, f"extend-{number}-by": by, f"extend-{number}-reason": reason}


def numbers_on(page: str) -> set[str]:
    return set(re.findall(r'<tr id="t-(\d{6}-\d{6})"', page))


@dataclass
class Board:
    """Tickets on and off the board: overdue in C0101 (A), C0102 (D) and C0201 (E), escalated (B),
    callback overdue (C), and a fresh one (P) that is on nobody's board."""

    a: str
    b: str
    c: str
    d: str
    e: str
    p: str
    now: datetime


@pytest.fixture
def board(service: Ticketing, clock: list[datetime]) -> Board:
    a = open_at(service, "B01010101", WEB_NOW)
    d = open_at(service, "B01020101", WEB_NOW)
    e = open_at(service, "B02010101", WEB_NOW)
    reached = sweep_until(service, [a, d, e], lambda t: t.overdue, WEB_NOW, DAY)
    c = open_at(service, "B01010201", reached + HOUR)
    handle(service, c, reached + 2 * HOUR)
    reached = sweep_until(service, [c], lambda t: t.needs_review, reached + 2 * HOUR, 6 * HOUR)
    b = open_at(service, "B01010301", reached + HOUR)
    reached = sweep_until(service, [b], lambda t: t.tier >= 1, reached + HOUR, HOUR)
    p = open_at(service, "B01010102", reached + MINUTE)
    clock[0] = reached + 2 * MINUTE
    assert not ticket(service, b).overdue and ticket(service, b).due_at > clock[0]
    return Board(a, b, c, d, e, p, clock[0])


# --- the board ----------------------------------------------------------------------------


def test_the_board_lists_overdue_escalated_and_review_tickets_of_the_supervisors_area(
    board: Board, login: Login
) -> None:
    page = login("S0004").get("/supervise/board")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert numbers_on(text) == {board.a, board.b, board.c}
    never_acknowledged = text.split(f'id="t-{board.a}"', 1)[1].split("</tr>", 1)[0]
    assert "Not acknowledged in time" in never_acknowledged and "Acknowledged late" not in never_acknowledged
    assert text.index(board.a) < text.index(board.c) < text.index(board.b), "oldest first"
    assert f'href="/staff/t/{board.a}"' in text
    assert "overdue by" in text and "(working time)" in text and "Callback overdue since" in text
    assert "Public facilities" in text and "海曲社区第一网格" in text
    assert "Community party secretary" in text and "Grid leader" in text


def test_a_street_supervisor_sees_every_community_of_the_street_and_admins_see_all(board: Board, login: Login) -> None:
    street = login("S0002").get("/supervise/board").get_data(as_text=True)
    assert numbers_on(street) == {board.a, board.b, board.c, board.d}
    admin = login("S0001").get("/supervise/board").get_data(as_text=True)
    assert numbers_on(admin) == {board.a, board.b, board.c, board.d, board.e}
    other = login("S0055").get("/supervise/board").get_data(as_text=True)
    assert numbers_on(other) == {board.d}


def test_the_filter_choices_are_limited_to_the_supervisors_area(board: Board, login: Login) -> None:
    text = login("S0004").get("/supervise/board").get_data(as_text=True)
    assert '<option value="C0101">' in text and '<option value="C0102">' not in text
    assert '<option value="G010101">' in text and '<option value="G010201">' not in text
    refused = login("S0004").get("/supervise/board?community=C0102")
    assert refused.status_code == 400 and "Not a valid choice" in refused.get_data(as_text=True)
    assert numbers_on(refused.get_data(as_text=True)) == set()


def test_the_board_filters_by_street_community_grid_tier_and_age(board: Board, login: Login) -> None:
    client = login("S0001")

    def shown(query: str) -> set[str]:
        response = client.get(f"/supervise/board?{query}")
        assert response.status_code == 200
        return numbers_on(response.get_data(as_text=True))

    assert shown("street=ST02") == {board.e}
    assert shown("community=C0102") == {board.d}
    assert shown("grid=G010101") == {board.a}
    assert shown("tier=0") == {board.c}
    assert shown("tier=1") == {board.b}
    old = (board.now - WEB_NOW).days - 1
    assert shown(f"age={old}") == {board.a, board.d, board.e}
    assert shown("community=C0101&tier=2") == {board.a}
    bad = client.get("/supervise/board?age=soon")
    assert bad.status_code == 400 and 'value="soon"' in bad.get_data(as_text=True)


def test_the_board_is_paginated_oldest_first_and_keeps_the_filters(
    service: Ticketing, login: Login, clock: list[datetime]
) -> None:
    opened = [open_at(service, "B01010101", WEB_NOW + n * MINUTE) for n in range(27)]
    clock[0] = sweep_until(service, opened, lambda t: t.tier >= 1, WEB_NOW + HOUR, HOUR)
    client = login("S0004")
    first = client.get("/supervise/board?community=C0101").get_data(as_text=True)
    assert numbers_on(first) == set(opened[:25])
    assert "27 tickets" in first and "Page 1 of 2" in first
    assert "/supervise/board?page=2&amp;community=C0101" in first
    second = client.get("/supervise/board?community=C0101&page=2").get_data(as_text=True)
    assert numbers_on(second) == set(opened[25:])
    beyond = client.get("/supervise/board?community=C0101&page=9").get_data(as_text=True)
    assert numbers_on(beyond) == set(opened[25:]), "a page past the end shows the last page"


def test_a_supervision_note_is_added_from_the_board(board: Board, service: Ticketing, login: Login) -> None:
    client = login("S0004")
    version = ticket(service, board.a).version
    response = client.post(
        f"/supervise/board/{board.a}/note?grid=G010101",
        data=note(board.a, version, "请于今日内上门处理并回复"),
    )
    assert response.status_code == 302 and response.location.endswith("/supervise/board?grid=G010101")
    last = service.show(board.a).history[-1]
    assert (last.action, last.actor_id, last.reason) == ("supervise", "S0004", "请于今日内上门处理并回复")
    page = client.get(response.location).get_data(as_text=True)
    assert f"Supervision note added: {board.a}" in page
    row = page.split(f'id="t-{board.a}"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r"<strong>Supervision</strong> · 黄海燕 \(S0004\) · [^<]+<br>请于今日内上门处理并回复", row)


def test_an_empty_note_is_refused_next_to_the_field(board: Board, service: Ticketing, login: Login) -> None:
    version = ticket(service, board.a).version
    response = login("S0004").post(f"/supervise/board/{board.a}/note", data=note(board.a, version, ""))
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="note-{board.a}-text-error"' in text
    assert ticket(service, board.a).version == version


def test_a_deadline_is_extended_from_the_board(board: Board, service: Ticketing, login: Login) -> None:
    before = ticket(service, board.b)
    response = login("S0004").post(
        f"/supervise/board/{board.b}/extend",
        data=extension(board.b, before.version, "2d", "需协调物业"),
    )
    assert response.status_code == 302
    after = ticket(service, board.b)
    assert after.due_at is not None and before.due_at is not None and after.due_at > before.due_at + DAY
    assert service.show(board.b).history[-1].action == "extend"


def test_an_extension_after_the_deadline_is_refused_next_to_the_form_with_the_input_kept(
    board: Board, service: Ticketing, login: Login, clock: list[datetime]
) -> None:
    before = ticket(service, board.b)
    assert before.due_at is not None
    clock[0] = before.due_at + MINUTE  # the deadline passed; no sweep has run yet
    response = login("S0004").post(
        f"/supervise/board/{board.b}/extend",
        data=extension(board.b, before.version, "4h", "居民不在家"),
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "an extension must be asked for before the deadline" in text
    assert 'value="居民不在家"' in text and 'value="4h"' in text
    assert ticket(service, board.b).due_at == before.due_at


def test_a_malformed_extension_is_refused_next_to_the_field(board: Board, service: Ticketing, login: Login) -> None:
    version = ticket(service, board.b).version
    response = login("S0004").post(
        f"/supervise/board/{board.b}/extend",
        data=extension(board.b, version, "soon", "x"),
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "&#39;soon&#39; is not a working time: write e.g. 2d, 3h or 30m" in text and 'value="soon"' in text
    assert "Working time, e.g. 2d, 3h, 30m (days are working days)." in text
    assert service.show(board.b).history[-1].action != "extend"


@pytest.mark.parametrize("typed", ["2天", "２ 天", "1天2小时"])
def test_a_supervisor_extends_in_chinese_words_and_digits(
    board: Board, service: Ticketing, login: Login, typed: str
) -> None:
    before = ticket(service, board.b)
    supervisor = login("S0004")
    supervisor.post("/language/zh_Hans", data={"next": "/"})
    assert "如 2天、3小时、30分钟" in supervisor.get("/supervise/board").get_data(as_text=True)

    response = supervisor.post(
        f"/supervise/board/{board.b}/extend", data=extension(board.b, before.version, typed, "需协调物业")
    )

    assert response.status_code == 302
    after = ticket(service, board.b)
    assert after.due_at is not None and before.due_at is not None and after.due_at > before.due_at + DAY


def test_a_bad_working_time_is_refused_in_chinese_saying_what_is_allowed(
    board: Board, service: Ticketing, login: Login
) -> None:
    supervisor = login("S0004")
    supervisor.post("/language/zh_Hans", data={"next": "/"})
    version = ticket(service, board.b).version

    response = supervisor.post(f"/supervise/board/{board.b}/extend", data=extension(board.b, version, "两天", "x"))

    assert response.status_code == 400
    assert "不是有效的工作时间：请写如 2天、3小时、30分钟" in response.get_data(as_text=True)


def test_a_stale_version_shows_the_current_state_instead_of_overwriting(
    board: Board, service: Ticketing, login: Login
) -> None:
    seen = ticket(service, board.a).version
    service.act(board.a, "note", "S0005", board.now, text="B岗已跟进")
    response = login("S0004").post(
        f"/supervise/board/{board.a}/note",
        data=note(board.a, seen, "请尽快处理"),
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this ticket — here is the current state." in text
    assert "B岗已跟进" in text and "请尽快处理" in text
    assert f'value="{seen + 1}"' in text, "the form now carries the current version"
    assert [e.reason for e in service.show(board.a).history if e.action == "note"] == ["B岗已跟进"]


def test_a_supervisor_cannot_act_on_another_communitys_ticket(board: Board, service: Ticketing, login: Login) -> None:
    version = ticket(service, board.d).version
    response = login("S0004").post(f"/supervise/board/{board.d}/note", data=note(board.d, version, "越权"))
    assert response.status_code == 404
    assert ticket(service, board.d).version == version


def test_board_actions_need_the_csrf_token(board: Board, app: Flask, service: Ticketing, login: Login) -> None:
    client = login("S0004")
    app.config["WTF_CSRF_ENABLED"] = True
    version = ticket(service, board.a).version
    data = {f"note-{board.a}-version": version, f"note-{board.a}-text": "督办"}
    assert client.post(f"/supervise/board/{board.a}/note", data=data).status_code == 400
    page = client.get("/supervise/board").get_data(as_text=True)
    token = re.search(rf'name="note-{board.a}-csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    data[f"note-{board.a}-csrf_token"] = token[1]
    assert client.post(f"/supervise/board/{board.a}/note", data=data).status_code == 302
    assert service.show(board.a).history[-1].reason == "督办"


def test_a_rows_extension_form_sends_what_the_board_shows_and_only_with_its_token(
    board: Board, app: Flask, service: Ticketing, login: Login
) -> None:
    """The board writes each row's forms out itself: as shown, with the page's token, they act; without it, not."""
    client = login("S0004")
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/supervise/board").get_data(as_text=True)
    form = re.search(rf'<form method="post" action="([^"]*/{board.b}/extend)" novalidate>(.*?)</form>', page, re.S)
    assert form is not None
    fields = dict(re.findall(r'<input[^>]* name="([^"]+)"[^>]* value="([^"]*)"', form[2]))
    labelled = set(re.findall(r'<label for="([^"]+)">', form[2]))
    assert labelled == {f"extend-{board.b}-by", f"extend-{board.b}-reason"} <= fields.keys()
    before = ticket(service, board.b)
    typed = fields | {f"extend-{board.b}-by": "2d", f"extend-{board.b}-reason": "需协调物业"}
    without = {name: value for name, value in typed.items() if not name.endswith("csrf_token")}

    assert client.post(html.unescape(form[1]), data=without).status_code == 400
    assert ticket(service, board.b).due_at == before.due_at
    assert client.post(html.unescape(form[1]), data=typed).status_code == 302
    after = ticket(service, board.b)
    assert after.due_at is not None and before.due_at is not None and after.due_at > before.due_at + DAY


def test_the_board_exports_with_the_current_filters(board: Board, login: Login) -> None:
    client = login("S0002")
    response = client.get("/supervise/board.csv?community=C0101")
    body = response.get_data()
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert body.startswith(b"\xef\xbb\xbf") and "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0][:3] == ["Number", "Category", "State"] and table[0][-1] == "Flags"
    assert {line[0] for line in table[1:]} == {board.a, board.b, board.c}
    assert [line[0] for line in table[1:]] == [board.a, board.c, board.b]
    row_a = next(line for line in table if line[0] == board.a)
    assert row_a[4] == "海曲社区" and "Overdue" in row_a[-1]

    book = load_workbook(io.BytesIO(client.get("/supervise/board.xlsx?community=C0101").get_data()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Number" and {r[0] for r in rows[1:]} == {board.a, board.b, board.c}

    chinese = client.get("/supervise/board.csv", headers={"Accept-Language": "zh-CN"}).get_data()
    header = next(csv.reader(io.StringIO(chinese.decode("utf-8-sig"))))
    assert header[:3] == ["编号", "类别", "状态"]
    assert client.get("/supervise/board.csv?tier=x").status_code == 400


# --- the three rates ----------------------------------------------------------------------


@dataclass
class Crafted:
    """Tickets opened on 2026-11-23 (local) with known outcomes, and one just after local midnight."""

    late: str
    next_day: str


@pytest.fixture
def crafted(service: Ticketing, clock: list[datetime]) -> Crafted:
    at = WEB_NOW
    satisfied = open_at(service, "B01010101", at)  # G010101
    basically = open_at(service, "B01010102", at)  # G010101
    late = open_at(service, "B01010201", at)  # G010102: acknowledged late, then unsatisfied
    unreached = open_at(service, "B01010202", at)  # G010102: callback not reached → not in the base
    returned = open_at(service, "B01010103", at)  # returned to the resident → not in the base
    open_at(service, "B01010104", at)  # never handled → not in the base
    other = open_at(service, "B01020101", at)  # C0102
    handle(service, satisfied, at + 10 * MINUTE, "satisfied")
    handle(service, basically, at + 10 * MINUTE, "basically_satisfied")
    handle(service, unreached, at + 10 * MINUTE, "unreached")
    handle(service, other, at + 10 * MINUTE, "satisfied")
    service.act(returned, "return_to_resident", ticket(service, returned).holder_id, at + 10 * MINUTE, reason="重复")
    service.sweep.run(at + 3 * HOUR)  # the acknowledge deadline (2 h) of the late one passes
    assert ticket(service, late).ack_late
    handle(service, late, at + 4 * HOUR, "unsatisfied")
    next_day = open_at(service, "B02010101", datetime(2026, 11, 23, 16, 30, tzinfo=at.tzinfo))  # 00:30 on the 24th
    handle(service, next_day, datetime(2026, 11, 23, 16, 40, tzinfo=at.tzinfo), "satisfied")
    clock[0] = at + 2 * DAY
    return Crafted(late, next_day)


def rate_cells(page: str, table: str, key: str) -> list[str]:
    """The cells of one row (by unit id or week start) of one rates table."""
    section = page[page.index(f'id="table-{table}"') :]
    row = section[section.index(f'data-key="{key}"') :]
    row = row[: row.index("</tr>")]
    return [html.unescape(cell) for cell in re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)]


def test_the_rates_page_shows_the_three_rates_per_grid_community_and_street(crafted: Crafted, login: Login) -> None:
    response = login("S0004").get("/supervise/rates")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    # name, base, responded, satisfied, basically satisfied, solved, response, resolution, satisfaction, total
    assert rate_cells(text, "community", "C0101")[0] == "海曲社区"
    assert rate_cells(text, "community", "C0101")[1:] == ["3", "2", "1", "1", "2", "66.7%", "66.7%", "63.3%", "65.3%"]
    assert rate_cells(text, "grid", "G010101")[1:] == ["2", "2", "1", "1", "2", "100.0%", "100.0%", "95.0%", "98.0%"]
    assert rate_cells(text, "grid", "G010102")[1:] == ["1", "0", "0", "0", "0", "0.0%", "0.0%", "0.0%", "0.0%"]
    assert rate_cells(text, "grid", "G010103")[1:] == ["0", "0", "0", "0", "0", "—", "—", "—", "—"]
    assert 'data-key="C0102"' not in text, "another community's figures are not shown"
    assert '<dd id="overall-response">66.7%</dd>' in text


def test_a_street_supervisor_and_an_admin_see_wider_rates(crafted: Crafted, login: Login) -> None:
    street = login("S0002").get("/supervise/rates").get_data(as_text=True)
    assert rate_cells(street, "street", "ST01")[1:] == ["4", "3", "2", "1", "3", "75.0%", "75.0%", "72.5%", "74.0%"]
    assert rate_cells(street, "community", "C0102")[1:] == [
        "1",
        "1",
        "1",
        "0",
        "1",
        "100.0%",
        "100.0%",
        "100.0%",
        "100.0%",
    ]
    admin = login("S0001").get("/supervise/rates").get_data(as_text=True)
    assert rate_cells(admin, "street", "ST02")[1] == "1"
    assert '<dd id="overall-base">5</dd>' in admin


def test_the_period_follows_the_districts_calendar_days(crafted: Crafted, login: Login) -> None:
    client = login("S0001")
    day = client.get("/supervise/rates?first=2026-11-23&last=2026-11-23").get_data(as_text=True)
    assert '<dd id="overall-base">4</dd>' in day
    after_midnight = client.get("/supervise/rates?first=2026-11-24&last=2026-11-24").get_data(as_text=True)
    assert '<dd id="overall-base">1</dd>' in after_midnight
    empty = client.get("/supervise/rates?first=2026-10-01&last=2026-10-31").get_data(as_text=True)
    assert 'id="rates-empty"' in empty and 'id="overall-base"' not in empty


def test_an_empty_period_says_why_instead_of_dashes_and_empty_charts(crafted: Crafted, login: Login) -> None:
    client = login("S0004")

    empty = client.get("/supervise/rates?first=2026-10-01&last=2026-10-31").get_data(as_text=True)

    assert (
        "No request opened from 2026-10-01 to 2026-10-31 has been called back, terminated or returned yet, "
        "so this period has no rates." in empty
    )
    assert '<a href="/supervise/rates?first=2026-01-01&amp;last=2026-11-25">This year</a>' in empty
    assert "—" not in empty.split("<main")[1] and "<canvas" not in empty and "chart.umd.min.js" not in empty
    chinese = client.get("/supervise/rates?first=2026-10-01&last=2026-10-31", headers={"Accept-Language": "zh-CN"})
    assert "2026-10-01 至 2026-10-31 期间受理的诉求尚无回访" in chinese.get_data(as_text=True)


def test_presets_pick_a_month_quarter_or_year_in_one_tap(crafted: Crafted, login: Login) -> None:
    client = login("S0004")  # today is Wednesday 2026-11-25 in Shanghai

    page = client.get("/supervise/rates").get_data(as_text=True)
    presets = re.findall(r'<a href="/supervise/rates\?first=([0-9-]+)&amp;last=([0-9-]+)"[^>]*>([^<]+)</a>', page)

    assert presets[:7] == [
        ("2026-10-27", "2026-11-25", "Last 30 days"),
        ("2026-11-01", "2026-11-25", "This month"),
        ("2026-10-01", "2026-10-31", "Last month"),
        ("2026-10-01", "2026-11-25", "This quarter"),
        ("2026-07-01", "2026-09-30", "Last quarter"),
        ("2026-01-01", "2026-11-25", "This year"),
        ("2025-01-01", "2025-12-31", "Last year"),
    ]
    assert 'aria-current="true">Last 30 days</a>' in page
    month = client.get("/supervise/rates?first=2026-11-01&last=2026-11-25").get_data(as_text=True)
    assert 'aria-current="true">This month</a>' in month and '<dd id="overall-base">3</dd>' in month
    refused = client.get("/supervise/rates?first=2026-11-23&last=2026-11-01")
    assert refused.status_code == 400 and ">Last month</a>" in refused.get_data(as_text=True)


def test_weeks_run_monday_to_sunday_whatever_day_the_period_starts(crafted: Crafted, login: Login) -> None:
    # 2026-11-01 is a Sunday and 2026-11-30 a Monday: both are weeks of one day.
    page = login("S0004").get("/supervise/rates?first=2026-11-01&last=2026-11-30").get_data(as_text=True)
    weeks = page[page.index('id="table-weeks"') :]
    weeks = weeks[: weeks.index("</table>")]

    assert re.findall(r'data-key="([0-9-]+)"', weeks) == [
        "2026-11-01",
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
        "2026-11-30",
    ]
    assert rate_cells(page, "weeks", "2026-11-23")[:2] == ["2026-W48, from 2026-11-23", "3"]
    assert rate_cells(page, "weeks", "2026-11-30")[0] == "2026-W49, from 2026-11-30"


def test_a_wrong_period_is_refused_next_to_the_field(login: Login) -> None:
    client = login("S0004")
    backwards = client.get("/supervise/rates?first=2026-11-23&last=2026-11-01")
    assert backwards.status_code == 400
    assert "The end of the period is before its start." in backwards.get_data(as_text=True)
    assert 'value="2026-11-01"' in backwards.get_data(as_text=True)
    too_long = client.get("/supervise/rates?first=2024-01-01&last=2026-11-01")
    assert too_long.status_code == 400 and "Choose at most 366 days." in too_long.get_data(as_text=True)
    assert client.get("/supervise/rates.csv?first=nonsense").status_code == 400


def test_the_charts_get_their_data_as_json(crafted: Crafted, login: Login) -> None:
    text = login("S0004").get("/supervise/rates").get_data(as_text=True)
    assert "vendor/chartjs/chart.umd.min.js" in text and "supervisor.js" in text
    block = re.search(r'<script type="application/json" id="rates-data">(.*?)</script>', text, re.S)
    assert block is not None
    chart = json.loads(block[1])
    assert [s["key"] for s in chart["series"]] == ["response", "resolution", "satisfaction", "total"]
    community = next(level for level in chart["levels"] if level["id"] == "community")
    assert community["labels"] == ["海曲社区"] and community["data"]["response"] == [66.7]
    grid = next(level for level in chart["levels"] if level["id"] == "grid")
    assert grid["data"]["total"] == [98.0, 0.0, None]
    # the last 30 days up to Wednesday 25 November, in ISO weeks (Tuesday 27 October to Sunday 1 November first);
    # the tickets of Monday 23 November fall in the fifth
    assert chart["trend"]["labels"] == ["2026-W44", "2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert chart["trend"]["data"]["response"] == [None, None, None, None, 66.7]
    assert '<canvas id="chart-trend"' in text


def test_the_rates_exports_carry_the_figures_shown(crafted: Crafted, login: Login) -> None:
    client = login("S0004")
    response = client.get("/supervise/rates.csv?first=2026-11-01&last=2026-11-30")
    body = response.get_data()
    assert response.status_code == 200 and body.startswith(b"\xef\xbb\xbf")
    assert 'filename="rates-20261101-20261130.csv"' in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0] == [
        "Level",
        "ID",
        "Name",
        "Base",
        "Responded in time",
        "Satisfied",
        "Basically satisfied",
        "Solved",
        "Response rate",
        "Resolution rate",
        "Satisfaction rate",
        "Total score",
        "Phone callback",
        "Confirmed through the link",
        "On-site visit",
        "Nobody to reach: result checked",
        "Terminated",
        "Returned to the resident",
    ]
    rates, apart = ["66.7%", "66.7%", "63.3%", "65.3%"], ["3", "0", "0", "0", "0", "1"]  # one returned: apart
    assert ["Community", "C0101", "海曲社区", "3", "2", "1", "1", "2", *rates, *apart] in table
    assert ["Grid", "G010103", "海曲社区第三网格", "0", "0", "0", "0", "0", "—", "—", "—", "—", *["0"] * 6] in table
    assert table[-1][0] == "Total" and table[-1][3] == "3"

    book = load_workbook(io.BytesIO(client.get("/supervise/rates.xlsx?first=2026-11-01&last=2026-11-30").get_data()))
    sheet = book.active
    row = next(r for r in sheet.iter_rows() if r[1].value == "C0101")
    assert [c.value for c in row[3:8]] == [3, 2, 1, 1, 2]
    assert row[8].value == pytest.approx(2 / 3) and row[8].number_format == "0.0%"
    assert row[10].value == pytest.approx(1.9 / 3)
    assert [c.value for c in row[12:]] == [3, 0, 0, 0, 0, 1]
    empty = next(r for r in sheet.iter_rows(values_only=True) if r[1] == "G010103")
    assert empty[8:12] == ("—", "—", "—", "—")

    chinese = client.get("/supervise/rates.csv", headers={"Accept-Language": "zh-CN"}).get_data().decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(chinese)))
    assert header[7:12] == ["已解决", "响应率", "解决率", "满意率", "综合得分"]
    assert header[12:17] == ["电话回访", "居民通过链接确认", "上门回访", "无回访对象：已核实办理结果", "诉求终结"]
    assert any(line[:2] == ["社区", "C0101"] for line in lines)


def test_the_rate_weights_are_configurable(crafted: Crafted, app: Flask, login: Login) -> None:
    app.config[WEIGHTS_CONFIG] = RateWeights(response=0.5, resolution=0.5, satisfaction=0.0, basically_satisfied=0.5)
    text = login("S0004").get("/supervise/rates").get_data(as_text=True)
    # satisfaction (1 + 0.5 × 1) / 3 = 50 %; total 0.5 × 2/3 + 0.5 × 2/3 = 66.7 %
    assert rate_cells(text, "community", "C0101")[-2:] == ["50.0%", "66.7%"]


# --- workflows --------------------------------------------------------------------------------


def test_the_workflows_page_shows_each_diagram_and_chain(service: Ticketing, login: Login) -> None:
    response = login("S0004").get("/supervise/workflows")
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "vendor/mermaid/mermaid.min.js" in text
    catalogue = service.worlds.catalogue
    diagrams = [html.unescape(d) for d in re.findall(r'<pre class="mermaid"[^>]*>(.*?)</pre>', text, re.S)]
    assert len(diagrams) == len(catalogue.workflows)
    labels = [line.split('"')[1] for line in diagrams[0].splitlines() if '"' in line and "init" not in line]
    assert "Awaiting acknowledgement" in labels and "Callback" in labels  # states and triggers in words
    assert not any("_" in label or "[" in label for label in labels)
    assert "In progress → Resolved, awaiting callback: <strong>Resolve</strong>" in text
    assert "<strong>Callback</strong> (not reached, no attempts left)" in text
    for name, spec in catalogue.workflows.items():
        assert spec.title.text in text and f'id="workflow-{name}"' in text
    assert "Building leader" in text and "Property repair" in text and "<td>2h</td>" in text


# --- who may open what ------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302 and "/login?next=" in response.location


@pytest.mark.parametrize("staff_id", ["S0013", "S0027"])  # the right building leader, an unrelated one
def test_staff_may_not_open_supervisor_pages_or_act(
    board: Board, service: Ticketing, login: Login, staff_id: str
) -> None:
    client = login(staff_id)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "You may not open this page." in response.get_data(as_text=True)
    version = ticket(service, board.a).version
    noted = client.post(f"/supervise/board/{board.a}/note", data=note(board.a, version, "x"))
    extended = client.post(f"/supervise/board/{board.b}/extend", data=extension(board.b, 1, "1d", "x"))
    assert (noted.status_code, extended.status_code) == (403, 403)
    assert ticket(service, board.a).version == version
    assert "Overdue board" not in client.get("/").get_data(as_text=True)


def test_anonymous_visitors_cannot_act(board: Board, client: FlaskClient) -> None:
    for action, data in (("note", note(board.a, 1, "x")), ("extend", extension(board.a, 1, "1d", "x"))):
        response = client.post(f"/supervise/board/{board.a}/{action}", data=data)
        assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("staff_id", ["S0004", "S0002", "S0055", "S0001"])
def test_supervisors_and_admins_open_every_supervisor_page(staff_id: str, login: Login) -> None:
    client = login(staff_id)
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    home = client.get("/").get_data(as_text=True)
    assert "Overdue board" in home and "Rates" in home and "Workflows" in home


def test_the_board_flags_tickets_still_untouched_after_the_supervisor_reminder(
    board: Board, service: Ticketing, login: Login
) -> None:
    assert ticket(service, board.a).urged_at is not None  # the morning after its missed top-tier deadline
    service.sweep.run(board.now + 3 * DAY)  # two working days after the 催办: nobody has acted on it
    assert ticket(service, board.a).warned_at is not None and ticket(service, board.b).warned_at is None
    rows = login("S0004").get("/supervise/board").get_data(as_text=True).split("<tr")
    flags = {number: next(row for row in rows if number in row) for number in (board.a, board.b)}
    warned = str(FLAGS["warned"])  # the page is in English for this client, as the msgid
    assert warned in flags[board.a] and warned not in flags[board.b]
    history = [entry.action for entry in service.show(board.a).history]
    assert history.count("urge") == history.count("warn") == 1 and history.index("urge") < history.index("warn")
