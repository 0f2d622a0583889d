"""Requests without a phone: patrol reports (巡查发现), requests filed on a resident's behalf (代办), e-mail only."""

from __future__ import annotations

from dataclasses import replace

import pytest
from district import BUILDING_1, GRID_1, District, a

from ticketing.domain.errors import InvalidInput
from ticketing.domain.ticket import Channel, Event, Notice, ResidentChannel


def test_a_patrol_report_makes_the_grid_worker_first_responder_without_a_phone(d: District) -> None:
    report = replace(d.intake("b1", channel=Channel.PATROL, contact_phone=""), contact_name="")

    ticket, outcome = d.submit(report, registrar=a(GRID_1))

    assert (ticket.channel, ticket.contact_phone, ticket.notify_by) == (Channel.PATROL, "", ResidentChannel.NONE)
    assert (ticket.first_responder_id, ticket.first_responder_post_id) == (a(GRID_1), GRID_1)
    assert (ticket.post_id, ticket.holder_id) == (BUILDING_1, a(BUILDING_1))  # routed by place as any request
    assert outcome.entries[0].details == {"channel": "patrol", "registrar": a(GRID_1)}
    assert Notice(a(BUILDING_1), Event.ASSIGNED) in outcome.notices


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"contact_phone": "13912345678"}, "contact_phone: a patrol report has no resident"),
        ({"contact_email": "wang@example.com"}, "contact_email: a patrol report has no resident"),
        ({"notify_by": ResidentChannel.EMAIL}, "notify_by: a patrol report has no resident to tell"),
    ],
)
def test_a_patrol_report_takes_no_residents_contact_that_belongs_to_an_on_behalf_request(
    d: District, change: dict[str, object], problem: str
) -> None:
    report = replace(d.intake("b1", channel=Channel.PATROL, contact_phone=""), contact_name="", **change)

    with pytest.raises(InvalidInput, match=problem):
        d.submit(report, registrar=a(GRID_1))


def test_an_on_behalf_request_keeps_the_residents_contact_when_given_and_needs_none(d: District) -> None:
    with_contact, _ = d.submit(d.intake("b1", channel=Channel.ON_BEHALF), registrar=a(GRID_1))
    without, _ = d.submit(
        replace(d.intake("b1", channel=Channel.ON_BEHALF, contact_phone=""), contact_name=""), registrar=a(GRID_1)
    )

    assert (with_contact.contact_phone, with_contact.contact_name) == ("13912345678", "张阿姨")
    assert (without.contact_phone, without.first_responder_id) == ("", a(GRID_1))


def test_a_resident_may_leave_only_an_e_mail_address_and_be_told_by_e_mail(d: District) -> None:
    request = replace(d.intake(contact_phone=""), contact_email="wang@example.com", notify_by=ResidentChannel.EMAIL)

    ticket, outcome = d.submit(request)

    assert (ticket.contact_phone, ticket.contact_email, ticket.notify_by) == ("", "wang@example.com", "email")
    assert outcome.entries[0].details == {"channel": "web"}


def test_an_anonymous_request_is_opened_and_tells_nobody(d: District) -> None:
    ticket, _ = d.submit(replace(d.intake(contact_phone=""), contact_name=""))

    assert (ticket.contact_phone, ticket.contact_name, ticket.notify_by) == ("", "", ResidentChannel.NONE)


def test_sms_without_a_phone_is_refused_with_what_to_give(d: District) -> None:
    with pytest.raises(InvalidInput, match=r"notify_by: SMS was chosen, so give a phone number \(contact_phone\)"):
        d.submit(replace(d.intake(contact_phone=""), notify_by=ResidentChannel.SMS))
