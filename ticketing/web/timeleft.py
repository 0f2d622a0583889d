"""Time left on a deadline as a grid worker says it: working days and hours, labelled as working time.

Queues and the overdue board read the same ``Deadline`` (``ticketing.read.queues``): the time is working
time on the calendar the deadline runs on, and "a working day" is that calendar's workday (7 h 30 min on
office hours, 12 h on the volunteers' daytime hours), so "1 working day 1 h" is what is really left.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from ticketing.read.queues import Deadline


def working_span(seconds: float, day_seconds: float = 0.0) -> str:
    """``1 working day 1 h``, ``6 h 30 min``, ``6 h``, ``20 min`` (whole minutes, rounded down)."""
    minutes_in_all = int(seconds // 60)
    day_minutes = int(day_seconds // 60)
    days, rest = divmod(minutes_in_all, day_minutes) if day_minutes else (0, minutes_in_all)
    hours, minutes = divmod(rest, 60)
    if days:
        text = ngettext("%(num)d working day", "%(num)d working days", days)
        return _("%(days)s %(hours)s", days=text, hours=_("%(hours)d h", hours=hours)) if hours else text
    if hours and minutes:
        return _("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes)
    if hours:
        return _("%(hours)d h", hours=hours)
    return _("%(minutes)d min", minutes=minutes)


def time_left(deadline: Deadline) -> str:
    """``6 h 30 min left (working time)`` / ``overdue by 2 h (working time)`` / a stopped clock / ``—``."""
    if deadline.working_seconds is None:
        if deadline.kept_seconds is not None:
            kept = working_span(deadline.kept_seconds, deadline.day_seconds)
            return _("Clock stopped; %(time)s working time kept", time=kept)
        return "—"
    span = working_span(deadline.working_seconds, deadline.day_seconds)
    if deadline.overdue:
        return _("overdue by %(time)s (working time)", time=span)
    return _("%(time)s left (working time)", time=span)
