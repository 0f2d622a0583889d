"""Holidays in sight: which days are what and from which source, the notice warning, overrides' bounds (no I/O)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ticketing.domain.calendar import STANDARD_HOURS, DayKind, WeekdayHolidays, WorkingCalendar
from ticketing.domain.errors import Conflict, InvalidInput, NotFound
from ticketing.domain.field_rules import MAX_REASON
from ticketing.domain.holidays import (
    Coverage,
    DaySource,
    OverriddenHolidays,
    Override,
    SpecialDay,
    new_override,
    parse_day,
    removed_override,
    special_days,
    years_without_notice,
)
from ticketing.domain.workflow import Duration

SHANGHAI = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 12, 5, 1, tzinfo=UTC)
TODAY = date(2026, 12, 5)
WORKDAY, RESTDAY, HOLIDAY = DayKind.WORKDAY, DayKind.RESTDAY, DayKind.HOLIDAY


class Libraries:
    """A national table like the real one: 2026's notice is known (its National Day week), 2027 has only
    New Year's Day, 2028 nothing; ``file`` is the district's overrides file."""

    def __init__(self, file: dict[date, DayKind] | None = None) -> None:
        self.file = file or {}
        self.breaks = {date(2026, 10, n): HOLIDAY for n in range(1, 8)} | {
            date(2026, 10, 10): WORKDAY,  # make-up Saturday
            date(2027, 1, 1): HOLIDAY,
        }

    def day_kind(self, day: date) -> DayKind:
        return self.file.get(day) or self.breaks.get(day) or WeekdayHolidays().day_kind(day)

    def day_source(self, day: date) -> DaySource:
        return DaySource.FILE if day in self.file else DaySource.LIBRARY

    def coverage(self, year: int) -> Coverage:
        return {2026: Coverage.NOTICE, 2027: Coverage.STATUTORY}.get(year, Coverage.NONE)


def _override(day: date, kind: DayKind, reason: str = "国办发明电") -> Override:
    return Override(day, kind, reason, "S0001", AT)


def test_the_list_shows_holidays_and_make_up_workdays_from_the_library_and_nothing_ordinary() -> None:
    days = special_days(OverriddenHolidays(Libraries()), 2026)

    assert [d.day for d in days] == [date(2026, 10, n) for n in (1, 2, 3, 4, 5, 6, 7, 10)]
    assert {d.source for d in days} == {DaySource.LIBRARY}
    assert [d.day for d in days if d.make_up] == [date(2026, 10, 10)]
    assert not SpecialDay(date(2026, 10, 9), WORKDAY, DaySource.LIBRARY).make_up  # a Friday is no make-up day


def test_an_override_wins_over_the_file_and_the_library_and_shows_its_reason() -> None:
    file = {date(2027, 2, 6): WORKDAY, date(2027, 3, 1): WORKDAY}  # the file also says what is usual anyway
    table = OverriddenHolidays(Libraries(file), [_override(date(2027, 2, 6), HOLIDAY, "区里决定")])

    days = special_days(table, 2027)

    assert days == [
        SpecialDay(date(2027, 1, 1), HOLIDAY, DaySource.LIBRARY),
        SpecialDay(date(2027, 2, 6), HOLIDAY, DaySource.OVERRIDE, "区里决定"),
        SpecialDay(date(2027, 3, 1), WORKDAY, DaySource.FILE),
    ]
    assert table.day_kind(date(2027, 2, 6)) is HOLIDAY


def test_a_make_up_workday_override_moves_a_deadline_counted_in_days() -> None:
    friday = datetime(2027, 2, 5, 15, tzinfo=SHANGHAI)
    plain = WorkingCalendar(STANDARD_HOURS, OverriddenHolidays(Libraries()), SHANGHAI)
    made_up = OverriddenHolidays(Libraries(), [_override(date(2027, 2, 6), WORKDAY)])
    with_override = WorkingCalendar(STANDARD_HOURS, made_up, SHANGHAI)

    assert plain.add(friday, Duration.parse("1d")) == datetime(2027, 2, 8, 17, 30, tzinfo=SHANGHAI)
    assert with_override.add(friday, Duration.parse("1d")) == datetime(2027, 2, 6, 17, 30, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("today", "missing"),
    [
        (date(2026, 11, 1), []),  # 60 days end on 31 December
        (date(2026, 11, 2), [2027]),  # the 60th day is New Year's Day 2027: no notice for it
        (TODAY, [2027]),
        (date(2027, 11, 5), [2027, 2028]),  # neither 2027's nor 2028's notice
        (date(2026, 3, 1), []),
    ],
)
def test_the_warning_names_each_year_the_next_60_days_reach_without_a_notice(today: date, missing: list[int]) -> None:
    assert years_without_notice(Libraries(), today) == missing


def test_an_override_is_made_for_this_year_or_next_with_its_reason_stripped() -> None:
    made = new_override(date(2027, 2, 6), "workday", "  国办发明电〔2026〕X号 ", TODAY, {}, "S0001", AT)

    assert made == Override(date(2027, 2, 6), WORKDAY, "国办发明电〔2026〕X号", "S0001", AT)
    assert new_override(date(2026, 1, 1), "holiday", "补录", TODAY, {}, None, AT).kind is HOLIDAY


@pytest.mark.parametrize(
    ("day", "kind", "reason", "says"),
    [
        (date(2025, 12, 31), "holiday", "x", "overrides are for this year and the next"),
        (date(2028, 1, 1), "holiday", "x", "overrides are for this year and the next"),
        (date(9999, 12, 31), "holiday", "x", "overrides are for this year and the next"),
        (date(2027, 2, 6), "restday", "x", "use holiday or workday"),
        (date(2027, 2, 6), "Holiday", "x", "use holiday or workday"),
        (date(2027, 2, 6), "workday", "   ", "give the reason"),
        (date(2027, 2, 6), "workday", "x" * (MAX_REASON + 1), f"at most {MAX_REASON} characters"),
        (date(2027, 2, 6), "workday", "a\x00b", "control characters"),
    ],
)
def test_an_override_out_of_bounds_is_refused_with_what_is_allowed(
    day: date, kind: str, reason: str, says: str
) -> None:
    with pytest.raises(InvalidInput, match=says):
        new_override(day, kind, reason, TODAY, {}, "S0001", AT)


def test_a_second_override_on_a_date_is_refused_naming_the_first() -> None:
    first = _override(date(2027, 2, 6), WORKDAY, "国办发明电")
    says = re.escape("already an override on 2027-02-06 (workday: 国办发明电); remove it first")
    with pytest.raises(Conflict, match=says):
        new_override(date(2027, 2, 6), "holiday", "x", TODAY, {first.day: first}, "S0001", AT)


def test_removing_an_override_that_does_not_exist_is_refused() -> None:
    first = _override(date(2027, 2, 6), WORKDAY)
    assert removed_override(date(2027, 2, 6), {first.day: first}) == first
    with pytest.raises(NotFound, match="no override on 2027-02-07"):
        removed_override(date(2027, 2, 7), {first.day: first})


@pytest.mark.parametrize("text", ["2027-02-30", "2027-2-6", "tomorrow", "", "2027-02-06" + "9" * 500, "２０２７-02-06"])
def test_a_date_that_is_not_yyyy_mm_dd_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="write it as YYYY-MM-DD"):
        parse_day(text)
    assert parse_day("2027-02-06") == date(2027, 2, 6)


def test_a_day_of_a_year_with_no_data_is_a_plain_weekday() -> None:
    table = OverriddenHolidays(Libraries())
    assert special_days(table, 2028) == []
    assert table.coverage(2028) is Coverage.NONE
    assert [table.day_kind(date(2028, 1, 3) + timedelta(days=n)) for n in range(7)] == [WORKDAY] * 5 + [RESTDAY] * 2
