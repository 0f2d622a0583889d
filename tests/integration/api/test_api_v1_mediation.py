"""Dispute mediation through the staff API: invite the police (协同), record the outcome, read it back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from werkzeug.test import TestResponse

from ticketing.services import Ticketing

Call = Callable[..., TestResponse]  # the ``as_staff`` fixture's call (tests/integration/api/conftest.py)

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)
POLICE = "C0101.community_police"  # officer S0006, auxiliaries S0007 and S0252
GRID_LEADER, AUXILIARY, SUPERVISOR = "S0010", "S0252", "S0004"
AGREEMENT = "双方同意各退一步，夜间十点后不再装修"


def _dispute(service: Ticketing) -> str:
    return service.open_ticket(
        category="neighbour_dispute",
        description="邻居夜间装修噪音",
        contact_phone="13806330000",
        location_id="B01010101",
        now=NOW,
    ).number


def _act(call: Call, number: str, action: str, version: int, **body: Any) -> dict[str, Any]:
    response = call("POST", f"/api/v1/tickets/{number}/actions/{action}", json={"version": version, **body})
    assert response.status_code == 200, response.get_data(as_text=True)
    answer: dict[str, Any] = response.get_json()
    return answer


def test_the_grid_leader_invites_the_police_and_the_auxiliary_records_the_mediation(
    service: Ticketing, as_staff: Callable[[str], Call]
) -> None:
    number = _dispute(service)
    leader, auxiliary = as_staff(GRID_LEADER), as_staff(AUXILIARY)
    shown = leader("GET", f"/api/v1/tickets/{number}").get_json()
    assert shown["invite_targets"][0]["id"] == POLICE
    assert shown["invite_targets"][0]["more_holders"] == [AUXILIARY]

    invited = _act(leader, number, "invite", 1, post=POLICE, reason="请民警协助调解")
    assert [joined["post"]["id"] for joined in invited["ticket"]["joined"]] == [POLICE]
    assert invited["ticket"]["joined"][0]["invited_by"]["id"] == GRID_LEADER
    mine = auxiliary("GET", "/api/v1/queues/mine").get_json()
    assert [item["joined"] for item in mine["items"] if item["number"] == number] == [True]
    listed = auxiliary("GET", "/api/v1/tickets?open=true").get_json()
    assert number in [item["number"] for item in listed["items"]]

    mediated = _act(auxiliary, number, "mediate", 2, outcome="partial", agreement=AGREEMENT)

    assert mediated["ticket"]["mediation"]["outcome"] == "partial"
    assert mediated["ticket"]["mediation"]["agreement"] == AGREEMENT
    assert mediated["ticket"]["actions"] == ["note", "mediate"]
    rates = as_staff(SUPERVISOR)("GET", "/api/v1/rates").get_json()
    assert rates["mediations"] == {"success": 0, "partial": 1, "failed": 0}


def test_refusals_say_what_is_allowed(service: Ticketing, as_staff: Callable[[str], Call]) -> None:
    number = _dispute(service)
    leader = as_staff(GRID_LEADER)
    _act(leader, number, "invite", 1, post=POLICE, reason="请民警协助调解")

    body = {"version": 2, "post": "C0102.intake", "reason": "请协助"}
    unlisted = leader("POST", f"/api/v1/tickets/{number}/actions/invite", json=body)
    assert unlisted.status_code == 400
    assert "another post of its community C0101" in unlisted.get_json()["error"]["message"]
    no_agreement = as_staff(AUXILIARY)(
        "POST", f"/api/v1/tickets/{number}/actions/mediate", json={"version": 2, "outcome": "success"}
    )
    assert no_agreement.status_code == 400
    settled = as_staff(AUXILIARY)(
        "POST", f"/api/v1/tickets/{number}/actions/mediate", json={"version": 2, "outcome": "settled"}
    )
    assert settled.status_code == 422


def test_the_organisation_lists_the_police_posts_auxiliaries(as_staff: Callable[[str], Call]) -> None:
    shown = as_staff(GRID_LEADER)("GET", "/api/v1/organisation?community=C0101").get_json()

    police = next(post for unit in shown["units"] for post in unit["posts"] if post["id"] == POLICE)
    assert [holder["id"] for holder in police["more_holders"]] == [AUXILIARY]
