"""The choices the forms offer, computed once here so that forms and rules cannot drift apart.

A select list on a page is a convenience, never the rule: the rules check a
value against the same list, so a value the page would not offer is refused
with a message naming what is allowed, whether it came from the page, the
staff API or the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from ticketing.domain.coverage import placements
from ticketing.domain.errors import InvalidInput, Named, NameKind
from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import Organisation, Post, PostKind, UnitKind
from ticketing.domain.ticket import RESIDENT_LANGUAGES, CallbackMeans, ResidentChannel, Ticket
from ticketing.domain.workflow import Duration

EXTENSIONS = tuple(Duration.parse(text) for text in ("1h", "4h", "1d", "2d", "3d", "5d"))
"""The usual extensions (延期) the ticket page offers, up to the tier's limit."""

AddWorkingTime = Callable[[datetime, Duration], datetime]
"""A calendar's ``add``: the moment a working duration after a start ends."""


def transfer_targets(org: Organisation, chain: Iterable[PostKind], ticket: Ticket) -> list[Post]:
    """Where a ticket may be passed: its chain's posts for its place, then every other post of its community."""
    area = ticket.location_id or ticket.community_id
    found = [placement.post for placement in placements(org, chain, area)] if area else []
    community = sorted(
        (post for post in org.posts.values() if ticket.community_id and community_of(org, post) == ticket.community_id),
        key=lambda post: (post.kind.value, post.id),
    )
    unique = {post.id: post for post in [*found, *community] if post.id != ticket.post_id}
    return list(unique.values())


def invite_targets(org: Organisation, ticket: Ticket) -> list[Post]:
    """The posts that may be invited to join a ticket (协同): its community's posts, the police post first,
    then the community's own posts and those of its grids; not the post holding it, nor one already joined."""
    joined = {entry.post_id for entry in ticket.joined}
    return sorted(
        (
            post
            for post in org.posts.values()
            if ticket.community_id
            and community_of(org, post) == ticket.community_id
            and post.id != ticket.post_id
            and post.id not in joined
        ),
        key=lambda post: (post.kind is not PostKind.COMMUNITY_POLICE, post.unit_id != ticket.community_id, post.id),
    )


def community_of(org: Organisation, post: Post) -> str | None:
    community = org.ancestor(post.unit_id, UnitKind.COMMUNITY)
    return community.id if community else None


def extension_fits(add: AddWorkingTime, due_at: datetime, by: Duration, limit: Duration) -> bool:
    """Whether ``by`` is at most ``limit``, compared where they apply: from ``due_at`` on the deadline's calendar.

    Hours and working days do not convert into each other without a calendar,
    so the two extended deadlines are compared instead.
    """
    return add(due_at, by) <= add(due_at, limit)


def extension_choices(add: AddWorkingTime, due_at: datetime, limit: Duration) -> list[Duration]:
    """The usual extensions within ``limit``, and ``limit`` itself, shortest first (one per resulting deadline)."""
    ends: dict[datetime, Duration] = {}
    for duration in (*EXTENSIONS, limit):
        end = add(due_at, duration)
        if extension_fits(add, due_at, duration, limit):
            ends.setdefault(end, duration)
    return [ends[end] for end in sorted(ends)]


def satisfaction_of(value: object) -> Satisfaction | None:
    """A callback's or the resident's verdict from its name; empty is no verdict."""
    if value in (None, ""):
        return None
    try:
        return Satisfaction(str(value))
    except ValueError:
        allowed = Named(NameKind.SATISFACTION, tuple(Satisfaction))
        raise InvalidInput("satisfaction %(value)r is not one of: %(allowed)s", value=value, allowed=allowed) from None


def solved_of(value: object) -> bool | None:
    """The answer to "is the problem solved?" (问题是否解决): yes/true or no/false; empty is no answer."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    answer = str(value).strip().lower()
    if answer in ("yes", "true", "1"):
        return True
    if answer in ("no", "false", "0"):
        return False
    raise InvalidInput("solved %(value)r is not yes or no", value=value)


def callback_means_of(value: object) -> CallbackMeans:
    """How the callback was made, from its name; none given is a phone callback."""
    if value in (None, ""):
        return CallbackMeans.PHONE
    try:
        return CallbackMeans(str(value))
    except ValueError:
        allowed = Named(NameKind.MEANS, tuple(CallbackMeans))
        raise InvalidInput("means %(value)r is not one of: %(allowed)s", value=value, allowed=allowed) from None


def resident_channel_of(value: object) -> ResidentChannel:
    """How the resident is told of the resolution and the closing, from its name."""
    try:
        return ResidentChannel(str(value))
    except ValueError:
        raise InvalidInput(
            "notify_by: %(value)r is not a way to tell the resident; choose one of: %(allowed)s",
            value=value,
            allowed=Named(NameKind.RESIDENT_CHANNEL, tuple(ResidentChannel)),
        ) from None


def resident_language_of(value: object) -> str:
    """The language a resident filed in and is written to in, from its code."""
    if value in RESIDENT_LANGUAGES:
        return str(value)
    raise InvalidInput(
        "resident_language: %(value)r is not a language notices are written in; choose %(allowed)s",
        value=value,
        allowed=" or ".join(RESIDENT_LANGUAGES),
    )
