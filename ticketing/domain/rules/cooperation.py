"""Joint work (协同) and mediation (调解): inviting a post to join a ticket, releasing it, recording a mediation.

None of these moves the ticket or its deadlines: the post holding it and the
first responder stay accountable (首问负责制), and the state machine is not
fired.  A closed ticket takes none of them.
"""

from __future__ import annotations

from datetime import datetime

from ticketing.domain import actors, choices
from ticketing.domain.cooperation import WITH_AGREEMENT, Joined, MediationOutcome, Release
from ticketing.domain.coverage import on_duty_holder
from ticketing.domain.errors import InvalidInput, Named, NameKind, NotAllowed, state_of
from ticketing.domain.org import PostKind
from ticketing.domain.rules.acting import require_involved, staff
from ticketing.domain.rules.world import World, said
from ticketing.domain.ticket import Event, HistoryAction, Outcome, Ticket


def invite(
    world: World, ticket: Ticket, actor_id: str | None, post_id: str | None, reason: str, now: datetime
) -> Outcome:
    """Invite another post of the community to join the ticket, at any time before it closes, with a reason."""
    if not post_id or not reason.strip():
        raise InvalidInput("an invitation (协同) needs the post to invite and a reason")
    reason = said("reason", reason)
    actor = require_involved(world, ticket, actor_id, "invite")
    _require_open(world, ticket, "invite")
    target = world.post(post_id)
    if any(entry.post_id == target.id for entry in ticket.joined):
        raise InvalidInput(
            "post %(post)s already works on ticket %(number)s; release it first", post=target.id, number=ticket.number
        )
    if target not in choices.invite_targets(world.org, ticket):
        raise InvalidInput(
            "ticket %(number)s may be joined only by another post of its community %(community)s; %(post)s is not one",
            number=ticket.number,
            community=ticket.community_id or "—",
            post=target.id,
        )
    joined = Joined(target.id, actor, now, reason)
    ticket.joined = (*ticket.joined, joined)
    ticket.updated_at = now
    outcome = Outcome(invited=[joined])
    outcome.record(ticket, now, actor, HistoryAction.INVITE, ticket.state, reason, {"post": target.id})
    outcome.notify(on_duty_holder(target, now, world.absent), Event.INVITED)
    return outcome


def release(world: World, ticket: Ticket, actor_id: str | None, post_id: str | None, now: datetime) -> Outcome:
    """End a post's invitation: whoever may invite may release."""
    if not post_id:
        raise InvalidInput("release: name the joined post to release")
    actor = require_involved(world, ticket, actor_id, "release")
    _require_open(world, ticket, "release")
    if not ticket.joined:
        raise NotAllowed("no other post works on ticket %(number)s: there is nobody to release", number=ticket.number)
    if not any(entry.post_id == post_id for entry in ticket.joined):
        joined = ", ".join(entry.post_id for entry in ticket.joined) or "—"
        raise InvalidInput(
            "post %(post)s does not work on ticket %(number)s; joined posts: %(joined)s",
            post=post_id,
            number=ticket.number,
            joined=joined,
        )
    ticket.joined = tuple(entry for entry in ticket.joined if entry.post_id != post_id)
    ticket.updated_at = now
    outcome = Outcome(released=[Release(post_id, actor, now)])
    outcome.record(ticket, now, actor, HistoryAction.RELEASE, ticket.state, details={"post": post_id})
    return outcome


def mediate(
    world: World, ticket: Ticket, actor_id: str | None, result: str | None, agreement: str, now: datetime
) -> Outcome:
    """Record how a mediation ended, with the agreement when one was reached; the latest record stands."""
    actor = staff(world, actor_id)
    if not is_dispute(world, ticket):
        raise NotAllowed(
            "mediation outcomes are recorded on dispute tickets, whose chain runs through the community police; "
            "ticket %(number)s follows workflow %(workflow)s",
            number=ticket.number,
            workflow=ticket.workflow,
        )
    if not may_mediate(world, ticket, actor):
        raise NotAllowed(
            "the mediation of ticket %(number)s is recorded by the holders of post %(post)s "
            "or of a community police post invited to join it; %(actor)s is neither",
            number=ticket.number,
            post=ticket.post_id,
            actor=actor,
        )
    _require_open(world, ticket, "mediate")
    outcome_of = _outcome(result)
    agreement = said("agreement", agreement)
    if outcome_of in WITH_AGREEMENT and not agreement:
        raise InvalidInput("mediate: write down the agreement the parties reached (调解协议)")
    ticket.mediation = outcome_of.value
    ticket.mediation_agreement = agreement or None
    ticket.mediated_at = ticket.updated_at = now
    outcome = Outcome()
    outcome.record(ticket, now, actor, HistoryAction.MEDIATE, ticket.state, agreement, {"outcome": outcome_of.value})
    return outcome


def is_dispute(world: World, ticket: Ticket) -> bool:
    """Whether the ticket's workflow mediates: its chain runs through the community police."""
    return any(tier.post_kind is PostKind.COMMUNITY_POLICE for tier in world.spec(ticket).chain)


def may_mediate(world: World, ticket: Ticket, actor_id: str) -> bool:
    """The handler (a holder of the ticket's post) or a holder of a police post invited to join it."""
    org = world.org
    police = [
        post_id
        for post_id in actors.joined_posts_held(org, ticket, actor_id)
        if org.posts[post_id].kind is PostKind.COMMUNITY_POLICE
    ]
    return actors.holds_post(org, ticket, actor_id) or bool(police)


def _outcome(result: str | None) -> MediationOutcome:
    try:
        return MediationOutcome(result or "")
    except ValueError:
        allowed = Named(NameKind.MEDIATION, tuple(MediationOutcome))
        raise InvalidInput("mediate: the outcome is one of %(allowed)s", allowed=allowed) from None


def _require_open(world: World, ticket: Ticket, action: str) -> None:
    if world.spec(ticket).state(ticket.state).final:
        raise NotAllowed(
            "%(action)s: ticket %(number)s is closed (%(state)s)",
            action=action,
            number=ticket.number,
            state=state_of(ticket.state, ticket.workflow),
        )
