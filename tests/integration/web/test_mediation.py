"""Dispute mediation on the web (枫桥经验): the grid leader invites the police (协同), an auxiliary mediates,
supervisors see the outcome, the resident never sees the agreement; admins set the police post's holders."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ticketing.domain.ticket import Ticket
from ticketing.services import Ticketing

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai, the app's clock
BUILDING = "B01010101"  # grid G010101 (grid leader A S0010), community C0101 (party A S0004, a supervisor)
POLICE = "C0101.community_police"  # officer S0006, auxiliaries S0007 and S0252
GRID_LEADER, AUXILIARY, SUPERVISOR = "S0010", "S0252", "S0004"
AGREEMENT = "双方同意共同出资维修漏水管道，楼上住户承担七成"

Login = Callable[[str], FlaskClient]


def _dispute(service: Ticketing, token: str | None = None) -> Ticket:
    return service.open_ticket(
        category="neighbour_dispute",
        description="楼上漏水，与邻居协商不成",
        contact_phone="13806330000",
        location_id=BUILDING,
        access_token=token,
        now=NOW,
    )


def _act(client: FlaskClient, number: str, action: str, version: int, **fields: str) -> TestResponse:
    data = {f"{action}-version": str(version)} | {f"{action}-{name}": value for name, value in fields.items()}
    return client.post(f"/staff/t/{number}/{action}", data=data)


def _text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def _forms(page: str) -> list[str]:
    return re.findall(r'id="act-([a-z_]+)"', page)


def _invited(service: Ticketing, login: Login) -> Ticket:
    ticket = _dispute(service)
    response = _act(login(GRID_LEADER), ticket.number, "invite", ticket.version, post=POLICE, reason="请民警协助调解")
    assert response.status_code == 302
    return service.show(ticket.number).ticket


def test_the_grid_leader_invites_the_police_from_the_ticket_page(service: Ticketing, login: Login) -> None:
    ticket = _dispute(service)
    leader = login(GRID_LEADER)
    page = _text(leader.get(f"/staff/t/{ticket.number}"))
    assert "invite" in _forms(page) and f'<option value="{POLICE}"' in page

    _act(leader, ticket.number, "invite", ticket.version, post=POLICE, reason="请民警协助调解")

    after = service.show(ticket.number)
    assert [joined.post_id for joined in after.ticket.joined] == [POLICE]
    assert (after.ticket.due_at, after.ticket.post_id) == (ticket.due_at, ticket.post_id)
    assert after.history[-1].action == "invite"
    assert "请民警协助调解" in _text(leader.get(f"/staff/t/{ticket.number}"))


def test_an_invitation_without_a_reason_is_refused_with_the_form_kept(service: Ticketing, login: Login) -> None:
    ticket = _dispute(service)

    response = _act(login(GRID_LEADER), ticket.number, "invite", ticket.version, post=POLICE, reason="")

    assert response.status_code == 400
    assert "Say why they should join." in _text(response)
    assert service.show(ticket.number).ticket.joined == ()


def test_every_police_holder_finds_the_joined_ticket_in_their_queue_marked(service: Ticketing, login: Login) -> None:
    ticket = _invited(service, login)

    for holder in ("S0006", "S0007", AUXILIARY):
        queue = _text(login(holder).get("/staff/queue"))
        assert ticket.number in queue and "Joined (协同)" in queue, holder


def test_an_auxiliary_records_the_mediation_and_supervisors_see_it(service: Ticketing, login: Login) -> None:
    ticket = _invited(service, login)
    auxiliary = login(AUXILIARY)
    assert _forms(_text(auxiliary.get(f"/staff/t/{ticket.number}"))) == ["mediate", "note"]  # not signed for yet

    response = _act(auxiliary, ticket.number, "mediate", ticket.version, outcome="success", agreement=AGREEMENT)

    assert response.status_code == 302
    stored = service.show(ticket.number).ticket
    assert (stored.mediation, stored.mediation_agreement) == ("success", AGREEMENT)
    supervisor = login(SUPERVISOR)
    page = _text(supervisor.get(f"/staff/t/{ticket.number}"))
    assert "Mediation succeeded" in page and AGREEMENT in page
    rates = _text(supervisor.get("/supervise/rates"))
    assert re.search(r'id="mediation-success">1<', rates) and re.search(r'id="mediation-failed">0<', rates)


def test_a_successful_mediation_without_the_agreement_is_refused(service: Ticketing, login: Login) -> None:
    ticket = _invited(service, login)

    response = _act(login(AUXILIARY), ticket.number, "mediate", ticket.version, outcome="partial", agreement=" ")

    assert response.status_code == 400
    assert "write down the agreement" in _text(response)
    assert service.show(ticket.number).ticket.mediation is None


def test_released_police_no_longer_see_the_ticket(service: Ticketing, login: Login) -> None:
    ticket = _invited(service, login)

    response = _act(login(SUPERVISOR), ticket.number, "release", ticket.version, post=POLICE)

    assert response.status_code == 302
    auxiliary = login(AUXILIARY)
    assert ticket.number not in _text(auxiliary.get("/staff/queue"))
    assert auxiliary.get(f"/staff/t/{ticket.number}").status_code == 404
    assert service.show(ticket.number).history[-1].action == "release"


def test_the_resident_never_sees_the_agreement(service: Ticketing, login: Login, client: FlaskClient) -> None:
    ticket = _dispute(service, token="token-of-the-dispute")
    leader = login(GRID_LEADER)
    _act(leader, ticket.number, "invite", ticket.version, post=POLICE, reason="请民警协助调解")
    _act(login(AUXILIARY), ticket.number, "mediate", ticket.version + 1, outcome="success", agreement=AGREEMENT)

    page = _text(client.get("/r/t/token-of-the-dispute"))

    assert ticket.number in page
    assert AGREEMENT not in page and "请民警协助调解" not in page


def test_an_admin_gives_the_police_post_a_third_holder_audited(app: Flask, service: Ticketing, login: Login) -> None:
    admin = login("S0001")
    form = _text(admin.get(f"/admin/posts/{POLICE}/holders"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)

    response = admin.post(
        f"/admin/posts/{POLICE}/holders",
        data={
            "csrf_token": token.group(1) if token else "",
            "holder_a": "S0006",
            "holder_b": "S0252",
            "more_holders": "S0007, S0063",
        },
    )

    assert response.status_code == 302
    with service.engine.connect() as conn:
        org = service.worlds.organisation(conn)
    assert org.posts[POLICE].holders == ("S0006", "S0252", "S0007", "S0063")
    audit = _text(admin.get("/admin/audit"))
    assert f"{org.staff['S0252'].name} → {org.staff['S0007'].name}, {org.staff['S0063'].name}" in audit


def test_a_holder_named_twice_is_refused_on_the_holders_page(service: Ticketing, login: Login) -> None:
    admin = login("S0001")

    response = admin.post(
        f"/admin/posts/{POLICE}/holders", data={"holder_a": "S0006", "holder_b": "S0007", "more_holders": "S0006"}
    )

    assert response.status_code == 400
    assert "Each holder once" in _text(response)
