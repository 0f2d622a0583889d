"""Volunteer help with a ticket: a need on the community's service list, linked to the ticket.

A holder of the ticket's post, or its first responder, asks for help while the ticket is open; the ticket keeps
one open need at a time.  Asking, each claim, its confirmation and its end are lines of the ticket's history
(who helps, for its staff); none of them moves the ticket, its post, its first responder (首问负责人 stays
accountable) or its deadlines.  When the ticket is resolved the need closes and each confirmed claim goes on
its claimant's record card, for the hours each the need planned; when the ticket ends otherwise (sent away,
诉求终结) the need is cancelled and its claims lapse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from ticketing.domain.actors import holds_post
from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed
from ticketing.domain.org import Organisation
from ticketing.domain.ticket import Detail, Event, HistoryAction, Outcome, Ticket
from ticketing.domain.volunteering.model import Claim, ClaimStatus, Item, ItemKind, ServiceEntry
from ticketing.domain.volunteering.service_list import Draft, check_item

MAX_HELPERS = 20
"""A ticket's need wants at most this many people: more is a project of its own."""
DEFAULT_HOURS = 2.0


def may_ask(org: Organisation, ticket: Ticket, actor_id: str | None) -> bool:
    """Whether ``actor_id`` may ask for help: a holder of the ticket's post or its first responder."""
    return actor_id is not None and (holds_post(org, ticket, actor_id) or actor_id == ticket.first_responder_id)


def check_ask(
    org: Organisation,
    ticket: Ticket,
    actor_id: str | None,
    is_open: bool,
    draft: Draft,
    open_needs: Iterable[Item],
    today: date,
) -> Draft:
    """The need to publish for the ticket, or a refusal: not the holder, the ticket over, a need already open."""
    if actor_id is not None and not may_ask(org, ticket, actor_id):
        raise NotAllowed(
            "only the holders of the post that has ticket %(number)s, or its first responder, may ask for help",
            number=ticket.number,
        )
    if not is_open:
        raise NotAllowed(
            "ticket %(number)s is finished: volunteer help is asked for open tickets", number=ticket.number
        )
    if ticket.community_id is None:
        raise NotAllowed(
            "ticket %(number)s has no community yet: locate it first, then ask that community for help",
            number=ticket.number,
        )
    already = next(iter(open_needs), None)
    if already is not None:
        raise Conflict(
            "ticket %(number)s has need %(id)s open already: change that one or close it first",
            number=ticket.number,
            id=already.id,
        )
    if draft.kind is not ItemKind.NEED:
        raise InvalidInput("help with a ticket is asked for as a need")
    if draft.people_wanted > MAX_HELPERS:
        raise InvalidInput(
            "people wanted: at most %(max)d for one ticket, got %(people)d", max=MAX_HELPERS, people=draft.people_wanted
        )
    checked = check_item(draft, today)
    if not checked.hours_each:
        raise InvalidInput("hours each: say how long one helper is expected to serve (2 for two hours)")
    return checked


def _line(
    ticket: Ticket, now: datetime, actor_id: str | None, action: HistoryAction, details: Mapping[str, Detail]
) -> Outcome:
    outcome = Outcome()
    outcome.record(ticket, now, actor_id, action, ticket.state, details=details)
    return outcome


def asked(ticket: Ticket, actor_id: str | None, item_id: int, now: datetime) -> Outcome:
    return _line(ticket, now, actor_id, HistoryAction.HELP_ASKED, {"item": item_id})


def _claim_details(claim: Claim, helper: str) -> dict[str, Detail]:
    return {
        "item": claim.item_id,
        "claim": claim.id,
        "helper": helper,
        "helper_kind": claim.claimant.kind.value,
        "people": claim.people,
    }


def claimed(ticket: Ticket, claim: Claim, helper: str, actor_id: str | None, now: datetime) -> Outcome:
    """Who helps, on the ticket's history; its first responder and holder hear of it."""
    outcome = _line(ticket, now, actor_id, HistoryAction.HELP_CLAIMED, _claim_details(claim, helper))
    outcome.notify(ticket.first_responder_id, Event.HELP_CLAIMED)
    outcome.notify(ticket.holder_id, Event.HELP_CLAIMED)
    return outcome


def claim_moved(
    ticket: Ticket, claim: Claim, to: ClaimStatus, helper: str, actor_id: str | None, now: datetime
) -> Outcome:
    """A claim on the ticket's need confirmed, or ended (declined, withdrawn, lapsed)."""
    if to is ClaimStatus.CONFIRMED:
        return _line(ticket, now, actor_id, HistoryAction.HELP_CONFIRMED, _claim_details(claim, helper))
    details = _claim_details(claim, helper) | {"status": to.value}
    return _line(ticket, now, actor_id, HistoryAction.HELP_ENDED, details)


def need_cancelled(ticket: Ticket, item: Item, actor_id: str | None, now: datetime) -> Outcome:
    return _line(ticket, now, actor_id, HistoryAction.HELP_ENDED, {"item": item.id, "status": "cancelled"})


def entries_at_resolution(
    ticket: Ticket, item: Item, claims: Iterable[Claim], resolver_id: str | None, today: date
) -> list[ServiceEntry]:
    """The record card entries of a need's confirmed claims, on the day the ticket is resolved."""
    return [
        ServiceEntry(
            claim.claimant,
            item.community_id,
            today,
            item.hours_each or DEFAULT_HOURS,
            item.title,
            resolver_id,
            claim.id,
            item.id,
            ticket.id,
            claim.people,
        )
        for claim in claims
        if claim.status is ClaimStatus.CONFIRMED
    ]


def recorded(ticket: Ticket, item: Item, entries: list[ServiceEntry], actor_id: str | None, now: datetime) -> Outcome:
    hours = sum(entry.hours * entry.people for entry in entries)
    details: dict[str, Detail] = {"item": item.id, "entries": len(entries), "hours": f"{hours:g}"}
    return _line(ticket, now, actor_id, HistoryAction.HELP_RECORDED, details)
