"""What the forms may offer for a ticket: the same lists the rules then check a chosen value against.

Named apart from ``ticketing.domain.choices``, which computes the lists from
plain values; this module supplies them from the ticket's workflow and calendar.
"""

from __future__ import annotations

from ticketing.domain import choices
from ticketing.domain.org import Post, PostKind
from ticketing.domain.rules.clock import calendar_post
from ticketing.domain.rules.world import World
from ticketing.domain.ticket import Ticket
from ticketing.domain.workflow import Duration


def chain_kinds(world: World, ticket: Ticket) -> list[PostKind]:
    """The post kinds of the ticket's escalation chain, lowest tier first."""
    return [tier.post_kind for tier in world.spec(ticket).chain]


def transfer_targets(world: World, ticket: Ticket) -> list[Post]:
    """The posts a ticket may be passed to (``transfer`` refuses any other): the page lists exactly these."""
    return choices.transfer_targets(world.org, chain_kinds(world, ticket), ticket)


def extension_limit(world: World, ticket: Ticket) -> Duration:
    """The longest single extension of a deadline at the ticket's tier (the workflow's ``max_extension``)."""
    return world.spec(ticket).tier(ticket.tier).extension_limit


def extension_choices(world: World, ticket: Ticket) -> list[Duration]:
    """The extensions the ticket page offers for the running deadline (none when no deadline runs)."""
    if ticket.clock is None or ticket.due_at is None:
        return []
    calendar = world.calendar_for(calendar_post(ticket, ticket.clock))
    return choices.extension_choices(calendar.add, ticket.due_at, extension_limit(world, ticket))
