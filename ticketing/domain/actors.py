"""Who may act on a ticket: the rules enforce these answers and the ticket page offers actions by them.

- the holders of the ticket's post (every holder, A, B and any further ones): acknowledge, pause, resume,
  resolve, refer, return to the resident;
- the holders of a post invited to join the ticket (协同): note, pause, resume, resolve, record a mediation;
- those involved (the holders, the first responder, supervisors): note and transfer;
- the inviters (the holders, the first responder, supervisors): invite a post to join, and release it;
- the callers (the first responder and the holders of the first responder's post): the callback (电话回访);
- supervisors: extend a running deadline (延期).
"""

from __future__ import annotations

from ticketing.domain.org import Organisation, Role
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


def callers(org: Organisation, ticket: Ticket) -> frozenset[str]:
    """Who may record the callback: the first responder and the holders of their post (their AB岗 backup)."""
    if ticket.first_responder_id is None:
        return frozenset()
    post = org.posts.get(ticket.first_responder_post_id) if ticket.first_responder_post_id else None
    backups = post.holders if post is not None else ()
    return frozenset((ticket.first_responder_id, *backups))
