"""Tickets as the staff API and the CLI's ``--json`` show them: in lists, whole, and after an action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import Field, WithJsonSchema

from ticketing.domain import ticket as domain
from ticketing.domain.cooperation import MediationOutcome
from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import Organisation, PostKind
from ticketing.domain.org import Post as DomainPost
from ticketing.domain.permissions import ORDER
from ticketing.domain.rules import World
from ticketing.domain.ticket import CallbackMeans, Channel, ResidentChannel
from ticketing.domain.workflow import Clock
from ticketing.read import queues
from ticketing.schemas.base import Answer, Time, local_time

Count = Annotated[int, Field(ge=0)]
Version = Annotated[int, Field(ge=1)]
ActionName = Annotated[str, WithJsonSchema({"type": "string", "enum": list(ORDER)})]


class Deadline(Answer):
    """The running deadline in working time: negative seconds left once it has passed; `kept_seconds` is what a
    paused clock keeps."""

    clock: Clock | None
    due_at: Time | None
    working_seconds_left: int | None
    overdue: bool
    kept_seconds: int | None

    @classmethod
    def of(cls, deadline: queues.Deadline, tz: ZoneInfo) -> Deadline:
        left = deadline.working_seconds
        return cls(
            clock=deadline.clock,
            due_at=local_time(deadline.due_at, tz),
            working_seconds_left=None if left is None else round(-left if deadline.overdue else left),
            overdue=deadline.overdue,
            kept_seconds=None if deadline.kept_seconds is None else round(deadline.kept_seconds),
        )


class Person(Answer):
    id: str
    name: str

    @classmethod
    def of(cls, org: Organisation, staff_id: str | None) -> Person | None:
        if staff_id is None:
            return None
        member = org.staff.get(staff_id)
        return cls(id=staff_id, name=member.name if member else staff_id)


class Post(Answer):
    id: str
    kind: PostKind
    unit_id: str
    unit_name: str
    holder_a: str
    holder_b: str
    more_holders: list[str] = Field(description="The holders after B, in order (the police post's auxiliaries).")

    @classmethod
    def of(cls, org: Organisation, post: DomainPost | None) -> Post | None:
        if post is None:
            return None
        unit = org.units.get(post.unit_id)
        return cls(
            id=post.id,
            kind=post.kind,
            unit_id=post.unit_id,
            unit_name=unit.name if unit else post.unit_id,
            holder_a=post.holder_a,
            holder_b=post.holder_b,
            more_holders=list(post.more_holders),
        )


class JoinedPost(Answer):
    """A post invited to work on the ticket (协同) beside the post holding it."""

    post: Post
    invited_by: Person
    invited_at: Time
    reason: str


class Mediation(Answer):
    """How a dispute's mediation ended; the agreement is for staff only."""

    outcome: MediationOutcome
    agreement: str | None
    recorded_at: Time | None


class HistoryEntry(Answer):
    """One line of a ticket's history: its codes for programs, and the line in the request's language."""

    at: Time
    actor_id: str | None
    action: domain.HistoryAction = Field(description="What the line records.")
    from_state: str | None
    to_state: str
    tier: Count
    post_id: str
    holder_id: str | None
    reason: str = Field(description="What a person wrote (a note, a reason, a comment), as they wrote it.")
    details: dict[str, str | int | None] = Field(
        description="What the line is told from: codes, staff and post ids, numbers, moments (ISO 8601, UTC); "
        "the keys each action uses are those of `HistoryEntry` in `ticketing.domain.ticket`."
    )
    text: str = Field(
        description="The line in the request's language (Accept-Language), people and posts by name, with the "
        "words a person wrote; empty when there is nothing to say beyond the action."
    )

    @classmethod
    def of(cls, entry: domain.HistoryEntry, tz: ZoneInfo, text: str = "") -> HistoryEntry:
        return cls(
            at=local_time(entry.at, tz),
            actor_id=entry.actor_id,
            action=entry.action,
            from_state=entry.from_state,
            to_state=entry.to_state,
            tier=entry.tier,
            post_id=entry.post_id,
            holder_id=entry.holder_id,
            reason=entry.reason,
            details=dict(entry.details),
            text=text or entry.reason,
        )


class TicketSummary(Answer):
    """A ticket in a list (the phone masked)."""

    number: str
    version: Version
    workflow: str
    category: str
    state: str
    final: bool
    channel: Channel
    tier: Count
    post_id: str
    holder_id: str | None
    first_responder_id: str | None
    street_id: str | None
    community_id: str | None
    grid_id: str | None
    location_id: str | None
    place: str
    contact_phone: str
    overdue: bool
    ack_late: bool
    needs_review: bool
    deadline: Deadline
    created_at: Time
    updated_at: Time

    @classmethod
    def of(cls, world: World, ticket: domain.Ticket, deadline: queues.Deadline, tz: ZoneInfo) -> TicketSummary:
        return cls.model_validate(summary_fields(world, ticket, deadline, tz))


class Ticket(TicketSummary):
    """A ticket with its history and what you may do to it now."""

    description: str
    address: str
    contact_name: str
    contact_email: str
    notify_by: ResidentChannel
    lat: float | None
    lon: float | None
    post: Post | None
    holder: Person | None
    first_responder: Person | None
    first_responder_post_id: str | None
    reopen_count: Count
    callback_attempts: Count
    callback_post_id: str | None = Field(description="The post whose holders call back (回访).")
    next_attempt_at: Time | None = Field(description="The earliest moment of the next unreached callback attempt.")
    callback_means: CallbackMeans | None = Field(description="How the last callback reached the resident.")
    solved: bool | None = Field(description="Whether the resident (or the check) found the problem solved.")
    satisfaction: Satisfaction | None
    termination_reason: str | None = Field(description="The reason of a proposed or approved 诉求终结.")
    termination_pending: bool = Field(description="A proposal of 诉求终结 awaits a supervisor.")
    resolution: str | None
    referred_to: str | None
    acknowledged_at: Time | None
    resolved_at: Time | None
    closed_at: Time | None
    history: list[HistoryEntry]
    actions: list[ActionName] = Field(description="What you may do to the ticket now.")
    transfer_targets: list[Post]
    joined: list[JoinedPost] = Field(description="Posts invited to work on the ticket (协同), not yet released.")
    invite_targets: list[Post] = Field(description="Posts that may be invited to join the ticket.")
    mediation: Mediation | None = Field(description="How the mediation of a dispute ended, once recorded.")

    @classmethod
    def of_view(
        cls,
        world: World,
        view: queues.TicketView,
        tz: ZoneInfo,
        describe: Callable[[domain.HistoryEntry], str] | None = None,
    ) -> Ticket:
        """The ticket as the view's reader sees it (their actions), with its whole phone number.

        ``describe`` gives each history line's ``text`` (the web's, in the request's language); without it the
        text is what a person wrote.
        """
        ticket, org = view.ticket, world.org
        return cls.model_validate(
            {
                **summary_fields(world, ticket, view.deadline, tz),
                "contact_phone": ticket.contact_phone,
                "description": ticket.description,
                "address": ticket.address,
                "contact_name": ticket.contact_name,
                "contact_email": ticket.contact_email,
                "notify_by": ticket.notify_by,
                "lat": ticket.lat,
                "lon": ticket.lon,
                "post": Post.of(org, org.posts.get(ticket.post_id)),
                "holder": Person.of(org, ticket.holder_id),
                "first_responder": Person.of(org, ticket.first_responder_id),
                "first_responder_post_id": ticket.first_responder_post_id,
                "reopen_count": ticket.reopen_count,
                "callback_attempts": ticket.callback_attempts,
                "callback_post_id": ticket.callback_post_id,
                "next_attempt_at": local_time(view.next_attempt_at, tz),
                "callback_means": ticket.callback_means,
                "solved": ticket.solved,
                "satisfaction": ticket.satisfaction,
                "termination_reason": ticket.termination_reason,
                "termination_pending": ticket.termination_pending,
                "resolution": ticket.resolution,
                "referred_to": ticket.referred_to,
                "acknowledged_at": local_time(ticket.acknowledged_at, tz),
                "resolved_at": local_time(ticket.resolved_at, tz),
                "closed_at": local_time(ticket.closed_at, tz),
                "history": [HistoryEntry.of(entry, tz, describe(entry) if describe else "") for entry in view.history],
                "actions": view.actions,
                "transfer_targets": [Post.of(org, post) for post in view.targets],
                "joined": [
                    {
                        "post": Post.of(org, org.posts[joined.post_id]),
                        "invited_by": Person.of(org, joined.invited_by),
                        "invited_at": local_time(joined.invited_at, tz),
                        "reason": joined.reason,
                    }
                    for joined in ticket.joined
                    if joined.post_id in org.posts  # posts are never removed from the registry
                ],
                "invite_targets": [Post.of(org, post) for post in view.invitable],
                "mediation": _mediation(ticket, tz),
            }
        )


def _mediation(ticket: domain.Ticket, tz: ZoneInfo) -> dict[str, Any] | None:
    if ticket.mediation is None:
        return None
    return {
        "outcome": ticket.mediation,
        "agreement": ticket.mediation_agreement,
        "recorded_at": local_time(ticket.mediated_at, tz),
    }


def summary_fields(world: World, ticket: domain.Ticket, deadline: queues.Deadline, tz: ZoneInfo) -> dict[str, Any]:
    unit = world.org.units.get(ticket.location_id) if ticket.location_id else None
    spec = world.workflows.get(ticket.workflow)
    state = spec.states.get(ticket.state) if spec else None
    return {
        "number": ticket.number,
        "version": ticket.version,
        "workflow": ticket.workflow,
        "category": ticket.category,
        "state": ticket.state,
        "final": bool(state and state.final),
        "channel": ticket.channel,
        "tier": ticket.tier,
        "post_id": ticket.post_id,
        "holder_id": ticket.holder_id,
        "first_responder_id": ticket.first_responder_id,
        "street_id": ticket.street_id,
        "community_id": ticket.community_id,
        "grid_id": ticket.grid_id,
        "location_id": ticket.location_id,
        "place": unit.name if unit else ticket.address,
        "contact_phone": queues.mask_phone(ticket.contact_phone),
        "overdue": ticket.overdue,
        "ack_late": ticket.ack_late,
        "needs_review": ticket.needs_review,
        "deadline": Deadline.of(deadline, tz),
        "created_at": local_time(ticket.created_at, tz),
        "updated_at": local_time(ticket.updated_at, tz),
    }


class TicketList(Answer):
    items: list[TicketSummary]
    next_cursor: str | None


class QueueItem(TicketSummary):
    """A ticket in one of your work lists."""

    joined: bool = Field(description="Your post works on it beside the post holding it (协同), invited to join.")


class QueuePage(Answer):
    items: list[QueueItem]
    page: Annotated[int, Field(ge=1)]
    per_page: Count
    total: Count
    pages: Count


class ActionResult(Answer):
    action: ActionName
    number: str
    state: str
    version: Version
    ticket: Ticket | None = Field(
        description="The ticket as you see it now; null when the action took it out of your sight."
    )
