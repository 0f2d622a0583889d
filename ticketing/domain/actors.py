"""Who may act on a ticket: the rules enforce these answers and the ticket page offers actions by them.

- the holders of the ticket's post (every holder, A, B and any further ones): acknowledge, pause, resume,
  resolve, refer, propose 诉求终结;
- the first responder alone (before there is one, the holders of the post): return to the resident;
- the holders of a post invited to join the ticket (协同): note, pause, resume, resolve, record a mediation;
- those involved (the holders, the first responder, supervisors): note and transfer;
- the inviters (the holders, the first responder, supervisors): invite a post to join, and release it;
- the callers (the holders of the callback post — by default the first responder's own post — and,
  by default, the first responder): the callback (回访); an on-site visit only the first responder records;
- supervisors: extend a running deadline (延期), approve or reject 诉求终结.
"""

from __future__ import annotations

from ticketing.domain.org import Organisation, PostKind, Role
from ticketing.domain.ticket import Ticket


def holds_post(org: Organisation, ticket: Ticket, actor_id: str) -> bool:
    """Whether ``actor_id`` holds the ticket's current post (as A, B or a further holder)."""
    post = org.posts.get(ticket.post_id)
    return post is not None and actor_id in post.holders


def joined_posts_held(org: Organisation, ticket: Ticket, actor_id: str) -> list[str]:
    """The posts invited to join the ticket (协同) that ``actor_id`` holds."""
    return [
        joined.post_id
        for joined in ticket.joined
        if (post := org.posts.get(joined.post_id)) is not None and actor_id in post.holders
    ]


def is_supervisor(org: Organisation, actor_id: str) -> bool:
    member = org.staff.get(actor_id)
    return member is not None and member.role in (Role.SUPERVISOR, Role.ADMIN)


def is_involved(org: Organisation, ticket: Ticket, actor_id: str) -> bool:
    """Holders of the current post, the first responder (首问负责人) and supervisors."""
    return holds_post(org, ticket, actor_id) or actor_id == ticket.first_responder_id or is_supervisor(org, actor_id)


def callback_post(org: Organisation, by: PostKind | None, ticket: Ticket) -> str | None:
    """The post whose holders call back: the community's post of kind ``by``, else the first responder's."""
    area = ticket.location_id or ticket.community_id
    post = org.post_for(by, area) if by is not None and area else None
    return post.id if post is not None else ticket.first_responder_post_id


def callers(org: Organisation, ticket: Ticket) -> frozenset[str]:
    """Who may record the callback: the holders of the callback post, and the first responder when it is theirs."""
    post_id = ticket.callback_post_id or ticket.first_responder_post_id
    post = org.posts.get(post_id) if post_id else None
    holders = post.holders if post is not None else ()
    own = post_id is None or post_id == ticket.first_responder_post_id
    first = (ticket.first_responder_id,) if own and ticket.first_responder_id else ()
    return frozenset((*first, *holders))


def may_return(org: Organisation, ticket: Ticket, actor_id: str) -> bool:
    """Only the first responder sends a resident away; before there is one, the holders of the post may."""
    if ticket.first_responder_id is not None:
        return actor_id == ticket.first_responder_id
    return holds_post(org, ticket, actor_id)
