"""The holidays and make-up workdays in sight, with their sources, and the years still waiting for their notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ticketing.domain.holidays import Coverage, SpecialDay, special_days, years_in_sight, years_without_notice
from ticketing.read.source import Source


@dataclass(frozen=True, slots=True)
class HolidayYear:
    year: int
    coverage: Coverage
    days: list[SpecialDay]


@dataclass(frozen=True, slots=True)
class HolidaysView:
    """This year and the next in the district's time zone; ``missing_notice``: years to warn about."""

    today: date
    years: list[HolidayYear]
    missing_notice: list[int]


def holidays_view(source: Source, now: datetime) -> HolidaysView:
    """Every holiday, make-up workday and overridden day of this year and the next, as deadlines count them."""
    today = local_today(source, now)
    with source.engine.connect() as conn:
        table = source.worlds.holiday_table(conn)
    years = [HolidayYear(year, table.coverage(year), special_days(table, year)) for year in years_in_sight(today)]
    return HolidaysView(today, years, years_without_notice(table, today))


def missing_notice(source: Source, now: datetime) -> list[int]:
    """The years the next weeks reach without their State Council notice (the libraries alone decide: no query)."""
    return years_without_notice(source.worlds.national, local_today(source, now))


def local_today(source: Source, now: datetime) -> date:
    return now.astimezone(source.worlds.tz).date()
