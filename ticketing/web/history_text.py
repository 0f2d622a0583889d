"""A history line in the reader's language, told from the codes it keeps (``HistoryEntry.details``).

Lines are stored as codes, ids and numbers, with only a person's own words as
text, so the same line reads in Chinese to one reader and in English to
another, old lines included.  People and posts are named (王伟, 楼长 · 阳光小区1号楼),
never shown as ids; a line of no known shape (an old one the upgrade could not
read) shows its text as it was stored.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from flask_babel import LazyString, format_datetime, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ticketing.domain.org import Organisation
from ticketing.domain.ticket import Detail, HistoryAction, HistoryEntry
from ticketing.domain.workflow import Clock, Duration, DurationUnit
from ticketing.web.labels import CALLBACK_MEANS, CHANNELS, MEDIATION, POST_KINDS, SATISFACTION, term
from ticketing.web.volunteer_labels import CLAIM_STATUSES, CLAIMANT_KINDS

# Which deadline a reminder or an extension is about.
CLOCKS = {
    Clock.ACKNOWLEDGE: _l("Acknowledgement"),
    Clock.RESOLVE: _l("Handling"),
    Clock.CALLBACK: _l("Callback"),
}


class Names:
    """People and posts by name, from the organisation the page was read in."""

    def __init__(self, org: Organisation) -> None:
        self.org = org

    def person(self, staff_id: Detail) -> str:
        """A staff member's name; one the registry no longer knows keeps the id they were recorded with."""
        member = self.org.staff.get(str(staff_id)) if staff_id else None
        return member.name if member else str(staff_id or "—")

    def people(self, ids: Detail) -> str:
        """Comma-separated ids as names: 王伟、李娜."""
        found = [self.person(one) for one in str(ids or "").split(",") if one]
        if not found:
            return "—"
        return functools.reduce(lambda first, then: _("%(first)s, %(next)s", first=first, next=then), found)

    def post(self, post_id: Detail) -> str:
        """``楼长 · 阳光小区1号楼``: the post's kind and unit."""
        post = self.org.posts.get(str(post_id)) if post_id else None
        if post is None:
            return str(post_id or "—")
        unit = self.org.units.get(post.unit_id)
        kind = term(POST_KINDS, post.kind)
        return f"{kind} · {unit.name}" if unit else kind

    def moment(self, value: Detail) -> str:
        """An ISO moment in the reader's zone and language; an old line's local time as it was written."""
        try:
            return format_datetime(datetime.fromisoformat(str(value)), "short")
        except (ValueError, OverflowError):
            return str(value or "—")


def history_line(entry: HistoryEntry, org: Organisation) -> str:
    """``history_text`` with names from ``org`` (the template global)."""
    return history_text(entry, Names(org))


def history_text(entry: HistoryEntry, names: Names) -> str:
    """What the line says beyond its action: its sentence from the details, then the words a person wrote."""
    sentence = _sentence(entry, names)
    words = entry.reason
    if entry.action is HistoryAction.HANDOVER and entry.details.get("cause") == "away":
        words = ""  # the absence's reason is inside the sentence
    if sentence and words:
        return _("%(what)s: %(words)s", what=sentence, words=words)
    return sentence or words


def _sentence(entry: HistoryEntry, names: Names) -> str:
    render = SENTENCES.get(entry.action)
    return render(entry.details, entry, names) if render is not None and entry.details else ""


def _open(d: Mapping[str, Detail], entry: HistoryEntry, names: Names) -> str:
    channel = _code(CHANNELS, d.get("channel"))
    if d.get("registrar"):
        said = _("Channel: %(channel)s; registered by %(person)s", channel=channel, person=names.person(d["registrar"]))
    else:
        said = _("Channel: %(channel)s", channel=channel)
    return _both(said, _cover(d, names))


def _cover(d: Mapping[str, Detail], names: Names) -> str:
    if not d.get("covering"):
        return ""
    return _(
        "%(away)s away, so %(holder)s takes it", away=names.people(d.get("away")), holder=names.person(d["covering"])
    )


def _escalate(d: Mapping[str, Detail], entry: HistoryEntry, names: Names) -> str:
    if d.get("at_top"):
        return _("Already at the top of the chain: the supervisors are told")
    post = names.post(entry.post_id) if entry.post_id in names.org.posts else _code(POST_KINDS, d.get("to_kind"))
    return _both(_("Up the chain to %(post)s", post=post), _cover(d, names))


def _handover(d: Mapping[str, Detail], entry: HistoryEntry, names: Names) -> str:
    cause, old, new = d.get("cause"), names.person(d.get("from")), names.person(d.get("to"))
    if cause == "not_acknowledged":
        return _("%(old)s did not acknowledge in time; passed to %(new)s", old=old, new=new)
    if cause == "away":
        if entry.reason:
            return _("%(old)s is away (%(why)s); %(new)s covers", old=old, why=entry.reason, new=new)
        return _("%(old)s is away; %(new)s covers", old=old, new=new)
    if cause == "back":
        return _("%(new)s is back from absence and takes the ticket back", new=new)
    if cause == "holders_changed":
        post = names.post(d.get("post"))
        if d.get("from"):
            return _("The holders of %(post)s changed; %(old)s hands over to %(new)s", post=post, old=old, new=new)
        return _("The holders of %(post)s changed; %(new)s takes the ticket", post=post, new=new)
    return ""


def _both_absent(d: Mapping[str, Detail], entry: HistoryEntry, names: Names) -> str:
    post = names.post(d.get("post"))
    if d.get("cause") == "holders_changed":
        return _("The holders of %(post)s changed and every new holder is away", post=post)
    return _("Every holder of %(post)s is away", post=post)


def _remind(d: Mapping[str, Detail], entry: HistoryEntry, names: Names) -> str:
    return _(
        "%(clock)s time %(share)s%% used; due %(due)s",
        clock=_code(CLOCKS, d.get("clock")),
        share=d.get("share"),
        due=names.moment(d.get("due")),
    )


def _extend(d: Mapping[str, Detail], entry: HistoryEntry, names: Names) -> str:
    return _(
        "%(clock)s deadline extended by %(by)s",
        clock=_code(CLOCKS, d.get("clock")),
        by=_working_time(d.get("by")),
    )


def _verdict(d: Mapping[str, Detail], entry: HistoryEntry, names: Names) -> str:
    if not d.get("reached"):
        return _("Not reached (attempt %(attempt)s)", attempt=d.get("attempt", "?"))
    parts = [_code(CALLBACK_MEANS, d.get("means"))] if d.get("means") else []
    if d.get("solved") is not None:
        parts.append(_("Problem solved") if d.get("solved") else _("Problem not solved"))
    if d.get("satisfaction"):
        parts.append(_code(SATISFACTION, d.get("satisfaction")))
    return functools.reduce(_both, parts, "")


def _both(first: str, second: str) -> str:
    """Two clauses of one line; either may be empty."""
    return _("%(first)s; %(second)s", first=first, second=second) if first and second else first or second


def _code(table: Mapping[Any, LazyString], code: Detail) -> str:
    """A code's label (the tables' enum keys equal their codes); one this version does not know reads ``—``."""
    label = table.get(code)
    return str(label) if label is not None else "—"


def _working_time(value: Detail) -> str:
    """``2 working days``, ``1 working day 4 working hours``, ``30 working minutes``."""
    try:
        duration = Duration.parse(str(value))
    except ValueError:
        return str(value or "—")
    words = {
        DurationUnit.DAYS: lambda n: ngettext("%(num)d working day", "%(num)d working days", n),
        DurationUnit.HOURS: lambda n: ngettext("%(num)d working hour", "%(num)d working hours", n),
        DurationUnit.MINUTES: lambda n: ngettext("%(num)d working minute", "%(num)d working minutes", n),
    }
    return " ".join(words[unit](amount) for amount, unit in duration.parts) or words[DurationUnit.MINUTES](0)


def _helper(d: Mapping[str, Detail], entry: HistoryEntry, names: Names) -> str:
    """Who helps: a name, what they are, and how many people they send."""
    kind = _code(CLAIMANT_KINDS, d.get("helper_kind"))
    return ngettext(
        "%(helper)s (%(kind)s), %(num)d person",
        "%(helper)s (%(kind)s), %(num)d people",
        int(d.get("people") or 1),
        helper=d.get("helper"),
        kind=kind,
    )


def _help_ended(d: Mapping[str, Detail], entry: HistoryEntry, names: Names) -> str:
    if d.get("status") == "cancelled":
        return _("Need %(item)s cancelled", item=d.get("item"))
    return _both(_helper(d, entry, names), _code(CLAIM_STATUSES, d.get("status")))


Sentence = Callable[[Mapping[str, Detail], HistoryEntry, Names], str]
SENTENCES: dict[HistoryAction, Sentence] = {
    HistoryAction.OPEN: _open,
    HistoryAction.ESCALATE: _escalate,
    HistoryAction.HANDOVER: _handover,
    HistoryAction.BOTH_ABSENT: _both_absent,
    HistoryAction.REMIND: _remind,
    HistoryAction.EXTEND: _extend,
    HistoryAction.CALLBACK: _verdict,
    HistoryAction.RESIDENT_FEEDBACK: _verdict,
    HistoryAction.TRANSFER: lambda d, e, names: _("To %(post)s", post=names.post(d.get("to_post"))),
    HistoryAction.INVITE: lambda d, e, names: names.post(d.get("post")),
    HistoryAction.RELEASE: lambda d, e, names: names.post(d.get("post")),
    HistoryAction.REFER: lambda d, e, names: _("Competent body: %(body)s", body=d.get("body")),
    HistoryAction.HELP_ASKED: lambda d, e, names: _(
        "Need %(item)s on the community's service list", item=d.get("item")
    ),
    HistoryAction.HELP_CLAIMED: _helper,
    HistoryAction.HELP_CONFIRMED: _helper,
    HistoryAction.HELP_ENDED: _help_ended,
    HistoryAction.HELP_RECORDED: lambda d, e, names: ngettext(
        "%(num)d record card entry, %(hours)s person-hours",
        "%(num)d record card entries, %(hours)s person-hours",
        int(d.get("entries") or 0),
        hours=d.get("hours"),
    ),
    HistoryAction.MEDIATE: lambda d, e, names: _code(MEDIATION, d.get("outcome")),
    HistoryAction.URGE: lambda d, e, names: _(
        "Still not acted on since the deadline passed at %(since)s", since=names.moment(d.get("since"))
    ),
    HistoryAction.WARN: lambda d, e, names: _(
        "Still not acted on after the supervisor reminder of %(since)s", since=names.moment(d.get("since"))
    ),
}
