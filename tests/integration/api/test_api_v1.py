"""The staff JSON API: bearer tokens, scoping like the staff pages, actions with versions, lists, errors."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ticketing.domain.ticket import Ticket
from ticketing.read import queues
from ticketing.services import Ticketing
from ticketing.services.credentials import issue_staff_token, revoke_staff_token
from ticketing.web.users import StaffUser

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock: Monday 09:00 in Shanghai
BUILDING = "B01010101"  # community C0101: building leader A S0013, B S0014
OTHER_COMMUNITY_BUILDING = "B01020101"  # community C0102: building leader A S0063
PHONE = "13806330000"

Call = Callable[..., TestResponse]  # the ``as_staff`` fixture's call (tests/integration/api/conftest.py)


def _open(service: Ticketing, location: str = BUILDING, at: datetime = NOW) -> Ticket:
    return service.open_ticket(
        category="property_repair", description="楼道灯坏了", contact_phone=PHONE, location_id=location, now=at
    )


def _error(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"], error
    return error


# --- who may call -----------------------------------------------------------------------------------


def test_calls_without_a_valid_token_are_refused(client: FlaskClient, service: Ticketing) -> None:
    token_id, token = issue_staff_token(service.engine, "S0013", NOW)
    for headers in ({}, {"Authorization": f"Basic {token}"}, {"Authorization": "Bearer"}):
        response = client.get("/api/v1/queues/mine", headers=headers)
        _error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    _error(client.get("/api/v1/queues/mine", headers={"Authorization": "Bearer not-a-token"}), 401, "invalid_token")
    assert client.get("/api/v1/queues/mine", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    revoke_staff_token(service.engine, token_id, NOW)

    revoked = client.get("/api/v1/queues/mine", headers={"Authorization": f"Bearer {token}"})
    _error(revoked, 401, "invalid_token")
    assert client.get("/api/v1/openapi.json").status_code == 200  # the description is public


@pytest.mark.parametrize("path", ["/api/v1/board", "/api/v1/rates"])
def test_staff_may_not_read_the_supervisors_board_or_rates(as_staff: Callable[[str], Call], path: str) -> None:
    _error(as_staff("S0013")("GET", path), 403, "forbidden")
    assert as_staff("S0004")("GET", path).status_code == 200
    assert as_staff("S0001")("GET", path).status_code == 200


def test_another_communitys_ticket_is_not_found_on_show_and_on_actions(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    ticket = _open(service)
    stranger, other_supervisor = as_staff("S0063"), as_staff("S0055")
    unknown = _error(stranger("GET", "/api/v1/tickets/261123-999999"), 404, "not_found")

    for call in (stranger, other_supervisor):
        shown = _error(call("GET", f"/api/v1/tickets/{ticket.number}"), 404, "not_found")
        assert shown["message"] == unknown["message"].replace("261123-999999", ticket.number)
        for action, body in (("acknowledge", {}), ("note", {"text": "看看"})):
            acted = call("POST", f"/api/v1/tickets/{ticket.number}/actions/{action}", json={"version": 1, **body})
            _error(acted, 404, "not_found")
    assert service.show(ticket.number).ticket.version == 1


def test_the_supervisor_of_the_community_notes_and_extends(service: Ticketing, as_staff: Callable[[str], Call]) -> None:
    ticket = _open(service)
    supervisor = as_staff("S0004")
    url = f"/api/v1/tickets/{ticket.number}"
    shown = supervisor("GET", url).get_json()
    assert shown["actions"] == ["note", "invite", "transfer", "extend"]

    noted = supervisor("POST", f"{url}/actions/note", json={"version": 1, "text": "请尽快处理"})
    assert noted.status_code == 200, noted.get_json()
    assert noted.get_json()["version"] == 2
    extended = supervisor("POST", f"{url}/actions/extend", json={"version": 2, "by": "4h", "reason": "等待配件"})

    assert extended.status_code == 200, extended.get_json()
    result = extended.get_json()
    assert result["ticket"]["deadline"]["due_at"] > shown["deadline"]["due_at"]
    assert [entry["action"] for entry in result["ticket"]["history"]][-2:] == ["note", "extend"]
    _error(
        as_staff("S0013")("POST", f"{url}/actions/extend", json={"version": 3, "by": "1d", "reason": "x"}),
        403,
        "not_allowed",
    )


# --- tickets ----------------------------------------------------------------------------------------


def test_a_ticket_shows_history_people_deadline_and_version(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    ticket = _open(service)
    service.act(ticket.number, "acknowledge", "S0013", NOW + timedelta(minutes=5))

    shown = as_staff("S0013")("GET", f"/api/v1/tickets/{ticket.number}").get_json()

    assert shown["version"] == 2 and shown["state"] == "in_progress"
    assert shown["holder"]["id"] == shown["first_responder"]["id"] == "S0013"
    assert shown["post"]["id"] == "B01010101.building_leader" and shown["post"]["holder_b"] == "S0014"
    assert shown["tier"] == 0 and shown["contact_phone"] == PHONE
    assert [entry["action"] for entry in shown["history"]] == ["open", "acknowledge"]
    deadline = shown["deadline"]
    assert deadline["clock"] == "resolve" and deadline["working_seconds_left"] > 0 and not deadline["overdue"]
    assert "resolve" in shown["actions"] and "acknowledge" not in shown["actions"]


def test_actions_follow_the_rules_and_refuse_a_stale_version(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    ticket = _open(service)
    leader = as_staff("S0013")
    url = f"/api/v1/tickets/{ticket.number}/actions"

    acknowledged = leader("POST", f"{url}/acknowledge", json={"version": 1})
    assert acknowledged.status_code == 200
    assert acknowledged.get_json()["ticket"]["first_responder"]["id"] == "S0013"
    stale = _error(leader("POST", f"{url}/resolve", json={"version": 1, "resolution": "修好了"}), 409, "conflict")
    assert stale["details"]["version"] == 2 and stale["details"]["expected"] == 1
    _error(leader("POST", f"{url}/resume", json={"version": 2}), 403, "not_allowed")
    _error(leader("POST", f"{url}/return_to_resident", json={"version": 2, "reason": "不归我管"}), 403, "not_allowed")

    resolved = leader("POST", f"{url}/resolve", json={"version": 2, "resolution": "修好了"})
    called = leader(
        "POST", f"{url}/callback", json={"version": 3, "satisfaction": "satisfied", "solved": True, "comment": "好"}
    )

    assert resolved.status_code == called.status_code == 200
    assert called.get_json()["state"] == "closed"
    assert service.show(ticket.number).ticket.satisfaction == "satisfied"


def test_an_action_that_takes_the_ticket_out_of_sight_answers_without_it(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    ticket = _open(service)
    service.act(ticket.number, "acknowledge", "S0013", NOW)  # S0013 becomes first responder
    body = {"version": 2, "target_post": "G010101.grid_leader", "reason": "需网格长协调"}

    moved = as_staff("S0014")("POST", f"/api/v1/tickets/{ticket.number}/actions/transfer", json=body)

    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json() == {
        "action": "transfer",
        "number": ticket.number,
        "state": "new",
        "version": 3,
        "ticket": None,
    }
    assert service.show(ticket.number).ticket.post_id == "G010101.grid_leader"
    assert as_staff("S0013")("GET", f"/api/v1/tickets/{ticket.number}").status_code == 200


def test_requests_that_do_not_fit_are_refused_with_the_fields_named(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    ticket = _open(service)
    leader = as_staff("S0013")
    url = f"/api/v1/tickets/{ticket.number}/actions"

    _error(leader("POST", f"{url}/note", data="{not json", content_type="application/json"), 400, "invalid_json")
    missing = _error(leader("POST", f"{url}/note", json={"txt": "x"}), 422, "invalid_request")
    assert missing["details"]["fields"] == {"version": "required", "text": "required", "txt": "unknown field"}
    typed = _error(leader("POST", f"{url}/callback", json={"version": "1", "reached": "yes"}), 422, "invalid_request")
    assert set(typed["details"]["fields"]) == {"version", "reached"}
    blank = _error(leader("POST", f"{url}/note", json={"version": 1, "text": "  "}), 400, "invalid_input")
    assert blank["details"]["fields"] == {"text": "blank"}
    _error(leader("POST", f"{url}/extend", json={"version": 1, "by": "forever", "reason": "x"}), 422, "invalid_request")
    _error(leader("GET", "/api/v1/tickets?limit=0&colour=red"), 422, "invalid_request")
    _error(leader("GET", "/api/v1/tickets?cursor=bm9wZQ"), 400, "invalid_cursor")
    assert service.show(ticket.number).ticket.version == 1


def test_unknown_routes_and_methods_answer_in_json(as_staff: Callable[[str], Call], client: FlaskClient) -> None:
    _error(client.get("/api/v1/nothing/here"), 404, "not_found")
    _error(as_staff("S0013")("GET", "/api/v1/tickets/261123-000001/actions/close"), 404, "not_found")
    wrong = _error(client.delete("/api/v1/tickets"), 405, "method_not_allowed")
    assert wrong == {"code": "method_not_allowed", "message": wrong["message"], "details": {}}
    assert set(client.delete("/api/v1/tickets").headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert not client.get("/staff/nothing").is_json  # the rest of the site keeps its pages


def test_engine_messages_follow_the_callers_language(service: Ticketing, as_staff: Callable[[str], Call]) -> None:
    number = _open(service).number
    url = f"/api/v1/tickets/{number}/actions/resume"
    leader = as_staff("S0013")

    english = _error(leader("POST", url, json={"version": 1}, headers={"Accept-Language": "en"}), 403, "not_allowed")
    chinese = _error(leader("POST", url, json={"version": 1}, headers={"Accept-Language": "zh-CN"}), 403, "not_allowed")

    assert english["message"].startswith("cannot resume") and "不能" in chinese["message"]


def test_staff_register_a_walk_in_request_and_become_its_first_responder(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    body = {
        "category": "sanitation",
        "description": "垃圾没人清运",
        "contact_phone": "138 0633 1111",
        "contact_name": "王阿姨",
        "channel": "phone",
        "location_id": BUILDING,
    }
    response = as_staff("S0010")("POST", "/api/v1/tickets", json=body)

    assert response.status_code == 201, response.get_json()
    opened = response.get_json()
    assert response.headers["Location"] == f"/api/v1/tickets/{opened['number']}"
    assert opened["channel"] == "phone" and opened["first_responder"]["id"] == "S0010"
    assert service.show(opened["number"]).ticket.first_responder_id == "S0010"
    _error(
        as_staff("S0010")("POST", "/api/v1/tickets", json={**body, "contact_phone": f"{PHONE}\n"}),
        422,
        "invalid_request",
    )
    no_place = {key: value for key, value in body.items() if key != "location_id"}
    _error(as_staff("S0010")("POST", "/api/v1/tickets", json=no_place), 422, "invalid_request")
    by_address = as_staff("S0010")("POST", "/api/v1/tickets", json={**no_place, "address": "北京路10号港湾小区1号楼"})
    assert by_address.status_code == 201 and by_address.get_json()["community_id"] == "C0102"


WALK_IN = {
    "category": "sanitation",
    "description": "垃圾没人清运",
    "contact_phone": PHONE,
    "channel": "walk_in",
    "location_id": BUILDING,
}


@pytest.mark.parametrize(
    ("fields", "way", "address"),
    [
        ({}, "sms", ""),
        ({"notify_by": "email", "contact_email": "wang@example.com"}, "email", "wang@example.com"),
        ({"notify_by": "none"}, "none", ""),
        ({"contact_email": "wang@example.com"}, "sms", "wang@example.com"),
    ],
)
def test_a_registered_request_says_how_the_resident_is_told_sms_unless_chosen(
    service: Ticketing, as_staff: Callable[[str], Call], fields: dict[str, str], way: str, address: str
) -> None:
    call = as_staff("S0010")
    response = call("POST", "/api/v1/tickets", json=WALK_IN | fields)

    assert response.status_code == 201, response.get_json()
    opened = response.get_json()
    assert (opened["notify_by"], opened["contact_email"]) == (way, address)
    ticket = service.show(opened["number"]).ticket
    assert (ticket.notify_by.value, ticket.contact_email) == (way, address)
    shown = call("GET", f"/api/v1/tickets/{opened['number']}").get_json()
    assert (shown["notify_by"], shown["contact_email"]) == (way, address)
    [listed] = call("GET", "/api/v1/tickets").get_json()["items"]
    assert "contact_email" not in listed  # lists mask the phone and leave the address out


@pytest.mark.parametrize(
    ("fields", "field", "problem"),
    [
        ({"notify_by": "fax"}, "notify_by", "one of: sms, email, none"),
        ({"notify_by": "email"}, "contact_email", "required when notify_by is email"),
        ({"contact_email": "wang at example.com"}, "contact_email", "matching ^"),
        ({"contact_email": f"wang@{'x' * 250}.cn"}, "contact_email", "1 to 254 characters"),
        ({"notify_by": None}, "notify_by", "a string"),
    ],
)
def test_a_wrong_way_to_tell_the_resident_is_refused_field_by_field(
    service: Ticketing, as_staff: Callable[[str], Call], fields: dict[str, Any], field: str, problem: str
) -> None:
    error = _error(as_staff("S0010")("POST", "/api/v1/tickets", json=WALK_IN | fields), 422, "invalid_request")

    assert problem in error["details"]["fields"][field]
    assert service.list_tickets() == []


def test_a_patrol_report_is_registered_without_a_resident_and_its_registrar_is_first_responder(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    report = {"category": "sanitation", "description": "楼道堆放杂物", "channel": "patrol", "location_id": BUILDING}

    response = as_staff("S0010")("POST", "/api/v1/tickets", json=report)

    assert response.status_code == 201, response.get_json()
    opened = response.get_json()
    assert (opened["channel"], opened["first_responder"]["id"], opened["holder"]["id"]) == ("patrol", "S0010", "S0013")
    assert (opened["contact_phone"], opened["notify_by"]) == ("", "none")
    refused = as_staff("S0010")("POST", "/api/v1/tickets", json=report | {"contact_phone": PHONE})
    assert "a patrol report has no resident" in _error(refused, 400, "invalid_input")["message"]


@pytest.mark.parametrize(
    ("fields", "way"),
    [({}, "none"), ({"contact_email": "wang@example.com"}, "email"), ({"contact_phone": PHONE}, "sms")],
)
def test_a_request_filed_on_a_residents_behalf_needs_no_phone_and_tells_them_by_what_they_gave(
    service: Ticketing, as_staff: Callable[[str], Call], fields: dict[str, str], way: str
) -> None:
    body = {key: value for key, value in WALK_IN.items() if key != "contact_phone"} | {"channel": "on_behalf"}

    response = as_staff("S0010")("POST", "/api/v1/tickets", json=body | fields)

    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["channel"], response.get_json()["notify_by"]) == ("on_behalf", way)


def test_a_text_message_without_a_phone_is_refused_naming_the_phone(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    body = {key: value for key, value in WALK_IN.items() if key != "contact_phone"} | {"notify_by": "sms"}

    error = _error(as_staff("S0010")("POST", "/api/v1/tickets", json=body), 422, "invalid_request")

    assert "required when notify_by is sms" in error["details"]["fields"]["contact_phone"]
    assert service.list_tickets() == []


# --- lists ------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("demo_tickets")
@pytest.mark.parametrize("staff_id", ["S0013", "S0010", "S0004", "S0002", "S0055", "S0063", "S0001"])
def test_the_list_is_what_the_staff_pages_let_each_one_see_page_by_page(
    service: Ticketing, as_staff: Callable[[str], Call], staff_id: str
) -> None:
    with service.engine.connect() as conn:
        user = StaffUser.of(service.worlds.organisation(conn), staff_id)
    assert user is not None
    everything = service.list_tickets(limit=1000)
    visible = [t.number for t in everything if user.can_see(t)]
    call = as_staff(staff_id)

    seen: list[str] = []
    url = "/api/v1/tickets?limit=4"
    for _page in range(50):
        page = call("GET", url).get_json()
        assert len(page["items"]) <= 4
        seen += [item["number"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        url = f"/api/v1/tickets?limit=4&cursor={page['next_cursor']}"

    assert seen == visible  # same order as ``list_tickets``: most urgent deadline first, then by id
    assert len(set(seen)) == len(seen)


@pytest.mark.usefixtures("demo_tickets")
def test_the_list_filters_and_cursors_are_opaque_but_checked(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    admin = as_staff("S0001")

    def numbers(query: str) -> set[str]:
        return {item["number"] for item in admin("GET", f"/api/v1/tickets?limit=100&{query}").get_json()["items"]}

    assert numbers("overdue=true") == {t.number for t in service.list_tickets(overdue=True, limit=1000)}
    assert numbers("open=true&community=C0101") == {
        t.number for t in service.list_tickets(open_only=True, community_id="C0101", limit=1000)
    }
    assert numbers("state=closed&holder=S0013") == {
        t.number for t in service.list_tickets(state="closed", holder_id="S0013", limit=1000)
    }
    assert numbers("first_responder=S0013") == {t.number for t in service.list_tickets(first_responder_id="S0013")}
    assert numbers("first_responder=s0013") == numbers("first_responder=S0013"), "a staff number in any case"
    _error(admin("GET", "/api/v1/tickets?state=lost"), 422, "invalid_request")
    forged = base64.urlsafe_b64encode(b'["yesterday", 3]').decode()
    _error(admin("GET", f"/api/v1/tickets?cursor={forged}"), 400, "invalid_cursor")


@pytest.mark.usefixtures("demo_tickets")
def test_queues_list_what_the_staff_pages_list(service: Ticketing, as_staff: Callable[[str], Call]) -> None:
    staff_id = "S0013"
    expected = {
        "mine": queues.my_queue(service, staff_id, NOW),
        "accountable": queues.accountable(service, staff_id, NOW),
        "callbacks": queues.callbacks_due(service, staff_id, NOW),
    }
    for name, page in expected.items():
        found = as_staff(staff_id)("GET", f"/api/v1/queues/{name}").get_json()
        assert [item["number"] for item in found["items"]] == [item.ticket.number for item in page.items], name
        assert (found["total"], found["page"], found["pages"]) == (page.total, 1, page.pages)
        assert all("****" in item["contact_phone"] for item in found["items"])


@pytest.mark.usefixtures("demo_tickets")
def test_the_board_and_rates_cover_the_supervisors_area(service: Ticketing, as_staff: Callable[[str], Call]) -> None:
    community, street = as_staff("S0004"), as_staff("S0002")

    board = community("GET", "/api/v1/board").get_json()
    assert board["total"] > 0 and {item["community_id"] for item in board["items"]} == {"C0101"}
    assert all(item["overdue"] or item["tier"] > 0 or item["needs_review"] for item in board["items"])
    assert street("GET", "/api/v1/board").get_json()["total"] >= board["total"]
    assert community("GET", "/api/v1/board?community=C0102").get_json()["total"] == 0

    rates = community("GET", "/api/v1/rates?from=2026-11-01&to=2026-11-23&level=grid").get_json()
    assert (rates["from"], rates["to"], rates["level"]) == ("2026-11-01", "2026-11-23", "grid")
    assert {row["unit_id"][:5] for row in rates["rows"]} == {"G0101"}
    assert rates["overall"]["counts"]["base"] > 0
    assert sum(week["counts"]["base"] for week in rates["weeks"]) == rates["overall"]["counts"]["base"]
    default = community("GET", "/api/v1/rates").get_json()
    assert (default["from"], default["to"], default["level"]) == ("2026-10-25", "2026-11-23", "community")
    _error(community("GET", "/api/v1/rates?from=2026-11-23&to=2026-11-01"), 400, "invalid_input")
    _error(community("GET", "/api/v1/rates?from=2025-01-01&to=2026-11-01"), 400, "invalid_input")


# --- organisation and absences ----------------------------------------------------------------------


def test_the_organisation_shows_posts_with_their_a_and_b_holders(as_staff: Callable[[str], Call]) -> None:
    found = as_staff("S0013")("GET", "/api/v1/organisation?community=C0101").get_json()

    assert found["community"]["id"] == "C0101"
    posts = {post["id"]: post for unit in found["units"] for post in unit["posts"]}
    building = posts["B01010101.building_leader"]
    assert (building["holder_a"]["id"], building["holder_b"]["id"]) == ("S0013", "S0014")
    assert posts["C0101.community_party"]["holder_a"]["id"] == "S0004"
    assert (building["held_by"], building["calendar_id"]) == ("volunteer", "volunteer")  # not the staggered hours
    assert (posts["G010101.grid_leader"]["held_by"], posts["G010101.grid_leader"]["calendar_id"]) == (
        "staff",
        "staggered",
    )
    units = {unit["id"]: unit for unit in found["units"]}
    market = units["P01010101"]  # a property service unit with its 店长; the shops it manages have no post
    assert (market["kind"], [post["kind"] for post in market["posts"]]) == ("property", ["shop_leader"])
    assert (units["P01010104"]["kind"], units["P01010104"]["parent_id"], units["P01010104"]["posts"]) == (
        "shop",
        "P01010101",
        [],
    )
    assert {street["id"] for street in found["streets"]} >= {"ST01"}
    _error(as_staff("S0013")("GET", "/api/v1/organisation?community=C9999"), 404, "not_found")


def test_staff_record_their_own_absence_and_the_b_holder_covers(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    ticket = _open(service)
    leader = as_staff("S0013")
    absence = {"starts_at": "2026-11-23T08:30:00+08:00", "ends_at": "2026-11-24T18:00:00+08:00", "reason": "年假"}

    recorded = leader("POST", "/api/v1/absences", json=absence)

    assert recorded.status_code == 201, recorded.get_json()
    assert recorded.get_json()["current"] is True and recorded.get_json()["staff_id"] == "S0013"
    assert service.show(ticket.number).ticket.holder_id == "S0014"
    assert [a["reason"] for a in leader("GET", "/api/v1/absences").get_json()["items"]] == ["年假"]
    _error(leader("POST", "/api/v1/absences", json={**absence, "staff_id": "S0014"}), 403, "forbidden")
    _error(leader("GET", "/api/v1/absences?staff=S0014"), 403, "forbidden")
    backwards = {**absence, "ends_at": "2026-11-22T18:00:00+08:00"}
    _error(leader("POST", "/api/v1/absences", json=backwards), 400, "invalid_input")
    _error(leader("POST", "/api/v1/absences", json={**absence, "starts_at": "tomorrow"}), 422, "invalid_request")

    admin = as_staff("S0001")
    assert admin("POST", "/api/v1/absences", json={**absence, "staff_id": "S0010"}).status_code == 201
    assert len(admin("GET", "/api/v1/absences?staff=S0010").get_json()["items"]) == 1
    _error(admin("GET", "/api/v1/absences?staff=S9999"), 404, "not_found")


# --- the blueprint's place in the app ---------------------------------------------------------------


def test_the_api_needs_no_csrf_token_where_the_pages_do(
    app: Flask, service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    ticket = _open(service)

    response = as_staff("S0013")("POST", f"/api/v1/tickets/{ticket.number}/actions/acknowledge", json={"version": 1})

    assert response.status_code == 200
    assert app.test_client().post("/login", data={"staff_id": "S0013", "password": "x"}).status_code == 400


def test_each_token_has_its_own_rate_limit(app: Flask, as_staff: Callable[[str], Call]) -> None:
    app.extensions["ticketing_settings"] = replace(app.extensions["ticketing_settings"], api_token_limit="3 per minute")
    busy, other = as_staff("S0013"), as_staff("S0014")

    statuses = [busy("GET", "/api/v1/queues/mine").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    _error(busy("GET", "/api/v1/queues/accountable"), 429, "rate_limited")
    assert other("GET", "/api/v1/queues/mine").status_code == 200


# --- 双报到 and volunteer service (the flows: test_api_v1_volunteering.py) ---------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/volunteering/registrations",
        "/api/v1/volunteering/teams",
        "/api/v1/volunteering/items",
        "/api/v1/volunteering/cards?from=2026-11-01&to=2026-11-30",
    ],
)
def test_volunteering_lists_are_for_community_staff_and_admins(as_staff: Callable[[str], Call], path: str) -> None:
    _error(as_staff("S0013")("GET", path), 403, "not_allowed")  # a building leader: a volunteer post
    _error(as_staff("S0002")("GET", path), 403, "not_allowed")  # the street's supervisor sees counts, not people
    for staff_id in ("S0010", "S0004", "S0008", "S0055", "S0001"):
        assert as_staff(staff_id)("GET", path).status_code == 200, staff_id
