"""Who may act on a ticket: the rules enforce these answers and the ticket page offers actions by them.

- the holders of the ticket's post: acknowledge, pause, resume, resolve, refer, return to the resident;
- those involved (the holders, the first responder, supervisors): note and transfer;
- the callers (the first responder and both holders of the first responder's post): the callback (电话回访);
- supervisors: extend a running deadline (延期).
"""

from __future__ import annotations

from ticketing.domain.org import Organisation, Role
from ticketing.domain.ticket import Ticket


def holds_post(org: Organisation, ticket: Ticket, actor_id: str) -> bool:
    """Whether ``actor_id`` is the A or B holder of the ticket's current post."""
    post = org.posts.get(ticket.post_id)
    return post is not None and actor_id in (post.holder_a, post.holder_b)


def is_supervisor(org: Organisation, actor_id: str) -> bool:
    member = org.staff.get(actor_id)
    return member is not None and member.role in (Role.SUPERVISOR, Role.ADMIN)


def is_involved(org: Organisation, ticket: Ticket, actor_id: str) -> bool:
    """Holders of the current post, the first responder (首问负责人) and supervisors."""
    return holds_post(org, ticket, actor_id) or actor_id == ticket.first_responder_id or is_supervisor(org, actor_id)


def callers(org: Organisation, ticket: Ticket) -> frozenset[str]:
    """Who may record the callback: the first responder and both holders of their post (their AB岗 backup)."""
    if ticket.first_responder_id is None:
        return frozenset()
    post = org.posts.get(ticket.first_responder_post_id) if ticket.first_responder_post_id else None
    backups = (post.holder_a, post.holder_b) if post is not None else ()
    return frozenset((ticket.first_responder_id, *backups))
