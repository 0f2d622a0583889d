"""Trusted callbacks and 诉求终结 through the staff API: the means, "solved?" apart, spaced attempts refused
with the next allowed time (never a 5xx), 提级办理, proposals listed and decided, the rates apart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ticketing.db import tickets as store
from ticketing.domain.ticket import Channel, Outcome, Ticket
from ticketing.services import Ticketing

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock: Monday 09:00 in Shanghai
HOUR = timedelta(hours=1)
BUILDING = "B01010101"  # community C0101: building leader A S0013, B S0014; grid leader S0010
PHONE = "13806330000"

Call = Callable[..., TestResponse]  # the ``as_staff`` fixture's call (tests/integration/api/conftest.py)
AsStaff = Callable[[str], Call]


def _open(service: Ticketing, **extra: Any) -> Ticket:
    return service.open_ticket(
        category="property_repair",
        description="楼道灯坏了",
        contact_phone=PHONE,
        location_id=BUILDING,
        now=NOW - 3 * HOUR,
        **extra,
    )


def _resolved(service: Ticketing) -> str:
    number = _open(service).number
    service.act(number, "acknowledge", "S0013", NOW - 2 * HOUR)
    service.act(number, "resolve", "S0013", NOW - HOUR, resolution="已更换楼道灯")
    return number


def _act(call: Call, service: Ticketing, number: str, action: str, **body: Any) -> TestResponse:
    version = service.show(number).ticket.version
    return call("POST", f"/api/v1/tickets/{number}/actions/{action}", json={"version": version, **body})


def _ok(response: TestResponse) -> dict[str, Any]:
    assert response.status_code == 200, response.get_data(as_text=True)
    found: dict[str, Any] = response.get_json()
    return found


def _refused(response: TestResponse, status: int, message: str) -> None:
    """Refused with ``status``, ``message`` in the error's message or, for a field that does not fit, its details."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert message in error["message"] + str(error.get("details", "")), error


def test_a_phone_callback_records_solved_and_satisfied_apart(service: Ticketing, as_staff: AsStaff) -> None:
    number = _resolved(service)
    caller = as_staff("S0014")  # the other holder of the first responder's post calls back too

    _refused(_act(caller, service, number, "callback", satisfaction="satisfied"), 400, "record whether the problem")
    result = _ok(_act(caller, service, number, "callback", means="phone", satisfaction="unsatisfied", solved=False))

    assert result["state"] == "in_progress"
    shown = result["ticket"] or _ok(caller("GET", f"/api/v1/tickets/{number}"))
    assert (shown["callback_means"], shown["solved"], shown["satisfaction"]) == ("phone", False, "unsatisfied")


def test_a_visit_is_the_first_responders_and_none_is_for_nobody_to_reach(service: Ticketing, as_staff: AsStaff) -> None:
    visited, checked = _resolved(service), _resolved(service)
    visit = {"means": "visit", "satisfaction": "satisfied", "solved": True}
    _refused(_act(as_staff("S0014"), service, visited, "callback", **visit), 403, "on-site visit (上门回访)")
    assert _ok(_act(as_staff("S0013"), service, visited, "callback", **visit))["state"] == "closed"
    refused = _act(as_staff("S0013"), service, checked, "callback", means="none", solved=True)
    _refused(refused, 400, "possible: Phone callback, On-site visit")  # in words; the details keep the codes
    assert refused.get_json()["error"]["details"]["allowed"] == ["phone", "visit"]
    _refused(_act(as_staff("S0013"), service, checked, "callback", means="link", solved=True), 422, "means")
    with service.engine.begin() as conn:  # a patrol report: nobody to reach (intake will accept no phone)
        ticket = store.get(conn, checked, for_update=True)
        version, ticket.contact_phone, ticket.contact_name = ticket.version, "", ""
        store.save(conn, ticket, version, Outcome())

    result = _ok(_act(as_staff("S0013"), service, checked, "callback", means="none", solved=True))

    assert result["state"] == "closed"
    ticket = service.show(checked).ticket
    assert (ticket.callback_means, ticket.solved, ticket.satisfaction) == ("none", True, None)


def test_an_unreached_attempt_too_soon_is_refused_with_the_next_allowed_time(
    service: Ticketing, as_staff: AsStaff, client: FlaskClient
) -> None:
    number = _resolved(service)
    caller = as_staff("S0013")
    first = _ok(_act(caller, service, number, "callback", reached=False))
    shown = first["ticket"]
    assert shown["callback_attempts"] == 1 and shown["next_attempt_at"] == "2026-11-23T11:00:00+08:00"

    refused = _act(caller, service, number, "callback", reached=False)

    _refused(refused, 403, "the next attempt may be made from 2026-11-23 11:00")
    assert service.show(number).ticket.callback_attempts == 1


def test_a_second_unsatisfied_verdict_sends_the_ticket_up_a_tier(service: Ticketing, as_staff: AsStaff) -> None:
    number = _resolved(service)
    caller = as_staff("S0013")
    unhappy = {"satisfaction": "unsatisfied", "solved": False}
    _ok(_act(caller, service, number, "callback", **unhappy))
    _ok(_act(caller, service, number, "resolve", resolution="再次处理"))

    result = _ok(_act(caller, service, number, "callback", **unhappy))

    assert result["state"] == "new"
    shown = _ok(as_staff("S0010")("GET", f"/api/v1/tickets/{number}"))
    assert (shown["tier"], shown["holder"]["id"], shown["first_responder"]["id"]) == (1, "S0010", "S0013")
    assert "acknowledge" in shown["actions"]


def test_termination_is_proposed_listed_and_approved(service: Ticketing, as_staff: AsStaff) -> None:
    number = _open(service).number
    service.act(number, "acknowledge", "S0013", NOW - HOUR)
    handler, supervisor = as_staff("S0013"), as_staff("S0004")
    _refused(_act(handler, service, number, "propose_termination", reason=" "), 400, "reason")
    proposed = _ok(_act(handler, service, number, "propose_termination", reason="属于私人财产纠纷"))
    assert proposed["ticket"]["termination_pending"] and proposed["ticket"]["termination_reason"] == "属于私人财产纠纷"

    queue = _ok(supervisor("GET", "/api/v1/queues/terminations"))
    assert [item["number"] for item in queue["items"]] == [number]
    assert _ok(as_staff("S0055")("GET", "/api/v1/queues/terminations"))["items"] == []  # another community
    _refused(handler("GET", "/api/v1/queues/terminations"), 403, "only supervisors")
    _refused(_act(handler, service, number, "approve_termination"), 403, "approved or rejected by supervisors")
    assert _act(as_staff("S0055"), service, number, "approve_termination").status_code == 404

    approved = _ok(_act(supervisor, service, number, "approve_termination"))

    assert approved["state"] == "terminated"
    assert _ok(supervisor("GET", "/api/v1/queues/terminations"))["items"] == []
    _refused(_act(supervisor, service, number, "approve_termination"), 403, "no proposal of 诉求终结 to decide")


def test_termination_rejected_leaves_the_ticket_with_its_handler(service: Ticketing, as_staff: AsStaff) -> None:
    number = _open(service).number
    service.act(number, "acknowledge", "S0013", NOW - HOUR)
    service.act(number, "propose_termination", "S0013", NOW - HOUR / 2, reason="无法解决")

    rejected = _ok(_act(as_staff("S0002"), service, number, "reject_termination", reason="街道协调资金"))

    assert rejected["state"] == "in_progress"
    shown = _ok(as_staff("S0013")("GET", f"/api/v1/tickets/{number}"))
    assert not shown["termination_pending"] and "propose_termination" in shown["actions"]
    assert shown["history"][-1]["action"] == "reject_termination"


def test_the_rates_count_solved_means_terminated_and_returned_apart(service: Ticketing, as_staff: AsStaff) -> None:
    phoned, visited = _resolved(service), _resolved(service)
    service.act(phoned, "callback", "S0013", NOW, satisfaction="satisfied", solved=True)
    service.act(visited, "callback", "S0013", NOW, satisfaction="basically_satisfied", solved=False, means="visit")
    terminated = _open(service).number
    service.act(terminated, "acknowledge", "S0013", NOW)
    service.act(terminated, "propose_termination", "S0013", NOW, reason="政策不允许")
    service.act(terminated, "approve_termination", "S0004", NOW)
    service.act(_open(service).number, "return_to_resident", "S0013", NOW, reason="重复件")

    rates = _ok(as_staff("S0004")("GET", "/api/v1/rates?from=2026-11-23&to=2026-11-23"))

    counts = rates["overall"]["counts"]
    assert (counts["base"], counts["solved"], counts["by_phone"], counts["by_visit"]) == (2, 1, 1, 1)
    assert (counts["by_link"], counts["checked"], counts["terminated"], counts["returned"]) == (0, 0, 1, 1)
    assert rates["overall"]["rates"]["resolution"] == 0.5


def test_the_post_partner_may_not_send_the_resident_away(service: Ticketing, as_staff: AsStaff) -> None:
    number = _open(service, channel=Channel.WALK_IN, registrar_id="S0013").number

    _refused(_act(as_staff("S0014"), service, number, "return_to_resident", reason="重复件"), 403, "only the first")

    assert _ok(_act(as_staff("S0013"), service, number, "return_to_resident", reason="重复件"))["state"] == "returned"
