"""Absences through the staff API: bounded, ended early or cancelled, and lists that survive any stored row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from ticketing.db.schema import absences
from ticketing.domain.ticket import Ticket
from ticketing.services import Ticketing

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock: Monday 09:00 in Shanghai
BUILDING = "B01010101"  # building leader A S0013, B S0014
ABSENCE = {"starts_at": "2026-11-23T08:30:00+08:00", "ends_at": "2026-11-25T18:00:00+08:00", "reason": "出差"}

Call = Callable[..., TestResponse]  # the ``as_staff`` fixture's call (tests/integration/api/conftest.py)


def _open(service: Ticketing) -> Ticket:
    return service.open_ticket(
        category="property_repair", description="楼道灯坏了", contact_phone="13806330000", location_id=BUILDING, now=NOW
    )


def _error(response: TestResponse, status: int, code: str) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"], error
    return error["message"]


def _rows(service: Ticketing) -> int:
    with service.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(absences)).scalar_one()


def test_an_absence_starting_in_9999_is_refused_with_400_and_nothing_is_written(
    service: Ticketing, as_staff: Callable[[str], Call], login: Callable[[str], FlaskClient]
) -> None:
    leader = as_staff("S0013")
    far = {"starts_at": "9999-12-31T00:00:00Z", "ends_at": "9999-12-31T23:59:59Z", "reason": "x"}

    _error(leader("POST", "/api/v1/absences", json=far), 400, "invalid_input")

    assert _rows(service) == 0
    assert leader("GET", "/api/v1/absences").get_json() == {"items": []}
    assert login("S0001").get("/admin/absences").status_code == 200
    ahead = {**ABSENCE, "starts_at": "2030-01-01T00:00:00+08:00", "ends_at": "2030-01-02T00:00:00+08:00"}
    assert "days in advance" in _error(leader("POST", "/api/v1/absences", json=ahead), 400, "invalid_input")
    long = {**ABSENCE, "ends_at": "2028-01-01T00:00:00+08:00"}
    assert "longer than 366 days" in _error(leader("POST", "/api/v1/absences", json=long), 400, "invalid_input")
    assert _rows(service) == 0


def test_rows_stored_before_the_bounds_never_break_a_list_and_can_be_cancelled(
    service: Ticketing, as_staff: Callable[[str], Call], login: Callable[[str], FlaskClient]
) -> None:
    with service.engine.begin() as conn:
        for starts_at, ends_at in (
            (datetime(9999, 12, 31, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)),
            (datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 20, tzinfo=UTC)),
        ):
            conn.execute(absences.insert().values(staff_id="S0013", starts_at=starts_at, ends_at=ends_at, reason="x"))
    leader, admin = as_staff("S0013"), login("S0001")

    listed = leader("GET", "/api/v1/absences")

    assert listed.status_code == 200, listed.get_data(as_text=True)
    items = listed.get_json()["items"]
    assert [(a["starts_at"], a["ends_at"], a["current"]) for a in items] == [
        ("0001-01-01T00:00:00+00:00", "9999-12-31T20:00:00+00:00", True),
        ("9999-12-31T08:00:00+08:00", "9999-12-31T23:59:59+00:00", False),
    ]
    for page in ("/admin/absences", "/admin/organisation?community=C0101", "/staff/absence"):
        shown = admin.get(page) if page.startswith("/admin") else login("S0013").get(page)
        assert shown.status_code == 200, page
        assert "9999" in shown.get_data(as_text=True)
    for item in items:
        assert leader("POST", f"/api/v1/absences/{item['id']}/cancel").status_code == 200
    assert leader("GET", "/api/v1/absences").get_json() == {"items": []}


def test_ending_early_through_the_api_hands_the_tickets_back(
    service: Ticketing, as_staff: Callable[[str], Call], clock: list[datetime]
) -> None:
    ticket = _open(service)
    leader = as_staff("S0013")
    recorded = leader("POST", "/api/v1/absences", json=ABSENCE).get_json()
    assert service.show(ticket.number).ticket.holder_id == "S0014"
    clock[0] = NOW + timedelta(days=1)

    ended = leader("POST", f"/api/v1/absences/{recorded['id']}/end")

    assert ended.status_code == 200, ended.get_data(as_text=True)
    assert ended.get_json() | {"id": 0} == {
        "id": 0,
        "staff_id": "S0013",
        "starts_at": "2026-11-23T08:30:00+08:00",
        "ends_at": "2026-11-24T09:00:00+08:00",
        "reason": "出差",
        "current": False,
        "cancelled_at": None,
    }
    detail = service.show(ticket.number)
    assert detail.ticket.holder_id == "S0013" and detail.history[-1].action == "handover"
    assert leader("GET", "/api/v1/absences").get_json() == {"items": []}
    assert "already over" in _error(leader("POST", f"/api/v1/absences/{recorded['id']}/end"), 409, "conflict")


def test_cancelling_through_the_api_and_who_may(service: Ticketing, as_staff: Callable[[str], Call]) -> None:
    ticket = _open(service)
    leader, cover, supervisor, admin = (as_staff(s) for s in ("S0013", "S0014", "S0004", "S0001"))
    absence_id = leader("POST", "/api/v1/absences", json=ABSENCE).get_json()["id"]
    cancel = f"/api/v1/absences/{absence_id}/cancel"

    for other in (cover, supervisor):
        for change in ("end", "cancel"):
            refused = other("POST", f"/api/v1/absences/{absence_id}/{change}")
            assert "their own absences" in _error(refused, 403, "not_allowed")
    _error(leader("POST", "/api/v1/absences/424242/cancel"), 404, "not_found")
    _error(leader("POST", "/api/v1/absences/99999999999999999999/cancel"), 404, "not_found")
    _error(leader("POST", cancel, json={"reason": "x"}), 422, "invalid_request")
    _error(leader("POST", cancel, data="{", content_type="application/json"), 400, "invalid_json")
    assert service.show(ticket.number).ticket.holder_id == "S0014"

    cancelled = admin("POST", cancel, json={})

    assert cancelled.status_code == 200 and cancelled.get_json()["cancelled_at"] == "2026-11-23T09:00:00+08:00"
    assert cancelled.get_json()["current"] is False
    assert service.show(ticket.number).ticket.holder_id == "S0013"
    assert leader("GET", "/api/v1/absences").get_json() == {"items": []}
    assert "already cancelled" in _error(leader("POST", cancel), 409, "conflict")


def test_an_admin_records_an_absence_for_a_staff_number_in_lower_case(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    ticket = _open(service)

    recorded = as_staff("S0001")("POST", "/api/v1/absences", json={**ABSENCE, "staff_id": "s0013"})

    assert recorded.status_code == 201 and recorded.get_json()["staff_id"] == "S0013"
    assert service.show(ticket.number).ticket.holder_id == "S0014"
