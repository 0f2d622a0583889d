"""A/B posts (AB岗) and routing: which post and which holder has a ticket.

"The post is never empty" (缺岗不缺位): a ticket goes to a post and resolves to
its first present holder in the declared order (A, B, then any further
holders, as the police post's officer and two auxiliaries); with every holder
away the ticket moves up the chain at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from ticketing.domain.org import Organisation, Post, PostKind

Absent = Callable[[str, datetime], bool]
"""Whether a staff member is away (leave, business trip) at a moment."""


def on_duty_holder(post: Post, at: datetime, absent: Absent, prefer: str | None = None) -> str | None:
    """The holder who takes work now: ``prefer`` if given and present, else the first present one in order."""
    order = (prefer, *post.holders) if prefer else post.holders
    for holder in order:  # a loop, not a generator: it runs several times per escalation
        if holder and not absent(holder, at):
            return holder
    return None


def why_this_holder(post: Post, holder_id: str | None) -> dict[str, str]:
    """Why the ticket went to a holder after A, for its history: those before them in order are away."""
    if holder_id is None or holder_id == post.holder_a or holder_id not in post.holders:
        return {}
    before = post.holders[: post.holders.index(holder_id)]
    return {"away": ",".join(before), "covering": holder_id}


def next_in_turn(post: Post, holder_id: str | None, moved: int, at: datetime, absent: Absent) -> tuple[str, int] | None:
    """Who a missed acknowledgement passes to: the next present holder after ``holder_id`` in order, wrapping
    round from the last to A, with how many places along that is; None once every holder has had their turn.

    ``moved`` is how many places the ticket has already passed along since it came to the post, so each holder
    is asked once (with two holders: A to B, then up the chain, as AB岗 has it).
    """
    holders = post.holders
    start = holders.index(holder_id) if holder_id in holders else -1
    for step in range(1, len(holders) - moved + (start < 0)):
        candidate = holders[(start + step) % len(holders)]
        if candidate != holder_id and not absent(candidate, at):
            return candidate, step
    return None


def cover_for(post: Post, leaving_id: str, at: datetime, absent: Absent) -> str | None:
    """Who covers a holder who goes away: the first present holder in order other than them."""
    return next((holder for holder in post.holders if holder != leaving_id and not absent(holder, at)), None)


@dataclass(frozen=True, slots=True)
class Placement:
    tier: int
    post: Post


def placements(org: Organisation, chain: Iterable[PostKind], location_id: str) -> list[Placement]:
    """The chain's tiers that have a post for this location, in order (others are skipped)."""
    found = []
    for tier, kind in enumerate(chain):
        post = org.post_for(kind, location_id)
        if post is not None:
            found.append(Placement(tier, post))
    return found


def next_placement(org: Organisation, chain: Iterable[PostKind], location_id: str, after_tier: int) -> Placement | None:
    """The first tier above ``after_tier`` with a post for the location, or None at the top."""
    return next((p for p in placements(org, chain, location_id) if p.tier > after_tier), None)


def successor(before: Post, after: Post, holder_id: str | None, at: datetime, absent: Absent) -> str | None:
    """Who should hold a ticket of a post whose holders changed from ``before`` to ``after``; None: nobody on duty.

    A ticket follows its holder's place in the order: the old A's tickets go to
    the new A, the old B's to the new B, a third holder's to the new third, with
    the usual cover when that person is away.  A holder whose place did not
    change keeps the ticket (they may be halfway through it), except one
    covering for an absent holder earlier in the order whom a present new
    holder replaced: the new one takes it, as the old one would on return.  A
    ticket nobody holds (every holder was away) goes to whoever is on duty.
    """
    old, new = before.holders, after.holders
    place = old.index(holder_id) if holder_id is not None and holder_id in old else None
    if place is None:
        return on_duty_holder(after, at, absent)
    if place < len(new) and new[place] == holder_id:
        replaced = any(
            old[earlier] != new[earlier] and absent(old[earlier], at) and not absent(new[earlier], at)
            for earlier in range(min(place, len(new)))
        )
        return on_duty_holder(after, at, absent) if replaced else holder_id
    slot = new[place] if place < len(new) else after.holder_a
    return on_duty_holder(after, at, absent, prefer=slot)


def holders_changed(before: Mapping[str, Post], after: Mapping[str, Post]) -> dict[str, Post]:
    """The posts (as they were ``before``) whose holders or their order are different ``after``."""
    return {
        post_id: post for post_id, post in before.items() if post_id in after and post.holders != after[post_id].holders
    }
