"""Dates and times as every page writes them: ``2026-12-05 14:30`` and ``2026-12-05``, in any language.

Notices, exports and the command line write them the same way, so a time
copied from one into another reads the same; the clock is the district's.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import to_user_timezone


def local_time(moment: datetime | None) -> str:
    """A moment in the district's time zone, ``2026-12-05 14:30``; ``—`` for none.

    A stored time at the very edge of the calendar (year 1 or 9999) may not
    move into the zone: it is shown in UTC rather than failing the page.
    """
    if not moment:
        return "—"
    try:
        return f"{to_user_timezone(moment):%Y-%m-%d %H:%M}"
    except OverflowError:
        return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def local_date(day: date | None) -> str:
    """A calendar day, ``2026-12-05``; ``—`` for none."""
    return day.isoformat() if day else "—"
