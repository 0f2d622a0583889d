"""Trusted callbacks and 诉求终结 on the staff pages: the means, "solved?" apart, spaced attempts, 提级办理,
the supervisors' decision, the rates apart, and who may send a resident away."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ticketing.db import tickets as store
from ticketing.domain.ticket import Channel, Outcome, Ticket
from ticketing.services import Ticketing

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai, the app's clock
HOUR = timedelta(hours=1)
PHONE = "13806330000"
BUILDING = "B01010101"  # building leader A S0013, B S0014; grid G010101 (A S0010); community C0101
GRID_POST = "G010101.grid_leader"

Login = Callable[[str], FlaskClient]


def _open(service: Ticketing, description: str = "楼道灯坏了", token: str | None = None) -> Ticket:
    return service.open_ticket(
        category="property_repair",
        description=description,
        contact_phone=PHONE,
        location_id=BUILDING,
        now=NOW,
        access_token=token,
    )


def _resolved(service: Ticketing, at: datetime = NOW - 2 * HOUR) -> str:
    """A ticket acknowledged and resolved by S0013 (its first responder) before the app's clock."""
    number = _open(service).number
    service.act(number, "acknowledge", "S0013", at)
    service.act(number, "resolve", "S0013", at + HOUR, resolution="已更换楼道灯")
    return number


def nobody_to_reach(service: Ticketing, number: str) -> None:
    """Make the ticket a patrol report's: no phone, e-mail or name (intake will accept one without a phone)."""
    with service.engine.begin() as conn:
        ticket = store.get(conn, number, for_update=True)
        version = ticket.version
        ticket.contact_phone = ticket.contact_email = ticket.contact_name = ""
        store.save(conn, ticket, version, Outcome())


def _act(client: FlaskClient, service: Ticketing, number: str, action: str, **fields: str) -> TestResponse:
    """Post one action form of the ticket page, at the ticket's present version."""
    version = service.show(number).ticket.version
    data = {f"{action}-version": str(version)} | {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(f"/staff/t/{number}/{action}", data=data)


def _text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def _means_offered(page: str) -> list[str]:
    form = page[page.index('id="act-callback"') :]
    select = form[form.index('name="callback-means"') : form.index("</select>")]
    return re.findall(r'<option[^>]*value="([a-z]+)"', select)


def _dd(page: str, term: str) -> str:
    """The text of the description after ``term`` in the ticket's facts."""
    found = re.search(rf"<dt>{re.escape(term)}</dt><dd>(.*?)</dd>", page, re.S)
    assert found, f"{term} not shown"
    return re.sub(r"<[^>]+>", " ", found[1]).strip()


def test_a_phone_callback_records_solved_apart_from_satisfied(service: Ticketing, login: Login) -> None:
    number = _resolved(service)
    client = login("S0013")
    assert _means_offered(_text(client.get(f"/staff/t/{number}"))) == ["phone", "visit"]

    response = _act(
        client,
        service,
        number,
        "callback",
        means="phone",
        reached="yes",
        solved="no",
        satisfaction="basically_satisfied",
    )

    assert response.status_code == 302, _text(response)
    ticket = service.show(number).ticket
    assert (ticket.state, ticket.solved, ticket.satisfaction, ticket.callback_means) == (
        "closed",
        False,
        "basically_satisfied",
        "phone",
    )
    page = _text(client.get(f"/staff/t/{number}"))
    assert _dd(page, "Callback by") == "Phone callback" and _dd(page, "Problem solved") == "No"


def test_a_reached_callback_without_solved_is_refused_on_the_page(service: Ticketing, login: Login) -> None:
    number = _resolved(service)

    response = _act(login("S0013"), service, number, "callback", means="phone", reached="yes", satisfaction="satisfied")

    assert response.status_code == 400
    assert "record whether the problem is solved" in _text(response)
    assert service.show(number).ticket.state == "resolved"


def test_an_on_site_visit_is_recorded_by_the_first_responder_not_their_partner(
    service: Ticketing, login: Login
) -> None:
    number = _resolved(service)
    visit = {"means": "visit", "reached": "yes", "solved": "yes", "satisfaction": "satisfied"}

    refused = _act(login("S0014"), service, number, "callback", **visit)
    assert refused.status_code == 403
    assert "on-site visit (上门回访) on ticket" in _text(refused) and "S0014 is not" in _text(refused)

    assert _act(login("S0013"), service, number, "callback", **visit).status_code == 302
    ticket = service.show(number).ticket
    assert (ticket.state, ticket.callback_means, ticket.solved) == ("closed", "visit", True)


def test_a_ticket_with_nobody_to_reach_closes_on_a_checked_result(service: Ticketing, login: Login) -> None:
    number = _resolved(service)
    nobody_to_reach(service, number)
    client = login("S0013")
    assert _means_offered(_text(client.get(f"/staff/t/{number}"))) == ["none"]

    phoned = _act(client, service, number, "callback", means="phone", reached="yes", solved="yes", satisfaction="")
    assert phoned.status_code == 400 and "callback: Phone callback is not possible" in _text(phoned)
    assert "possible: Nobody to reach: result checked" in _text(phoned)  # what is allowed, in words
    checked = _act(client, service, number, "callback", means="none", reached="yes", solved="yes", satisfaction="")

    assert checked.status_code == 302, _text(checked)
    ticket = service.show(number).ticket
    assert (ticket.state, ticket.callback_means, ticket.solved, ticket.satisfaction) == ("closed", "none", True, None)


def test_an_unreached_attempt_too_soon_is_refused_with_the_next_allowed_time(
    service: Ticketing, login: Login, clock: list[datetime]
) -> None:
    number = _resolved(service)
    client = login("S0013")
    assert _act(client, service, number, "callback", means="phone", reached="no").status_code == 302
    page = _text(client.get(f"/staff/t/{number}"))
    assert "next attempt from 2026-11-23 11:00" in _dd(page, "Callback attempts")

    clock[0] = NOW + HOUR
    refused = _act(client, service, number, "callback", means="phone", reached="no")

    assert refused.status_code == 403
    assert "the next attempt may be made from 2026-11-23 11:00" in _text(refused)
    assert service.show(number).ticket.callback_attempts == 1
    clock[0] = NOW + 2 * HOUR
    assert _act(client, service, number, "callback", means="phone", reached="no").status_code == 302
    assert service.show(number).ticket.callback_attempts == 2


def test_a_second_unsatisfied_verdict_sends_the_ticket_up_a_tier(service: Ticketing, login: Login) -> None:
    number = _resolved(service)
    client = login("S0013")
    unhappy = {"means": "phone", "reached": "yes", "solved": "no", "satisfaction": "unsatisfied"}
    assert _act(client, service, number, "callback", **unhappy).status_code == 302
    reopened = service.show(number).ticket
    assert (reopened.state, reopened.post_id, reopened.holder_id) == (
        "in_progress",
        f"{BUILDING}.building_leader",
        "S0013",
    )
    assert _act(client, service, number, "resolve", resolution="又换了一次").status_code == 302

    assert _act(client, service, number, "callback", **unhappy).status_code == 302

    ticket = service.show(number).ticket
    assert (ticket.state, ticket.post_id, ticket.holder_id, ticket.tier) == ("new", GRID_POST, "S0010", 1)
    assert ticket.first_responder_id == "S0013" and ticket.unsatisfied_count == 2
    assert number in _text(login("S0010").get("/staff/queue"))


def test_termination_proposed_by_the_handler_and_approved_by_a_supervisor(
    service: Ticketing, login: Login, client: FlaskClient
) -> None:
    number = _open(service, "要求社区出资更换私家门窗", token="token-of-the-terminated-request").number
    service.act(number, "acknowledge", "S0013", NOW - HOUR)
    handler, supervisor = login("S0013"), login("S0004")
    assert "No proposal is waiting for a decision." in _text(supervisor.get("/supervise/terminations"))

    proposed = _act(handler, service, number, "propose_termination", reason="属于私人财产，不在社区职责和政策范围内")
    assert proposed.status_code == 302
    listed = _text(supervisor.get("/supervise/terminations"))
    assert number in listed and "属于私人财产" in listed and "陈强" in listed
    assert number not in _text(login("S0055").get("/supervise/terminations"))  # another community's supervisor
    assert 'id="act-approve_termination"' not in _text(handler.get(f"/staff/t/{number}"))

    approved = _act(supervisor, service, number, "approve_termination")

    assert approved.status_code == 302
    ticket = service.show(number).ticket
    assert (ticket.state, ticket.termination_reason, ticket.clock) == (
        "terminated",
        "属于私人财产，不在社区职责和政策范围内",
        None,
    )
    assert number not in _text(supervisor.get("/supervise/terminations"))
    assert "Termination approved" in _text(supervisor.get(f"/staff/t/{number}"))
    told = _text(client.get("/r/t/token-of-the-terminated-request"))
    assert "closed with a supervisor's approval (诉求终结): 属于私人财产，不在社区职责和政策范围内" in told


def test_termination_rejected_by_a_supervisor_goes_on_where_it_was(service: Ticketing, login: Login) -> None:
    number = _open(service).number
    service.act(number, "acknowledge", "S0013", NOW - HOUR)
    service.act(number, "propose_termination", "S0013", NOW - HOUR / 2, reason="无法解决")
    supervisor = login("S0004")

    missing = _act(supervisor, service, number, "reject_termination", reason="")
    assert missing.status_code == 400
    rejected = _act(supervisor, service, number, "reject_termination", reason="可协调物业维修")

    assert rejected.status_code == 302
    ticket = service.show(number).ticket
    assert (ticket.state, ticket.termination_pending, ticket.holder_id) == ("in_progress", False, "S0013")
    page = _text(login("S0013").get(f"/staff/t/{number}"))
    assert "Termination rejected" in page and "可协调物业维修" in page and 'id="act-propose_termination"' in page


def test_the_rates_page_shows_solved_means_terminated_and_returned_apart(service: Ticketing, login: Login) -> None:
    phoned, visited, checked = (_resolved(service) for _ in range(3))
    service.act(phoned, "callback", "S0013", NOW, satisfaction="satisfied", solved=False)
    service.act(visited, "callback", "S0013", NOW, satisfaction="unsatisfied", solved=False, means="visit")
    nobody_to_reach(service, checked)
    service.act(checked, "callback", "S0013", NOW, reached=True, solved=True, means="none")
    confirmed = _resolved(service)
    service.resident_feedback(confirmed, "basically_satisfied", "", NOW, service.show(confirmed).ticket.version, "yes")
    terminated = _open(service).number
    service.act(terminated, "acknowledge", "S0013", NOW)
    service.act(terminated, "propose_termination", "S0013", NOW, reason="政策不允许")
    service.act(terminated, "approve_termination", "S0004", NOW)
    returned = _open(service).number
    service.act(returned, "return_to_resident", "S0013", NOW, reason="重复件")

    page = _text(login("S0004").get("/supervise/rates"))

    figures = dict(re.findall(r'<dd id="(?:overall|apart)-([a-z_]+)">([^<]*)</dd>', page))
    assert figures["base"] == "3"  # phone, visit and link; the checked one has no satisfaction
    assert (figures["by_phone"], figures["by_link"], figures["by_visit"], figures["checked"]) == ("1", "1", "1", "1")
    assert (figures["terminated"], figures["returned"]) == ("1", "1")
    assert figures["resolution"] == "33.3%"  # solved: only the resident who confirmed through the link


def test_only_the_first_responder_sends_the_resident_away_not_their_partner(service: Ticketing, login: Login) -> None:
    registered = service.open_ticket(
        category="property_repair",
        description="重复登记的诉求",
        contact_phone=PHONE,
        location_id=BUILDING,
        channel=Channel.WALK_IN,
        registrar_id="S0013",
        now=NOW - HOUR,
    )
    assert (registered.state, registered.first_responder_id) == ("new", "S0013")
    partner = login("S0014")
    assert 'id="act-return_to_resident"' not in _text(partner.get(f"/staff/t/{registered.number}"))

    refused = _act(partner, service, registered.number, "return_to_resident", reason="重复件")

    assert refused.status_code == 403 and "only the first responder S0013" in _text(refused)
    returned = _act(login("S0013"), service, registered.number, "return_to_resident", reason="重复件")
    assert returned.status_code == 302 and service.show(registered.number).ticket.state == "returned"
