"""Who helps with a ticket is the staff's to know: the resident's own pages and Open311 never name a volunteer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from ticketing.domain.volunteering.model import ItemKind, RegistrantKind, RegistrationStatus
from ticketing.domain.volunteering.registration import Application
from ticketing.domain.volunteering.service_list import Draft
from ticketing.services import Ticketing

NOW = datetime(2026, 11, 23, 1, tzinfo=UTC)  # the web app's clock: Monday 09:00 in Shanghai
MEMBER, MEMBER_PHONE, TOKEN = "王建国", "13906331234", "token-of-a-helped-ticket"


def test_the_resident_and_open311_never_see_who_helps(service: Ticketing, client: FlaskClient) -> None:
    ticket = service.open_ticket(
        category="sanitation",
        description="楼道堆满杂物，请帮忙清理",
        contact_phone="13806330000",
        location_id="B01010101",
        access_token=TOKEN,
        now=NOW - timedelta(hours=1),
    )
    service.act(ticket.number, "acknowledge", "S0013", NOW - timedelta(minutes=50))
    volunteers = service.volunteering
    member = Application("C0101", RegistrantKind.MEMBER, MEMBER, MEMBER_PHONE, work_unit="区财政局")
    registered = volunteers.register(member, NOW)
    volunteers.decide(registered.id, RegistrationStatus.APPROVED, "S0004", NOW)
    day = NOW.date()
    need = Draft(ItemKind.NEED, "楼道杂物清理", "需要两人协助搬运", day, day + timedelta(days=7), 2, 2.0)
    item = volunteers.ask_help(ticket.number, "S0013", need, NOW)
    volunteers.confirm(volunteers.claim_by_link(registered.link, item, NOW), "S0010", NOW)

    staff_history = [entry.details.get("helper") for entry in service.show(ticket.number).history]
    assert MEMBER in staff_history  # the staff's history says who helps
    for url in (f"/r/t/{TOKEN}", f"/open311/v2/requests/{ticket.number}.json?extensions=true"):
        response = client.get(url)
        shown = response.get_data(as_text=True)
        assert response.status_code == 200 and ticket.number in shown, url
        assert MEMBER not in shown and MEMBER_PHONE not in shown and "楼道杂物清理" not in shown, url
