"""Finding the place a resident means: ids, addresses and coordinates."""

from __future__ import annotations

from dataclasses import replace

import pytest
from district import District

from ticketing.domain.errors import InvalidInput, NotFound
from ticketing.domain.locate import distance_m, locate
from ticketing.domain.org import Organisation


@pytest.fixture
def org() -> Organisation:
    base = District().org
    units = dict(base.units)
    units["b1"] = replace(units["b1"], address="海曲东路10号", lat=35.3850, lon=119.5120)
    units["shop1"] = replace(units["shop1"], address="海曲中路104号", lat=35.3900, lon=119.5200)
    return Organisation(
        units=units, posts=base.posts, staff=base.staff, default_intake_community=base.default_intake_community
    )


def test_an_id_is_taken_as_given_when_it_can_be_routed(org: Organisation) -> None:
    assert locate(org, "b1") == "b1"
    assert locate(org, "g1") == "g1"
    with pytest.raises(NotFound, match="unknown location 'b9'"):
        locate(org, "b9")
    with pytest.raises(InvalidInput, match="'st1' is a street, too wide to route"):
        locate(org, "st1")


def test_an_address_matches_the_most_specific_place_it_names(org: Organisation) -> None:
    assert locate(org, None, address="日照市 海曲东路10号 3单元") == "b1"
    assert locate(org, None, address="海曲中路104号门口") == "shop1"
    assert locate(org, None, address="海曲中路便民超市对面") == "shop1"  # the shop's name beats its street's
    assert locate(org, None, address="火星路1号") is None


def test_coordinates_match_the_nearest_place_within_300_metres(org: Organisation) -> None:
    assert locate(org, None, lat=35.3851, lon=119.5121) == "b1"
    assert locate(org, None, lat=35.3899, lon=119.5199) == "shop1"
    assert locate(org, None, lat=35.4500, lon=119.6000) is None


def test_distance_is_great_circle_metres() -> None:
    assert distance_m(35.0, 119.0, 35.0, 119.0) == 0
    assert 110_000 < distance_m(35.0, 119.0, 36.0, 119.0) < 112_000
