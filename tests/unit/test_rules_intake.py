"""Intake: where a new request lands, who holds it, when it must be acknowledged, what is refused."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime

import pytest
from district import (
    BUILDING_1,
    GRID_1,
    INTAKE_1,
    SHOP_LEADER,
    STREET_LEADER,
    District,
    a,
    cst,
)

from ticketing.domain.errors import InvalidInput, NotFound
from ticketing.domain.field_rules import MAX_DESCRIPTION
from ticketing.domain.rules import number_ticket
from ticketing.domain.ticket import Channel, Event, Notice
from ticketing.domain.workflow import Clock


@pytest.mark.parametrize(
    ("location", "category", "workflow", "post", "tier", "due"),
    [
        pytest.param("b1", "property_repair", "general", BUILDING_1, 0, cst(3, 2, 11), id="building-leader"),
        # A stall in a market's managed area goes to the market's shop leader (a volunteer: 08:00–20:00).
        pytest.param("stall1", "shop_complaint", "outside", SHOP_LEADER, 0, cst(3, 2, 11), id="shop-leader"),
        # A segment has no shop leader: the outside chain starts at its street leader (4h of day time).
        pytest.param("seg1", "street_order", "outside", STREET_LEADER, 1, cst(3, 2, 13), id="street-leader"),
        # Disputes go to the grid leader, who works 14:00–21:00: 1h after Monday 09:00 is 15:00.
        pytest.param("b1", "neighbour_dispute", "dispute", GRID_1, 0, cst(3, 2, 15), id="dispute-grid-leader"),
    ],
)
def test_routes_to_the_first_tier_with_a_post_for_the_location(
    d: District, location: str, category: str, workflow: str, post: str, tier: int, due: datetime
) -> None:
    ticket, outcome = d.open_with_outcome(location, category)

    assert (ticket.workflow, ticket.state, ticket.post_id, ticket.tier) == (workflow, "new", post, tier)
    assert ticket.holder_id == a(post)
    assert (ticket.clock, ticket.due_at) == (Clock.ACKNOWLEDGE, due)
    assert ticket.first_responder_id is None
    assert (ticket.street_id, ticket.community_id, ticket.grid_id) == ("st1", "c1", "g1")
    assert outcome.notices == [Notice(a(post), Event.ASSIGNED)]
    assert outcome.deadline_changed
    [entry] = outcome.entries
    assert (entry.action, entry.actor_id, entry.from_state, entry.to_state) == ("open", None, None, "new")
    assert (entry.post_id, entry.tier, entry.reason, entry.details) == (post, tier, "", {"channel": "web"})


def test_without_a_location_it_goes_to_the_default_communitys_intake_post(d: District) -> None:
    ticket = d.open(location=None)

    assert (ticket.workflow, ticket.post_id, ticket.holder_id) == ("general", INTAKE_1, a(INTAKE_1))
    assert (ticket.location_id, ticket.community_id, ticket.street_id, ticket.grid_id) == (None, "c1", "st1", None)
    assert ticket.due_at == cst(3, 2, 11)


def test_a_location_in_the_other_community_stays_there(d: District) -> None:
    ticket = d.open(location="b2")

    assert (ticket.post_id, ticket.community_id, ticket.grid_id) == ("b2:building_leader", "c2", "g2")


def test_unknown_location_id_is_not_found(d: District) -> None:
    with pytest.raises(NotFound, match="unknown location 'b99'"):
        d.open(location="b99")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": "   "}, "description: say what the problem is"),
        ({"description": "漏" * (MAX_DESCRIPTION + 1)}, f"description: at most {MAX_DESCRIPTION} characters"),
        ({"contact_phone": "call me"}, "contact_phone: 'call me' is not a phone number"),
        ({"contact_phone": "1234"}, "contact_phone: '1234' is not a phone number"),
        ({"lat": 35.42}, "lat/lon: give both coordinates or neither"),
        ({"lat": 135.0, "lon": 119.5}, "lat/lon: WGS84 coordinates, within ±90 and ±180"),
        ({"contact_phone": "1234567890123456"}, "contact_phone: '1234567890123456' is not a phone number"),
        ({"contact_name": "名" * 101}, "contact_name: at most 100 characters, got 101"),
        ({"address": "路" * 301}, "address: at most 300 characters, got 301"),
        ({"contact_email": "wang at example.com"}, "contact_email: 'wang at example.com' is not an e-mail address"),
    ],
)
def test_bad_input_is_refused_naming_the_field(d: District, change: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        d.submit(replace(d.intake(), **change))


def test_every_problem_of_a_request_is_named_at_once(d: District) -> None:
    with pytest.raises(InvalidInput) as refused:
        d.submit(replace(d.intake(), description="", contact_phone="12", lon=119.5))

    assert [problem.split(":")[0] for problem in str(refused.value).split("; ")] == [
        "description",
        "contact_phone",
        "lat/lon",
    ]


def test_a_description_is_trimmed_and_phone_numbers_may_have_dashes_and_a_plus(d: District) -> None:
    ticket, _ = d.submit(d.intake(description="  门禁坏了 ", contact_phone="+86 139-1234-5678", lat=35.4, lon=119.5))

    assert ticket.description == "门禁坏了"
    assert (ticket.lat, ticket.lon) == (35.4, 119.5)


def test_a_walk_in_makes_the_registering_staffer_first_responder_with_their_post(d: District) -> None:
    ticket, outcome = d.open_with_outcome("b1", registrar=a(INTAKE_1))

    assert ticket.channel is Channel.WALK_IN
    assert (ticket.first_responder_id, ticket.first_responder_post_id) == (a(INTAKE_1), INTAKE_1)
    assert (ticket.post_id, ticket.holder_id) == (BUILDING_1, a(BUILDING_1))
    [entry] = outcome.entries
    assert (entry.actor_id, entry.details) == (a(INTAKE_1), {"channel": "walk_in", "registrar": a(INTAKE_1)})


def test_a_phone_request_registered_by_the_holder_of_the_receiving_post_keeps_that_post(d: District) -> None:
    ticket, _ = d.submit(d.intake("b1", channel=Channel.PHONE), registrar=a(BUILDING_1))

    assert (ticket.first_responder_id, ticket.first_responder_post_id) == (a(BUILDING_1), BUILDING_1)


@pytest.mark.parametrize(
    ("channel", "registrar"),
    [
        (Channel.WEB, a(INTAKE_1)),
        (Channel.API, a(INTAKE_1)),
        (Channel.WALK_IN, None),
        (Channel.PHONE, None),
        (Channel.PATROL, None),
        (Channel.ON_BEHALF, None),
    ],
)
def test_only_staff_channels_have_a_registrar(d: District, channel: Channel, registrar: str | None) -> None:
    request = replace(d.intake(channel=channel, contact_phone=""), contact_name="")  # a patrol has no resident

    with pytest.raises(InvalidInput, match="patrol and on-behalf requests are registered by a staff member"):
        d.submit(request, registrar=registrar)


def test_an_unknown_registrar_is_not_found(d: District) -> None:
    with pytest.raises(NotFound, match="unknown staff member 'ghost'"):
        d.submit(d.intake(channel=Channel.WALK_IN), registrar="ghost")


def test_the_acknowledge_deadline_counts_working_time_over_the_weekend(d: District) -> None:
    # Friday 16:30 + 2h: one hour to 17:30, one more from Monday 08:30.
    ticket = d.open("b1", at=cst(2, 27, 16, 30))

    assert ticket.due_at == cst(3, 2, 9, 30)


def test_the_acknowledge_deadline_skips_a_public_holiday(d: District) -> None:
    # Qingming: Saturday 4 to Monday 6 April 2026 off.
    ticket = d.open("b1", at=cst(4, 3, 16, 30))

    assert ticket.due_at == cst(4, 7, 9, 30)


def test_a_request_outside_working_hours_starts_counting_at_the_next_segment(d: District) -> None:
    ticket = d.open("b1", at=cst(3, 2, 12, 30))

    assert ticket.due_at == cst(3, 2, 15, 30)
    assert ticket.created_at == cst(3, 2, 12, 30)


def test_a_category_the_workflow_does_not_serve_is_refused(d: District) -> None:
    with pytest.raises(InvalidInput, match="category 'neighbour_dispute' is not served by workflow 'general'"):
        d.submit(replace(d.intake("b1"), category="neighbour_dispute"))


def test_control_characters_are_refused_in_every_free_text_field(d: District) -> None:
    intake = replace(d.intake(), description="楼道灯\x00坏了", contact_name="张\x07阿姨", address="海曲路\x1b10号")

    with pytest.raises(InvalidInput) as refused:
        d.submit(intake)

    for field in ("description", "contact_name", "address"):
        assert f"{field}: control characters are not allowed" in str(refused.value)
    kept, _ = d.submit(replace(d.intake(), description="灯坏了\n\t晚上看不见台阶"))  # newlines and tabs are text
    assert kept.description == "灯坏了\n\t晚上看不见台阶"


def test_a_ticket_is_numbered_by_the_districts_day_of_opening(d: District) -> None:
    """Numbered last (just before it is written), by the local day: 23:30 on 2 March is 15:30 UTC, still 2 March."""
    ticket = d.open("b1", at=cst(3, 2, 23, 30))
    number_ticket(ticket, 4321)
    assert (ticket.id, ticket.number, ticket.opened_on) == (4321, "260302-004321", cst(3, 2, 23, 30).date())
