"""What a community's staff read of its service list (服务清单): items, an item's claims, a ticket's needs.

Claimants' names and phones are personal data: the pages that show them are the community staff's own
(``domain.volunteering.access``); the ticket page shows phones only to staff of the ticket's community.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from ticketing.db import tickets as ticket_store
from ticketing.db.queries import service_list as queries
from ticketing.db.queries.service_list import Choice, ClaimRow, ItemRow
from ticketing.domain.ticket import Ticket
from ticketing.domain.volunteering.model import LIVE_CLAIMS, Item, ItemKind, ItemStatus
from ticketing.read.paging import Page
from ticketing.read.source import Source

PER_PAGE = 20

__all__ = ["Choice", "ClaimRow", "ItemRow", "ItemView", "Need", "claim_item", "item_view", "items", "ticket_needs"]


def items(
    source: Source,
    communities: Collection[str] | None,
    kind: ItemKind | None,
    status: ItemStatus | None,
    page: int,
    per_page: int = PER_PAGE,
) -> Page[ItemRow]:
    """One page of the items of these communities (None: all), open ones first, newest first."""
    with source.engine.connect() as conn:
        rows, total = queries.items_page(conn, communities, kind, status, (page - 1) * per_page, per_page)
    return Page(rows, page, per_page, total)


@dataclass(frozen=True, slots=True)
class ItemView:
    """An item with its claims, the places left, and whom staff may enter a claim for."""

    item: Item
    ticket: Ticket | None  # the ticket a need comes from (its page: for whoever may see it)
    claims: list[ClaimRow]
    choices: list[Choice]
    today: date

    @property
    def places_left(self) -> int:
        return max(self.item.people_wanted - sum(c.people for c in self.claims if c.status in LIVE_CLAIMS), 0)

    @property
    def is_open(self) -> bool:
        return self.item.status is ItemStatus.OPEN


def item_view(source: Source, item_id: int, today: date) -> ItemView | None:
    """The item with its claims and the claimants of its community; None if there is no such item."""
    with source.engine.connect() as conn:
        item = queries.item(conn, item_id)
        if item is None:
            return None
        ticket = ticket_store.get(conn, item.ticket_id) if item.ticket_id is not None else None
        claims = queries.claims(conn, item_id)
        choices = queries.choices(conn, item.community_id) if item.status is ItemStatus.OPEN else []
    return ItemView(item, ticket, claims, choices, today)


def claim_item(source: Source, claim_id: int) -> int | None:
    """The item a claim is on; None if there is no such claim."""
    with source.engine.connect() as conn:
        return queries.claim_item(conn, claim_id)


@dataclass(slots=True)
class Need:
    """A need made from a ticket, with its claims."""

    item: Item
    claims: list[ClaimRow] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.item.status is ItemStatus.OPEN


def ticket_needs(source: Source, ticket_id: int) -> list[Need]:
    """The needs made from a ticket, newest first, with their claims (one query)."""
    with source.engine.connect() as conn:
        rows = queries.ticket_help(conn, ticket_id)
    needs: dict[int, Need] = {}
    for row in rows:
        need = needs.setdefault(row.item.id, Need(row.item))
        if row.claim is not None:
            need.claims.append(row.claim)
    return list(needs.values())
