"""Record cards (服务记录卡): each piece of service, when, how long, what, and who confirmed it.

Service is recorded by the community's staff, on a confirmed (or completed) claim or, for work done outside
the service list (a joint activity, say), on an approved member, unit or team directly.  It may be recorded
for a day up to a year back, never ahead; each entry is whole or half hours, at most a day's 24, for each of the
people a unit or team sent (a member is one person).
A card's totals are summed over a period of at most ``MAX_PERIOD_DAYS``.
"""

from __future__ import annotations

from datetime import date, timedelta

from ticketing.domain.errors import InvalidInput, Named, NameKind, NotAllowed
from ticketing.domain.volunteering.fields import text
from ticketing.domain.volunteering.model import Claim, ClaimantKind, ClaimStatus, ServiceEntry
from ticketing.domain.volunteering.service_list import MAX_PEOPLE, check_hours

MAX_WHAT = 500
MAX_DAYS_BACK = 366
MAX_PERIOD_DAYS = 3 * 366
SERVED_CLAIMS = frozenset({ClaimStatus.CONFIRMED, ClaimStatus.COMPLETED})


def check_entry(entry: ServiceEntry, today: date, claim: Claim | None = None) -> ServiceEntry:
    """The entry tidied, or a refusal: a claim not confirmed, a day ahead or too far back, odd hours, no text."""
    if claim is not None and claim.status not in SERVED_CLAIMS:
        raise NotAllowed(
            "claim %(id)s is %(status)s: service is recorded on confirmed claims only; confirm it first",
            id=claim.id,
            status=Named.one(NameKind.CLAIM, claim.status.value),
        )
    if entry.served_on > today:
        raise InvalidInput(
            "date: %(day)s is still ahead; record service once it is done", day=entry.served_on.isoformat()
        )
    if entry.served_on < today - timedelta(days=MAX_DAYS_BACK):
        raise InvalidInput(
            "date: %(day)s is more than %(days)d days ago; record service within a year",
            day=entry.served_on.isoformat(),
            days=MAX_DAYS_BACK,
        )
    people = 1 if entry.claimant.kind is ClaimantKind.MEMBER else entry.people  # a member is one person, as a claim
    if not 1 <= people <= MAX_PEOPLE:
        raise InvalidInput(
            "people: give a whole number from 1 to %(max)d, got %(people)d", max=MAX_PEOPLE, people=people
        )
    what = text("what", entry.what, MAX_WHAT)
    return ServiceEntry(
        entry.claimant,
        entry.community_id,
        entry.served_on,
        check_hours(entry.hours),
        what,
        entry.confirmed_by,
        entry.claim_id,
        entry.item_id,
        entry.ticket_id,
        people,
    )


def check_period(starts_on: date, ends_on: date) -> None:
    """Refuse a period for totals that is backwards or longer than three years."""
    if ends_on < starts_on:
        raise InvalidInput(
            "period: the last day (%(end)s) is before the first (%(start)s)",
            end=ends_on.isoformat(),
            start=starts_on.isoformat(),
        )
    if (ends_on - starts_on).days > MAX_PERIOD_DAYS:
        raise InvalidInput("period: at most %(days)d days at a time", days=MAX_PERIOD_DAYS)
