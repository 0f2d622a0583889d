"""The rules of the practice, as functions on a ticket: pure, given ``now``.

Each action checks who may do it, fires the workflow's shared state machine,
moves the deadline clock and returns an ``Outcome``.  The rules enforced:

- first-responder responsibility (首问负责制): the first staff member to
  register, acknowledge or pass on a ticket is its first responder for good,
  is told of every escalation and overdue, owns the callback, and may not
  return the ticket to the resident;
- A/B posts (AB岗): see ``coverage``;
- deadlines in working time on the post's calendar; pausing states stop the
  clock and resuming restores the time left;
- a ticket closes only through a recorded callback (电话回访) — or, outside
  the community's remit, through a referral that is still called back; a
  resident confirming the result online counts as a reached callback;
- every choice a form offers (transfer targets, extensions, text lengths) is
  checked here against the list ``choices`` computes for the form too;
- when a post's holders change, its open tickets follow (``rehome``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ticketing.domain import actors, choices
from ticketing.domain.coverage import Absent, next_placement, on_duty_holder, other_holder, placements, successor
from ticketing.domain.errors import InvalidInput, NotAllowed, NotFound
from ticketing.domain.field_rules import (
    ADDRESS,
    CONTROL,
    DESCRIPTION,
    EMAIL,
    LATITUDE,
    LONGITUDE,
    MAX_BODY,
    MAX_TEXT,
    NAME,
    PHONE,
    is_coordinate,
)
from ticketing.domain.guards import ActionContext, Satisfaction
from ticketing.domain.org import Organisation, Post, PostKind, UnitKind
from ticketing.domain.ticket import STAFF_CHANNELS, Channel, Event, HistoryAction, Outcome, ResidentChannel, Ticket
from ticketing.domain.workflow import Action, Clock, Duration, WorkflowSpec


def refuse_control(field: str, text: str) -> str:
    """``text`` unchanged, or InvalidInput if it holds a control character (a NUL cannot even be stored)."""
    if CONTROL.search(text):
        raise InvalidInput("%(field)s: control characters are not allowed", field=field)
    return text


def _said(field: str, text: str, limit: int = MAX_TEXT) -> str:
    """``text`` stripped, or InvalidInput if it is longer than a staff member's entry may be."""
    if len(text) > limit:
        raise InvalidInput(
            "%(field)s: at most %(limit)d characters, got %(length)d", field=field, limit=limit, length=len(text)
        )
    return text.strip()


class WorkCalendar(Protocol):
    def add(self, start: datetime, duration: Duration) -> datetime: ...

    def add_seconds(self, start: datetime, seconds: float) -> datetime: ...

    def working_seconds(self, start: datetime, end: datetime) -> float: ...

    def opening_of_workday(self, start: datetime, days: int) -> datetime: ...


class StateMachine(Protocol):
    def fire(self, ticket: Ticket, action: Action, ctx: ActionContext) -> str: ...


@dataclass(frozen=True, slots=True)
class World:
    """Everything a rule needs to know besides the ticket: registry, workflows, calendars, absences."""

    org: Organisation
    workflows: Mapping[str, WorkflowSpec]
    machines: Mapping[str, StateMachine]
    calendar_for: Callable[[str], WorkCalendar]
    absent: Absent

    def spec(self, ticket: Ticket) -> WorkflowSpec:
        return self.workflows[ticket.workflow]

    def post(self, post_id: str) -> Post:
        try:
            return self.org.posts[post_id]
        except KeyError:
            raise NotFound("unknown post %(post)r", post=post_id) from None


@dataclass(frozen=True, slots=True)
class Intake:
    """A request as the resident (or staff on their behalf) gives it."""

    workflow: str
    category: str
    description: str
    channel: Channel
    contact_phone: str
    location_id: str | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    contact_name: str = ""
    contact_email: str = ""
    notify_by: ResidentChannel = ResidentChannel.NONE

    def problems(self) -> list[str]:
        """Everything wrong with the request, field by field, by the rules of ``field_rules``."""
        found = []
        if not self.description.strip():
            found.append("description: say what the problem is")
        for name, text, rule in (
            ("description", self.description, DESCRIPTION),
            ("contact_phone", self.contact_phone, PHONE),
            ("contact_name", self.contact_name, NAME),
            ("address", self.address, ADDRESS),
        ):
            if (problem := rule.problem(text)) is not None:
                found.append(f"{name}: {problem}")
        if (self.lat is None) != (self.lon is None):
            found.append("lat/lon: give both coordinates or neither")
        elif self.lat is not None and self.lon is not None and not self._on_earth(self.lat, self.lon):
            found.append(f"lat/lon: WGS84 coordinates, within ±{LATITUDE:g} and ±{LONGITUDE:g}")
        if self.contact_email and (problem := EMAIL.problem(self.contact_email)) is not None:
            found.append(f"contact_email: {problem}")
        if self.notify_by is ResidentChannel.EMAIL and not self.contact_email:
            found.append("notify_by: e-mail was chosen, so give an e-mail address (contact_email)")
        return found

    @staticmethod
    def _on_earth(lat: float, lon: float) -> bool:
        return is_coordinate(lat, LATITUDE) and is_coordinate(lon, LONGITUDE)


# --- intake ---------------------------------------------------------------


def open_ticket(
    world: World, intake: Intake, ticket_id: int, number: str, now: datetime, registrar_id: str | None = None
) -> tuple[Ticket, Outcome]:
    """Open a ticket at the first tier that has a post for its location (else the intake post)."""
    if problems := intake.problems():
        listed = "; ".join(problems)  # English only: the web forms check the same fields before they get here
        raise InvalidInput(listed)
    if (intake.channel in STAFF_CHANNELS) != (registrar_id is not None):
        raise InvalidInput("phone and walk-in requests are registered by a staff member; web and API ones are not")
    if registrar_id is not None:
        _staff(world, registrar_id)
    spec = world.workflows.get(intake.workflow)
    if spec is None:
        raise NotFound(
            "no workflow %(name)r; workflows: %(known)s", name=intake.workflow, known=", ".join(world.workflows)
        )
    if intake.category not in {category.code for category in spec.categories}:
        codes = ", ".join(category.code for category in spec.categories)
        raise InvalidInput(
            "category %(category)r is not served by workflow %(name)r (%(codes)s)",
            category=intake.category,
            name=spec.name,
            codes=codes,
        )
    place = _first_place(world, spec, intake.location_id)
    org = world.org
    area = intake.location_id or place.unit_id
    street, community, grid = (
        org.ancestor(area, kind) for kind in (UnitKind.STREET, UnitKind.COMMUNITY, UnitKind.GRID)
    )
    ticket = Ticket(
        id=ticket_id,
        number=number,
        workflow=spec.name,
        category=intake.category,
        description=intake.description.strip(),
        channel=intake.channel,
        location_id=intake.location_id,
        state=spec.initial,
        tier=place.tier,
        post_id=place.post.id,
        created_at=now,
        updated_at=now,
        address=intake.address,
        lat=intake.lat,
        lon=intake.lon,
        contact_name=intake.contact_name,
        contact_phone=intake.contact_phone,
        contact_email=intake.contact_email,
        notify_by=intake.notify_by,
        street_id=street.id if street else None,
        community_id=community.id if community else None,
        grid_id=grid.id if grid else None,
    )
    outcome = Outcome(deadline_changed=True)
    if registrar_id is not None:
        _become_first_responder(world, ticket, registrar_id)
    reason = f"channel {intake.channel.value}" + (f", registered by {registrar_id}" if registrar_id else "")
    ticket.holder_id = on_duty_holder(place.post, now, world.absent)
    outcome.record(ticket, now, registrar_id, HistoryAction.OPEN, None, reason)
    _place_holder(world, ticket, now, outcome, prefer=None)
    return ticket, outcome


@dataclass(frozen=True, slots=True)
class _Place:
    tier: int
    post: Post
    unit_id: str


def _first_place(world: World, spec: WorkflowSpec, location_id: str | None) -> _Place:
    kinds = [tier.post_kind for tier in spec.chain]
    if location_id is not None:
        if location_id not in world.org.units:
            raise NotFound("unknown location %(location)r", location=location_id)
        found = placements(world.org, kinds, location_id)
        if found:
            return _Place(found[0].tier, found[0].post, location_id)
    intake = world.org.intake_post(location_id)
    if intake is None:
        raise NotFound("no intake post (社区服务中心受理岗) is configured for this location or the district")
    return _Place(0, intake, intake.unit_id)


# --- who is acting ----------------------------------------------------------


def _staff(world: World, actor_id: str | None) -> str:
    if actor_id is None or actor_id not in world.org.staff:
        raise NotFound("unknown staff member %(staff)r", staff=actor_id)
    return actor_id


def _holders_text(post: Post) -> str:
    return f"post {post.id} (A {post.holder_a}, B {post.holder_b})"


def _require_holder(world: World, ticket: Ticket, actor_id: str | None, action: str) -> Post:
    actor = _staff(world, actor_id)
    post = world.post(ticket.post_id)
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


def _require_involved(world: World, ticket: Ticket, actor_id: str | None, action: str) -> str:
    """Holders of the current post, the first responder and supervisors may note and transfer."""
    actor = _staff(world, actor_id)
    post = world.post(ticket.post_id)
    if actors.is_involved(world.org, ticket, actor):
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


def _become_first_responder(world: World, ticket: Ticket, actor_id: str) -> None:
    """Record the first responder (首问负责人) once; it never changes afterwards."""
    if ticket.first_responder_id is not None:
        return
    ticket.first_responder_id = actor_id
    held = world.org.holds(actor_id)
    own = next((p for p in held if p.id == ticket.post_id), held[0] if held else None)
    ticket.first_responder_post_id = own.id if own else None


def _fire(world: World, ticket: Ticket, action: Action, ctx: ActionContext) -> str:
    previous = ticket.state
    world.machines[ticket.workflow].fire(ticket, action, ctx)
    return previous


# --- what the forms may offer ---------------------------------------------------


def _chain(world: World, ticket: Ticket) -> list[PostKind]:
    return [tier.post_kind for tier in world.spec(ticket).chain]


def transfer_targets(world: World, ticket: Ticket) -> list[Post]:
    """The posts a ticket may be passed to (``transfer`` refuses any other): the page lists exactly these."""
    return choices.transfer_targets(world.org, _chain(world, ticket), ticket)


def extension_limit(world: World, ticket: Ticket) -> Duration:
    """The longest single extension of a deadline at the ticket's tier (the workflow's ``max_extension``)."""
    return world.spec(ticket).tier(ticket.tier).extension_limit


def extension_choices(world: World, ticket: Ticket) -> list[Duration]:
    """The extensions the ticket page offers for the running deadline (none when no deadline runs)."""
    if ticket.clock is None or ticket.due_at is None:
        return []
    calendar = world.calendar_for(calendar_post(ticket, ticket.clock))
    return choices.extension_choices(calendar.add, ticket.due_at, extension_limit(world, ticket))


# --- the clock ----------------------------------------------------------------


def calendar_post(ticket: Ticket, clock: Clock) -> str:
    """The callback is the first responder's work, on their post's calendar; the rest the post's."""
    if clock is Clock.CALLBACK and ticket.first_responder_post_id:
        return ticket.first_responder_post_id
    return ticket.post_id


def _start_clock(world: World, ticket: Ticket, now: datetime) -> None:
    """Start the deadline of the state the ticket is now in (or stop it in a final state)."""
    state = world.spec(ticket).state(ticket.state)
    ticket.clock = state.clock
    ticket.due_at = ticket.allowed_seconds = None
    if state.clock is not None:
        duration = world.spec(ticket).tier(ticket.tier).deadline(state.clock)
        calendar = world.calendar_for(calendar_post(ticket, state.clock))
        ticket.due_at = calendar.add(now, duration)
        ticket.allowed_seconds = calendar.working_seconds(now, ticket.due_at)


def _pause_clock(world: World, ticket: Ticket, now: datetime) -> None:
    if ticket.clock is not None and ticket.due_at is not None:
        calendar = world.calendar_for(calendar_post(ticket, ticket.clock))
        ticket.paused_clock = ticket.clock
        ticket.paused_remaining = max(calendar.working_seconds(now, ticket.due_at), 0.0)
    ticket.clock = None
    ticket.due_at = None


def _resume_clock(world: World, ticket: Ticket, now: datetime) -> None:
    state = world.spec(ticket).state(ticket.state)
    if ticket.paused_clock is not None and state.clock is ticket.paused_clock:
        ticket.clock = ticket.paused_clock
        calendar = world.calendar_for(calendar_post(ticket, ticket.clock))
        ticket.due_at = calendar.add_seconds(now, ticket.paused_remaining or 0.0)
    else:
        _start_clock(world, ticket, now)
    ticket.paused_clock = None
    ticket.paused_remaining = None


def _after_transition(world: World, ticket: Ticket, now: datetime, outcome: Outcome) -> None:
    ticket.updated_at = now
    outcome.deadline_changed = True
    state = world.spec(ticket).state(ticket.state)
    if state.pauses:
        _pause_clock(world, ticket, now)
    elif ticket.paused_clock is not None:
        _resume_clock(world, ticket, now)
    else:
        _start_clock(world, ticket, now)
    if state.final:
        ticket.closed_at = now


# --- A/B placement and escalation ---------------------------------------------


def supervisors(world: World, ticket: Ticket, now: datetime) -> list[str]:
    """The on-duty holders of the community party and street committee posts over the ticket."""
    org = world.org
    found = []
    for kind, area in ((PostKind.COMMUNITY_PARTY, ticket.community_id), (PostKind.STREET_COMMITTEE, ticket.street_id)):
        post = org.post_for(kind, area) if area else None
        if post is not None:
            found.append(on_duty_holder(post, now, world.absent) or post.holder_a)
    return found


def _place_holder(world: World, ticket: Ticket, now: datetime, outcome: Outcome, prefer: str | None) -> None:
    """Give the ticket to an on-duty holder of its post; with both away, climb the chain at once."""
    while True:
        post = world.post(ticket.post_id)
        ticket.holder_id = on_duty_holder(post, now, world.absent, prefer)
        ticket.other_holder_tried = False
        if ticket.holder_id is not None:
            _start_clock(world, ticket, now)
            outcome.notify(ticket.holder_id, Event.ASSIGNED)
            return
        outcome.record(
            ticket,
            now,
            None,
            HistoryAction.BOTH_ABSENT,
            ticket.state,
            f"both holders of {_holders_text(post)} are away",
        )
        if not _climb(world, ticket, now, outcome):
            _unstaffed(world, ticket, now, outcome)
            _start_clock(world, ticket, now)
            return


def _climb(world: World, ticket: Ticket, now: datetime, outcome: Outcome) -> bool:
    """Move to the next tier with a post for the ticket; False at the top of the chain."""
    spec = world.spec(ticket)
    if not _can(spec, ticket.state, Action.ESCALATE):
        return False
    area = ticket.location_id or ticket.community_id
    placement = next_placement(world.org, [t.post_kind for t in spec.chain], area, ticket.tier) if area else None
    if placement is None:
        return False
    previous = _fire(world, ticket, Action.ESCALATE, ActionContext())
    ticket.tier = placement.tier
    ticket.post_id = placement.post.id
    ticket.holder_id = on_duty_holder(placement.post, now, world.absent)
    ticket.updated_at = now
    outcome.record(ticket, now, None, HistoryAction.ESCALATE, previous, f"up the chain to {placement.post.kind.value}")
    outcome.notify(ticket.first_responder_id, Event.ESCALATED)
    return True


def _mark_overdue(world: World, ticket: Ticket, now: datetime, outcome: Outcome) -> None:
    """A deadline passed at the top of the chain: supervision (督办) takes over, and its 催办 is planned."""
    ticket.clock = ticket.due_at = ticket.allowed_seconds = None
    ticket.overdue = True
    ticket.overdue_at = now
    ticket.urged_at = None
    outcome.record(
        ticket, now, None, HistoryAction.OVERDUE, ticket.state, "deadline passed at the top of the chain (超期督办)"
    )
    for recipient in (ticket.first_responder_id, *supervisors(world, ticket, now)):
        outcome.notify(recipient, Event.OVERDUE)


def _unstaffed(world: World, ticket: Ticket, now: datetime, outcome: Outcome) -> None:
    """Nobody can take the ticket at the top post: supervisors must find cover (缺岗不缺位)."""
    for recipient in supervisors(world, ticket, now):
        outcome.notify(recipient, Event.UNSTAFFED)


def _can(spec: WorkflowSpec, state: str, action: Action) -> bool:
    return any(t.trigger is action and state in t.sources for t in spec.transitions)


def deadline_passed(world: World, ticket: Ticket, clock: Clock, now: datetime) -> Outcome:
    """Apply a deadline that passed: hand over to the other holder once, escalate, or flag."""
    outcome = Outcome(deadline_changed=True)
    ticket.updated_at = now
    if clock is Clock.CALLBACK:
        ticket.needs_review = True
        ticket.clock = ticket.due_at = None
        outcome.record(
            ticket, now, None, HistoryAction.CALLBACK_OVERDUE, ticket.state, "callback deadline passed (回访超期)"
        )
        for recipient in (ticket.first_responder_id, *supervisors(world, ticket, now)):
            outcome.notify(recipient, Event.CALLBACK_OVERDUE)
        return outcome
    post = world.post(ticket.post_id)
    if clock is Clock.ACKNOWLEDGE and ticket.acknowledged_at is None:
        ticket.ack_late = True  # the response (响应) missed its deadline: it counts against the response rate
    if clock is Clock.ACKNOWLEDGE and not ticket.other_holder_tried:
        other = other_holder(post, ticket.holder_id)
        if other != ticket.holder_id and not world.absent(other, now):
            previous_holder = ticket.holder_id
            ticket.holder_id = other
            ticket.other_holder_tried = True
            _start_clock(world, ticket, now)
            outcome.record(
                ticket,
                now,
                None,
                HistoryAction.HANDOVER,
                ticket.state,
                f"{previous_holder} did not acknowledge in time; passed to {other}",
            )
            outcome.notify(other, Event.HANDED_OVER)
            return outcome
    if _climb(world, ticket, now, outcome):
        _place_holder(world, ticket, now, outcome, prefer=None)
    else:
        _mark_overdue(world, ticket, now, outcome)
    return outcome


# --- staff actions ----------------------------------------------------------------


def acknowledge(world: World, ticket: Ticket, actor_id: str | None, now: datetime) -> Outcome:
    """Sign for the ticket (签收); the first to do so becomes first responder."""
    _require_holder(world, ticket, actor_id, "acknowledge")
    actor = _staff(world, actor_id)
    outcome = Outcome()
    previous = _fire(world, ticket, Action.ACKNOWLEDGE, ActionContext(actor))
    ticket.holder_id = actor
    ticket.acknowledged_at = ticket.acknowledged_at or now
    _become_first_responder(world, ticket, actor)
    _after_transition(world, ticket, now, outcome)
    outcome.record(ticket, now, actor_id, HistoryAction.ACKNOWLEDGE, previous)
    return outcome


def note(world: World, ticket: Ticket, actor_id: str | None, text: str, now: datetime) -> Outcome:
    actor = _require_involved(world, ticket, actor_id, "note")
    if not text.strip():
        raise InvalidInput("note: write something")
    outcome = Outcome()
    ticket.updated_at = now
    outcome.record(ticket, now, actor, HistoryAction.NOTE, ticket.state, _said("text", text))
    return outcome


def transfer(
    world: World, ticket: Ticket, actor_id: str | None, target_post_id: str | None, reason: str, now: datetime
) -> Outcome:
    """Pass the ticket to another post; the passer stays accountable as first responder."""
    if not target_post_id or not reason.strip():
        raise InvalidInput("a transfer needs a target post and a reason (转办须写明接收岗位和理由)")
    reason = _said("reason", reason)
    actor = _require_involved(world, ticket, actor_id, "transfer")
    target = world.post(target_post_id)
    if target.id == ticket.post_id:
        raise InvalidInput(
            "ticket %(number)s is already at post %(post)s; name another post", number=ticket.number, post=target.id
        )
    if target not in transfer_targets(world, ticket):
        area = ticket.location_id or ticket.community_id or ""
        chain = [p.post.id for p in placements(world.org, _chain(world, ticket), area) if p.post.id != ticket.post_id]
        raise InvalidInput(
            "ticket %(number)s may be passed only to a post of its chain for its place (%(chain)s) "
            "or another post of its community %(community)s; %(post)s is neither",
            number=ticket.number,
            chain=", ".join(chain) or "—",
            community=ticket.community_id or "—",
            post=target.id,
        )
    outcome = Outcome()
    previous = _fire(world, ticket, Action.TRANSFER, ActionContext(actor))
    _become_first_responder(world, ticket, actor)
    kinds = _chain(world, ticket)
    ticket.tier = kinds.index(target.kind) if target.kind in kinds else ticket.tier
    ticket.post_id = target.id
    ticket.holder_id = on_duty_holder(target, now, world.absent)
    ticket.updated_at = now
    outcome.deadline_changed = True
    outcome.record(ticket, now, actor, HistoryAction.TRANSFER, previous, f"to {target.id}: {reason}")
    _place_holder(world, ticket, now, outcome, prefer=None)
    return outcome


def pause(world: World, ticket: Ticket, actor_id: str | None, reason: str, now: datetime) -> Outcome:
    """Wait for the resident: the clock stops with the working time left kept."""
    if not reason.strip():
        raise InvalidInput("pause: say what the ticket is waiting for")
    return _simple(world, ticket, actor_id, Action.PAUSE, now, _said("reason", reason))


def resume(world: World, ticket: Ticket, actor_id: str | None, now: datetime) -> Outcome:
    return _simple(world, ticket, actor_id, Action.RESUME, now, "")


def resolve(world: World, ticket: Ticket, actor_id: str | None, resolution: str, now: datetime) -> Outcome:
    """Mark the matter handled; the first responder's callback is now due."""
    if not resolution.strip():
        raise InvalidInput("resolve: write what was done (办理结果)")
    resolution = _said("resolution", resolution)
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
    body = _said("body", body, MAX_BODY)
    outcome = _simple(world, ticket, actor_id, Action.REFER, now, f"{body}: {_said('reason', reason)}")
    ticket.referred_to = body
    ticket.resolution = None  # the history keeps what an earlier resolution said
    ticket.resolved_at = now
    outcome.notify(ticket.first_responder_id, Event.RESOLVED)
    outcome.tell_resident(ticket, Event.REQUEST_RESOLVED)
    return outcome


def return_to_resident(world: World, ticket: Ticket, actor_id: str | None, reason: str, now: datetime) -> Outcome:
    if not reason.strip():
        raise InvalidInput("return_to_resident: give the reason")
    outcome = _simple(world, ticket, actor_id, Action.RETURN_TO_RESIDENT, now, _said("reason", reason))
    outcome.tell_resident(ticket, Event.REQUEST_CLOSED)
    return outcome


def _simple(world: World, ticket: Ticket, actor_id: str | None, action: Action, now: datetime, reason: str) -> Outcome:
    _require_holder(world, ticket, actor_id, action.value)
    outcome = Outcome()
    previous = _fire(world, ticket, action, ActionContext(actor_id))
    _after_transition(world, ticket, now, outcome)
    outcome.record(ticket, now, actor_id, HistoryAction(action.value), previous, reason)
    return outcome


def callback(
    world: World,
    ticket: Ticket,
    actor_id: str | None,
    reached: bool,
    satisfaction: Satisfaction | None,
    comment: str,
    now: datetime,
) -> Outcome:
    """Record the telephone callback (电话回访): close, reopen, or count an unreached attempt."""
    actor = _staff(world, actor_id)
    if actor not in actors.callers(world.org, ticket):
        raise NotAllowed(
            "the callback on ticket %(number)s is for its first responder "
            "%(first_responder)s or their post's other holder; %(actor)s is neither",
            number=ticket.number,
            first_responder=ticket.first_responder_id or "(none yet)",
            actor=actor,
        )
    if reached and satisfaction is None:
        raise InvalidInput(
            "callback: the resident was reached, so record their satisfaction "
            "(satisfied, basically_satisfied, unsatisfied)"
        )
    return _verdict(world, ticket, actor, HistoryAction.CALLBACK, reached, satisfaction, _said("comment", comment), now)


def resident_feedback(
    world: World, ticket: Ticket, satisfaction: Satisfaction | None, comment: str, now: datetime
) -> Outcome:
    """The resident confirms the result online instead of by phone: it counts as a reached callback."""
    if satisfaction is None:
        raise InvalidInput(
            "resident_feedback: say whether you are satisfied, basically satisfied or unsatisfied with the result"
        )
    if not _can(world.spec(ticket), ticket.state, Action.CALLBACK):
        raise NotAllowed(
            "ticket %(number)s is %(state)s: a resident confirms the result only once it is resolved or referred",
            number=ticket.number,
            state=ticket.state,
        )
    return _verdict(world, ticket, None, HistoryAction.RESIDENT_FEEDBACK, True, satisfaction, comment, now)


def _verdict(
    world: World,
    ticket: Ticket,
    actor_id: str | None,
    action: HistoryAction,
    reached: bool,
    satisfaction: Satisfaction | None,
    comment: str,
    now: datetime,
) -> Outcome:
    """Fire the workflow's callback with the resident's verdict: close, reopen, or count an unreached attempt."""
    ctx = ActionContext(actor_id, reached, satisfaction if reached else None)
    before = ticket.callback_attempts
    if not reached:
        ticket.callback_attempts += 1
    try:
        previous = _fire(world, ticket, Action.CALLBACK, ctx)
    except NotAllowed:
        ticket.callback_attempts = before
        raise
    outcome = Outcome()
    if reached:
        ticket.satisfaction = satisfaction.value if satisfaction else None
    if ticket.state != previous:
        reopened = not world.spec(ticket).state(ticket.state).final
        if reopened:
            ticket.reopen_count += 1
            ticket.callback_attempts = 0  # the resident was reached: the next resolution gets a full round
            ticket.needs_review = False
            outcome.notify(ticket.holder_id, Event.REOPENED)
        else:
            outcome.tell_resident(ticket, Event.REQUEST_CLOSED)
        _after_transition(world, ticket, now, outcome)
    ticket.updated_at = now
    verdict = satisfaction.value if reached and satisfaction else f"not reached (attempt {ticket.callback_attempts})"
    outcome.record(ticket, now, actor_id, action, previous, f"{verdict}. {comment.strip()}".strip(". ").strip())
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
    actor = _staff(world, actor_id)
    if not actors.is_supervisor(world.org, actor):
        raise NotAllowed("extensions (延期) are approved by supervisors; %(actor)s is not one", actor=actor)
    if not reason.strip():
        raise InvalidInput("extend: give the reason for the extension")
    reason = _said("reason", reason)
    if ticket.clock is None or ticket.due_at is None:
        raise NotAllowed(
            "ticket %(number)s has no running deadline to extend (state %(state)s)",
            number=ticket.number,
            state=ticket.state,
        )
    if now >= ticket.due_at:
        raise NotAllowed(
            "the %(clock)s deadline of ticket %(number)s passed at %(due)s; "
            "an extension must be asked for before the deadline",
            clock=ticket.clock.value,
            number=ticket.number,
            due=ticket.due_at.isoformat(),
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
    outcome.record(
        ticket, now, actor, HistoryAction.EXTEND, ticket.state, f"{ticket.clock.value} deadline +{by}: {reason}"
    )
    return outcome


# --- absences -------------------------------------------------------------------


def cover_absence(world: World, ticket: Ticket, absent_id: str, reason: str, now: datetime) -> Outcome:
    """The holder leaves: the other holder takes the ticket (or it climbs if both are away)."""
    outcome = Outcome()
    if ticket.holder_id != absent_id or world.spec(ticket).state(ticket.state).final:
        return outcome
    post = world.post(ticket.post_id)
    other = other_holder(post, absent_id)
    ticket.updated_at = now
    if not world.absent(other, now):
        ticket.holder_id = other
        outcome.record(
            ticket, now, None, HistoryAction.HANDOVER, ticket.state, f"{absent_id} away ({reason}); {other} covers"
        )
        outcome.notify(other, Event.HANDED_OVER)
        return outcome
    ticket.holder_id = None
    return _nobody_on_duty(world, ticket, now, outcome, f"both holders of {_holders_text(post)} are away")


def _nobody_on_duty(world: World, ticket: Ticket, now: datetime, outcome: Outcome, reason: str) -> Outcome:
    """No holder of the post can take the ticket: it climbs the chain, or waits unstaffed at the top."""
    outcome.deadline_changed = True
    outcome.record(ticket, now, None, HistoryAction.BOTH_ABSENT, ticket.state, reason)
    if _climb(world, ticket, now, outcome):
        _place_holder(world, ticket, now, outcome, prefer=None)
    else:
        _unstaffed(world, ticket, now, outcome)
    return outcome


def hand_back(world: World, ticket: Ticket, returning_id: str, now: datetime) -> Outcome:
    """The A holder is back: they take their post's tickets back from B, with a hand-over entry."""
    outcome = Outcome()
    post = world.post(ticket.post_id)
    if post.holder_a != returning_id or ticket.holder_id == returning_id:
        return outcome
    if world.spec(ticket).state(ticket.state).final:
        return outcome
    ticket.holder_id = returning_id
    ticket.updated_at = now
    outcome.record(
        ticket, now, None, HistoryAction.HANDOVER, ticket.state, f"{returning_id} back from absence; takes over again"
    )
    outcome.notify(returning_id, Event.HANDED_OVER)
    return outcome


# --- holder changes -------------------------------------------------------------


def rehome(world: World, ticket: Ticket, before: Post, now: datetime) -> Outcome:
    """The holders of the ticket's post changed (``world`` has the new ones, ``before`` the old post).

    The ticket goes to whoever ``coverage.successor`` says should hold it now,
    with a hand-over entry naming the old and the new holder; with nobody of
    the post on duty it climbs the chain as when both holders leave.  The
    first responder stays who they were (首问负责制), even one who left the
    post; the running deadline is the post's and keeps running.
    """
    outcome = Outcome()
    if ticket.post_id != before.id or world.spec(ticket).state(ticket.state).final:
        return outcome
    post = world.post(ticket.post_id)
    holder = successor(before, post, ticket.holder_id, now, world.absent)
    if holder == ticket.holder_id:
        return outcome
    change = (
        f"holders of post {post.id} changed from A {before.holder_a}, B {before.holder_b} "
        f"to A {post.holder_a}, B {post.holder_b}"
    )
    previous = ticket.holder_id or "nobody"
    ticket.holder_id = holder
    ticket.updated_at = now
    if holder is not None:
        outcome.record(
            ticket, now, None, HistoryAction.HANDOVER, ticket.state, f"{change}; {previous} hands over to {holder}"
        )
        outcome.notify(holder, Event.HANDED_OVER)
        return outcome
    return _nobody_on_duty(world, ticket, now, outcome, f"{change}; both new holders are away")
