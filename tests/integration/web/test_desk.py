"""A staff member's desk: where each role lands after logging in, the navigation by role with what waits in
each list, time left in working days and hours, and the escalated mark in the grid leader's queue."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from ticketing.domain.ticket import Ticket
from ticketing.services import Ticketing
from ticketing.web.timeleft import working_span

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai, the app's clock
BUILDING = "B01010101"  # building leaders S0013 (A) and S0014 (B); grid leader S0010; community C0101 (S0004)
PASSWORD = "test-password"  # the login fixture's

Login = Callable[[str], FlaskClient]


def _open(service: Ticketing, at: datetime = NOW, description: str = "楼道灯坏了") -> Ticket:
    return service.open_ticket(
        category="property_repair", description=description, contact_phone="13806330000", location_id=BUILDING, now=at
    )


def _text(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _nav(page: str) -> str:
    found = re.search(r'<nav aria-label="[^"]+" class="nav">(.*?)</nav>', page, re.S)
    assert found, "no main navigation"
    return found.group(1)


def _count(page: str, href: str) -> int:
    """The count the navigation shows on the link to ``href``."""
    found = re.search(rf'<a href="{re.escape(href)}"[^>]*>[^<]*<span class="nav-count[^"]*">(\d+)</span>', _nav(page))
    assert found, f"no count on {href}"
    return int(found.group(1))


def _numbers(page: str) -> list[str]:
    return re.findall(r'<td class="card-head"><a href="/staff/t/([0-9-]+)"', page)


@pytest.mark.parametrize(
    ("staff_id", "landing"),
    [("S0013", "/staff/queue"), ("S0010", "/staff/queue"), ("S0004", "/supervise/board"), ("S0001", "/admin/")],
)
def test_each_role_lands_on_its_own_page_after_logging_in(
    app: Flask, login: Login, staff_id: str, landing: str
) -> None:
    login(staff_id)  # makes the account
    response = app.test_client().post("/login", data={"staff_id": staff_id, "password": PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"].startswith(landing)


def test_a_next_page_still_wins_over_the_landing_page(app: Flask, login: Login) -> None:
    login("S0013")
    response = app.test_client().post("/login?next=/staff/absence", data={"staff_id": "S0013", "password": PASSWORD})

    assert response.headers["Location"] == "/staff/absence"


def test_residents_keep_the_home_page_and_their_own_links(app: Flask) -> None:
    page = _text(app.test_client(), "/")

    nav = _nav(page)
    assert 'href="/r/new"' in nav and "/staff/" not in nav and "nav-count" not in nav


def test_the_navigation_counts_what_waits_in_my_queue_and_callbacks(service: Ticketing, login: Login) -> None:
    waiting = [_open(service, description=f"第{n}件") for n in range(3)]
    service.act(waiting[0].number, "acknowledge", "S0013", NOW)
    service.act(waiting[0].number, "resolve", "S0013", NOW + timedelta(minutes=5), resolution="已修好")
    client = login("S0013")

    queue = _text(client, "/staff/queue")
    callbacks = _text(client, "/staff/callbacks")

    assert _count(queue, "/staff/queue") == len(_numbers(queue)) == 3  # the resolved one waits for its callback
    assert _count(queue, "/staff/callbacks") == len(_numbers(callbacks)) == 1
    nav = _nav(queue)
    assert "/r/new" not in nav and "/r/track" not in nav  # no resident's pages on a staff member's bar
    assert "/supervise/board" not in nav


def _escalate(service: Ticketing, ticket: Ticket) -> Ticket:
    """Let deadlines pass unacknowledged until the ticket leaves the building leaders (A, then B) for the grid."""
    while ticket.tier == 0:
        assert ticket.due_at is not None
        service.sweep.run(ticket.due_at)
        ticket = service.show(ticket.number).ticket
    return ticket


def test_a_supervisor_sees_the_boards_count_first(service: Ticketing, login: Login, clock: list[datetime]) -> None:
    late = _escalate(service, _open(service))
    clock[0] = late.due_at or clock[0]
    client = login("S0004")

    board = _text(client, "/supervise/board")

    nav = _nav(board)
    assert nav.index("/supervise/board") < nav.index("/staff/queue")
    assert _count(board, "/supervise/board") == len(re.findall(r'<tr id="t-', board)) == 1


def test_the_grid_leaders_queue_marks_escalated_tickets_and_reads_time_left_in_working_days(
    service: Ticketing, login: Login, clock: list[datetime]
) -> None:
    climbed = _escalate(service, _open(service, description="楼顶漏水"))
    assert climbed.due_at is not None
    clock[0] = climbed.due_at - timedelta(days=1)

    page = _text(login("S0010"), "/staff/queue")

    assert _numbers(page) == [climbed.number]
    row = page[page.index(f'href="/staff/t/{climbed.number}"') :]
    assert re.search(r'class="staff-badge staff-escalated">Escalated · Tier 2<', row)
    assert re.search(r"\d+ h( \d+ min)? left \(working time\)", row), row[:2000]


WORKDAY = 7.5 * 3600  # office hours 08:30-12:00, 13:30-17:30


@pytest.mark.parametrize(
    ("seconds", "english", "chinese"),
    [
        (WORKDAY + 3600, "1 working day 1 h", "1 个工作日1小时"),
        (2 * WORKDAY + 59, "2 working days", "2 个工作日"),
        (6.5 * 3600, "6 h 30 min", "6小时30分钟"),
        (6 * 3600, "6 h", "6小时"),
        (20 * 60 + 30, "20 min", "20分钟"),
    ],
)
def test_time_left_reads_in_working_days_and_hours(app: Flask, seconds: float, english: str, chinese: str) -> None:
    for language, expected in (("en", english), ("zh-CN", chinese)):
        with app.test_request_context(headers={"Accept-Language": language}):
            assert working_span(seconds, WORKDAY) == expected


def test_the_ticket_page_puts_one_action_first_and_the_others_in_a_menu(service: Ticketing, login: Login) -> None:
    number = _open(service).number

    page = _text(login("S0013"), f"/staff/t/{number}")

    actions = page[page.index('id="actions"') : page.index('id="history"')]
    assert re.search(r'class="card staff-action" id="act-acknowledge"', actions)
    menu = actions[actions.index('<details class="staff-more"') :]
    assert re.findall(r'<details class="staff-menu-item" id="menu-([a-z_]+)"\s*>', menu) == [
        "note",
        "invite",
        "transfer",
        "return_to_resident",
    ]  # all closed: the history follows right after


def test_the_transfer_targets_are_grouped_by_tier_with_a_filter_box(service: Ticketing, login: Login) -> None:
    number = _open(service).number

    page = _text(login("S0013"), f"/staff/t/{number}")

    select = re.search(r'<select data-filtered="" id="transfer-target_post".*?</select>', page, re.S)
    assert select, "no transfer target list"
    groups = re.findall(r'<optgroup label="([^"]+)">', select.group(0))
    assert groups[:3] == ["Tier 1 · Building leader", "Tier 2 · Grid leader", "Tier 3 · Community party secretary"]
    assert len(groups) == len(set(groups)) > 2
    assert 'data-filters="transfer-target_post"' in page and "/static/staff.js" in page


def test_the_web_app_manifest_names_the_service_in_the_readers_language(app: Flask) -> None:
    client = app.test_client()

    chinese = client.get("/manifest.webmanifest", headers={"Accept-Language": "zh-CN"})
    english = client.get("/manifest.webmanifest", headers={"Accept-Language": "en"})

    assert chinese.status_code == 200 and chinese.mimetype == "application/manifest+json"
    assert "Accept-Language" in chinese.headers["Vary"]
    assert (chinese.json or {})["name"] == "社区网格服务" and (chinese.json or {})["lang"] == "zh-Hans"
    assert (english.json or {})["name"] == "Community grid service"
    icons = {icon["sizes"]: icon for icon in (english.json or {})["icons"]}
    assert set(icons) == {"192x192", "512x512", "any"}
    for icon in icons.values():
        served = client.get(icon["src"])
        assert (served.status_code, served.mimetype) == (200, icon["type"])
    assert '<link rel="manifest" href="/manifest.webmanifest"' in client.get("/").get_data(as_text=True)


def test_the_installed_app_opens_on_each_ones_own_page(app: Flask, login: Login) -> None:
    assert app.test_client().get("/start").headers["Location"] == "/"
    assert login("S0010").get("/start").headers["Location"] == "/staff/queue"
    assert login("S0004").get("/start").headers["Location"] == "/supervise/board"


def _jpeg(width: int, height: int, orientation: int = 1) -> bytes:
    """A real photo as a phone camera writes it; ``orientation`` 6: held upright, stored lying on its side."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def _patrol_with(client: FlaskClient, photo: bytes | None) -> str:
    """A patrol report at the building (with a photo); its number."""
    data: dict[str, object] = {
        "channel": "patrol",
        "category": "sanitation",
        "description": "楼道堆放杂物，堵塞消防通道",
        "location_id": BUILDING,
        "contact_phone": "",
        "contact_name": "",
    }
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "camera.jpg")
    response = client.post("/staff/register", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def test_photos_show_as_small_thumbnails_that_open_full_size_to_those_who_may_see_the_ticket(login: Login) -> None:
    grid_worker = login("S0010")
    photo = _jpeg(2400, 1800)
    number = _patrol_with(grid_worker, photo)

    page = _text(grid_worker, f"/staff/t/{number}")

    found = re.search(
        r'<a href="(/staff/t/[0-9-]+/photos/\d+)"[^>]*><img class="staff-thumb" src="([^"]+)" width="160" height="160"',
        page,
    )
    assert found, "no thumbnail"
    full, small = found.groups()
    assert small == f"{full}/small"
    thumbnail = grid_worker.get(small)
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(thumbnail.data)).size == (480, 360) and len(thumbnail.data) < len(photo)
    assert grid_worker.get(full).data == photo  # a tap opens the photo as sent
    assert login("S0013").get(small).status_code == 200  # the holder sees it too
    for outsider in ("S0031", "S0063"):  # staff of another grid, of another community
        assert login(outsider).get(small).status_code == 404
        assert login(outsider).get(full).status_code == 404
    other = _patrol_with(grid_worker, None)
    assert grid_worker.get(small.replace(number, other)).status_code == 404  # not through another ticket


def test_a_photo_taken_upright_shows_upright(login: Login) -> None:
    grid_worker = login("S0010")
    number = _patrol_with(grid_worker, _jpeg(400, 200, orientation=6))  # stored lying down, taken upright
    small = re.search(r'<img class="staff-thumb" src="([^"]+)"', _text(grid_worker, f"/staff/t/{number}"))
    assert small

    assert Image.open(io.BytesIO(grid_worker.get(small.group(1)).data)).size == (200, 400)


def test_a_photo_that_cannot_be_read_as_an_image_is_its_own_thumbnail(login: Login) -> None:
    grid_worker = login("S0010")
    broken = b"\xff\xd8\xff\xe0" + b"\x00" * 64  # a JPEG's first bytes and nothing of a picture
    number = _patrol_with(grid_worker, broken)
    small = re.search(r'<img class="staff-thumb" src="([^"]+)"', _text(grid_worker, f"/staff/t/{number}"))
    assert small

    served = grid_worker.get(small.group(1))

    assert (served.status_code, served.mimetype, served.data) == (200, "image/jpeg", broken)


def test_the_boards_filters_fold_away_until_used(login: Login) -> None:
    client = login("S0004")

    plain = _text(client, "/supervise/board")
    narrowed = _text(client, "/supervise/board?community=C0101&street=")

    assert '<details class="card sup-filter-box" >' in plain
    assert '<details class="card sup-filter-box" open>' in narrowed and "Filters (1 applied)" in narrowed
