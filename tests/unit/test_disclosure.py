"""What anyone may read of a request: masking, the public flag, disputes, and a coarse place."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ticketing.domain.disclosure import coarse, disclose, is_dispute, mask, public_place, publishes
from ticketing.domain.org import Organisation, Unit, UnitKind
from ticketing.domain.ticket import Channel, Ticket
from ticketing.domain.workflow import Category, Label, WorkflowSpec
from ticketing.workflow.files import load_workflows

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
AT = datetime(2026, 11, 23, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13812345678", "电话***********"),
        ("电话 138 1234 5678 找我", "电话 *** **** **** 找我"),
        ("打138-1234-5678", "打***-****-****"),
        ("+86 13812345678", "+** ***********"),
        ("座机0633-8123456", "座机****-*******"),
        ("（0633）8123456", "（****）*******"),
        ("家里电话8812345", "家里电话*******"),
        ("身份证370102199001011234", "身份证******************"),
        ("身份证37010219900101123X号", "身份证******************号"),
        ("身份证37010219900101123x", "身份证******************"),
        ("住3单元502", "住*单元***"),
        ("住 3 单元 502 室", "住 * 单元 *** 室"),
        ("在502室门口", "在***室门口"),
        ("我家2-3-501漏水", "我家*-*-***漏水"),
        ("5-502楼上", "*-***楼上"),
        ("1号楼502的住户", "1号楼***的住户"),
        ("5栋1203", "5栋****"),
        ("502号房", "***号房"),
        ("Room 502 and flat 3", "Room *** and flat *"),
        ("１３８１２３４５６７８", "***********"),
    ],
)
def test_phone_id_card_and_flat_numbers_are_masked(text: str, masked: str) -> None:
    assert mask(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "楼道灯坏了，晚上看不见台阶",
        "2026-11-23 起停水",
        "海曲东路118号门前",
        "3号楼前的路灯",
        "下午3点到5点",
        "已经坏了12天",
        "",
    ],
)
def test_other_text_is_left_as_written(text: str) -> None:
    assert mask(text) == text


def test_coordinates_are_rounded_to_about_100_m() -> None:
    assert (coarse(35.38412), coarse(119.51165), coarse(None)) == (35.384, 119.512, None)


@pytest.fixture(scope="module")
def workflows() -> dict[str, WorkflowSpec]:
    return load_workflows([WORKFLOWS]).workflows


def test_only_a_public_category_outside_a_dispute_workflow_publishes(workflows: dict[str, WorkflowSpec]) -> None:
    general, dispute = workflows["general"], workflows["dispute"]
    lamp = next(c for c in general.categories if c.code == "public_facilities")
    family = next(c for c in dispute.categories if c.code == "family_dispute")

    assert publishes(general, lamp)
    assert not publishes(general, replace(lamp, public=False))
    assert is_dispute(dispute) and not is_dispute(general)
    assert not publishes(dispute, family)
    assert not publishes(dispute, replace(family, public=True))  # even if a category claims it
    assert not publishes(None, lamp) and not publishes(general, None)


ORG = Organisation(
    units={
        unit.id: unit
        for unit in (
            Unit("c1", UnitKind.COMMUNITY, "海曲社区", None),
            Unit("g1", UnitKind.GRID, "海曲社区第一网格", "c1"),
            Unit("b1", UnitKind.BUILDING, "阳光小区1号楼", "g1", "海曲东路10号阳光小区1号楼", 35.38512, 119.51234),
        )
    }
)


def _ticket(category: str, description: str, **fields: object) -> Ticket:
    return replace(
        Ticket(
            id=1,
            number="261123-000001",
            workflow="general",
            category=category,
            description=description,
            channel=Channel.WEB,
            location_id="b1",
            state="new",
            tier=0,
            post_id="b1.building_leader",
            created_at=AT,
            updated_at=AT,
            contact_phone="13812345678",
            grid_id="g1",
            community_id="c1",
        ),
        **fields,
    )


def test_a_private_request_shows_only_its_grid_and_rounded_coordinates() -> None:
    category = Category("family_dispute", Label("Family dispute"))
    ticket = _ticket("family_dispute", "丈夫打人，电话13812345678，住3单元502")

    shown = disclose(ticket, None, category, ORG)

    assert not shown.published
    assert (shown.description, shown.address, shown.address_id) == (None, "海曲社区第一网格", "g1")
    assert (shown.lat, shown.lon) == (35.385, 119.512)


def test_a_public_request_shows_its_masked_text_and_the_address_given(workflows: dict[str, WorkflowSpec]) -> None:
    category = Category("public_facilities", Label("Public facilities"), public=True)
    ticket = _ticket(
        "public_facilities", "路灯坏了，联系13812345678", address="海曲东路10号3单元502门口", lat=35.38449, lon=119.5
    )

    shown = disclose(ticket, workflows["general"], category, ORG)

    assert shown.published
    assert shown.description == "路灯坏了，联系***********"
    assert (shown.address, shown.address_id) == ("海曲东路10号*单元***门口", "b1")
    assert (shown.lat, shown.lon) == (35.384, 119.5)


def test_without_a_typed_address_a_public_request_shows_the_place_picked(workflows: dict[str, WorkflowSpec]) -> None:
    category = Category("public_facilities", Label("Public facilities"), public=True)

    shown = disclose(_ticket("public_facilities", "路灯坏了"), workflows["general"], category, ORG)

    assert shown.address == "海曲东路10号阳光小区1号楼"


def test_the_public_place_is_the_grid_or_wider() -> None:
    assert [public_place(ORG, unit) for unit in ("b1", "g1", "c1", None, "nowhere")] == [
        ORG.units["g1"],
        ORG.units["g1"],
        ORG.units["c1"],
        None,
        None,
    ]
