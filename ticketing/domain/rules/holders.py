"""When a post's holders change, its open tickets follow (``rehome``)."""

from __future__ import annotations

from datetime import datetime

from ticketing.domain.coverage import successor
from ticketing.domain.org import Post
from ticketing.domain.rules.escalation import nobody_on_duty
from ticketing.domain.rules.world import World
from ticketing.domain.ticket import Event, HistoryAction, Outcome, Ticket


def rehome(world: World, ticket: Ticket, before: Post, now: datetime) -> Outcome:
    """The holders of the ticket's post changed (``world`` has the new ones, ``before`` the old post).

    The ticket goes to whoever ``coverage.successor`` says should hold it now,
    with a hand-over entry naming the old and the new holder; with nobody of
    the post on duty it climbs the chain as when every holder leaves.  The
    first responder stays who they were (首问负责制), even one who left the
    post; the running deadline is the post's and keeps running.
    """
    outcome = Outcome()
    if ticket.post_id != before.id or world.spec(ticket).state(ticket.state).final:
        return outcome
    post = world.post(ticket.post_id)
    holder = successor(before, post, ticket.holder_id, now, world.absent)
    if holder == ticket.holder_id:
        return outcome
    change = f"holders of post {post.id} changed from {_order(before)} to {_order(post)}"
    previous = ticket.holder_id or "nobody"
    ticket.holder_id = holder
    ticket.updated_at = now
    if holder is not None:
        outcome.record(
            ticket, now, None, HistoryAction.HANDOVER, ticket.state, f"{change}; {previous} hands over to {holder}"
        )
        outcome.notify(holder, Event.REASSIGNED)
        return outcome
    return nobody_on_duty(world, ticket, now, outcome, f"{change}; every new holder is away")


def _order(post: Post) -> str:
    """``A S1, B S2`` and any further holders: ``A S1, B S2, then S3``."""
    return "".join((f"A {post.holder_a}, B {post.holder_b}", *(f", then {holder}" for holder in post.more_holders)))
