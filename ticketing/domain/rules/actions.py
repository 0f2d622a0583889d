"""The staff actions on a ticket: each checks who acts and what they wrote, fires the machine, moves the clock."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from ticketing.domain import actors, choices
from ticketing.domain.coverage import on_duty_holder, placements
from ticketing.domain.errors import InvalidInput, NotAllowed, state_of
from ticketing.domain.field_rules import MAX_BODY
from ticketing.domain.guards import ActionContext
from ticketing.domain.rules.acting import become_first_responder, fire, require_holder, require_involved, staff
from ticketing.domain.rules.clock import after_transition, calendar_post
from ticketing.domain.rules.escalation import place_holder
from ticketing.domain.rules.offers import chain_kinds, extension_limit, transfer_targets
from ticketing.domain.rules.world import World, said
from ticketing.domain.ticket import Detail, Event, HistoryAction, Outcome, Ticket
from ticketing.domain.workflow import Action, Duration


def acknowledge(world: World, ticket: Ticket, actor_id: str | None, now: datetime) -> Outcome:
    """Sign for the ticket (签收); the first to do so becomes first responder."""
    require_holder(world, ticket, actor_id, "acknowledge")
    actor = staff(world, actor_id)
    outcome = Outcome()
    previous = fire(world, ticket, Action.ACKNOWLEDGE, ActionContext(actor))
    ticket.holder_id = actor
    ticket.acknowledged_at = ticket.acknowledged_at or now
    become_first_responder(world, ticket, actor)
    after_transition(world, ticket, now, outcome)
    outcome.record(ticket, now, actor_id, HistoryAction.ACKNOWLEDGE, previous)
    return outcome


def note(world: World, ticket: Ticket, actor_id: str | None, text: str, now: datetime) -> Outcome:
    actor = require_involved(world, ticket, actor_id, "note", joined_may=True)
    if not text.strip():
        raise InvalidInput("note: write something")
    outcome = Outcome()
    ticket.updated_at = now
    outcome.record(ticket, now, actor, HistoryAction.NOTE, ticket.state, said("text", text))
    return outcome


def supervise(world: World, ticket: Ticket, actor_id: str | None, text: str, now: datetime) -> Outcome:
    """督办: a supervisor's note on a ticket they oversee, kept apart from the handlers' notes."""
    actor = staff(world, actor_id)
    if not actors.is_supervisor(world.org, actor):
        raise NotAllowed("supervision notes (督办) are written by supervisors; %(actor)s is not one", actor=actor)
    if not text.strip():
        raise InvalidInput("supervise: write the supervision note (督办意见)")
    outcome = Outcome()
    ticket.updated_at = now
    outcome.record(ticket, now, actor, HistoryAction.SUPERVISE, ticket.state, said("text", text))
    return outcome


def transfer(
    world: World, ticket: Ticket, actor_id: str | None, target_post_id: str | None, reason: str, now: datetime
) -> Outcome:
    """Pass the ticket to another post; the passer stays accountable as first responder."""
    if not target_post_id or not reason.strip():
        raise InvalidInput("a transfer needs a target post and a reason (转办须写明接收岗位和理由)")
    reason = said("reason", reason)
    actor = require_involved(world, ticket, actor_id, "transfer")
    target = world.post(target_post_id)
    if target.id == ticket.post_id:
        raise InvalidInput(
            "ticket %(number)s is already at post %(post)s; name another post", number=ticket.number, post=target.id
        )
    if target not in transfer_targets(world, ticket):
        area = ticket.location_id or ticket.community_id or ""
        chain = [
            p.post.id for p in placements(world.org, chain_kinds(world, ticket), area) if p.post.id != ticket.post_id
        ]
        raise InvalidInput(
            "ticket %(number)s may be passed only to a post of its chain for its place (%(chain)s) "
            "or another post of its community %(community)s; %(post)s is neither",
            number=ticket.number,
            chain=", ".join(chain) or "—",
            community=ticket.community_id or "—",
            post=target.id,
        )
    outcome = Outcome()
    previous = fire(world, ticket, Action.TRANSFER, ActionContext(actor))
    become_first_responder(world, ticket, actor)
    kinds = chain_kinds(world, ticket)
    ticket.tier = kinds.index(target.kind) if target.kind in kinds else ticket.tier
    ticket.post_id = target.id
    ticket.holder_id = on_duty_holder(target, now, world.absent)
    ticket.updated_at = now
    outcome.deadline_changed = True
    outcome.record(ticket, now, actor, HistoryAction.TRANSFER, previous, reason, {"to_post": target.id})
    place_holder(world, ticket, now, outcome, prefer=None)
    return outcome


def pause(world: World, ticket: Ticket, actor_id: str | None, reason: str, now: datetime) -> Outcome:
    """Wait for the resident: the clock stops with the working time left kept."""
    if not reason.strip():
        raise InvalidInput("pause: say what the ticket is waiting for")
    return _simple(world, ticket, actor_id, Action.PAUSE, now, said("reason", reason))


def resume(world: World, ticket: Ticket, actor_id: str | None, now: datetime) -> Outcome:
    return _simple(world, ticket, actor_id, Action.RESUME, now)


def resolve(world: World, ticket: Ticket, actor_id: str | None, resolution: str, now: datetime) -> Outcome:
    """Mark the matter handled; the first responder's callback is now due."""
    if not resolution.strip():
        raise InvalidInput("resolve: write what was done (办理结果)")
    resolution = said("resolution", resolution)
    outcome = _simple(world, ticket, actor_id, Action.RESOLVE, now, resolution)
    ticket.resolution = resolution
    ticket.referred_to = None  # reopened after a referral and handled after all: the latest outcome stands
    ticket.resolved_at = now
    outcome.notify(ticket.first_responder_id, Event.RESOLVED)
    outcome.tell_resident(ticket, Event.REQUEST_RESOLVED)
    return outcome


def refer(world: World, ticket: Ticket, actor_id: str | None, body: str, reason: str, now: datetime) -> Outcome:
    """Outside the community's remit: name the competent body; it is still called back."""
    if not body.strip():
        raise InvalidInput("refer: name the competent body the resident should turn to (告知有权处理的机关)")
    body = said("body", body, MAX_BODY)
    outcome = _simple(world, ticket, actor_id, Action.REFER, now, said("reason", reason), {"body": body})
    ticket.referred_to = body
    ticket.resolution = None  # the history keeps what an earlier resolution said
    ticket.resolved_at = now
    outcome.notify(ticket.first_responder_id, Event.RESOLVED)
    outcome.tell_resident(ticket, Event.REQUEST_RESOLVED)
    return outcome


def return_to_resident(world: World, ticket: Ticket, actor_id: str | None, reason: str, now: datetime) -> Outcome:
    """不予受理 (a duplicate, not a request): only the first responder, or the post's holders before there is one."""
    if not reason.strip():
        raise InvalidInput("return_to_resident: give the reason")
    actor = staff(world, actor_id)
    if ticket.first_responder_id is None:
        require_holder(world, ticket, actor, Action.RETURN_TO_RESIDENT.value)
    elif actor != ticket.first_responder_id:
        raise NotAllowed(
            "only the first responder %(first_responder)s may send the resident of ticket %(number)s away "
            "(不予受理), not %(actor)s: 首问负责制 makes them answer for it",
            first_responder=ticket.first_responder_id,
            number=ticket.number,
            actor=actor,
        )
    outcome = Outcome()
    previous = fire(world, ticket, Action.RETURN_TO_RESIDENT, ActionContext(actor))
    after_transition(world, ticket, now, outcome)
    outcome.record(ticket, now, actor, HistoryAction.RETURN_TO_RESIDENT, previous, said("reason", reason))
    outcome.tell_resident(ticket, Event.REQUEST_CLOSED)
    return outcome


# What the holders of a post invited to join a ticket (协同) may do besides noting it; signing for it,
# referring it and sending the resident away stay with the holders of its post.
JOINED_MAY = frozenset({Action.PAUSE, Action.RESUME, Action.RESOLVE})


def _simple(
    world: World,
    ticket: Ticket,
    actor_id: str | None,
    action: Action,
    now: datetime,
    reason: str = "",
    details: Mapping[str, Detail] | None = None,
) -> Outcome:
    require_holder(world, ticket, actor_id, action.value, joined_may=action in JOINED_MAY)
    outcome = Outcome()
    previous = fire(world, ticket, action, ActionContext(actor_id))
    after_transition(world, ticket, now, outcome)
    outcome.record(ticket, now, actor_id, HistoryAction(action.value), previous, reason, details)
    return outcome


def close(world: World, ticket: Ticket, actor_id: str | None, now: datetime) -> Outcome:
    """There is no closing by hand: the callback closes a ticket."""
    raise NotAllowed(
        "ticket %(number)s closes only through a recorded callback (电话回访): "
        "record one with the callback action once it is resolved or referred",
        number=ticket.number,
    )


def extend(world: World, ticket: Ticket, actor_id: str | None, by: Duration, reason: str, now: datetime) -> Outcome:
    """A supervisor extends the running deadline (延期), before it passes."""
    actor = staff(world, actor_id)
    if not actors.is_supervisor(world.org, actor):
        raise NotAllowed("extensions (延期) are approved by supervisors; %(actor)s is not one", actor=actor)
    if not reason.strip():
        raise InvalidInput("extend: give the reason for the extension")
    reason = said("reason", reason)
    if ticket.clock is None or ticket.due_at is None:
        raise NotAllowed(
            "ticket %(number)s has no running deadline to extend (state %(state)s)",
            number=ticket.number,
            state=state_of(ticket.state, ticket.workflow),
        )
    if now >= ticket.due_at:
        raise NotAllowed(
            "the %(clock)s deadline of ticket %(number)s passed at %(due)s; "
            "an extension must be asked for before the deadline",
            clock=ticket.clock.value,
            number=ticket.number,
            due=world.calendar_for(calendar_post(ticket, ticket.clock)).local(ticket.due_at),
        )
    calendar = world.calendar_for(calendar_post(ticket, ticket.clock))
    limit = extension_limit(world, ticket)
    if not choices.extension_fits(calendar.add, ticket.due_at, by, limit):
        raise InvalidInput(
            "extend: at most %(limit)s of working time at a time at tier %(tier)d of workflow %(workflow)s; "
            "%(by)s is longer",
            limit=str(limit),
            tier=ticket.tier + 1,
            workflow=ticket.workflow,
            by=str(by),
        )
    extended = calendar.add(ticket.due_at, by)
    ticket.allowed_seconds = (ticket.allowed_seconds or 0.0) + calendar.working_seconds(ticket.due_at, extended)
    ticket.due_at = extended
    ticket.updated_at = now
    outcome = Outcome(deadline_changed=True)
    details = {"clock": ticket.clock.value, "by": str(by)}
    outcome.record(ticket, now, actor, HistoryAction.EXTEND, ticket.state, reason, details)
    return outcome
