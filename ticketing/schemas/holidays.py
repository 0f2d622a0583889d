"""Holidays and make-up workdays as the staff API lists them, and the overrides admins add and remove."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field

from ticketing.domain import holidays
from ticketing.domain.calendar import DayKind
from ticketing.domain.field_rules import REASON
from ticketing.domain.holidays import OVERRIDE_KINDS, Coverage, DaySource
from ticketing.read import holidays as read
from ticketing.schemas.base import Answer, Request, Time, local_time
from ticketing.schemas.fields import Day, choice, text

OverrideKind = Annotated[str, choice([kind.value for kind in OVERRIDE_KINDS])]
Reason = Annotated[str, text(REASON)]


class NoParameters(Request):
    """The list takes no parameters: it is always this year and the next."""


class NewOverride(Request):
    day: Day = Field(description="The date, YYYY-MM-DD, this year or next in the district's time zone.")
    kind: OverrideKind = Field(description="What the date becomes: `holiday`, or `workday` (a make-up workday).")
    reason: Reason = Field(description="Why, e.g. the State Council notice it comes from.")


class HolidayDay(Answer):
    day: date
    kind: DayKind
    make_up: bool = Field(description="A Saturday or Sunday worked to join a holiday break (调休上班).")
    source: DaySource = Field(
        description="A holiday `library`, a State Council `notice` shipped with the service, the district's "
        "overrides `file`, or an admin's `override`."
    )
    reason: str = Field(description="The override's reason; empty for the other sources.")

    @classmethod
    def of(cls, found: holidays.SpecialDay) -> HolidayDay:
        return cls(day=found.day, kind=found.kind, make_up=found.make_up, source=found.source, reason=found.reason)


class HolidayYear(Answer):
    year: int
    coverage: Coverage = Field(
        description="`notice`: the State Council notice is loaded; `statutory`: the statutory holidays only, "
        "make-up workdays unknown; `none`: Monday to Friday are workdays."
    )
    days: list[HolidayDay]


class Holidays(Answer):
    today: date = Field(description="Today in the district's time zone.")
    years: list[HolidayYear] = Field(description="This year and the next.")
    missing_notice: list[int] = Field(
        description="Years the next 60 days reach with no State Council notice loaded: add their make-up "
        "workdays as overrides."
    )

    @classmethod
    def of(cls, view: read.HolidaysView) -> Holidays:
        years = [
            HolidayYear(year=y.year, coverage=y.coverage, days=[HolidayDay.of(d) for d in y.days]) for y in view.years
        ]
        return cls(today=view.today, years=years, missing_notice=view.missing_notice)


class HolidayOverride(Answer):
    day: date
    kind: DayKind
    reason: str
    by: str | None = Field(description="The admin's staff id; null when given at the command line.")
    at: Time | None

    @classmethod
    def of(cls, found: holidays.Override, tz: ZoneInfo) -> HolidayOverride:
        return cls(day=found.day, kind=found.kind, reason=found.reason, by=found.by, at=local_time(found.at, tz))
