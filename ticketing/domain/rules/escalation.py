"""A/B placement and escalation: who of a post gets the ticket, and how it climbs the chain when nobody can.

Every path that leaves a post without an on-duty holder (intake, transfer, an
absence, a holder change, a missed deadline) ends here, so "the post is never
empty" (缺岗不缺位) is decided in one place.

A deadline missed at a volunteer post (楼长, 街长, 店长) is told to the grid
leader over the ticket's place: volunteers answer to the community staff
member of their grid, not to the supervisors' 通报.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from ticketing.domain.coverage import next_in_turn, next_placement, on_duty_holder, why_this_holder
from ticketing.domain.guards import ActionContext
from ticketing.domain.org import Post, PostKind, held_by_volunteers
from ticketing.domain.rules.acting import can, fire
from ticketing.domain.rules.clock import start_clock
from ticketing.domain.rules.world import World
from ticketing.domain.ticket import Detail, Event, HistoryAction, Outcome, Ticket
from ticketing.domain.workflow import Action, Clock


def all_away(post: Post) -> dict[str, Detail]:
    """The history's details when nobody of the post is on duty."""
    return {"post": post.id}


def supervisors(world: World, ticket: Ticket, now: datetime) -> list[str]:
    """The on-duty holders of the community party and street committee posts over the ticket."""
    org = world.org
    found = []
    for kind, area in ((PostKind.COMMUNITY_PARTY, ticket.community_id), (PostKind.STREET_COMMITTEE, ticket.street_id)):
        post = org.post_for(kind, area) if area else None
        if post is not None:
            found.append(on_duty_holder(post, now, world.absent) or post.holder_a)
    return found


def grid_leader(world: World, ticket: Ticket, now: datetime) -> str | None:
    """The on-duty holder of the grid leader post over the ticket's place, if it has one."""
    area = ticket.location_id or ticket.grid_id
    post = world.org.post_for(PostKind.GRID_LEADER, area) if area else None
    return (on_duty_holder(post, now, world.absent) or post.holder_a) if post else None


def _tell_grid_leader(world: World, ticket: Ticket, now: datetime, outcome: Outcome) -> None:
    """A volunteer missed a deadline: the grid leader hears of it, unless the ticket is now theirs anyway."""
    leader = grid_leader(world, ticket, now)
    if leader is not None and leader != ticket.holder_id:
        outcome.notify(leader, Event.VOLUNTEER_MISSED)


def place_holder(world: World, ticket: Ticket, now: datetime, outcome: Outcome, prefer: str | None) -> None:
    """Give the ticket to an on-duty holder of its post; with both away, climb the chain at once."""
    while True:
        post = world.post(ticket.post_id)
        ticket.holder_id = on_duty_holder(post, now, world.absent, prefer)
        ticket.ack_passes = 0
        if ticket.holder_id is not None:
            start_clock(world, ticket, now)
            outcome.notify(ticket.holder_id, Event.ASSIGNED)
            return
        outcome.record(ticket, now, None, HistoryAction.BOTH_ABSENT, ticket.state, details=all_away(post))
        if not _climb(world, ticket, now, outcome):
            _unstaffed(world, ticket, now, outcome)
            start_clock(world, ticket, now)
            return


def nobody_on_duty(
    world: World, ticket: Ticket, now: datetime, outcome: Outcome, details: Mapping[str, Detail]
) -> Outcome:
    """No holder of the post can take the ticket: it climbs the chain, or waits unstaffed at the top."""
    outcome.deadline_changed = True
    outcome.record(ticket, now, None, HistoryAction.BOTH_ABSENT, ticket.state, details=details)
    if _climb(world, ticket, now, outcome):
        place_holder(world, ticket, now, outcome, prefer=None)
    else:
        _unstaffed(world, ticket, now, outcome)
    return outcome


def send_up_a_tier(world: World, ticket: Ticket, now: datetime, outcome: Outcome) -> None:
    """提级办理 after a second 不满意: the next tier's post takes the ticket anew.

    At the top of the chain there is no tier above: the top post handles it
    again and the supervisors are told.
    """
    if _climb(world, ticket, now, outcome):
        place_holder(world, ticket, now, outcome, prefer=None)
        return
    outcome.record(ticket, now, None, HistoryAction.ESCALATE, ticket.state, details={"at_top": 1})
    place_holder(world, ticket, now, outcome, prefer=ticket.holder_id)
    for recipient in supervisors(world, ticket, now):
        outcome.notify(recipient, Event.REOPENED)


def _climb(world: World, ticket: Ticket, now: datetime, outcome: Outcome) -> bool:
    """Move to the next tier with a post for the ticket; False at the top of the chain."""
    spec = world.spec(ticket)
    if not can(spec, ticket.state, Action.ESCALATE):
        return False
    area = ticket.location_id or ticket.community_id
    placement = next_placement(world.org, [t.post_kind for t in spec.chain], area, ticket.tier) if area else None
    if placement is None:
        return False
    previous = fire(world, ticket, Action.ESCALATE, ActionContext())
    ticket.tier = placement.tier
    ticket.post_id = placement.post.id
    ticket.holder_id = on_duty_holder(placement.post, now, world.absent)
    ticket.updated_at = now
    details = {"to_kind": placement.post.kind.value} | why_this_holder(placement.post, ticket.holder_id)
    outcome.record(ticket, now, None, HistoryAction.ESCALATE, previous, details=details)
    outcome.notify(ticket.first_responder_id, Event.ESCALATED)
    return True


def _mark_overdue(world: World, ticket: Ticket, now: datetime, outcome: Outcome) -> None:
    """A deadline passed at the top of the chain: supervision (督办) takes over, and its 催办 is planned."""
    ticket.clock = ticket.due_at = ticket.allowed_seconds = None
    ticket.overdue = True
    ticket.overdue_at = now
    ticket.urged_at = None
    outcome.record(ticket, now, None, HistoryAction.OVERDUE, ticket.state)
    for recipient in (ticket.first_responder_id, *supervisors(world, ticket, now)):
        outcome.notify(recipient, Event.OVERDUE)


def _unstaffed(world: World, ticket: Ticket, now: datetime, outcome: Outcome) -> None:
    """Nobody can take the ticket at the top post: supervisors must find cover (缺岗不缺位)."""
    for recipient in supervisors(world, ticket, now):
        outcome.notify(recipient, Event.UNSTAFFED)


def deadline_passed(world: World, ticket: Ticket, clock: Clock, now: datetime) -> Outcome:
    """Apply a deadline that passed: pass to the next holder in turn, escalate, or flag.

    A missed acknowledgement passes through every present holder of the post
    in order (A → B → further holders, wrapping round to A) before it climbs.
    A miss at a volunteer post is told to the grid leader too.
    """
    outcome = Outcome(deadline_changed=True)
    ticket.updated_at = now
    if clock is Clock.CALLBACK:
        ticket.needs_review = True
        ticket.clock = ticket.due_at = None
        outcome.record(ticket, now, None, HistoryAction.CALLBACK_OVERDUE, ticket.state)
        for recipient in (ticket.first_responder_id, *supervisors(world, ticket, now)):
            outcome.notify(recipient, Event.CALLBACK_OVERDUE)
        caller = world.org.posts.get(ticket.first_responder_post_id or "")
        if caller is not None and held_by_volunteers(caller.kind):  # the volunteer first asked missed it
            outcome.notify(grid_leader(world, ticket, now), Event.VOLUNTEER_MISSED)
        return outcome
    post = world.post(ticket.post_id)
    _missed(world, ticket, post, clock, now, outcome)
    if held_by_volunteers(post.kind):
        _tell_grid_leader(world, ticket, now, outcome)
    return outcome


def _missed(world: World, ticket: Ticket, post: Post, clock: Clock, now: datetime, outcome: Outcome) -> None:
    """A handling deadline passed at ``post``: the next holder in turn (acknowledging), else up the chain."""
    if clock is Clock.ACKNOWLEDGE and ticket.acknowledged_at is None:
        ticket.ack_late = True  # the response (响应) missed its deadline: it counts against the response rate
    turn = (
        next_in_turn(post, ticket.holder_id, ticket.ack_passes, now, world.absent)
        if clock is Clock.ACKNOWLEDGE
        else None
    )
    if turn is not None:
        previous_holder, (ticket.holder_id, step) = ticket.holder_id, turn
        ticket.ack_passes += step
        start_clock(world, ticket, now)
        details = {"cause": "not_acknowledged", "from": previous_holder, "to": ticket.holder_id}
        outcome.record(ticket, now, None, HistoryAction.HANDOVER, ticket.state, details=details)
        outcome.notify(ticket.holder_id, Event.HANDED_OVER)
        return
    if _climb(world, ticket, now, outcome):
        place_holder(world, ticket, now, outcome, prefer=None)
    else:
        _mark_overdue(world, ticket, now, outcome)
