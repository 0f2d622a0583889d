"""Ending and cancelling absences on the staff "My absence" page and the admin absences page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from ticketing.db.schema import absences
from ticketing.domain.ticket import Ticket
from ticketing.services import Ticketing

Login = Callable[[str], FlaskClient]

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock: Monday 09:00 in Shanghai
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
BUILDING = "B01010101"  # building leader A S0013, B S0014


def _open(service: Ticketing) -> Ticket:
    return service.open_ticket(
        category="property_repair", description="楼道灯坏了", contact_phone="13806330000", location_id=BUILDING, now=NOW
    )


def _text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def _holder(service: Ticketing, ticket: Ticket) -> str | None:
    return service.show(ticket.number).ticket.holder_id


def _rows(service: Ticketing) -> list[tuple[object, ...]]:
    with service.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(absences).order_by(absences.c.id))]


def _buttons(page: str) -> list[str]:
    """The end and cancel forms a page offers, as their actions."""
    return re.findall(r'action="(/[a-z]+/absences?/[0-9]+/(?:end|cancel))"', page)


# --- the staff page ---------------------------------------------------------------------------------


def test_back_early_i_end_my_absence_and_my_tickets_come_back(
    service: Ticketing, login: Login, clock: list[datetime]
) -> None:
    ticket = _open(service)
    running = service.absences.record("S0013", NOW - HOUR, NOW + 3 * DAY, "外出培训", NOW).id
    coming = service.absences.record("S0013", NOW + 5 * DAY, NOW + 6 * DAY, "年假", NOW).id
    me = login("S0013")
    page = _text(me.get("/staff/absence"))
    assert _buttons(page) == [
        f"/staff/absence/{running}/end",
        f"/staff/absence/{running}/cancel",
        f"/staff/absence/{coming}/cancel",
    ]
    clock[0] = NOW + DAY

    response = me.post(f"/staff/absence/{running}/end")

    assert (response.status_code, response.location) == (302, "/staff/absence")
    assert _holder(service, ticket) == "S0013"
    assert service.show(ticket.number).history[-1].action == "handover"
    listed = _text(me.get("/staff/absence"))
    assert "Welcome back: your absence has ended" in listed and "外出培训" not in listed
    refused = me.post(f"/staff/absence/{coming}/end")
    assert refused.status_code == 409 and "has not started yet" in _text(refused) and "年假" in _text(refused)


def test_i_cancel_an_absence_entered_by_mistake(service: Ticketing, login: Login) -> None:
    ticket = _open(service)
    absence_id = service.absences.record("S0013", NOW - HOUR, NOW + 3 * DAY, "输错了", NOW).id

    me = login("S0013")

    response = me.post(f"/staff/absence/{absence_id}/cancel")

    assert response.status_code == 302 and _holder(service, ticket) == "S0013"
    page = _text(me.get("/staff/absence"))
    assert "Absence cancelled." in page and "输错了" not in page


def test_nobody_else_ends_or_cancels_my_absence_from_the_staff_page(service: Ticketing, login: Login) -> None:
    ticket = _open(service)
    absence_id = service.absences.record("S0013", NOW - HOUR, NOW + 3 * DAY, "出差", NOW).id
    before = _rows(service)

    for staff_id in ("S0014", "S0004"):
        for change in ("end", "cancel"):
            refused = login(staff_id).post(f"/staff/absence/{absence_id}/{change}")
            assert refused.status_code == 403 and "their own absences" in _text(refused)
    assert login("S0013").post("/staff/absence/424242/end").status_code == 404

    assert _rows(service) == before and _holder(service, ticket) == "S0014"


def test_a_far_future_absence_is_refused_on_the_form_and_nothing_is_written(service: Ticketing, login: Login) -> None:
    me, admin = login("S0013"), login("S0001")
    for start, end in (("9999-12-31T00:00", "9999-12-31T23:59"), ("2030-01-01T09:00", "2030-01-02T09:00")):
        far = {"starts_at": start, "ends_at": end, "reason": "x"}

        mine = me.post("/staff/absence", data=far)
        theirs = admin.post("/admin/absences", data={**far, "staff_id": "S0013"})

        assert mine.status_code == theirs.status_code == 400 and 'value="S0013"' in _text(theirs)
    assert "days in advance" in _text(mine) and "days in advance" in _text(theirs)
    assert _rows(service) == []


def test_the_end_and_cancel_buttons_need_the_csrf_token(app: Flask, service: Ticketing, login: Login) -> None:
    absence_id = service.absences.record("S0013", NOW - HOUR, NOW + 3 * DAY, "出差", NOW).id
    me, admin = login("S0013"), login("S0001")
    app.config["WTF_CSRF_ENABLED"] = True

    assert me.post(f"/staff/absence/{absence_id}/cancel").status_code == 400
    assert admin.post(f"/admin/absences/{absence_id}/end").status_code == 400
    token = re.search(r'name="csrf_token" value="([^"]+)"', _text(me.get("/staff/absence")))
    assert token is not None and len(_rows(service)) == 1 and _rows(service)[0][-1] is None

    assert me.post(f"/staff/absence/{absence_id}/cancel", data={"csrf_token": token[1]}).status_code == 302
    assert _rows(service)[0][-1] is not None


# --- the admin page ---------------------------------------------------------------------------------


def test_the_admin_ends_and_cancels_anyones_absence(service: Ticketing, login: Login, clock: list[datetime]) -> None:
    ticket = _open(service)
    running = service.absences.record("S0013", NOW - HOUR, NOW + 3 * DAY, "出差", NOW).id
    coming = service.absences.record("S0014", NOW + DAY, NOW + 2 * DAY, "年假", NOW).id
    admin = login("S0001")
    assert _buttons(_text(admin.get("/admin/absences"))) == [
        f"/admin/absences/{running}/end",
        f"/admin/absences/{running}/cancel",
        f"/admin/absences/{coming}/cancel",
    ]
    clock[0] = NOW + 2 * HOUR

    ended = admin.post(f"/admin/absences/{running}/end")
    cancelled = admin.post(f"/admin/absences/{coming}/cancel")

    assert ended.status_code == cancelled.status_code == 302
    assert _holder(service, ticket) == "S0013"
    page = _text(admin.get("/admin/absences"))
    assert "Absence of 陈强 ended; 1 ticket returned to them." in page and "Absence of 吴红霞 cancelled." in page
    assert "Nobody is away now or later." in page
    again = admin.post(f"/admin/absences/{coming}/cancel")
    assert again.status_code == 409 and "already cancelled" in _text(again)
    for staff_id in ("S0013", "S0004"):
        assert login(staff_id).post(f"/admin/absences/{running}/cancel").status_code == 403


def test_the_admin_pages_show_an_absurd_row_stored_before_the_bounds(service: Ticketing, login: Login) -> None:
    with service.engine.begin() as conn:
        conn.execute(
            absences.insert().values(
                staff_id="S0013",
                starts_at=datetime(1, 1, 1, tzinfo=UTC),
                ends_at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
                reason="旧数据",
            )
        )
        absence_id = conn.execute(select(func.max(absences.c.id))).scalar_one()
    admin = login("S0001")

    for url in ("/admin/absences", "/admin/organisation?community=C0101"):
        page = admin.get(url)
        assert page.status_code == 200 and "9999-12-31 23:59 UTC" in _text(page), url

    assert admin.post(f"/admin/absences/{absence_id}/cancel").status_code == 302
    assert "旧数据" not in _text(admin.get("/admin/absences"))


def test_the_admin_is_told_in_chinese_how_many_tickets_moved(service: Ticketing, login: Login) -> None:
    tickets = [_open(service) for _ in range(3)]
    admin = login("S0001")
    admin.post("/language/zh_Hans", data={"next": "/"})
    form = {"staff_id": "s0013", "starts_at": "2026-11-23T08:00", "ends_at": "2026-11-25T18:00", "reason": "出差"}

    recorded = admin.post("/admin/absences", data=form)

    assert recorded.status_code == 302 and {_holder(service, ticket) for ticket in tickets} == {"S0014"}
    assert "已登记陈强的离岗；3 张工单已转由其岗位的另一名在岗人顶岗。" in _text(admin.get("/admin/absences"))
    running = _rows(service)[0][0]
    cancelled = admin.post(f"/admin/absences/{running}/cancel")
    assert cancelled.status_code == 302 and {_holder(service, ticket) for ticket in tickets} == {"S0013"}
    assert "已撤销陈强的离岗；3 张工单已交回本人。" in _text(admin.get("/admin/absences"))


def test_an_absence_that_has_not_begun_moves_nothing_yet_and_says_so(service: Ticketing, login: Login) -> None:
    ticket = _open(service)
    form = {"staff_id": "S0013", "starts_at": "2026-11-30T08:00", "ends_at": "2026-12-01T18:00", "reason": "年假"}
    admin = login("S0001")

    admin.post("/admin/absences", data=form)

    assert _holder(service, ticket) == "S0013"
    page = _text(admin.get("/admin/absences"))
    assert "Absence of 陈强 recorded; their tickets pass to the other holders when it begins." in page


def test_times_read_the_same_in_chinese_and_english(service: Ticketing, login: Login) -> None:
    service.absences.record("S0013", NOW - HOUR, NOW + 3 * DAY, "出差", NOW)  # from 08:00 Monday in Shanghai
    admin = login("S0001")

    english = _text(admin.get("/admin/absences"))
    chinese = _text(admin.get("/admin/absences", headers={"Accept-Language": "zh-CN"}))

    for page in (english, chinese):
        assert re.search(r"<td[^>]*>2026-11-23 08:00</td>", page) and re.search(r"<td[^>]*>2026-11-26 09:00</td>", page)
    assert "11/23/26" not in english and "2026/11/23" not in chinese
