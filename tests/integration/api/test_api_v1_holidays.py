"""Holidays through the staff API: any staff member lists them, admins add and remove overrides (audited)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from ticketing.db.schema import audit_events, holiday_overrides
from ticketing.services import Ticketing

Call = Callable[..., TestResponse]  # the ``as_staff`` fixture's call (tests/integration/api/conftest.py)
ADD = "/api/v1/holidays/overrides"
OVERRIDE = {"day": "2027-02-20", "kind": "workday", "reason": "国办发明电〔2026〕X号"}


def _error(response: TestResponse, status: int, code: str) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"], error
    return error["message"]


def _rows(service: Ticketing) -> int:
    with service.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(holiday_overrides)).scalar_one()


def _day(listing: dict[str, Any], day: str) -> dict[str, Any] | None:
    return next((d for year in listing["years"] for d in year["days"] if d["day"] == day), None)


def test_an_admin_adds_an_override_everyone_sees_it_and_the_audit_trail_says_who(
    as_staff: Callable[[str], Call], service: Ticketing
) -> None:
    admin, leader = as_staff("S0001"), as_staff("S0013")

    added = admin("POST", ADD, json=OVERRIDE)

    assert added.status_code == 201
    assert added.get_json() | {"at": None} == {**OVERRIDE, "by": "S0001", "at": None}
    assert added.get_json()["at"] == "2026-11-23T09:00:00+08:00"
    listing = leader("GET", "/api/v1/holidays").get_json()
    assert [year["year"] for year in listing["years"]] == [2026, 2027]
    assert [year["coverage"] for year in listing["years"]] == ["notice", "statutory"]
    assert listing["missing_notice"] == [2027]
    assert _day(listing, "2027-02-20") == {
        "day": "2027-02-20",
        "kind": "workday",
        "make_up": True,
        "source": "override",
        "reason": "国办发明电〔2026〕X号",
    }
    assert _day(listing, "2026-10-10") == {
        "day": "2026-10-10",
        "kind": "workday",
        "make_up": True,
        "source": "library",
        "reason": "",
    }

    removed = admin("POST", f"{ADD}/2027-02-20/remove")
    assert removed.status_code == 200 and removed.get_json()["reason"] == OVERRIDE["reason"]
    assert _day(leader("GET", "/api/v1/holidays").get_json(), "2027-02-20") is None
    with service.engine.connect() as conn:
        query = select(audit_events.c.actor_id, audit_events.c.action).where(audit_events.c.subject == "2027-02-20")
        assert [tuple(row) for row in conn.execute(query.order_by(audit_events.c.id))] == [
            ("S0001", "holiday_overridden"),
            ("S0001", "holiday_override_removed"),
        ]


def test_staff_who_are_not_admins_may_not_change_holidays(as_staff: Callable[[str], Call], service: Ticketing) -> None:
    supervisor = as_staff("S0004")
    _error(supervisor("POST", ADD, json=OVERRIDE), 403, "forbidden")
    service.holidays.add(*_of(OVERRIDE))
    _error(supervisor("POST", f"{ADD}/2027-02-20/remove"), 403, "forbidden")
    assert _rows(service) == 1


def _of(body: dict[str, str]) -> tuple[Any, ...]:
    return date.fromisoformat(body["day"]), body["kind"], body["reason"], datetime(2026, 11, 23, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "status", "code", "says"),
    [
        ({**OVERRIDE, "day": "2027-02-30"}, 400, "invalid_input", "day"),
        ({**OVERRIDE, "day": "06/02/2027"}, 422, "invalid_request", "day"),
        ({**OVERRIDE, "kind": "restday"}, 422, "invalid_request", "kind"),
        ({**OVERRIDE, "reason": "x" * 201}, 422, "invalid_request", "reason"),
        ({**OVERRIDE, "day": "2029-02-06"}, 400, "invalid_input", "overrides are for this year and the next"),
        ({**OVERRIDE, "day": "2025-12-31"}, 400, "invalid_input", "overrides are for this year and the next"),
        ({**OVERRIDE, "day": "2027-02-07"}, 409, "conflict", "already an override on 2027-02-07"),
    ],
)
def test_a_wrong_override_is_refused_with_the_reason(
    as_staff: Callable[[str], Call], service: Ticketing, body: dict[str, str], status: int, code: str, says: str
) -> None:
    service.holidays.add(*_of({**OVERRIDE, "day": "2027-02-07"}))
    answer = as_staff("S0001")("POST", ADD, json=body, headers={"Accept-Language": "en"})

    message = _error(answer, status, code)

    assert says in message or says in str(answer.get_json()["error"]["details"])
    assert _rows(service) == 1


@pytest.mark.parametrize(
    ("day", "status", "says"),
    [("2027-02-08", 404, "there is no override on 2027-02-08"), ("2027-13-01", 400, "write it as YYYY-MM-DD")],
)
def test_removing_what_is_not_there_is_refused(
    as_staff: Callable[[str], Call], client: FlaskClient, day: str, status: int, says: str
) -> None:
    answer = as_staff("S0001")("POST", f"{ADD}/{day}/remove", headers={"Accept-Language": "en"})
    assert says in _error(answer, status, "not_found" if status == 404 else "invalid_input")


def test_the_description_lists_the_holiday_operations(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/holidays"]["get"]["operationId"] == "listHolidays"
    assert paths[ADD]["post"]["operationId"] == "addHolidayOverride"
    assert paths[f"{ADD}/{{day}}/remove"]["post"]["operationId"] == "removeHolidayOverride"
