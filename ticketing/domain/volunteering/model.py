"""The records of 双报到 and volunteer service, as the rules see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class RegistrantKind(StrEnum):
    """Who registers with a community (双报到)."""

    UNIT = "unit"  # 驻区单位: a unit stationed in the community, through its contact person
    MEMBER = "member"  # 在职党员: an in-service party member


class RegistrationStatus(StrEnum):
    PENDING = "pending"  # registered, waiting for the community to approve
    APPROVED = "approved"
    REJECTED = "rejected"
    LEFT = "left"  # approved once, no longer serving with the community


class ItemKind(StrEnum):
    """The three lists of a community's service list (服务清单)."""

    NEED = "need"  # 需求清单: what residents need
    RESOURCE = "resource"  # 资源清单: what is on offer, to be put to use
    PROJECT = "project"  # 项目清单: a service project over a period


class ItemStatus(StrEnum):
    OPEN = "open"  # published: may be claimed while people are still wanted
    CLOSED = "closed"  # done: its confirmed claims are completed
    CANCELLED = "cancelled"  # withdrawn by the community: its open claims end with it


class ClaimantKind(StrEnum):
    """Who claims an item: a registered member, a registered unit, or a volunteer team."""

    MEMBER = "member"
    UNIT = "unit"
    TEAM = "team"


class ClaimStatus(StrEnum):
    PENDING = "pending"  # claimed, waiting for the community to confirm
    CONFIRMED = "confirmed"  # the community accepted the claim: the claimant serves
    DECLINED = "declined"  # the community turned it down
    WITHDRAWN = "withdrawn"  # the claimant gave it up
    COMPLETED = "completed"  # served, and the item is done
    LAPSED = "lapsed"  # the item closed or was cancelled before the claim was confirmed


LIVE_CLAIMS = frozenset({ClaimStatus.PENDING, ClaimStatus.CONFIRMED})
"""Claims that hold places of an item's people wanted."""


@dataclass(frozen=True, slots=True)
class Registrant:
    """A unit or an in-service party member registered with a community.

    A unit gives its contact person and what it can offer (``offer``); a member their work unit, skills and the
    hours a month they can give.  ``phone`` is private: only the community's staff see it.
    """

    id: int
    community_id: str
    kind: RegistrantKind
    name: str
    phone: str
    status: RegistrationStatus
    registered_at: datetime
    contact_name: str = ""
    work_unit: str = ""
    skills: str = ""
    offer: str = ""
    hours_per_month: int = 0


@dataclass(frozen=True, slots=True)
class Team:
    """A volunteer team (志愿服务队) of a community under its service brand, with registered members."""

    id: int
    community_id: str
    name: str
    brand: str
    member_ids: frozenset[int]
    leader_id: int | None = None
    disbanded: bool = False


@dataclass(frozen=True, slots=True)
class Item:
    """An item of a community's service list: from ``starts_on`` to ``ends_on``, ``people_wanted`` places."""

    id: int
    community_id: str
    kind: ItemKind
    title: str
    description: str
    starts_on: date
    ends_on: date
    people_wanted: int
    status: ItemStatus
    hours_each: float = 0.0  # the service one person gives, as planned: what ticket help records
    ticket_id: int | None = None  # a need made from a ticket (volunteer help)


@dataclass(frozen=True, slots=True)
class Claimant:
    """Who claims: a member or a unit (``registrant_id``), or a team (``team_id``)."""

    kind: ClaimantKind
    id: int

    @property
    def registrant_id(self) -> int | None:
        return None if self.kind is ClaimantKind.TEAM else self.id

    @property
    def team_id(self) -> int | None:
        return self.id if self.kind is ClaimantKind.TEAM else None


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim (认领) of an item for ``people`` places."""

    id: int
    item_id: int
    claimant: Claimant
    people: int
    status: ClaimStatus
    claimed_at: datetime


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    """One piece of service on a record card (服务记录卡): when, how long, what, and who confirmed it.

    ``hours`` is each person's; a unit or team that sent ``people`` served ``hours × people`` person-hours.
    """

    claimant: Claimant
    community_id: str
    served_on: date
    hours: float
    what: str
    confirmed_by: str | None
    claim_id: int | None = None
    item_id: int | None = None
    ticket_id: int | None = None
    people: int = 1
