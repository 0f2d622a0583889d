"""A/B posts (AB岗) and routing: which post and which holder has a ticket.

"The post is never empty" (缺岗不缺位): a ticket goes to a post and resolves to
its A holder, else its B holder when A is away; with both away the ticket
moves up the chain at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from ticketing.domain.org import Organisation, Post, PostKind

Absent = Callable[[str, datetime], bool]
"""Whether a staff member is away (leave, business trip) at a moment."""


def on_duty_holder(post: Post, at: datetime, absent: Absent, prefer: str | None = None) -> str | None:
    """The holder who takes work now: ``prefer`` if given and present, else A, else B."""
    order = (prefer, post.holder_a, post.holder_b) if prefer else (post.holder_a, post.holder_b)
    return next((holder for holder in order if holder and not absent(holder, at)), None)


def why_this_holder(post: Post, holder_id: str | None) -> str:
    """Why the ticket went to the B holder, for its history: the A holder is away (else nothing to say)."""
    if holder_id is not None and holder_id == post.holder_b != post.holder_a:
        return f"A holder {post.holder_a} is away, so B holder {holder_id} takes it (AB岗)"
    return ""


def other_holder(post: Post, holder_id: str | None) -> str:
    return post.holder_b if holder_id == post.holder_a else post.holder_a


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

    A ticket follows its holder's slot: the old A's tickets go to the new A,
    the old B's to the new B, with the usual cover when that person is away.
    A holder whose slot did not change keeps the ticket (they may be halfway
    through it), except a B holder covering for an absent A whom a present
    new A replaced: the new A takes it, as the old A would on return.  A
    ticket nobody holds (both holders were away) goes to whoever is on duty.
    """
    if holder_id is not None and holder_id == before.holder_a == after.holder_a:
        return holder_id
    if holder_id is not None and holder_id == before.holder_b == after.holder_b:
        covering = before.holder_a != after.holder_a and absent(before.holder_a, at)
        return after.holder_a if covering and not absent(after.holder_a, at) else holder_id
    slot = after.holder_b if holder_id is not None and holder_id == before.holder_b else after.holder_a
    return on_duty_holder(after, at, absent, prefer=slot)


def holders_changed(before: Mapping[str, Post], after: Mapping[str, Post]) -> dict[str, Post]:
    """The posts (as they were ``before``) whose A or B holder is different ``after``."""
    return {
        post_id: post
        for post_id, post in before.items()
        if post_id in after and (post.holder_a, post.holder_b) != (after[post_id].holder_a, after[post_id].holder_b)
    }
