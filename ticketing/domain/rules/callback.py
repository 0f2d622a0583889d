"""The callback (回访): the only way a handled ticket closes, by the means its contact allows.

- Who calls back is the workflow's choice (``CallbackPlan.by``): the first
  responder and the holders of their post, or the holders of a community
  post such as a 回访岗; an on-site visit (上门回访) only the first responder
  records, and a confirmation through the link only the resident gives.
- The means follow from the contact the ticket has (``allowed_means``): a
  phone callback needs a phone, the link an e-mail or a phone (SMS), a visit
  someone to visit; a ticket with no contact at all (a patrol report) is
  closed on a check of the handler's result, without a satisfaction.
- "Solved?" (问题是否解决) is asked apart from "satisfied?".
- Unreached attempts are spaced by the workflow's working time, and the
  attempts before a ticket closes as unreachable span two half-days, so
  three calls in one hour cannot drop an unhappy resident from the rates.
- A first 不满意 reopens the ticket with the same handler; a second sends it
  one tier up (提级办理).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ticketing.domain import actors
from ticketing.domain.calendar import next_half_day
from ticketing.domain.errors import InvalidInput, Named, NameKind, NotAllowed, state_of
from ticketing.domain.guards import ActionContext, Satisfaction
from ticketing.domain.rules.acting import can, fire, staff
from ticketing.domain.rules.clock import after_transition, calendar_post
from ticketing.domain.rules.escalation import send_up_a_tier
from ticketing.domain.rules.world import World, said
from ticketing.domain.ticket import CallbackMeans, Detail, Event, HistoryAction, Outcome, Ticket
from ticketing.domain.workflow import Action, Clock

STAFF_MEANS = (CallbackMeans.PHONE, CallbackMeans.VISIT, CallbackMeans.NONE)
"""The means staff record; the link is the resident's own confirmation (``resident_feedback``)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What one callback found: by which means, whether anyone was reached, and their answers."""

    means: CallbackMeans
    reached: bool
    satisfaction: Satisfaction | None
    solved: bool | None

    def details(self, attempts: int) -> dict[str, Detail]:
        """The history line's details: the attempt when unreached; else the means, solved or not, the satisfaction."""
        if not self.reached:
            return {"reached": 0, "attempt": attempts, "means": self.means.value}
        return {
            "reached": 1,
            "means": self.means.value,
            "solved": None if self.solved is None else int(self.solved),
            "satisfaction": self.satisfaction.value if self.satisfaction else None,
        }


def allowed_means(ticket: Ticket) -> list[CallbackMeans]:
    """The means the ticket's contact allows: none only when there is nobody to reach."""
    found = []
    if ticket.contact_phone:
        found.append(CallbackMeans.PHONE)
    if ticket.contact_phone or ticket.contact_email:
        found.append(CallbackMeans.LINK)
    if ticket.contact_phone or ticket.contact_email or ticket.contact_name:
        found.append(CallbackMeans.VISIT)
    else:
        found.append(CallbackMeans.NONE)
    return found


def staff_means(ticket: Ticket) -> list[CallbackMeans]:
    """The means the callback form offers for this ticket."""
    return [means for means in allowed_means(ticket) if means in STAFF_MEANS]


def callback(
    world: World,
    ticket: Ticket,
    actor_id: str | None,
    reached: bool,
    satisfaction: Satisfaction | None,
    comment: str,
    now: datetime,
    *,
    solved: bool | None = None,
    means: CallbackMeans = CallbackMeans.PHONE,
) -> Outcome:
    """Record a callback by phone, on a visit or (nobody to reach) as a check: close, reopen, send up, or count."""
    actor = staff(world, actor_id)
    _require_means(ticket, means)
    _require_caller(world, ticket, actor, means)
    if means is CallbackMeans.NONE:
        if not reached or satisfaction is not None:
            raise InvalidInput(
                "callback: ticket %(number)s has nobody to reach, so nobody is called and no satisfaction is "
                "recorded; record whether the handler's result holds (solved yes or no)",
                number=ticket.number,
            )
    elif reached and satisfaction is None:
        raise InvalidInput(
            "callback: the resident was reached, so record their satisfaction "
            "(satisfied, basically satisfied or unsatisfied)"
        )
    if reached and solved is None:
        raise InvalidInput("callback: record whether the problem is solved (问题是否解决: yes or no)")
    if not reached:
        _refuse_too_early(world, ticket, now)
    verdict = Verdict(means, reached, satisfaction if reached else None, solved if reached else None)
    return _verdict(world, ticket, actor, HistoryAction.CALLBACK, verdict, said("comment", comment), now)


def resident_feedback(
    world: World,
    ticket: Ticket,
    satisfaction: Satisfaction | None,
    comment: str,
    now: datetime,
    *,
    solved: bool | None = None,
) -> Outcome:
    """The resident confirms and rates the result through their link: it counts as a reached callback."""
    if satisfaction is None or solved is None:
        raise InvalidInput(
            "resident_feedback: say whether the problem is solved, and whether you are satisfied, "
            "basically satisfied or unsatisfied with the result"
        )
    if not can(world.spec(ticket), ticket.state, Action.CALLBACK):
        raise NotAllowed(
            "ticket %(number)s is %(state)s: a resident confirms the result only once it is resolved or referred",
            number=ticket.number,
            state=state_of(ticket.state, ticket.workflow),
        )
    verdict = Verdict(CallbackMeans.LINK, True, satisfaction, solved)
    return _verdict(world, ticket, None, HistoryAction.RESIDENT_FEEDBACK, verdict, comment, now)


def _require_means(ticket: Ticket, means: CallbackMeans) -> None:
    if means is CallbackMeans.LINK:
        raise InvalidInput(
            "callback: the link is the resident's own confirmation; staff record a callback by phone, visit or none"
        )
    if means not in allowed_means(ticket):
        raise InvalidInput(
            "callback: %(means)s is not possible for ticket %(number)s with the contact it has; possible: %(allowed)s",
            means=Named.one(NameKind.MEANS, means.value),
            number=ticket.number,
            allowed=Named(NameKind.MEANS, tuple(staff_means(ticket))),
        )


def _require_caller(world: World, ticket: Ticket, actor: str, means: CallbackMeans) -> None:
    if means is CallbackMeans.VISIT and actor != ticket.first_responder_id:
        raise NotAllowed(
            "an on-site visit (上门回访) on ticket %(number)s is recorded by its first responder %(first_responder)s; "
            "%(actor)s is not",
            number=ticket.number,
            first_responder=ticket.first_responder_id or "(none yet)",
            actor=actor,
        )
    if means is not CallbackMeans.VISIT and actor not in actors.callers(world.org, ticket):
        raise NotAllowed(
            "the callback on ticket %(number)s is for %(callers)s; %(actor)s is not one of them",
            number=ticket.number,
            callers=", ".join(sorted(actors.callers(world.org, ticket))) or "(nobody yet)",
            actor=actor,
        )


def next_attempt_at(world: World, ticket: Ticket) -> datetime | None:
    """The earliest moment of the next unreached attempt, or None before the first.

    Attempts are the workflow's spacing of working time apart; the one that
    would close the ticket as unreachable must fall on a later half-day than
    the first attempt (in the district's time zone).
    """
    if ticket.last_attempt_at is None:
        return None
    calendar = world.calendar_for(calendar_post(ticket, Clock.CALLBACK))
    earliest = calendar.add(ticket.last_attempt_at, world.spec(ticket).callback.spacing)
    if ticket.first_attempt_at is not None and ticket.callback_attempts + 1 >= world.spec(ticket).callback.attempts:
        earliest = max(earliest, calendar.next_working_moment(next_half_day(ticket.first_attempt_at, calendar.tz)))
    return earliest


def _refuse_too_early(world: World, ticket: Ticket, now: datetime) -> None:
    earliest = next_attempt_at(world, ticket)
    if earliest is not None and now < earliest:
        tz = world.calendar_for(calendar_post(ticket, Clock.CALLBACK)).tz
        shown = earliest.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        raise NotAllowed(
            "too soon for another unreached attempt on ticket %(number)s: the next attempt may be made from "
            "%(next)s (attempts are %(spacing)s of working time apart, and those before closing as unreachable "
            "fall on two half-days)",
            number=ticket.number,
            next=shown,
            spacing=str(world.spec(ticket).callback.spacing),
        )


def _verdict(
    world: World,
    ticket: Ticket,
    actor_id: str | None,
    action: HistoryAction,
    verdict: Verdict,
    comment: str,
    now: datetime,
) -> Outcome:
    """Fire the workflow's callback with the verdict: close, reopen, send up, or count an unreached attempt."""
    reached, satisfaction = verdict.reached, verdict.satisfaction
    ctx = ActionContext(actor_id, reached, satisfaction, verdict.solved, world.spec(ticket).callback.attempts)
    before = ticket.callback_attempts
    if not reached:
        ticket.callback_attempts += 1
    try:
        previous = fire(world, ticket, Action.CALLBACK, ctx)
    except NotAllowed:
        ticket.callback_attempts = before
        raise
    outcome = Outcome()
    unsatisfied = reached and satisfaction is Satisfaction.UNSATISFIED
    again = unsatisfied and ticket.unsatisfied_count > 0
    if reached:
        ticket.satisfaction = satisfaction.value if satisfaction else None
        ticket.solved = verdict.solved
        ticket.callback_means = verdict.means
        ticket.unsatisfied_count += 1 if unsatisfied else 0
    else:
        ticket.first_attempt_at = ticket.first_attempt_at or now
        ticket.last_attempt_at = now
    if ticket.state != previous:
        _moved(world, ticket, now, outcome, again)
    ticket.updated_at = now
    outcome.record(ticket, now, actor_id, action, previous, comment.strip(), verdict.details(ticket.callback_attempts))
    if again:
        send_up_a_tier(world, ticket, now, outcome)
    return outcome


def _moved(world: World, ticket: Ticket, now: datetime, outcome: Outcome, again: bool) -> None:
    """Closed, or reopened for another round (a full set of attempts; a second 不满意 goes up a tier)."""
    reopened = not world.spec(ticket).state(ticket.state).final
    if reopened:
        ticket.reopen_count += 1
        ticket.callback_attempts = 0  # the resident was reached: the next resolution gets a full round
        ticket.first_attempt_at = ticket.last_attempt_at = None
        ticket.needs_review = False
        if not again:
            outcome.notify(ticket.holder_id, Event.REOPENED)
    else:
        outcome.tell_resident(ticket, Event.REQUEST_CLOSED)
    after_transition(world, ticket, now, outcome)
