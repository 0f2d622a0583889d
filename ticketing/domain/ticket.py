"""The ticket aggregate and what one action on it produces.

A ticket's row is its current state; its history is the list of entries its
actions appended.  Every action returns an ``Outcome``: the entries, whether
the running deadline changed, and who must be told.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from ticketing.domain.cooperation import Joined, Release
from ticketing.domain.workflow import Clock


class Channel(StrEnum):
    """How the request reached us."""

    WEB = "web"
    PHONE = "phone"  # registered by staff on the resident's behalf
    WALK_IN = "walk_in"  # registered by staff at the service centre
    API = "api"
    PATROL = "patrol"  # 巡查发现: found by staff on patrol; no resident behind it
    ON_BEHALF = "on_behalf"  # 代办: filed by staff for a resident they met (a visit, a neighbour's word)


STAFF_CHANNELS = frozenset({Channel.PHONE, Channel.WALK_IN, Channel.PATROL, Channel.ON_BEHALF})
"""Channels a staff member registers: they become the ticket's first responder (首问负责制)."""


class ResidentChannel(StrEnum):
    """How the resident chose to hear that their request was resolved and closed."""

    SMS = "sms"
    EMAIL = "email"
    NONE = "none"  # only the callback: no message


class CallbackMeans(StrEnum):
    """How the callback reached the resident, counted apart in the rates."""

    PHONE = "phone"  # 电话回访
    LINK = "link"  # the resident confirmed and rated through the e-mail or SMS link
    VISIT = "visit"  # 上门回访, recorded by the first responder
    NONE = "none"  # nobody to reach: the handler's result was checked, no satisfaction


TERMINATED = "terminated"  # the final state of an approved 诉求终结 (lifecycle.toml)
RETURNED = "returned"  # the final state of a ticket sent away (不予受理): not a 诉求终结

RESIDENT = "@resident"  # the recipient of notices to the ticket's resident (never a staff id)
RESIDENT_LANGUAGES = ("zh_Hans", "en")  # what a resident may file and be written to in; Chinese first


class Event(StrEnum):
    """What a notice tells its recipient."""

    ASSIGNED = "assigned"
    HANDED_OVER = "handed_over"  # the holder did not acknowledge in time: the other holder of the post has it
    COVERING = "covering"  # the holder is away: the other holder of the post covers (AB岗)
    TAKEN_BACK = "taken_back"  # the A holder is back from an absence and takes their tickets back
    REASSIGNED = "reassigned"  # the post's holders changed: the new holder takes the ticket
    ESCALATED = "escalated"
    OVERDUE = "overdue"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CALLBACK_OVERDUE = "callback_overdue"
    UNSTAFFED = "unstaffed"
    REMINDER = "reminder"
    URGED = "urged"
    WARNED = "warned"
    VOLUNTEER_MISSED = "volunteer_missed"  # to the grid leader: a volunteer post let a deadline pass
    REQUEST_RESOLVED = "request_resolved"  # to the resident
    REQUEST_CLOSED = "request_closed"  # to the resident
    INVITED = "invited"  # to a post invited to join a ticket (协同)
    HELP_CLAIMED = "help_claimed"  # to the first responder and the holder: a volunteer claimed the help asked for


class TimerKind(StrEnum):
    """What a scheduled row in ``deadlines`` does when it falls due."""

    DEADLINE = "deadline"  # the running clock's deadline: hand over, escalate or flag
    REMINDER = "reminder"  # a share of the deadline's working time has passed: remind the holder
    URGE = "urge"  # 催办: the working day after a deadline was missed at the top of the chain
    WARN = "warn"  # 通报: the written-warning flag, working days after the 催办


@dataclass(frozen=True, slots=True)
class Timer:
    """One moment a ticket's state asks the sweep to act at."""

    kind: TimerKind
    clock: Clock | None  # the deadline's clock; none for supervision after an overdue
    at: datetime
    step: int = 0  # a reminder's percentage


@dataclass(slots=True)
class Ticket:
    """A resident's request as it stands now (the row in ``tickets``)."""

    id: int
    number: str
    workflow: str
    category: str
    description: str
    channel: Channel
    location_id: str | None
    state: str
    tier: int
    post_id: str
    created_at: datetime
    updated_at: datetime
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    notify_by: ResidentChannel = ResidentChannel.NONE
    resident_language: str = "zh_Hans"  # the language the resident filed in: their notices are written in it
    street_id: str | None = None
    community_id: str | None = None
    grid_id: str | None = None
    holder_id: str | None = None
    ack_passes: int = 0  # places a missed acknowledgement has passed the ticket along its post's holders
    first_responder_id: str | None = None
    first_responder_post_id: str | None = None
    clock: Clock | None = None
    due_at: datetime | None = None
    paused_clock: Clock | None = None
    paused_remaining: float | None = None
    allowed_seconds: float | None = None  # the running (or paused) clock's whole working time, for reminders
    overdue: bool = False
    overdue_at: datetime | None = None  # when a deadline last passed at the top of the chain
    urged_at: datetime | None = None  # 催办 sent for that overdue
    warned_at: datetime | None = None  # 通报: flagged for a written warning (kept for the record)
    ack_late: bool = False
    needs_review: bool = False
    reopen_count: int = 0
    callback_attempts: int = 0
    callback_post_id: str | None = None  # whose holders call back; its calendar runs the callback clock
    first_attempt_at: datetime | None = None  # the first unreached callback attempt of this round
    last_attempt_at: datetime | None = None  # the latest one: the next must be spaced from it
    callback_means: CallbackMeans | None = None
    solved: bool | None = None  # 问题是否解决, asked at the callback apart from the satisfaction
    unsatisfied_count: int = 0  # 不满意 verdicts so far: the second sends the ticket a tier up
    satisfaction: str | None = None
    resolution: str | None = None
    referred_to: str | None = None
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    termination_reason: str | None = None  # 诉求终结 proposed (pending while not terminated) or approved
    termination_proposed_by: str | None = None
    termination_proposed_at: datetime | None = None
    version: int = 1
    mediation: str | None = None  # how a mediation ended (``MediationOutcome``), on dispute tickets
    mediation_agreement: str | None = None  # the agreement reached (调解协议); never shown to the resident
    mediated_at: datetime | None = None
    opened_on: date | None = None  # the district's calendar day it was opened: the day the rates count it on
    joined: tuple[Joined, ...] = ()  # posts invited to work on the ticket (协同), not yet released

    @property
    def termination_pending(self) -> bool:
        """A handler proposed 诉求终结 and no supervisor has decided yet."""
        return self.termination_proposed_at is not None and self.state != TERMINATED


class HistoryAction(StrEnum):
    """What a line of a ticket's history records: a staff action, the resident's, or the engine's own."""

    OPEN = "open"
    ACKNOWLEDGE = "acknowledge"
    NOTE = "note"
    SUPERVISE = "supervise"  # 督办: a supervisor's note on a ticket they oversee
    TRANSFER = "transfer"
    PAUSE = "pause"
    RESUME = "resume"
    RESOLVE = "resolve"
    REFER = "refer"
    CALLBACK = "callback"
    RETURN_TO_RESIDENT = "return_to_resident"
    EXTEND = "extend"
    RESIDENT_FEEDBACK = "resident_feedback"
    ESCALATE = "escalate"  # the deadline passed: up the chain
    HANDOVER = "handover"  # to the other holder of the post (AB岗)
    BOTH_ABSENT = "both_absent"
    OVERDUE = "overdue"  # past the deadline at the top of the chain
    CALLBACK_OVERDUE = "callback_overdue"
    REMIND = "remind"
    URGE = "urge"  # 催办
    WARN = "warn"  # 通报
    INVITE = "invite"  # another post joins the ticket (协同)
    RELEASE = "release"  # the invitation ended
    MEDIATE = "mediate"  # the outcome of a mediation (调解) was recorded
    PROPOSE_TERMINATION = "propose_termination"  # 诉求终结 proposed by the handler
    APPROVE_TERMINATION = "approve_termination"
    REJECT_TERMINATION = "reject_termination"
    HELP_ASKED = "help_asked"  # volunteer help asked for: a need on the community's service list
    HELP_CLAIMED = "help_claimed"  # a member, unit or team claimed that need: who helps
    HELP_CONFIRMED = "help_confirmed"  # the community confirmed the claim
    HELP_ENDED = "help_ended"  # a claim declined, withdrawn or lapsed, or the need cancelled
    HELP_RECORDED = "help_recorded"  # at resolution: the help went on the helpers' record cards


Detail = str | int | None
"""One parameter of a history line: a code, an id, a number or an ISO moment (never a sentence)."""


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One immutable line of a ticket's history.

    ``reason`` holds only what a person wrote (a note, a reason, a comment) as
    they wrote it; everything else the line says is in ``details``, as codes,
    ids and numbers, so each reader gets it in their own language when it is
    shown.  The keys each action uses:

    - open: ``channel``, ``registrar`` (if staff registered it), and a cover;
    - escalate: ``to_kind``, and a cover; or ``at_top`` (1: no tier above, supervisors told);
    - a cover (the holder after A took the ticket): ``away`` (ids, comma-separated), ``covering``;
    - handover: ``cause`` (``not_acknowledged``, ``away``, ``back``, ``holders_changed``), ``from``, ``to``,
      and with ``holders_changed`` the ``post`` and its holders ``before`` and ``after``;
      with ``away`` the absence's reason is the ``reason``;
    - both_absent: ``post``, and ``cause`` ``holders_changed`` with ``before`` and ``after`` when that was why;
    - transfer: ``to_post``; invite, release: ``post``; mediate: ``outcome``;
    - refer: ``body`` (the competent body, as written); extend: ``clock``, ``by`` (``4h``);
    - callback, resident_feedback: ``reached`` (0/1), ``attempt`` (unreached), ``means``, ``solved`` (0/1),
      ``satisfaction``;
    - help_asked: ``item``; help_claimed, help_confirmed, help_ended: ``item``, ``claim``, ``helper`` (the
      claimant's name: staff pages only), ``helper_kind``, ``people``, and for help_ended the claim's ``status``
      (or ``cancelled`` for the need); help_recorded: ``item``, ``entries``, ``hours`` (person-hours);
    - remind: ``share`` (percent), ``clock``, ``due``; urge: ``since`` (the deadline); warn: ``since`` (the urge);
      moments are ISO 8601 in UTC.
    """

    at: datetime
    actor_id: str | None
    action: HistoryAction
    from_state: str | None
    to_state: str
    tier: int
    post_id: str
    holder_id: str | None
    reason: str = ""
    details: Mapping[str, Detail] = field(default_factory=dict)


def moment(at: datetime | None) -> str | None:
    """A moment as a history detail: ISO 8601 in UTC, shown in the reader's time zone."""
    return at.astimezone(UTC).isoformat() if at is not None else None


@dataclass(frozen=True, slots=True)
class TicketDetail:
    """A ticket with its whole history, as pages and answers show it."""

    ticket: Ticket
    history: list[HistoryEntry]


@dataclass(frozen=True, slots=True)
class Notice:
    recipient_id: str
    event: Event


@dataclass(slots=True)
class Outcome:
    """What an action did, for the persistence adapter to write in one transaction.

    When ``deadline_changed``, the ticket's pending timer is cancelled; ``timers``
    (from ``supervision.next_timer``) are written as pending; ``invited`` and
    ``released`` are posts that joined the ticket (协同) or left it.
    """

    entries: list[HistoryEntry] = field(default_factory=list)
    deadline_changed: bool = False
    notices: list[Notice] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    invited: list[Joined] = field(default_factory=list)
    released: list[Release] = field(default_factory=list)

    def record(
        self,
        ticket: Ticket,
        at: datetime,
        actor_id: str | None,
        action: HistoryAction,
        from_state: str | None,
        reason: str = "",
        details: Mapping[str, Detail] | None = None,
    ) -> None:
        """Append a history line: ``reason`` is a person's own words, ``details`` the codes it is told from."""
        self.entries.append(
            HistoryEntry(
                at,
                actor_id,
                action,
                from_state,
                ticket.state,
                ticket.tier,
                ticket.post_id,
                ticket.holder_id,
                reason,
                {key: value for key, value in (details or {}).items() if value is not None},
            )
        )

    def notify(self, recipient_id: str | None, event: Event) -> None:
        if recipient_id and Notice(recipient_id, event) not in self.notices:
            self.notices.append(Notice(recipient_id, event))

    def tell_resident(self, ticket: Ticket, event: Event) -> None:
        """A notice to the resident, by the channel they chose (none if they chose none)."""
        if ticket.notify_by is not ResidentChannel.NONE:
            self.notify(RESIDENT, event)
