"""双报到 and volunteer service through the staff API: the service list, claims, record cards, help with tickets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ticketing.domain.volunteering.model import RegistrantKind, RegistrationStatus
from ticketing.domain.volunteering.registration import Application
from ticketing.services import Ticketing

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock: Monday 09:00 in Shanghai
SECRETARY, GRID_LEADER, BUILDING_LEADER, OTHER_SECRETARY, ADMIN = "S0004", "S0010", "S0013", "S0055", "S0001"
V = "/api/v1/volunteering"
NEED = {
    "community": "C0101",
    "kind": "need",
    "title": "为独居老人代买药品",
    "description": "每周两次，去社区卫生服务站代买药品",
    "starts_on": "2026-11-23",
    "ends_on": "2026-12-20",
    "people_wanted": 3,
    "hours_each": 2,
}

Call = Callable[..., TestResponse]  # the ``as_staff`` fixture's call (tests/integration/api/conftest.py)


def _ok(response: TestResponse, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def _error(response: TestResponse, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"], error
    return error


def _approved(service: Ticketing, kind: RegistrantKind, name: str, phone: str) -> int:
    extra = (
        {"contact_name": "李主任", "offer": "电工两名"} if kind is RegistrantKind.UNIT else {"work_unit": "区财政局"}
    )
    registered = service.volunteering.register(Application("C0101", kind, name, phone, **extra), NOW)
    service.volunteering.decide(registered.id, RegistrationStatus.APPROVED, SECRETARY, NOW)
    return registered.id


def test_publish_claim_on_behalf_confirm_record_and_the_cards_add_up(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    member = _approved(service, RegistrantKind.MEMBER, "王建国", "13906331234")
    unit = _approved(service, RegistrantKind.UNIT, "区供电公司", "0633-8881234")
    grid = as_staff(GRID_LEADER)

    item = _ok(grid("POST", f"{V}/items", json=NEED), 201)
    assert item["places_left"] == 3 and item["status"] == "open" and item["claims"] == []
    mine = _ok(
        grid("POST", f"{V}/items/{item['id']}/claims", json={"claimant_kind": "member", "claimant_id": member}), 201
    )
    theirs = _ok(
        grid(
            "POST", f"{V}/items/{item['id']}/claims", json={"claimant_kind": "unit", "claimant_id": unit, "people": 2}
        ),
        201,
    )
    assert (mine["status"], mine["claimant_name"], theirs["people"]) == ("pending", "王建国", 2)
    assert _ok(grid("POST", f"{V}/claims/{mine['id']}/confirm"))["status"] == "confirmed"
    assert _ok(grid("POST", f"{V}/claims/{theirs['id']}/confirm", json={}))["status"] == "confirmed"
    shown = _ok(grid("GET", f"{V}/items/{item['id']}"))
    assert shown["places_left"] == 0 and [c["status"] for c in shown["claims"]] == ["confirmed", "confirmed"]

    served = {"served_on": "2026-11-23", "hours": 1.5, "what": "代买药品两次"}
    _ok(grid("POST", f"{V}/claims/{mine['id']}/service", json=served), 201)
    _ok(grid("POST", f"{V}/claims/{theirs['id']}/service", json={**served, "hours": 2, "people": 2}), 201)
    _ok(grid("POST", f"{V}/claims/{mine['id']}/service", json={**served, "served_on": "2026-11-20"}), 201)

    cards = _ok(grid("GET", f"{V}/cards?community=C0101&from=2026-11-01&to=2026-11-30"))
    totals = {
        (row["claimant_kind"], row["claimant_id"]): (row["entries"], row["person_hours"]) for row in cards["items"]
    }
    assert totals == {("unit", unit): (1, 4.0), ("member", member): (2, 3.0)}
    assert cards["items"][0]["name"] == "区供电公司"
    closed = _ok(grid("POST", f"{V}/items/{item['id']}/close"))
    assert closed["status"] == "closed" and {c["status"] for c in closed["claims"]} == {"completed"}
    listed = _ok(grid("GET", f"{V}/items?status=closed"))
    assert [found["id"] for found in listed["items"]] == [item["id"]] and listed["total"] == 1


def test_registrations_are_for_community_staff_and_managers_decide(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    pending = service.volunteering.register(
        Application("C0101", RegistrantKind.MEMBER, "李红", "13906335555", work_unit="区教育局"), NOW
    )

    _error(as_staff(BUILDING_LEADER)("GET", f"{V}/registrations"), 403, "not_allowed")  # a volunteer post
    _error(as_staff(OTHER_SECRETARY)("GET", f"{V}/registrations?community=C0101"), 403, "not_allowed")
    _error(as_staff(GRID_LEADER)("GET", f"{V}/registrations?community=C9999"), 404, "not_found")
    listed = _ok(as_staff(GRID_LEADER)("GET", f"{V}/registrations?status=pending"))
    assert [(r["id"], r["name"], r["phone"]) for r in listed["items"]] == [(pending.id, "李红", "13906335555")]
    assert _ok(as_staff(OTHER_SECRETARY)("GET", f"{V}/registrations"))["items"] == []
    assert _ok(as_staff(ADMIN)("GET", f"{V}/registrations?kind=member"))["total"] == 1

    decision = f"{V}/registrations/{pending.id}/decision"
    _error(as_staff(GRID_LEADER)("POST", decision, json={"status": "approved"}), 403, "not_allowed")
    assert _ok(as_staff(SECRETARY)("POST", decision, json={"status": "approved"}))["status"] == "approved"
    _error(as_staff(SECRETARY)("POST", decision, json={"status": "rejected"}), 403, "not_allowed")
    _error(as_staff(SECRETARY)("POST", decision, json={"status": "maybe"}), 422, "invalid_request")
    _error(as_staff(SECRETARY)("POST", f"{V}/registrations/999999/decision", json={"status": "left"}), 404, "not_found")

    link = _ok(as_staff(GRID_LEADER)("POST", f"{V}/registrations/{pending.id}/link"))["link"]
    assert service.volunteering.by_link(link).id == pending.id


def test_teams_are_formed_listed_and_disbanded_by_managers(service: Ticketing, as_staff: Callable[[str], Call]) -> None:
    a = _approved(service, RegistrantKind.MEMBER, "王建国", "13906331234")
    b = _approved(service, RegistrantKind.MEMBER, "赵敏", "13906331235")
    team = {"community": "C0101", "name": "红色先锋队", "brand": "邻里帮", "members": [a, b], "leader": a}

    _error(as_staff(GRID_LEADER)("POST", f"{V}/teams", json=team), 403, "not_allowed")
    _error(as_staff(SECRETARY)("POST", f"{V}/teams", json={**team, "members": [a, 424242]}), 404, "not_found")
    _error(as_staff(SECRETARY)("POST", f"{V}/teams", json={**team, "leader": 424242}), 400, "invalid_input")
    team_id = _ok(as_staff(SECRETARY)("POST", f"{V}/teams", json=team), 201)["id"]

    listed = _ok(as_staff(GRID_LEADER)("GET", f"{V}/teams"))["items"]
    assert [(t["id"], t["name"], t["members"], t["leader"]) for t in listed] == [
        (team_id, "红色先锋队", sorted([a, b]), a)
    ]
    _ok(as_staff(SECRETARY)("POST", f"{V}/teams/{team_id}/disband"))
    assert _ok(as_staff(GRID_LEADER)("GET", f"{V}/teams?community=C0101"))["items"][0]["disbanded"] is True
    _error(as_staff(SECRETARY)("POST", f"{V}/teams/{team_id}/disband"), 403, "not_allowed")


def test_a_manager_changes_a_team_and_the_list_shows_it(service: Ticketing, as_staff: Callable[[str], Call]) -> None:
    a = _approved(service, RegistrantKind.MEMBER, "王建国", "13906331234")
    b = _approved(service, RegistrantKind.MEMBER, "赵敏", "13906331235")
    c = _approved(service, RegistrantKind.MEMBER, "孙丽", "13906331236")
    unit = _approved(service, RegistrantKind.UNIT, "区供电公司", "0633-8881234")
    pending = service.volunteering.register(
        Application("C0101", RegistrantKind.MEMBER, "李红", "13906335555", work_unit="区教育局"), NOW
    ).id
    team_id = service.volunteering.create_team("C0101", "红色先锋队", "邻里帮", [a, b], a, SECRETARY, NOW)
    path = f"{V}/teams/{team_id}"
    change = {"name": "银发先锋队", "brand": "夕阳红", "members": [b, c], "leader": c}

    _error(as_staff(GRID_LEADER)("POST", path, json=change), 403, "not_allowed")  # staff, not a manager
    _error(as_staff(OTHER_SECRETARY)("POST", path, json=change), 403, "not_allowed")  # another community's
    _error(as_staff(SECRETARY)("POST", f"{V}/teams/424242", json=change), 404, "not_found")
    _error(as_staff(SECRETARY)("POST", path, json={**change, "members": [b, 424242]}), 404, "not_found")
    _error(as_staff(SECRETARY)("POST", path, json={**change, "members": [b, pending]}), 403, "not_allowed")
    _error(as_staff(SECRETARY)("POST", path, json={**change, "members": [b, unit]}), 403, "not_allowed")
    _error(as_staff(SECRETARY)("POST", path, json={**change, "leader": a}), 400, "invalid_input")
    _error(as_staff(SECRETARY)("POST", path, json={**change, "name": "  "}), 400, "invalid_input")
    for bad in ({"name": "银发先锋队"}, {**change, "members": "b"}, {**change, "community": "C0101"}):
        _error(as_staff(SECRETARY)("POST", path, json=bad), 422, "invalid_request")  # members missing, odd, unknown
    assert _ok(as_staff(GRID_LEADER)("GET", f"{V}/teams"))["items"][0]["name"] == "红色先锋队"  # nothing changed

    changed = _ok(as_staff(SECRETARY)("POST", path, json=change))
    listed = _ok(as_staff(GRID_LEADER)("GET", f"{V}/teams?community=C0101"))["items"]
    assert listed == [changed]
    assert (changed["id"], changed["name"], changed["brand"], changed["members"], changed["leader"]) == (
        team_id,
        "银发先锋队",
        "夕阳红",
        sorted([b, c]),
        c,
    )
    emptied = _ok(as_staff(ADMIN)("POST", path, json={"name": "银发先锋队", "members": []}))
    assert (emptied["brand"], emptied["members"], emptied["leader"], emptied["disbanded"]) == ("", [], None, False)

    service.volunteering.disband_team(team_id, SECRETARY, NOW)
    _error(as_staff(SECRETARY)("POST", path, json=change), 403, "not_allowed")


def test_bad_dates_people_unknown_ids_and_too_many_claims_are_refused(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    unit = _approved(service, RegistrantKind.UNIT, "区供电公司", "0633-8881234")
    member = _approved(service, RegistrantKind.MEMBER, "王建国", "13906331234")
    grid = as_staff(GRID_LEADER)

    backwards = {**NEED, "starts_on": "2026-12-20", "ends_on": "2026-12-01"}
    _error(grid("POST", f"{V}/items", json=backwards), 400, "invalid_input")
    _error(grid("POST", f"{V}/items", json={**NEED, "ends_on": "9999-12-31"}), 400, "invalid_input")
    _error(grid("POST", f"{V}/items", json={**NEED, "ends_on": "2026-02-30"}), 400, "invalid_input")
    _error(grid("POST", f"{V}/items", json={**NEED, "hours_each": 1.2}), 400, "invalid_input")
    _error(grid("POST", f"{V}/items", json={**NEED, "people_wanted": 0}), 422, "invalid_request")
    _error(grid("POST", f"{V}/items", json={**NEED, "community": "C0102"}), 403, "not_allowed")
    _error(as_staff(BUILDING_LEADER)("POST", f"{V}/items", json=NEED), 403, "not_allowed")
    _error(grid("GET", f"{V}/cards?from=2026-12-01&to=2026-11-01"), 400, "invalid_input")

    item = _ok(grid("POST", f"{V}/items", json={**NEED, "people_wanted": 2}), 201)
    claims = f"{V}/items/{item['id']}/claims"
    _error(grid("POST", claims, json={"claimant_kind": "unit", "claimant_id": unit, "people": 3}), 409, "conflict")
    _error(grid("POST", claims, json={"claimant_kind": "member", "claimant_id": unit}), 400, "invalid_input")
    _error(grid("POST", claims, json={"claimant_kind": "member", "claimant_id": 424242}), 404, "not_found")
    _error(
        grid("POST", f"{V}/items/424242/claims", json={"claimant_kind": "member", "claimant_id": member}),
        404,
        "not_found",
    )
    _error(grid("GET", f"{V}/items/424242"), 404, "not_found")
    _error(grid("GET", f"{V}/items/99999999999"), 404, "not_found")
    for path in ("confirm", "decline", "service"):
        body = {"served_on": "2026-11-23", "hours": 1, "what": "x"} if path == "service" else {}
        _error(grid("POST", f"{V}/claims/424242/{path}", json=body), 404, "not_found")
    claim = _ok(grid("POST", claims, json={"claimant_kind": "member", "claimant_id": member}), 201)
    served = {"served_on": "2026-11-23", "hours": 1, "what": "代买"}
    _error(grid("POST", f"{V}/claims/{claim['id']}/service", json=served), 403, "not_allowed")  # not confirmed
    _ok(grid("POST", f"{V}/claims/{claim['id']}/confirm"))
    _error(
        grid("POST", f"{V}/claims/{claim['id']}/service", json={**served, "served_on": "2026-11-30"}),
        400,
        "invalid_input",
    )
    declined = _ok(grid("POST", f"{V}/claims/{claim['id']}/decline", json={"reason": "时间冲突"}))
    assert declined["status"] == "declined"
    assert _ok(grid("POST", f"{V}/items/{item['id']}/cancel"))["status"] == "cancelled"
    _error(grid("POST", f"{V}/items/{item['id']}/close"), 403, "not_allowed")


def test_a_holder_of_a_ticket_asks_for_help_and_the_need_is_on_the_list(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    ticket = service.open_ticket(
        category="property_repair",
        description="独居老人家中水管漏水",
        contact_phone="13806330000",
        location_id="B01010101",
        now=NOW,
    )
    service.act(ticket.number, "acknowledge", BUILDING_LEADER, NOW)
    ask = {"title": "帮老人搬家具", "description": "修水管前把家具挪开", "people_wanted": 2}

    _error(as_staff("S0063")("POST", f"/api/v1/tickets/{ticket.number}/help", json=ask), 404, "not_found")
    _error(as_staff(SECRETARY)("POST", f"/api/v1/tickets/{ticket.number}/help", json=ask), 403, "not_allowed")
    need = _ok(as_staff(BUILDING_LEADER)("POST", f"/api/v1/tickets/{ticket.number}/help", json=ask), 201)["id"]
    _error(as_staff(BUILDING_LEADER)("POST", f"/api/v1/tickets/{ticket.number}/help", json=ask), 409, "conflict")

    shown = _ok(as_staff(GRID_LEADER)("GET", f"{V}/items/{need}"))
    assert (shown["kind"], shown["ticket_id"], shown["hours_each"], shown["ends_on"]) == (
        "need",
        ticket.id,
        2.0,
        "2026-11-30",
    )


def test_the_description_lists_the_volunteering_operations(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]

    for path, method in (
        ("/api/v1/volunteering/registrations", "get"),
        ("/api/v1/volunteering/registrations/{registrant_id}/decision", "post"),
        ("/api/v1/volunteering/registrations/{registrant_id}/link", "post"),
        ("/api/v1/volunteering/teams", "post"),
        ("/api/v1/volunteering/teams/{team_id}", "post"),
        ("/api/v1/volunteering/teams/{team_id}/disband", "post"),
        ("/api/v1/volunteering/items", "post"),
        ("/api/v1/volunteering/items/{item_id}", "get"),
        ("/api/v1/volunteering/items/{item_id}/claims", "post"),
        ("/api/v1/volunteering/claims/{claim_id}/service", "post"),
        ("/api/v1/volunteering/cards", "get"),
        ("/api/v1/tickets/{number}/help", "post"),
    ):
        assert method in paths[path], path
    change = paths["/api/v1/volunteering/teams/{team_id}"]["post"]
    assert change["operationId"] == "changeTeam"
    assert {"200", "400", "403", "404", "422"} <= set(change["responses"])
    ref = change["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    body = document["components"]["schemas"][ref]
    assert sorted(body["properties"]) == ["brand", "leader", "members", "name"]
    assert sorted(body["required"]) == ["members", "name"]
    publish = paths["/api/v1/volunteering/items"]["post"]
    ref = publish["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    fields = document["components"]["schemas"][ref]["properties"]
    assert fields["people_wanted"]["maximum"] == 500 and fields["starts_on"]["format"] == "date"
    assert fields["kind"]["enum"] == ["need", "resource", "project"]
    item_id = paths["/api/v1/volunteering/items/{item_id}"]["get"]["parameters"][0]["schema"]
    assert item_id["maximum"] == 2**31 - 1
