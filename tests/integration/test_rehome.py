"""A post's holder changes (admin page, organisation import, roster upload): its open tickets go with the post."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from ticketing.cli import cli
from ticketing.demo import DEMO_ORG_FILE
from ticketing.domain import rules
from ticketing.domain.errors import NotAllowed
from ticketing.domain.ticket import Ticket
from ticketing.services import Ticketing
from ticketing.services.organisation import change_holders

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock: Monday 09:00 in Shanghai
LATER = datetime(2026, 11, 23, 2, tzinfo=UTC)
BUILDING = "B01010101"
POST = f"{BUILDING}.building_leader"  # A S0013 陈强, B S0014 吴红霞
OLD, NEW = "S0013", "S0015"
ADMIN = "S0001"
ROSTER = "岗位,单位编号,AB岗,工号\n楼长,B01010101,A,S0015\n"

Login = Callable[[str], FlaskClient]


def _acknowledged(service: Ticketing) -> Ticket:
    """An open ticket at the building, taken up by its A holder (its first responder)."""
    ticket = service.open_ticket(
        category="sanitation", description="垃圾未清运", contact_phone="13806330000", location_id=BUILDING, now=NOW
    )
    return service.act(ticket.number, "acknowledge", OLD, NOW)


def _queue(login: Login, staff_id: str) -> list[str]:
    return re.findall(r'href="/staff/t/([0-9-]+)"', login(staff_id).get("/staff/queue").get_data(as_text=True))


def _holders(service: Ticketing) -> tuple[str, str]:
    with service.engine.connect() as conn:
        post = service.worlds.organisation(conn).posts[POST]
    return post.holder_a, post.holder_b


def _assert_moved(service: Ticketing, login: Login, ticket: Ticket) -> None:
    """The new holder sees and may resolve the ticket, the old may not act; the history says who handed over."""
    moved = service.show(ticket.number)
    assert (moved.ticket.holder_id, moved.ticket.first_responder_id) == (NEW, OLD)
    handover = moved.history[-1]
    assert handover.action == "handover" and handover.holder_id == NEW
    assert (handover.details["from"], handover.details["to"]) == (OLD, NEW)
    assert (handover.details["before"], handover.details["cause"]) == (f"{OLD},S0014", "holders_changed")
    assert ticket.number in _queue(login, NEW)
    assert ticket.number not in _queue(login, OLD)
    with pytest.raises(NotAllowed):
        service.act(ticket.number, "resolve", OLD, LATER, resolution="已清运")
    assert service.act(ticket.number, "resolve", NEW, LATER, resolution="已清运").state == "resolved"


def test_changing_the_a_holder_on_the_admin_page_moves_the_open_ticket(service: Ticketing, login: Login) -> None:
    ticket = _acknowledged(service)

    admin = login(ADMIN)
    response = admin.post(f"/admin/posts/{POST}/holders", data={"holder_a": NEW, "holder_b": "S0014"})

    assert response.status_code == 302
    page = admin.get(response.location).get_data(as_text=True)
    assert "1 open ticket passed to the new holders of its post." in page
    _assert_moved(service, login, ticket)


def test_a_roster_upload_moves_the_open_ticket(service: Ticketing, login: Login) -> None:
    ticket = _acknowledged(service)

    response = login(ADMIN).post(
        "/admin/import",
        data={"files": [(io.BytesIO(ROSTER.encode()), "花名册.csv")]},
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    assert "1 open ticket passed to the new holders of its post." in response.get_data(as_text=True)
    _assert_moved(service, login, ticket)


def test_an_organisation_import_moves_the_open_ticket(
    service: Ticketing, login: Login, database_url: str, tmp_path: Path
) -> None:
    ticket = _acknowledged(service)
    changed = tmp_path / "district.yaml"
    text = DEMO_ORG_FILE.read_text(encoding="utf-8")
    changed.write_text(text.replace("{a: S0013, b: S0014}", "{a: S0015, b: S0014}", 1), encoding="utf-8")

    result = CliRunner().invoke(
        cli, ["--database-url", database_url, "org", "import", str(changed), "--now", "2026-11-23T09:30"]
    )

    assert result.exit_code == 0, result.output
    assert "tickets    1 passed to new holders" in result.stdout
    _assert_moved(service, login, ticket)
    assert service.show(ticket.number).history[-2].at == datetime(2026, 11, 23, 1, 30, tzinfo=UTC)


def test_the_holders_and_the_hand_overs_are_one_transaction(
    service: Ticketing, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticket = _acknowledged(service)

    def broken(*args: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(rules, "rehome", broken)
    with pytest.raises(RuntimeError):
        change_holders(service, POST, NEW, "S0014", LATER)

    assert _holders(service) == (OLD, "S0014")
    assert service.show(ticket.number).ticket.holder_id == OLD


def test_a_new_second_auxiliary_takes_the_tickets_of_the_one_replaced(service: Ticketing) -> None:
    police = "C0101.community_police"  # officer S0006, auxiliaries S0007 and S0252
    dispute = service.open_ticket(
        category="neighbour_dispute", description="邻里纠纷", contact_phone="13806330000", location_id=BUILDING, now=NOW
    )
    service.act(dispute.number, "transfer", "S0010", NOW, target_post=police, reason="需民警调解")
    taken = service.act(dispute.number, "acknowledge", "S0252", NOW)
    assert taken.holder_id == "S0252"

    summary = change_holders(service, police, "S0006", "S0007", LATER, more_holders=["S0063"])

    assert summary.rehomed == 1
    moved = service.show(dispute.number)
    assert moved.ticket.holder_id == "S0063"
    details = moved.history[-1].details
    assert (details["after"], details["from"], details["to"]) == ("S0006,S0007,S0063", "S0252", "S0063")
