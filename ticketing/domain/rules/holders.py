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
    change = {"cause": "holders_changed", "post": post.id, "before": _order(before), "after": _order(post)}
    previous = ticket.holder_id
    ticket.holder_id = holder
    ticket.updated_at = now
    if holder is not None:
        details = change | {"from": previous, "to": holder}
        outcome.record(ticket, now, None, HistoryAction.HANDOVER, ticket.state, details=details)
        outcome.notify(holder, Event.REASSIGNED)
        return outcome
    return nobody_on_duty(world, ticket, now, outcome, change)


def _order(post: Post) -> str:
    """The post's holders in order (A, B, then any further ones), comma-separated."""
    return ",".join(post.holders)
