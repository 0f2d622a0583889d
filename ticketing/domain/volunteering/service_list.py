"""The service list (服务清单): items a community publishes, and the claims (认领) made on them.

An item runs over a period of days and wants a number of people.  While it is open and its period not over,
an approved member or unit of the community, or one of its volunteer teams, may claim it — once at a time, and
for no more places than are left: a member counts one person, a unit or a team as many as it sends (a team
no more than its members).  The community confirms or declines each claim; the claimant may withdraw it.
Closing an item completes its confirmed claims; closing or cancelling it lapses those never confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ticketing.domain.errors import Conflict, InvalidInput, Named, NameKind, NotAllowed
from ticketing.domain.volunteering.fields import field, text
from ticketing.domain.volunteering.model import (
    LIVE_CLAIMS,
    Claim,
    Claimant,
    ClaimantKind,
    ClaimStatus,
    Item,
    ItemKind,
    ItemStatus,
    Registrant,
    RegistrationStatus,
    Team,
)

MAX_TITLE = 100
MAX_DESCRIPTION = 1000
MAX_PEOPLE = 500
MAX_PERIOD_DAYS = 366
MAX_HOURS_EACH = 24.0


@dataclass(frozen=True, slots=True)
class Draft:
    """What a community publishes: checked by ``check_item``."""

    kind: ItemKind
    title: str
    description: str
    starts_on: date
    ends_on: date
    people_wanted: int
    hours_each: float = 0.0


def check_hours(hours: float, code: str = "hours") -> float:
    """Hours of service in half hours, from 0.5 to 24; refused otherwise."""
    if not 0.5 <= hours <= MAX_HOURS_EACH or (hours * 2) != int(hours * 2):
        raise InvalidInput(
            "%(field)s: give half hours from 0.5 to %(max)s (1, 1.5, 2…), got %(hours)s",
            field=field(code),
            max=int(MAX_HOURS_EACH),
            hours=hours,
        )
    return hours


def check_item(draft: Draft, today: date) -> Draft:
    """The draft tidied, or InvalidInput saying which field is wrong and what it may be."""
    if draft.ends_on < draft.starts_on:
        raise InvalidInput(
            "period: the last day (%(end)s) is before the first (%(start)s)",
            end=draft.ends_on.isoformat(),
            start=draft.starts_on.isoformat(),
        )
    if draft.ends_on < today:
        raise InvalidInput("period: the last day (%(end)s) has passed already", end=draft.ends_on.isoformat())
    if draft.ends_on - draft.starts_on > timedelta(days=MAX_PERIOD_DAYS):
        raise InvalidInput("period: at most %(days)d days; publish a longer one again next year", days=MAX_PERIOD_DAYS)
    if not 1 <= draft.people_wanted <= MAX_PEOPLE:
        raise InvalidInput(
            "people wanted: give a whole number from 1 to %(max)d, got %(people)d",
            max=MAX_PEOPLE,
            people=draft.people_wanted,
        )
    hours = check_hours(draft.hours_each, "hours_each") if draft.hours_each else 0.0
    return Draft(
        draft.kind,
        text("title", draft.title, MAX_TITLE),
        text("description", draft.description, MAX_DESCRIPTION),
        draft.starts_on,
        draft.ends_on,
        draft.people_wanted,
        hours,
    )


def places_left(item: Item, claims: Iterable[Claim]) -> int:
    """How many of the item's people wanted no live claim holds yet."""
    return item.people_wanted - sum(claim.people for claim in claims if claim.status in LIVE_CLAIMS)


def _refuse_closed(item: Item, today: date) -> None:
    if item.status is not ItemStatus.OPEN:
        raise NotAllowed(
            "item %(id)s is %(status)s: only an open item may be claimed",
            id=item.id,
            status=Named.one(NameKind.ITEM, item.status.value),
        )
    if today > item.ends_on:
        raise NotAllowed(
            "item %(id)s ended on %(end)s: it may no longer be claimed", id=item.id, end=item.ends_on.isoformat()
        )


def claimant_of(item: Item, claimant: Claimant, registrant: Registrant | None, team: Team | None) -> tuple[str, int]:
    """The claimant's community and the most people it may send, or NotAllowed saying why it may not claim."""
    if claimant.kind is ClaimantKind.TEAM:
        if team is None or team.disbanded:
            raise NotAllowed("team %(id)s is not an active volunteer team of the community", id=claimant.id)
        if not team.member_ids:
            raise NotAllowed("team %(name)s has no members yet: add its members before it claims", name=team.name)
        return team.community_id, len(team.member_ids)
    if registrant is None or registrant.status is not RegistrationStatus.APPROVED:
        raise NotAllowed(
            "only registrations the community has approved may claim; this one is %(status)s",
            status=Named.one(NameKind.REGISTRATION, registrant.status.value if registrant else "pending"),
        )
    if registrant.kind.value != claimant.kind.value:
        raise InvalidInput(
            "registration %(id)s is of another kind: a unit claims as a unit, a member as a member", id=registrant.id
        )
    return registrant.community_id, (1 if claimant.kind is ClaimantKind.MEMBER else MAX_PEOPLE)


def check_claim(
    item: Item,
    claimant: Claimant,
    people: int,
    claims: Iterable[Claim],
    today: date,
    registrant: Registrant | None = None,
    team: Team | None = None,
) -> int:
    """The places the claim takes, or a refusal: not open, over, elsewhere, claimed already, too many people."""
    _refuse_closed(item, today)
    community, most = claimant_of(item, claimant, registrant, team)
    if community != item.community_id:
        raise NotAllowed("only units, members and teams of the item's own community may claim it")
    existing = list(claims)
    if any(c.claimant == claimant and c.status in LIVE_CLAIMS for c in existing):
        raise Conflict("item %(id)s is claimed by this member, unit or team already: one live claim each", id=item.id)
    wanted = 1 if claimant.kind is ClaimantKind.MEMBER else people
    if not 1 <= wanted <= most:
        raise InvalidInput("people: give a whole number from 1 to %(max)d, got %(people)d", max=most, people=people)
    left = places_left(item, existing)
    if wanted > left:
        raise Conflict(
            "item %(id)s has %(left)d place(s) left, not %(people)d: claim fewer, or another item",
            id=item.id,
            left=max(left, 0),
            people=wanted,
        )
    return wanted


def _move(claim: Claim, allowed: frozenset[ClaimStatus], to: ClaimStatus) -> ClaimStatus:
    if claim.status not in allowed:
        raise NotAllowed(
            "claim %(id)s is %(status)s: only a claim that is %(allowed)s may become %(to)s",
            id=claim.id,
            status=Named.one(NameKind.CLAIM, claim.status.value),
            allowed=Named(NameKind.CLAIM, tuple(sorted(s.value for s in allowed))),
            to=Named.one(NameKind.CLAIM, to.value),
        )
    return to


def confirm(claim: Claim, item: Item) -> ClaimStatus:
    """The community accepts a pending claim of an open item."""
    if item.status is not ItemStatus.OPEN:
        raise NotAllowed(
            "item %(id)s is %(status)s: its claims can no longer be confirmed",
            id=item.id,
            status=Named.one(NameKind.ITEM, item.status.value),
        )
    return _move(claim, frozenset({ClaimStatus.PENDING}), ClaimStatus.CONFIRMED)


def decline(claim: Claim) -> ClaimStatus:
    """The community turns down a claim, pending or confirmed (the claimant cannot come after all)."""
    return _move(claim, LIVE_CLAIMS, ClaimStatus.DECLINED)


def withdraw(claim: Claim, served: bool) -> ClaimStatus:
    """The claimant gives up a live claim on which no service is recorded yet."""
    if served:
        raise NotAllowed(
            "claim %(id)s has service recorded on it: ask the community to close the item instead", id=claim.id
        )
    return _move(claim, LIVE_CLAIMS, ClaimStatus.WITHDRAWN)


def end_item(item: Item, to: ItemStatus) -> ItemStatus:
    """Close (done) or cancel an open item."""
    if to is ItemStatus.OPEN:
        raise InvalidInput("status: an item is closed or cancelled, not opened again")
    if item.status is not ItemStatus.OPEN:
        raise NotAllowed(
            "item %(id)s is %(status)s already: only an open item may be closed or cancelled",
            id=item.id,
            status=Named.one(NameKind.ITEM, item.status.value),
        )
    return to


def claims_after(to: ItemStatus, claims: Iterable[Claim]) -> dict[int, ClaimStatus]:
    """What an item's live claims become when it closes (confirmed: completed) or is cancelled (lapsed)."""
    changed = {}
    for claim in claims:
        if claim.status is ClaimStatus.CONFIRMED and to is ItemStatus.CLOSED:
            changed[claim.id] = ClaimStatus.COMPLETED
        elif claim.status in LIVE_CLAIMS:
            changed[claim.id] = ClaimStatus.LAPSED
    return changed
