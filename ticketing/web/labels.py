"""Domain terms, each once as a (Chinese, English) pair, and the functions that pick the reader's half.

Like the workflow files' ``zh``/``en`` labels, these are not in the message
catalogues: pages show the reader's half, exports can head their columns with
either.  The Chinese post and unit names are ``ticketing.orgdata``'s (the CLI
and the roster reader use them too).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import LazyString, get_locale

from ticketing.domain.guards import Satisfaction
from ticketing.domain.org import PostKind, UnitKind
from ticketing.domain.ticket import RESIDENT, Channel, Event, ResidentChannel
from ticketing.orgdata import POST_LABELS_ZH, UNIT_LABELS_ZH

Pair = tuple[str, str]  # (zh, en)

_POSTS_EN: dict[PostKind, str] = {
    PostKind.STREET_COMMITTEE: "Street party committee",
    PostKind.COMMUNITY_PARTY: "Community party organisation",
    PostKind.COMMUNITY_POLICE: "Community police",
    PostKind.INTAKE: "Service centre intake",
    PostKind.GRID_LEADER: "Grid leader",
    PostKind.BUILDING_LEADER: "Building leader",
    PostKind.STREET_LEADER: "Street leader",
    PostKind.SHOP_LEADER: "Shop leader",
}
_UNITS_EN: dict[UnitKind, str] = {
    UnitKind.DISTRICT: "District",
    UnitKind.STREET: "Street",
    UnitKind.COMMUNITY: "Community",
    UnitKind.GRID: "Grid",
    UnitKind.BUILDING: "Building",
    UnitKind.SEGMENT: "Street segment",
    UnitKind.SHOP: "Shop",
}
POST_KINDS: dict[PostKind, Pair] = {kind: (POST_LABELS_ZH[kind], en) for kind, en in _POSTS_EN.items()}
UNIT_KINDS: dict[UnitKind, Pair] = {kind: (UNIT_LABELS_ZH[kind], en) for kind, en in _UNITS_EN.items()}

CHANNELS: dict[Channel, Pair] = {
    Channel.WEB: ("网上", "Online"),
    Channel.PHONE: ("电话", "Phone"),
    Channel.WALK_IN: ("来访", "Walk-in"),
    Channel.API: ("接口", "API"),
}
# How the resident chose to hear of the resolution and the closing (办结通知方式).
RESIDENT_CHANNELS: dict[ResidentChannel, Pair] = {
    ResidentChannel.SMS: ("短信", "SMS"),
    ResidentChannel.EMAIL: ("电子邮件", "E-mail"),
    ResidentChannel.NONE: ("不通知，仅电话回访", "No message, only the phone callback"),
}
SATISFACTION: dict[Satisfaction, Pair] = {
    Satisfaction.SATISFIED: ("满意", "Satisfied"),
    Satisfaction.BASICALLY_SATISFIED: ("基本满意", "Basically satisfied"),
    Satisfaction.UNSATISFIED: ("不满意", "Unsatisfied"),
}
# What a supervisor's board marks on a ticket.
FLAGS: dict[str, Pair] = {
    "overdue": ("超期", "Overdue"),
    "escalated": ("已升级", "Escalated"),
    "review": ("回访超期", "Callback overdue"),
    "ack_late": ("签收超时", "Acknowledged late"),
    "urged": ("已催办", "Supervisor reminder sent"),
    "warned": ("通报", "Written warning"),
}
# The actions a staff member takes, as buttons name them.
ACTION_TITLES: dict[str, Pair] = {
    "acknowledge": ("签收", "Acknowledge"),
    "note": ("添加备注", "Add a note"),
    "transfer": ("转办", "Transfer"),
    "pause": ("挂起：等待居民", "Pause: waiting for the resident"),
    "resume": ("恢复办理", "Resume"),
    "resolve": ("办结", "Resolve"),
    "refer": ("转介主管部门", "Refer to the competent body"),
    "callback": ("登记回访", "Record the callback"),
    "return_to_resident": ("退回居民", "Return to the resident"),
    "extend": ("延期", "Extend the deadline"),
}
# What happened to a ticket, as its history names it.
HISTORY_ACTIONS: dict[str, Pair] = {
    "open": ("已受理", "Opened"),
    "acknowledge": ("已签收", "Acknowledged"),
    "note": ("备注", "Note"),
    "transfer": ("已转办", "Transferred"),
    "pause": ("已挂起", "Paused"),
    "resume": ("已恢复办理", "Resumed"),
    "resolve": ("已办结", "Resolved"),
    "refer": ("已转介", "Referred"),
    "callback": ("回访", "Callback"),
    "return_to_resident": ("已退回居民", "Returned to the resident"),
    "extend": ("已延期", "Deadline extended"),
    "escalate": FLAGS["escalated"],
    "handover": ("A/B岗交接", "Handed over"),
    "both_absent": ("A、B岗均不在岗", "Both holders away"),
    "overdue": FLAGS["overdue"],
    "callback_overdue": FLAGS["review"],
    "resident_feedback": ("居民评价", "Resident's feedback"),
    "remind": ("时限提醒", "Deadline reminder"),
    "urge": ("督办催办", "Supervisor reminder"),
    "warn": FLAGS["warned"],
}
# What a notice told its recipient, and who the resident is among recipients (the outbox page).
NOTICE_EVENTS: dict[Event, Pair] = {
    Event.ASSIGNED: ("工单派发", "Assigned"),
    Event.HANDED_OVER: HISTORY_ACTIONS["handover"],
    Event.ESCALATED: FLAGS["escalated"],
    Event.OVERDUE: FLAGS["overdue"],
    Event.RESOLVED: ("待回访", "Resolved: call back"),
    Event.REOPENED: ("重新办理", "Reopened"),
    Event.CALLBACK_OVERDUE: FLAGS["review"],
    Event.UNSTAFFED: ("无人在岗", "Nobody on duty"),
    Event.REMINDER: HISTORY_ACTIONS["remind"],
    Event.URGED: HISTORY_ACTIONS["urge"],
    Event.WARNED: FLAGS["warned"],
    Event.REQUEST_RESOLVED: ("告知居民：已办结", "Resident told: resolved"),
    Event.REQUEST_CLOSED: ("告知居民：已结束", "Resident told: closed"),
}
RESIDENT_RECIPIENT: Pair = ("居民", "Resident")
# The three rates (三率) and the weighted total, in report order.
RATES: dict[str, Pair] = {
    "response": ("响应率", "Response rate"),
    "resolution": ("解决率", "Resolution rate"),
    "satisfaction": ("满意率", "Satisfaction rate"),
    "total": ("综合得分", "Total"),
}


def pick(pair: Pair) -> str:
    """The Chinese or the English half of ``pair``, by the current locale."""
    locale = get_locale()
    return pair[0] if locale is not None and locale.language == "zh" else pair[1]


def term(table: Mapping[Any, Pair], key: object) -> str:
    """The label of ``key`` in ``table``, in the current locale; a key without one stands for itself."""
    pair = table.get(key)
    return pick(pair) if pair else str(key)


def lazy_term(table: Mapping[Any, Pair], key: object) -> LazyString:
    """``term`` when shown, not when defined (for form choices declared at import)."""
    return LazyString(term, table, key)


# What every template can use: ``term(post_kinds, post.kind)``, ``pick(pair)``.
TEMPLATE_GLOBALS: dict[str, object] = {
    "pick": pick,
    "term": term,
    "post_kinds": POST_KINDS,
    "unit_kinds": UNIT_KINDS,
    "channels": CHANNELS,
    "resident_channels": RESIDENT_CHANNELS,
    "notice_events": NOTICE_EVENTS,
    "resident_recipient": RESIDENT_RECIPIENT,
    "RESIDENT": RESIDENT,
    "satisfaction_labels": SATISFACTION,
    "flag_labels": FLAGS,
    "action_titles": ACTION_TITLES,
    "history_actions": HISTORY_ACTIONS,
    "rate_labels": RATES,
}
