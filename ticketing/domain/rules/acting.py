"""Who is acting: the checks every staff action starts with, and the one way a rule fires the machine."""

from __future__ import annotations

from ticketing.domain import actors
from ticketing.domain.errors import NotAllowed, NotFound
from ticketing.domain.guards import ActionContext
from ticketing.domain.org import Post
from ticketing.domain.rules.world import World
from ticketing.domain.ticket import Ticket
from ticketing.domain.workflow import Action, WorkflowSpec


def staff(world: World, actor_id: str | None) -> str:
    if actor_id is None or actor_id not in world.org.staff:
        raise NotFound("unknown staff member %(staff)r", staff=actor_id)
    return actor_id


def require_holder(world: World, ticket: Ticket, actor_id: str | None, action: str, joined_may: bool = False) -> Post:
    """The ticket's post, if ``actor_id`` holds it (or, with ``joined_may``, a post invited to join the ticket)."""
    actor = staff(world, actor_id)
    post = world.post(ticket.post_id)
    if joined_may and actors.joined_posts_held(world.org, ticket, actor):
        return post
    if not actors.holds_post(world.org, ticket, actor):
        raise NotAllowed(
            "%(action)s on ticket %(number)s is for the holders of post %(post)s (A %(holder_a)s, B %(holder_b)s); "
            "%(actor)s holds neither",
            action=action,
            number=ticket.number,
            post=post.id,
            holder_a=post.holder_a,
            holder_b=post.holder_b,
            actor=actor,
        )
    return post


def require_involved(world: World, ticket: Ticket, actor_id: str | None, action: str, joined_may: bool = False) -> str:
    """Holders of the current post, the first responder and supervisors may note, transfer and invite;
    with ``joined_may``, so may the holders of a post invited to join the ticket."""
    actor = staff(world, actor_id)
    post = world.post(ticket.post_id)
    if actors.is_involved(world.org, ticket, actor) or (
        joined_may and actors.joined_posts_held(world.org, ticket, actor)
    ):
        return actor
    raise NotAllowed(
        "%(action)s on ticket %(number)s is for the holders of post %(post)s (A %(holder_a)s, B %(holder_b)s), "
        "its first responder %(first_responder)s or a supervisor",
        action=action,
        number=ticket.number,
        post=post.id,
        holder_a=post.holder_a,
        holder_b=post.holder_b,
        first_responder=ticket.first_responder_id or "(none yet)",
    )


def become_first_responder(world: World, ticket: Ticket, actor_id: str) -> None:
    """Record the first responder (首问负责人) once; it never changes afterwards."""
    if ticket.first_responder_id is not None:
        return
    ticket.first_responder_id = actor_id
    held = world.org.holds(actor_id)
    own = next((p for p in held if p.id == ticket.post_id), held[0] if held else None)
    ticket.first_responder_post_id = own.id if own else None


def fire(world: World, ticket: Ticket, action: Action, ctx: ActionContext) -> str:
    """Fire the workflow's shared state machine; the state the ticket was in before."""
    previous = ticket.state
    world.machines[ticket.workflow].fire(ticket, action, ctx)
    return previous


def can(spec: WorkflowSpec, state: str, action: Action) -> bool:
    """Whether the workflow has a transition for ``action`` from ``state`` (asked before firing, not after)."""
    return any(t.trigger is action and state in t.sources for t in spec.transitions)
