"""What a form would not offer is refused the same way by the staff API, the command line and the pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ticketing.cli import cli
from ticketing.domain.ticket import Ticket
from ticketing.services import Ticketing
from ticketing.services.credentials import issue_staff_token

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the app's clock: Monday 09:00 in Shanghai
BUILDING = "B01010101"  # community C0101: building leader A S0013, B S0014
BUILDING_POST = f"{BUILDING}.building_leader"
OTHER_COMMUNITY_POST = "B01020101.building_leader"  # a building of community C0102
SUPERVISOR = "S0004"  # supervises C0101
TRANSFER_REFUSED = (
    "may be passed only to a post of its chain for its place (G010101.grid_leader, C0101.community_party) "
    f"or another post of its community C0101; {OTHER_COMMUNITY_POST} is neither"
)
TOO_LONG = "extend: at most 3d of working time at a time at tier 1 of workflow general; 9999d is longer"

Login = Callable[[str], FlaskClient]


def _open(service: Ticketing) -> Ticket:
    return service.open_ticket(
        category="property_repair", description="楼道灯坏了", contact_phone="13806330000", location_id=BUILDING, now=NOW
    )


def _api(client: FlaskClient, service: Ticketing, staff_id: str, url: str, body: dict[str, Any]) -> TestResponse:
    _id, token = issue_staff_token(service.engine, staff_id, NOW)
    return client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})


def _cli(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database-url", database_url, *args])


def _unchanged(service: Ticketing, ticket: Ticket) -> None:
    now = service.show(ticket.number).ticket
    assert (now.version, now.post_id, now.due_at) == (ticket.version, ticket.post_id, ticket.due_at)


# --- a transfer to another community's post ----------------------------------------------------------


def test_the_api_refuses_a_transfer_outside_the_targets_naming_them(client: FlaskClient, service: Ticketing) -> None:
    ticket = _open(service)
    body = {"version": 1, "target_post": OTHER_COMMUNITY_POST, "reason": "不归我们管"}

    response = _api(client, service, "S0013", f"/api/v1/tickets/{ticket.number}/actions/transfer", body)

    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_input" and TRANSFER_REFUSED in error["message"]
    _unchanged(service, ticket)


def test_the_command_line_refuses_it_too(service: Ticketing, database_url: str) -> None:
    ticket = _open(service)

    result = _cli(
        database_url,
        *("tickets", "act", ticket.number, "transfer", "--as", "S0013"),
        *("--to", OTHER_COMMUNITY_POST, "--reason", "不归我们管", "--now", "2026-11-23T09:30"),
    )

    assert result.exit_code == 1 and TRANSFER_REFUSED in result.stderr
    _unchanged(service, ticket)


def test_the_ticket_page_refuses_a_forged_target_with_the_same_message(service: Ticketing, login: Login) -> None:
    ticket = _open(service)
    data = {"transfer-version": "1", "transfer-target_post": OTHER_COMMUNITY_POST, "transfer-reason": "不归我们管"}

    response = login("S0013").post(f"/staff/t/{ticket.number}/transfer", data=data)

    assert response.status_code == 400
    assert TRANSFER_REFUSED in response.get_data(as_text=True)
    _unchanged(service, ticket)


# --- an extension of 9999 working days ---------------------------------------------------------------


def test_the_api_refuses_an_extension_beyond_the_limit_naming_it(client: FlaskClient, service: Ticketing) -> None:
    ticket = _open(service)
    body = {"version": 1, "by": "9999d", "reason": "需协调物业"}

    response = _api(client, service, SUPERVISOR, f"/api/v1/tickets/{ticket.number}/actions/extend", body)

    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["message"] == TOO_LONG
    _unchanged(service, ticket)


def test_the_command_line_refuses_the_extension(service: Ticketing, database_url: str) -> None:
    ticket = _open(service)

    result = _cli(
        database_url,
        *("tickets", "act", ticket.number, "extend", "--as", SUPERVISOR, "--by", "9999d", "--reason", "需协调物业"),
        *("--now", "2026-11-23T09:30"),
    )

    assert result.exit_code == 1 and TOO_LONG in result.stderr
    _unchanged(service, ticket)


@pytest.mark.parametrize("page", ["ticket", "board"])
def test_the_pages_refuse_the_extension(service: Ticketing, login: Login, page: str) -> None:
    ticket = _open(service)
    supervisor = login(SUPERVISOR)
    if page == "ticket":
        data = {"extend-version": "1", "extend-by": "9999d", "extend-reason": "需协调物业"}
        response = supervisor.post(f"/staff/t/{ticket.number}/extend", data=data)
    else:
        prefix = f"extend-{ticket.number}"
        data = {f"{prefix}-version": "1", f"{prefix}-by": "9999d", f"{prefix}-reason": "需协调物业"}
        response = supervisor.post(f"/supervise/board/{ticket.number}/extend", data=data)

    assert response.status_code == 400
    assert TOO_LONG in response.get_data(as_text=True)
    _unchanged(service, ticket)


def test_the_ticket_page_offers_only_the_extensions_and_targets_the_rules_accept(
    service: Ticketing, login: Login
) -> None:
    ticket = _open(service)

    page = login(SUPERVISOR).get(f"/staff/t/{ticket.number}").get_data(as_text=True)

    offered = page[page.index('name="extend-by"') : page.index("</select>", page.index('name="extend-by"'))]
    assert [value for value in ("1h", "4h", "1d", "2d", "3d", "5d") if f'value="{value}"' in offered] == [
        "1h",
        "4h",
        "1d",
        "2d",
        "3d",
    ]
    assert 'value="G010101.grid_leader"' in page and f'value="{OTHER_COMMUNITY_POST}"' not in page
    assert service.act(ticket.number, "extend", SUPERVISOR, NOW, by="3d", reason="需协调物业").version == 2
