"""Outside compounds (街长 + 店长 + 业户): who answers a request about a street segment, a shop or a market.

A shop is a place, not a post: a complaint about it goes to the street
leader of its segment, never to the shop.  The 店长 are the property service
units (物业服务单位): inside one's managed area (its office and the shops it
manages) its 店长 answers first, then the street leader; the grid leader
comes before the community party organisation.
"""

from __future__ import annotations

import pytest
from district import GRID_1, GRID_2, PARTY_1, PARTY_2, SHOP_LEADER, SHOP_LEADER_2, STREET_LEADER, District, a, b

from ticketing.domain import rules
from ticketing.domain.org import PostKind


def _climb(d: District, location: str, category: str) -> list[str]:
    """The posts a request passes through when nobody ever acknowledges it."""
    ticket = d.open(location, category)
    posts = [ticket.post_id]
    while not ticket.overdue:
        d.expire(ticket)
        if ticket.post_id != posts[-1]:
            posts.append(ticket.post_id)
    return posts


def test_the_outside_chain_is_shop_leader_street_leader_grid_leader_community() -> None:
    chain = [tier.post_kind for tier in District().world.workflows["outside"].chain]
    assert chain == [PostKind.SHOP_LEADER, PostKind.STREET_LEADER, PostKind.GRID_LEADER, PostKind.COMMUNITY_PARTY]


def test_a_complaint_about_a_shop_goes_to_its_street_leader_never_to_the_shop(d: District) -> None:
    ticket = d.open("shop1", "shop_complaint")

    assert (ticket.workflow, ticket.post_id, ticket.holder_id) == ("outside", STREET_LEADER, a(STREET_LEADER))
    assert not [post for post in d.org.posts.values() if post.unit_id == "shop1"]


def test_a_request_at_a_street_segment_goes_to_its_street_leader_first(d: District) -> None:
    assert _climb(d, "seg1", "street_order") == [STREET_LEADER, GRID_1, PARTY_1]


@pytest.mark.parametrize("location", ["stall1", "prop1"])
def test_inside_a_managed_area_the_property_units_shop_leader_answers_first_then_the_street_leader(
    d: District, location: str
) -> None:
    assert _climb(d, location, "shop_complaint") == [SHOP_LEADER, STREET_LEADER, GRID_1, PARTY_1]


def test_a_request_at_a_property_office_off_any_segment_goes_to_the_grid_leader_before_the_community(
    d: District,
) -> None:
    assert _climb(d, "prop2", "property_repair") == [SHOP_LEADER_2, GRID_2, PARTY_2]


def test_the_shop_leader_who_acknowledges_becomes_first_responder(d: District) -> None:
    ticket = d.open("stall1", "shop_complaint")
    rules.acknowledge(d.world, ticket, b(SHOP_LEADER), ticket.created_at)

    assert (ticket.first_responder_id, ticket.first_responder_post_id) == (b(SHOP_LEADER), SHOP_LEADER)
