"""双报到 and volunteer service as the staff API lists and changes them: registrations, teams, the service list,
claims, record cards and volunteer help with a ticket.

Bounds come from the domain's rules (``ticketing.domain.volunteering``): a value outside them does not fit the
description (422); one that fits but the rules refuse (a period backwards, odd half hours) is 400.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import Field, PlainValidator, WithJsonSchema

from ticketing.domain.field_rules import MAX_ID, MAX_PAGE, MAX_REASON, TextRule
from ticketing.domain.volunteering import model, records, service_list, teams, ticket_help
from ticketing.domain.volunteering.model import (
    ClaimantKind,
    ItemKind,
    ItemStatus,
    RegistrantKind,
    RegistrationStatus,
)
from ticketing.read.record_cards import Total
from ticketing.schemas.base import Answer, Request, Time, local_time
from ticketing.schemas.fields import (
    IDENTIFIER,
    Checked,
    Day,
    MaybeDay,
    Mismatch,
    choice,
    integer,
    mismatch,
    text,
)

Id = Annotated[int, integer(minimum=1, maximum=MAX_ID)]
MaybeId = Annotated[int | None, integer(minimum=1, maximum=MAX_ID)]
Page = Annotated[int, integer(minimum=1, maximum=MAX_PAGE, query=True)]
Community = Annotated[str, text(IDENTIFIER)]
MaybeCommunity = Annotated[str | None, text(IDENTIFIER)]
People = Annotated[int, integer(minimum=1, maximum=service_list.MAX_PEOPLE)]
HelpPeople = Annotated[int, integer(minimum=1, maximum=ticket_help.MAX_HELPERS)]


def _values(kind: Any) -> list[str]:
    return [member.value for member in kind]


def hours() -> Checked:
    """Hours of service: a JSON number from 0.5 to 24 (the rules take whole or half hours)."""
    top = service_list.MAX_HOURS_EACH

    def check(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            mismatch(Mismatch.TYPE, "a number", expected="number")
        if value < 0.5:
            mismatch(Mismatch.RANGE, "at least 0.5", minimum=0.5)
        if value > top:
            mismatch(Mismatch.RANGE, f"at most {top:g}", maximum=top)
        return float(value)

    return Checked(PlainValidator(check), WithJsonSchema({"type": "number", "minimum": 0.5, "maximum": top}))


Hours = Annotated[float, hours()]
MaybeHours = Annotated[float | None, hours()]


def _text(limit: int, required: bool = True) -> Checked:
    return text(TextRule(limit), required=required)


# --- requests


class RegistrationQuery(Request):
    community: MaybeCommunity = Field(None, description="One community you work for (default: all of yours).")
    status: Annotated[str | None, choice(_values(RegistrationStatus))] = Field(None, description="Only this status.")
    kind: Annotated[str | None, choice(_values(RegistrantKind))] = Field(None, description="Units or members only.")
    page: Page = Field(1, description="Page number.")


class Decision(Request):
    status: Annotated[str, choice(_values(RegistrationStatus))] = Field(
        description="approved or rejected (a pending registration); left (an approved one); approved again."
    )


class NoFields(Request):
    """No fields: send no body or `{}`."""


class NoParameters(Request):
    """No query parameters."""


class CommunityQuery(Request):
    community: MaybeCommunity = Field(None, description="One community you work for (default: all of yours).")


TeamMembers = Annotated[list[Id], Field(max_length=teams.MAX_MEMBERS)]


class TeamChange(Request):
    """A team as it is to be: its name, brand, members and leader replace the old ones."""

    name: Annotated[str, _text(teams.MAX_NAME)] = Field(description="The team's name.")
    brand: Annotated[str | None, _text(teams.MAX_BRAND, required=False)] = Field(
        None, description="Its service brand (none if left out)."
    )
    members: TeamMembers = Field(description="Approved members' registration ids: all of them (an empty list: none).")
    leader: MaybeId = Field(None, description="The leader, one of the members (may claim for the team).")


class NewTeam(TeamChange):
    community: Community = Field(description="The community (you manage its volunteers).")
    members: TeamMembers = Field(default_factory=list, description="Approved members' registration ids.")


class ItemQuery(Request):
    community: MaybeCommunity = Field(None, description="One community you work for (default: all of yours).")
    kind: Annotated[str | None, choice(_values(ItemKind))] = Field(None, description="Needs, resources or projects.")
    status: Annotated[str | None, choice(_values(ItemStatus))] = Field(None, description="Only this status.")
    page: Page = Field(1, description="Page number.")


class NewItem(Request):
    community: Community = Field(description="The community whose service list it goes on.")
    kind: Annotated[str, choice(_values(ItemKind))] = Field(description="need, resource or project.")
    title: Annotated[str, _text(service_list.MAX_TITLE)]
    description: Annotated[str, _text(service_list.MAX_DESCRIPTION)]
    starts_on: Day = Field(description="First day.")
    ends_on: Day = Field(description="Last day (at most 366 days after the first, not yet past).")
    people_wanted: People
    hours_each: MaybeHours = Field(None, description="Hours each person serves, as planned (half hours).")


class NewClaim(Request):
    claimant_kind: Annotated[str, choice(_values(ClaimantKind))] = Field(description="member, unit or team.")
    claimant_id: Id = Field(description="The member's or unit's registration id, or the team's id.")
    people: People = Field(1, description="How many it sends (a member: 1).")


class DeclineBody(Request):
    reason: Annotated[str | None, _text(MAX_REASON, required=False)] = Field(
        None, description="Why (the claimant sees it)."
    )


class ServiceBody(Request):
    served_on: Day = Field(description="The day served (within the last year, not ahead).")
    hours: Hours = Field(description="Each person's hours (half hours).")
    what: Annotated[str, _text(records.MAX_WHAT)] = Field(description="What was done.")
    people: People = Field(1, description="How many served (a unit or team).")


class CardQuery(Request):
    community: MaybeCommunity = Field(None, description="One community you work for (default: all of yours).")
    first: Day = Field(alias="from", description="First day.")
    last: Day = Field(alias="to", description="Last day, included (at most three years after the first).")


class HelpRequest(Request):
    title: Annotated[str, _text(service_list.MAX_TITLE)]
    description: Annotated[str, _text(service_list.MAX_DESCRIPTION)]
    people_wanted: HelpPeople
    hours_each: MaybeHours = Field(None, description="Hours each helper serves (default 2).")
    ends_on: MaybeDay = Field(None, description="Last day (default: a week from today).")


# --- answers


class Registration(Answer):
    id: int
    community_id: str
    kind: str
    name: str
    phone: str
    status: str
    registered_at: Time
    contact_name: str
    work_unit: str
    skills: str
    offer: str
    hours_per_month: int

    @classmethod
    def of(cls, found: model.Registrant, tz: ZoneInfo) -> Registration:
        return cls(
            id=found.id,
            community_id=found.community_id,
            kind=found.kind.value,
            name=found.name,
            phone=found.phone,
            status=found.status.value,
            registered_at=local_time(found.registered_at, tz),
            contact_name=found.contact_name,
            work_unit=found.work_unit,
            skills=found.skills,
            offer=found.offer,
            hours_per_month=found.hours_per_month,
        )


class RegistrationPage(Answer):
    items: list[Registration]
    page: int
    per_page: int
    total: int
    pages: int


class Link(Answer):
    link: str = Field(description="The secret of the registrant's own link: shown once, give it to them.")


class Team(Answer):
    id: int
    community_id: str
    name: str
    brand: str
    members: list[int]
    leader: int | None
    disbanded: bool

    @classmethod
    def of(cls, found: model.Team) -> Team:
        return cls(
            id=found.id,
            community_id=found.community_id,
            name=found.name,
            brand=found.brand,
            members=sorted(found.member_ids),
            leader=found.leader_id,
            disbanded=found.disbanded,
        )


class TeamList(Answer):
    items: list[Team]


class Created(Answer):
    id: int


class Item(Answer):
    id: int
    community_id: str
    kind: str
    title: str
    description: str
    starts_on: date
    ends_on: date
    people_wanted: int
    places_left: int
    hours_each: float
    status: str
    ticket_id: int | None

    @staticmethod
    def fields_of(found: model.Item, taken: int) -> dict[str, Any]:
        """The fields of an item whose live claims hold ``taken`` places."""
        return {
            "id": found.id,
            "community_id": found.community_id,
            "kind": found.kind.value,
            "title": found.title,
            "description": found.description,
            "starts_on": found.starts_on,
            "ends_on": found.ends_on,
            "people_wanted": found.people_wanted,
            "places_left": max(found.people_wanted - taken, 0),
            "hours_each": found.hours_each,
            "status": found.status.value,
            "ticket_id": found.ticket_id,
        }


class ItemPage(Answer):
    items: list[Item]
    page: int
    per_page: int
    total: int
    pages: int


class Claim(Answer):
    id: int
    item_id: int
    claimant_kind: str
    claimant_id: int
    claimant_name: str
    people: int
    status: str
    claimed_at: Time

    @classmethod
    def of(cls, found: model.Claim, name: str, tz: ZoneInfo) -> Claim:
        return cls(
            id=found.id,
            item_id=found.item_id,
            claimant_kind=found.claimant.kind.value,
            claimant_id=found.claimant.id,
            claimant_name=name,
            people=found.people,
            status=found.status.value,
            claimed_at=local_time(found.claimed_at, tz),
        )


class ItemDetail(Item):
    claims: list[Claim]

    @classmethod
    def of(cls, found: model.Item, taken: int, claims: list[tuple[model.Claim, str]], tz: ZoneInfo) -> ItemDetail:
        return cls(**Item.fields_of(found, taken), claims=[Claim.of(claim, name, tz) for claim, name in claims])


class CardTotal(Answer):
    community_id: str
    claimant_kind: str
    claimant_id: int
    name: str
    entries: int
    person_hours: float

    claims_completed: int

    @classmethod
    def of(cls, total: Total) -> CardTotal:
        """A member's, unit's or team's sums, as the community's record cards page shows them."""
        return cls(
            community_id=total.community_id,
            claimant_kind=total.kind.value,
            claimant_id=total.id,
            name=total.name,
            entries=total.entries,
            person_hours=total.hours,
            claims_completed=total.claims_completed,
        )


class Cards(Answer):
    starts_on: date
    ends_on: date
    items: list[CardTotal]
