"""Domain terms and workflow names in the reader's language, from the message catalogues.

Each term is its msgid (the English source text) once; the catalogues hold its
Chinese.  The Chinese post and unit names also live in ``ticketing.organisation.data``,
as the vocabulary the roster and organisation readers parse; the catalogues
translate the post and unit kinds to exactly those names (tests pin it).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import LazyString, get_locale, gettext
from flask_babel import lazy_gettext as _l

from ticketing.domain.cooperation import MediationOutcome
from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import PostKind, UnitKind
from ticketing.domain.rules import MAX_TEXT
from ticketing.domain.ticket import RESIDENT, CallbackMeans, Channel, Event, HistoryAction, ResidentChannel
from ticketing.domain.workflow import Clock, Label, State

POST_KINDS: dict[PostKind, LazyString] = {
    PostKind.STREET_COMMITTEE: _l("Street committee supervisor"),
    PostKind.COMMUNITY_PARTY: _l("Community party secretary"),
    PostKind.COMMUNITY_POLICE: _l("Community police"),
    PostKind.INTAKE: _l("Service centre intake"),
    PostKind.GRID_LEADER: _l("Grid leader"),
    PostKind.BUILDING_LEADER: _l("Building leader"),
    PostKind.STREET_LEADER: _l("Street leader"),
    PostKind.SHOP_LEADER: _l("Shop leader"),
}
UNIT_KINDS: dict[UnitKind, LazyString] = {
    UnitKind.DISTRICT: _l("District"),
    UnitKind.STREET: _l("Street"),
    UnitKind.COMMUNITY: _l("Community"),
    UnitKind.GRID: _l("Grid"),
    UnitKind.BUILDING: _l("Building"),
    UnitKind.SEGMENT: _l("Street segment"),
    UnitKind.PROPERTY: _l("Property service unit"),
    UnitKind.SHOP: _l("Shop"),
}
# A staff member's role in the registry (the ``staff.role`` column).
STAFF_ROLES: dict[str, LazyString] = {
    "staff": _l("Staff member"),
    "supervisor": _l("Supervisor"),
    "admin": _l("Administrator"),
}
# The district's time zone in words: mainland China keeps Beijing time whatever the zone's city.
TIME_ZONES: dict[str, LazyString] = {zone: _l("Beijing time") for zone in ("Asia/Shanghai", "Asia/Chongqing", "PRC")}
CHANNELS: dict[Channel, LazyString] = {
    Channel.WEB: _l("Online"),
    Channel.PHONE: _l("Phone"),
    Channel.WALK_IN: _l("Walk-in"),
    Channel.API: _l("API"),
    Channel.PATROL: _l("Found on patrol"),
    Channel.ON_BEHALF: _l("On the resident's behalf"),
}
# How the resident chose to hear of the resolution and the closing (办结通知方式).
RESIDENT_CHANNELS: dict[ResidentChannel, LazyString] = {
    ResidentChannel.SMS: _l("SMS"),
    ResidentChannel.EMAIL: _l("E-mail"),
    ResidentChannel.NONE: _l("No message, only the phone callback"),
}
SATISFACTION: dict[Satisfaction, LazyString] = {
    Satisfaction.SATISFIED: _l("Satisfied"),
    Satisfaction.BASICALLY_SATISFIED: _l("Basically satisfied"),
    Satisfaction.UNSATISFIED: _l("Unsatisfied"),
}
# How the callback reached the resident (回访方式), counted apart in the rates.
CALLBACK_MEANS: dict[CallbackMeans, LazyString] = {
    CallbackMeans.PHONE: _l("Phone callback"),
    CallbackMeans.LINK: _l("Confirmed through the link"),
    CallbackMeans.VISIT: _l("On-site visit"),
    CallbackMeans.NONE: _l("Nobody to reach: result checked"),
}
# What a supervisor's board marks on a ticket.
FLAGS: dict[str, LazyString] = {
    "overdue": _l("Overdue"),
    "escalated": _l("Escalated"),
    "review": _l("Callback overdue"),
    "ack_late": _l("Acknowledged late"),
    "ack_missed": _l("Not acknowledged in time"),  # ack_late on a ticket nobody has acknowledged yet
    "urged": _l("Supervisor reminder sent"),
    "warned": _l("Written warning"),
}
# The actions a staff member takes, as buttons name them.
ACTION_TITLES: dict[str, LazyString] = {
    "acknowledge": _l("Acknowledge"),
    "note": _l("Add a note"),
    "transfer": _l("Transfer"),
    "pause": _l("Pause: waiting for the resident"),
    "resume": _l("Resume"),
    "resolve": _l("Resolve"),
    "refer": _l("Refer to the competent body"),
    "callback": _l("Record the callback"),
    "return_to_resident": _l("Return to the resident"),
    "propose_termination": _l("Propose terminating the request"),
    "approve_termination": _l("Approve the termination"),
    "reject_termination": _l("Reject the termination"),
    "extend": _l("Extend the deadline"),
    "invite": _l("Invite a post to join"),
    "release": _l("Release a joined post"),
    "mediate": _l("Record the mediation outcome"),
}
# How a mediation (调解) ended.
MEDIATION: dict[MediationOutcome, LazyString] = {
    MediationOutcome.SUCCESS: _l("Mediation succeeded"),
    MediationOutcome.PARTIAL: _l("Partly agreed"),
    MediationOutcome.FAILED: _l("Mediation failed"),
}
# What happened to a ticket, as its history names it.  "Opened", "Acknowledged" and "Resolved" head the
# ticket's times in the catalogues, so the history says "Accepted", "Taken up" and "Marked resolved".
HISTORY_ACTIONS: dict[HistoryAction, LazyString] = {
    HistoryAction.OPEN: _l("Accepted"),
    HistoryAction.ACKNOWLEDGE: _l("Taken up"),
    HistoryAction.NOTE: _l("Note"),
    HistoryAction.SUPERVISE: _l("Supervision"),
    HistoryAction.TRANSFER: _l("Transferred"),
    HistoryAction.PAUSE: _l("Paused"),
    HistoryAction.RESUME: _l("Resumed"),
    HistoryAction.RESOLVE: _l("Marked resolved"),
    HistoryAction.REFER: _l("Referred"),
    HistoryAction.CALLBACK: _l("Callback"),
    HistoryAction.RETURN_TO_RESIDENT: _l("Returned to the resident"),
    HistoryAction.EXTEND: _l("Deadline extended"),
    HistoryAction.ESCALATE: FLAGS["escalated"],
    HistoryAction.HANDOVER: _l("Handed over"),
    HistoryAction.BOTH_ABSENT: _l("Both holders away"),
    HistoryAction.OVERDUE: FLAGS["overdue"],
    HistoryAction.CALLBACK_OVERDUE: FLAGS["review"],
    HistoryAction.RESIDENT_FEEDBACK: _l("Resident's feedback"),
    HistoryAction.REMIND: _l("Deadline reminder"),
    HistoryAction.URGE: _l("Supervisor reminder"),
    HistoryAction.WARN: FLAGS["warned"],
    HistoryAction.INVITE: _l("Post invited to join"),
    HistoryAction.RELEASE: _l("Joined post released"),
    HistoryAction.MEDIATE: _l("Mediation recorded"),
    HistoryAction.PROPOSE_TERMINATION: _l("Termination proposed"),
    HistoryAction.APPROVE_TERMINATION: _l("Termination approved"),
    HistoryAction.REJECT_TERMINATION: _l("Termination rejected"),
    HistoryAction.HELP_ASKED: _l("Volunteer help asked for"),
    HistoryAction.HELP_CLAIMED: _l("Volunteer help claimed"),
    HistoryAction.HELP_CONFIRMED: _l("Volunteer help confirmed"),
    HistoryAction.HELP_ENDED: _l("Volunteer help ended"),
    HistoryAction.HELP_RECORDED: _l("Volunteer service recorded"),
}
# What a notice told its recipient, and who the resident is among recipients (the outbox page).
NOTICE_EVENTS: dict[Event, LazyString] = {
    Event.ASSIGNED: _l("Assigned"),
    Event.HANDED_OVER: _l("Not acknowledged: passed to the other holder"),
    Event.COVERING: _l("Holder away: the other holder covers"),
    Event.TAKEN_BACK: _l("Back from absence: taken back"),
    Event.REASSIGNED: _l("Post holders changed: passed on"),
    Event.ESCALATED: FLAGS["escalated"],
    Event.OVERDUE: FLAGS["overdue"],
    Event.RESOLVED: _l("Resolved: call back"),
    Event.REOPENED: _l("Reopened for handling"),
    Event.CALLBACK_OVERDUE: FLAGS["review"],
    Event.UNSTAFFED: _l("Nobody on duty"),
    Event.REMINDER: HISTORY_ACTIONS[HistoryAction.REMIND],
    Event.URGED: HISTORY_ACTIONS[HistoryAction.URGE],
    Event.WARNED: FLAGS["warned"],
    Event.VOLUNTEER_MISSED: _l("Volunteer post missed a deadline"),
    Event.REQUEST_RESOLVED: _l("Resident told: resolved"),
    Event.REQUEST_CLOSED: _l("Resident told: closed"),
    Event.INVITED: _l("Invited to join"),
    Event.HELP_CLAIMED: _l("Volunteer help claimed"),
}
RESIDENT_RECIPIENT: LazyString = _l("Resident")
# A request's state as its resident reads it (已受理, 处理中, 待您确认办理结果), not the staff's words
# (待签收, 待回访): the shared lifecycle's states; a state a workflow file adds shows its own label.
RESIDENT_STATES: dict[str, LazyString] = {
    "new": _l("Received"),
    "in_progress": _l("Being handled"),
    "waiting_resident": _l("Waiting for something from you"),
    "resolved": _l("Handled: please confirm the result"),
    "referred": _l("Outside our remit: please confirm you were told where to turn"),
    "closed": _l("Completed"),
    "closed_unreachable": _l("Closed: we could not reach you"),
    "returned": _l("Not taken up"),
    "terminated": _l("Closed: it cannot be met under current law or policy"),
}
# What the running deadline promises the resident (not 签收时限 or 回访时限).
RESIDENT_DEADLINES: dict[Clock, LazyString] = {
    Clock.ACKNOWLEDGE: _l("Handling starts by"),
    Clock.RESOLVE: _l("Handled by"),
    Clock.CALLBACK: _l("We ask you about the result by"),
}
# The three rates (三率) and the weighted total, in report order.
RATES: dict[str, LazyString] = {
    "response": _l("Response rate"),
    "resolution": _l("Resolution rate"),
    "satisfaction": _l("Satisfaction rate"),
    "total": _l("Total score"),
}


def term(table: Mapping[Any, LazyString], key: object) -> str:
    """The label of ``key`` in ``table``, in the current locale; a key without one stands for itself."""
    label = table.get(key)
    return str(label) if label is not None else str(key)


def lazy_term(table: Mapping[Any, LazyString], key: object) -> LazyString:
    """``term`` when shown, not when defined (for form choices declared at import)."""
    return LazyString(term, table, key)


def resident_state(state: State) -> str:
    """A state in the resident's words; a state the shared lifecycle lacks shows its workflow label."""
    label = RESIDENT_STATES.get(state.name)
    return str(label) if label is not None else label_name(state.label)


def label_name(label: Label) -> str:
    """A workflow's title or a state's or category's label in the current locale.

    A name a district added carries its own Chinese (the shipped catalogues cannot know it).
    """
    locale = get_locale()
    if label.zh and locale is not None and locale.language == "zh":
        return label.zh
    return gettext(label.text)


# What every template can use: ``term(post_kinds, post.kind)``, ``label_name(spec.title)``.
def zone_name(zone: str) -> str:
    """A time zone in words (北京时间), not its code; one without a name here as its offset (UTC+08:00)."""
    named = TIME_ZONES.get(zone)
    if named is not None:
        return str(named)
    offset = datetime.now(ZoneInfo(zone)).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


TEMPLATE_GLOBALS: dict[str, object] = {
    "term": term,
    "label_name": label_name,
    "staff_roles": STAFF_ROLES,
    "zone_name": zone_name,
    "resident_state": resident_state,
    "resident_states": RESIDENT_STATES,
    "resident_deadlines": RESIDENT_DEADLINES,
    "post_kinds": POST_KINDS,
    "unit_kinds": UNIT_KINDS,
    "channels": CHANNELS,
    "resident_channels": RESIDENT_CHANNELS,
    "notice_events": NOTICE_EVENTS,
    "resident_recipient": RESIDENT_RECIPIENT,
    "RESIDENT": RESIDENT,
    "satisfaction_labels": SATISFACTION,
    "callback_means": CALLBACK_MEANS,
    "flag_labels": FLAGS,
    "action_titles": ACTION_TITLES,
    "history_actions": HISTORY_ACTIONS,
    "rate_labels": RATES,
    "mediation_labels": MEDIATION,
    "max_text": MAX_TEXT,  # the longest text a form takes, for forms written out without WTForms
}
