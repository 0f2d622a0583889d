"""Registrants, teams, items and claims of the district's communities (c1, c2), built in code for the rule tests.

Today is Monday 2026-03-02 (``district.MONDAY``); the builders give what a test does not care about.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from district import MONDAY

from ticketing.domain.volunteering.model import (
    Claim,
    Claimant,
    ClaimantKind,
    ClaimStatus,
    Item,
    ItemKind,
    ItemStatus,
    Registrant,
    RegistrantKind,
    RegistrationStatus,
    Team,
)
from ticketing.domain.volunteering.service_list import Draft

TODAY = MONDAY.date()
DAY = timedelta(days=1)
REGISTERED_AT: datetime = MONDAY


def member(
    id: int = 1,
    status: RegistrationStatus = RegistrationStatus.APPROVED,
    community: str = "c1",
    phone: str = "13906331234",
    name: str = "王建国",
) -> Registrant:
    return Registrant(
        id,
        community,
        RegistrantKind.MEMBER,
        name,
        phone,
        status,
        REGISTERED_AT,
        work_unit="区财政局",
        hours_per_month=8,
    )


def unit(
    id: int = 2,
    status: RegistrationStatus = RegistrationStatus.APPROVED,
    community: str = "c1",
    phone: str = "0633-8881234",
) -> Registrant:
    return Registrant(
        id,
        community,
        RegistrantKind.UNIT,
        "区供电公司",
        phone,
        status,
        REGISTERED_AT,
        contact_name="李主任",
        offer="电工两名，周末可上门",
    )


def team(
    id: int = 7, members: frozenset[int] = frozenset({1, 3, 4}), community: str = "c1", disbanded: bool = False
) -> Team:
    return Team(
        id, community, "海曲红帆志愿服务队", "红帆", members, leader_id=min(members, default=None), disbanded=disbanded
    )


def draft(
    kind: ItemKind = ItemKind.NEED,
    starts_on: date = TODAY,
    ends_on: date = TODAY + 30 * DAY,
    people: int = 5,
    hours: float = 2.0,
    title: str = "为独居老人代买药品",
    description: str = "每周两次，去社区卫生服务站代买药品",
) -> Draft:
    return Draft(kind, title, description, starts_on, ends_on, people, hours)


def item(
    id: int = 10,
    people: int = 5,
    status: ItemStatus = ItemStatus.OPEN,
    community: str = "c1",
    ends_on: date = TODAY + 30 * DAY,
    hours: float = 2.0,
    ticket_id: int | None = None,
) -> Item:
    return Item(
        id,
        community,
        ItemKind.NEED,
        "为独居老人代买药品",
        "每周两次，去社区卫生服务站代买药品",
        TODAY,
        ends_on,
        people,
        status,
        hours,
        ticket_id,
    )


def as_member(id: int = 1) -> Claimant:
    return Claimant(ClaimantKind.MEMBER, id)


def as_unit(id: int = 2) -> Claimant:
    return Claimant(ClaimantKind.UNIT, id)


def as_team(id: int = 7) -> Claimant:
    return Claimant(ClaimantKind.TEAM, id)


def claim(
    id: int = 100,
    claimant: Claimant | None = None,
    people: int = 1,
    status: ClaimStatus = ClaimStatus.PENDING,
    item_id: int = 10,
) -> Claim:
    return Claim(id, item_id, claimant or as_member(), people, status, REGISTERED_AT)
