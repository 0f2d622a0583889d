"""Holidays in sight: which days are holidays or make-up workdays (调休), from which source, and what is missing.

Sources of a day's kind, the later winning:

- ``library``: a holiday library, from the State Council notice it carries (or,
  for the year after its last notice, the statutory holidays alone);
- ``notice``: a State Council notice shipped with this code, for a year no
  library carries yet;
- ``file``: the district's overrides file (``TICKETING_HOLIDAY_OVERRIDES``);
- ``override``: an admin's override, kept in the database.

A year is *covered* once its State Council notice is loaded, since only the
notice says which weekend days are make-up workdays. Deadlines in a year
without one count the statutory holidays (or only Monday to Friday) and no
make-up workday, so admins are warned as soon as the next 60 days reach it.

An admin's override is one date this year or next (in the district's time
zone), made a holiday or a make-up workday, with a reason; one per date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from ticketing.domain.calendar import DayKind
from ticketing.domain.errors import Conflict, InvalidInput, NotFound
from ticketing.domain.field_rules import MAX_REASON
from ticketing.domain.rules import refuse_control

NOTICE_HORIZON_DAYS = 60
"""Warn when this many days ahead reach a year without its State Council notice."""
OVERRIDE_KINDS = (DayKind.HOLIDAY, DayKind.WORKDAY)
"""What an admin's override makes of a date: a holiday, or a (make-up) workday."""


class DaySource(StrEnum):
    LIBRARY = "library"
    NOTICE = "notice"
    FILE = "file"
    OVERRIDE = "override"


class Coverage(StrEnum):
    """How much of a year's national calendar is known."""

    NOTICE = "notice"  # the State Council notice: holidays and make-up workdays
    STATUTORY = "statutory"  # the statutory holidays only: make-up workdays unknown
    NONE = "none"  # nothing: Monday to Friday are workdays


class NationalHolidays(Protocol):
    """A holiday table that also says where each day's kind comes from and how much of a year it knows."""

    def day_kind(self, day: date) -> DayKind: ...

    def day_source(self, day: date) -> DaySource: ...

    def coverage(self, year: int) -> Coverage: ...


@dataclass(frozen=True, slots=True)
class Override:
    """An admin's word on one date; ``by`` is None when given at the command line."""

    day: date
    kind: DayKind
    reason: str
    by: str | None = None
    at: datetime | None = None


class OverriddenHolidays:
    """The national table with the admins' overrides on top: the ``HolidayTable`` deadlines count on."""

    def __init__(self, national: NationalHolidays, overrides: Iterable[Override] = ()) -> None:
        self.national = national
        self.overrides = {override.day: override for override in overrides}

    def day_kind(self, day: date) -> DayKind:
        override = self.overrides.get(day)
        return override.kind if override else self.national.day_kind(day)

    def day_source(self, day: date) -> DaySource:
        return DaySource.OVERRIDE if day in self.overrides else self.national.day_source(day)

    def coverage(self, year: int) -> Coverage:
        return self.national.coverage(year)


@dataclass(frozen=True, slots=True)
class SpecialDay:
    """A day that is not what its weekday says, or that someone overrode."""

    day: date
    kind: DayKind
    source: DaySource
    reason: str = ""

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def make_up(self) -> bool:
        """A make-up workday (调休上班): a Saturday or Sunday worked to join a holiday break."""
        return self.kind is DayKind.WORKDAY and self.weekend


def special_days(table: OverriddenHolidays, year: int) -> list[SpecialDay]:
    """Every holiday, make-up workday and weekday off of ``year``, and every overridden day, in date order."""
    found = []
    day = date(year, 1, 1)
    while day.year == year:
        kind, source = table.day_kind(day), table.day_source(day)
        usual = DayKind.RESTDAY if day.weekday() >= 5 else DayKind.WORKDAY
        if kind is not usual or source in (DaySource.FILE, DaySource.OVERRIDE):
            override = table.overrides.get(day)
            found.append(SpecialDay(day, kind, source, override.reason if override else ""))
        day += timedelta(days=1)
    return found


def years_in_sight(today: date) -> tuple[int, int]:
    """The years the holidays page shows and overrides may fall in: this one and the next."""
    return today.year, today.year + 1


def years_without_notice(table: NationalHolidays, today: date, horizon: int = NOTICE_HORIZON_DAYS) -> list[int]:
    """The years the next ``horizon`` days reach whose State Council notice is not loaded."""
    last = today + timedelta(days=horizon)
    return [year for year in range(today.year, last.year + 1) if table.coverage(year) is not Coverage.NOTICE]


def parse_day(text: str) -> date:
    """A date written ``YYYY-MM-DD`` (as a path or a form gives it), or the reason it is not one."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise InvalidInput("%(text)r is not a date; write it as YYYY-MM-DD, e.g. 2027-02-06", text=text[:20])


def new_override(
    day: date, kind: str, reason: str, today: date, existing: Mapping[date, Override], by: str | None, at: datetime
) -> Override:
    """The override an admin asks for, or the reason it is refused (wrong kind, date out of sight, one already)."""
    if kind not in OVERRIDE_KINDS:
        raise InvalidInput(
            "holiday override: %(kind)r is not a kind of day an override sets; use holiday or workday "
            "(a make-up workday)",
            kind=kind,
        )
    first, last = years_in_sight(today)
    if not first <= day.year <= last:
        raise InvalidInput(
            "holiday override: %(day)s is outside %(first)s and %(last)s; overrides are for this year and the next",
            day=day.isoformat(),
            first=first,
            last=last,
        )
    text = _reason(reason)
    if day in existing:
        raise Conflict(
            "there is already an override on %(day)s (%(kind)s: %(reason)s); remove it first to change it",
            day=day.isoformat(),
            kind=existing[day].kind.value,
            reason=existing[day].reason,
        )
    return Override(day, DayKind(kind), text, by, at)


def removed_override(day: date, existing: Mapping[date, Override]) -> Override:
    """The override on ``day`` to remove; NotFound if there is none (file overrides are changed in their file)."""
    if day not in existing:
        raise NotFound(
            "there is no override on %(day)s to remove; the list of holidays shows which days have one",
            day=day.isoformat(),
        )
    return existing[day]


def _reason(reason: str) -> str:
    text = refuse_control("reason", reason).strip()
    if not text:
        raise InvalidInput("holiday override: give the reason (e.g. the State Council notice it comes from)")
    if len(text) > MAX_REASON:
        raise InvalidInput("holiday override: the reason may be at most %(max)s characters", max=MAX_REASON)
    return text
