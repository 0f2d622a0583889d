"""Absences (请假、出差) are bounded in time, and may be ended early or cancelled.

Bounds keep every stored absence a real, readable period: leave is recorded up
to a month after it began (sick leave is often entered on return), planned at
most a year ahead, and lasts at most a year. The same rule serves the web
pages, the staff API and the command line, and it is checked before anything
is written.

Who may change an absence: the absent staff member, or an admin. The operator
at the command line (no actor) may change any.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, tzinfo

from ticketing.domain.errors import Conflict, InvalidInput, NotAllowed
from ticketing.domain.field_rules import MAX_REASON
from ticketing.domain.org import Absence, Organisation, Role
from ticketing.domain.rules import refuse_control

MAX_DAYS_BACK = 31
"""An absence may start at most this many days before it is recorded."""
MAX_DAYS_AHEAD = 366
"""An absence may start at most this many days after it is recorded."""
MAX_LENGTH_DAYS = 366
"""An absence lasts at most this many days."""


def check_reason(reason: str) -> str:
    """The reason, stripped; refused if blank, too long or holding control characters."""
    text = refuse_control("reason", reason).strip()
    if not text:
        raise InvalidInput("absence: give the reason (leave, business trip, meeting…)")
    if len(text) > MAX_REASON:
        raise InvalidInput("absence: the reason may be at most %(max)s characters", max=MAX_REASON)
    return text


def shown(moment: datetime, tz: tzinfo) -> str:
    """A moment as the district reads it (``2026-03-02 11:00``), in refusals; one beyond the calendar as given."""
    try:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    except OverflowError:
        return moment.isoformat()


def check_period(starts_at: datetime, ends_at: datetime, now: datetime, tz: tzinfo) -> None:
    """Refuse a period that is backwards, too long, or starts too far in the past or the future."""
    if ends_at <= starts_at:
        raise InvalidInput(
            "absence: the end (%(end)s) must be after the start (%(start)s)",
            end=shown(ends_at, tz),
            start=shown(starts_at, tz),
        )
    if starts_at < now - timedelta(days=MAX_DAYS_BACK):
        raise InvalidInput(
            "absence: the start (%(start)s) is more than %(days)s days ago; "
            "an absence may start at most %(days)s days back",
            start=shown(starts_at, tz),
            days=MAX_DAYS_BACK,
        )
    if starts_at > now + timedelta(days=MAX_DAYS_AHEAD):
        raise InvalidInput(
            "absence: the start (%(start)s) is more than %(days)s days ahead; "
            "an absence may be recorded at most %(days)s days in advance",
            start=shown(starts_at, tz),
            days=MAX_DAYS_AHEAD,
        )
    if ends_at - starts_at > timedelta(days=MAX_LENGTH_DAYS):
        raise InvalidInput(
            "absence: from %(start)s to %(end)s is longer than %(days)s days; "
            "record a longer leave as several absences",
            start=shown(starts_at, tz),
            end=shown(ends_at, tz),
            days=MAX_LENGTH_DAYS,
        )


def check_actor(org: Organisation, absence: Absence, actor_id: str | None) -> None:
    """Staff change their own absences, admins anyone's; ``None`` is the operator at the command line."""
    if actor_id is None or actor_id == absence.staff_id:
        return
    actor = org.staff.get(actor_id)
    if actor is None or actor.role is not Role.ADMIN:
        raise NotAllowed("staff end or cancel their own absences; admins anyone's")


def end_early(absence: Absence, now: datetime, tz: tzinfo) -> Absence:
    """The holder is back before the planned end: the absence ends now."""
    _still_open(absence, now, tz)
    if now < absence.starts_at:
        raise Conflict(
            "absence %(id)s has not started yet (it starts %(start)s); cancel it instead",
            id=absence.id,
            start=shown(absence.starts_at, tz),
        )
    return replace(absence, ends_at=now)


def cancel(absence: Absence, now: datetime, tz: tzinfo) -> Absence:
    """The absence will not happen, or was entered by mistake: it no longer counts at all."""
    _still_open(absence, now, tz)
    return replace(absence, cancelled_at=now)


def _still_open(absence: Absence, now: datetime, tz: tzinfo) -> None:
    if absence.cancelled_at is not None:
        raise Conflict("absence %(id)s is already cancelled", id=absence.id)
    if absence.ends_at <= now:
        raise Conflict(
            "absence %(id)s is already over (it ended %(end)s); only current and coming absences can change",
            id=absence.id,
            end=shown(absence.ends_at, tz),
        )
