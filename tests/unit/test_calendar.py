"""Working-time deadlines as a grid worker or resident would check them on a wall calendar."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from ticketing.domain.calendar import (
    STANDARD_HOURS,
    DayKind,
    HolidayTable,
    Segment,
    WeekdayHolidays,
    WorkingCalendar,
    WorkingHours,
)
from ticketing.domain.workflow import Duration

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")

# Shenyang's staggered hours: early, lunch and evening slots on weekdays, weekend and holiday duty.
STAGGERED = WorkingHours.parse(
    "staggered",
    {
        "workday": ["07:30-08:30", "11:30-13:00", "16:30-19:00"],
        "restday": ["08:30-16:30"],
        "holiday": ["08:30-16:30"],
    },
)
ROUND_THE_CLOCK = WorkingHours.parse(
    "24h", {"workday": ["00:00-24:00"], "restday": ["00:00-24:00"], "holiday": ["00:00-24:00"]}
)


class TableWithBreaks:
    """Mon–Fri, except for the holidays and make-up workdays it is given."""

    def __init__(self, holidays: set[date], workdays: set[date]) -> None:
        self.holidays = holidays
        self.workdays = workdays

    def day_kind(self, day: date) -> DayKind:
        if day in self.holidays:
            return DayKind.HOLIDAY
        if day in self.workdays:
            return DayKind.WORKDAY
        return WeekdayHolidays().day_kind(day)


# A National Day week like 2026's: Thu 1 – Wed 7 October off, Sunday 20 September and Saturday 10 October worked.
GOLDEN_WEEK = TableWithBreaks(
    holidays={date(2026, 10, day) for day in range(1, 8)},
    workdays={date(2026, 9, 20), date(2026, 10, 10)},
)


class NeverWorks:
    def day_kind(self, day: date) -> DayKind:
        return DayKind.RESTDAY


def local(month: int, day: int, hour: int, minute: int = 0, tz: ZoneInfo = SHANGHAI) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=tz)


def office(holidays: HolidayTable | None = None) -> WorkingCalendar:
    return WorkingCalendar(STANDARD_HOURS, holidays or WeekdayHolidays(), SHANGHAI)


# 2026-03-02 is a Monday, 2026-03-06 a Friday.


def test_parse_merges_overlapping_and_adjacent_segments() -> None:
    hours = WorkingHours.parse(
        "shenyang",
        {"workday": ["16:30-19:00", "07:30-08:30", "08:30-17:30", "11:30-13:00"], "restday": ["08:30-16:30"]},
    )
    assert hours.to_spec() == {"workday": ["07:30-19:00"], "restday": ["08:30-16:30"], "holiday": []}


@pytest.mark.parametrize("hours", [STANDARD_HOURS, STAGGERED, ROUND_THE_CLOCK])
def test_to_spec_is_the_inverse_of_parse(hours: WorkingHours) -> None:
    assert WorkingHours.parse(hours.id, hours.to_spec()) == hours


def test_standard_hours_are_an_office_day_with_a_lunch_break() -> None:
    assert STANDARD_HOURS.to_spec()["workday"] == ["08:30-12:00", "13:30-17:30"]


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ({"workday": ["25:00-26:00"]}, "25:00-26:00"),
        ({"workday": ["08:30-24:30"]}, "08:30-24:30"),
        ({"workday": ["12:00-08:30"]}, "12:00-08:30"),
        ({"workday": ["08:30-08:30"]}, "08:30-08:30"),
        ({"workday": ["8.30-12"]}, "8.30-12"),
        ({"workday": [830]}, "830"),
        ({"restday": ["08:30-16:30"]}, "workday"),
        ({"workday": [], "weekend": ["08:30-16:30"]}, "weekend"),
        ({"workday": "08:30-12:00"}, "workday"),
    ],
)
def test_parse_errors_name_the_bad_text(spec: dict[str, list[str]], named: str) -> None:
    with pytest.raises(ValueError, match=re.escape(named)) as error:
        WorkingHours.parse("grid-7", spec)
    assert "grid-7" in str(error.value)


def test_a_segment_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="end after"):
        Segment(time(17, 0), time(9, 0))


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        (local(3, 2, 11), "2h", local(3, 2, 14, 30)),  # spans the lunch break
        (local(3, 2, 8, 30), "210m", local(3, 2, 12)),  # lands on a segment end: stays there
        (local(3, 2, 11), "1h", local(3, 2, 12)),
        (local(3, 2, 12), "30m", local(3, 2, 14)),  # starts at a segment end
        (local(3, 2, 13, 30), "30m", local(3, 2, 14)),  # starts at a segment start
        (local(3, 2, 6), "30m", local(3, 2, 9)),  # before opening
        (local(3, 2, 20), "30m", local(3, 3, 9)),  # overnight
        (local(3, 6, 17), "1h", local(3, 9, 9)),  # Friday evening to Monday
        (local(3, 7, 10), "30m", local(3, 9, 9)),  # opened on Saturday
        (local(3, 6, 15), "100h", local(3, 25, 17, 30)),  # 2.5 h on Friday, then 13 full days
    ],
)
def test_hours_count_only_office_time(start: datetime, duration: str, due: datetime) -> None:
    assert office().add(start, Duration.parse(duration)) == due


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        (local(3, 2, 8), "1h", local(3, 2, 12)),  # 30 min early slot, 30 min lunch slot
        (local(3, 2, 13), "2h", local(3, 2, 18, 30)),  # the evening slot
        (local(3, 6, 18, 30), "2h", local(3, 7, 10)),  # Friday evening into Saturday duty
        (local(9, 30, 18), "3h", local(10, 1, 10, 30)),  # eve of National Day into holiday duty
    ],
)
def test_staggered_hours_count_early_lunch_evening_and_weekend_slots(
    start: datetime, duration: str, due: datetime
) -> None:
    calendar = WorkingCalendar(STAGGERED, GOLDEN_WEEK, SHANGHAI)
    assert calendar.add(start, Duration.parse(duration)) == due


def test_hours_skip_a_holiday_week_without_holiday_duty() -> None:
    assert office(GOLDEN_WEEK).add(local(9, 30, 17), Duration.parse("1h")) == local(10, 8, 9)


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        (local(3, 6, 15), "1d", local(3, 9, 17, 30)),  # opened Friday: due Monday at close
        (local(3, 4, 10), "3d", local(3, 9, 17, 30)),
        (local(3, 7, 10), "1d", local(3, 9, 17, 30)),  # opened Saturday
        (local(3, 2, 7), "1d", local(3, 3, 17, 30)),  # before opening: still the next workday
        (local(3, 2, 23, 59), "5d", local(3, 9, 17, 30)),
    ],
)
def test_days_end_at_close_of_the_nth_following_workday(start: datetime, duration: str, due: datetime) -> None:
    assert office().add(start, Duration.parse(duration)) == due


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        (local(9, 30, 15), "1d", local(10, 8, 17, 30)),
        (local(9, 30, 15), "2d", local(10, 9, 17, 30)),
        (local(9, 30, 15), "3d", local(10, 10, 17, 30)),  # make-up Saturday is a workday
        (local(9, 30, 15), "4d", local(10, 12, 17, 30)),
        (local(10, 3, 9), "1d", local(10, 8, 17, 30)),  # opened during the holiday
        (local(9, 19, 10), "1d", local(9, 20, 17, 30)),  # make-up Sunday
    ],
)
def test_days_skip_holidays_and_count_make_up_workdays(start: datetime, duration: str, due: datetime) -> None:
    assert office(GOLDEN_WEEK).add(start, Duration.parse(duration)) == due


@pytest.mark.parametrize(
    ("start", "days", "opening"),
    [
        (local(9, 30, 15), 1, local(10, 8, 8, 30)),  # the working day after the National Day break
        (local(9, 30, 15), 3, local(10, 10, 8, 30)),  # make-up Saturday is a workday
        (local(10, 8, 7), 1, local(10, 9, 8, 30)),  # strictly after the start's date, even before opening
    ],
)
def test_the_opening_of_the_nth_working_day(start: datetime, days: int, opening: datetime) -> None:
    assert office(GOLDEN_WEEK).opening_of_workday(start, days) == opening


def test_the_working_morning_of_staggered_hours_ignores_weekend_duty() -> None:
    calendar = WorkingCalendar(STAGGERED, WeekdayHolidays(), SHANGHAI)
    assert calendar.opening_of_workday(local(3, 6, 15), 1) == local(3, 9, 7, 30)


def test_days_ignore_weekend_duty_and_end_after_the_evening_slot() -> None:
    calendar = WorkingCalendar(STAGGERED, WeekdayHolidays(), SHANGHAI)
    assert calendar.add(local(3, 6, 15), Duration.parse("1d")) == local(3, 9, 19)


def test_results_are_in_utc() -> None:
    due = office().add(local(3, 2, 11), Duration.parse("2h"))
    assert due.tzinfo is UTC
    assert (due.hour, due.minute) == (6, 30)


def test_round_the_clock_hours_run_through_midnight() -> None:
    calendar = WorkingCalendar(ROUND_THE_CLOCK, WeekdayHolidays(), SHANGHAI)
    assert calendar.add(local(3, 2, 23), Duration.parse("2h")) == local(3, 3, 1)
    assert calendar.is_working(local(3, 3, 0))


def test_dst_zone_uses_local_office_hours_on_both_sides_of_the_change() -> None:
    # Berlin moves to summer time on Sunday 2026-03-29: 08:30 is 07:30 UTC on Friday, 06:30 UTC on Monday.
    calendar = WorkingCalendar(STANDARD_HOURS, WeekdayHolidays(), BERLIN)
    due = calendar.add(local(3, 27, 17, tz=BERLIN), Duration.parse("1h"))
    assert due == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert due.astimezone(BERLIN).time() == time(9, 0)


def test_dst_day_is_23_working_hours_round_the_clock() -> None:
    calendar = WorkingCalendar(ROUND_THE_CLOCK, WeekdayHolidays(), BERLIN)
    assert calendar.working_seconds(local(3, 29, 0, tz=BERLIN), local(3, 30, 0, tz=BERLIN)) == 23 * 3600
    assert calendar.add(local(3, 28, 12, tz=BERLIN), Duration.parse("24h")) == local(3, 29, 13, tz=BERLIN)
    # Back to winter time on 2026-10-25: a 25-hour day.
    assert calendar.working_seconds(local(10, 25, 0, tz=BERLIN), local(10, 26, 0, tz=BERLIN)) == 25 * 3600


def test_the_calendar_zone_decides_the_day_not_the_zone_of_the_input() -> None:
    # 16:00 Monday in Shanghai is 09:00 Monday in Berlin: half an hour into the Berlin office day.
    calendar = WorkingCalendar(STANDARD_HOURS, WeekdayHolidays(), BERLIN)
    assert calendar.add(local(3, 2, 16), Duration.parse("30m")) == local(3, 2, 9, 30, tz=BERLIN)


NAIVE = datetime(2026, 3, 2, 10, 0)
AWARE = local(3, 2, 10)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.add(NAIVE, Duration.parse("1h")),
        lambda c: c.add(NAIVE, Duration.parse("1d")),
        lambda c: c.add_seconds(NAIVE, 60),
        lambda c: c.working_seconds(NAIVE, AWARE),
        lambda c: c.working_seconds(AWARE, NAIVE),
        lambda c: c.is_working(NAIVE),
        lambda c: c.next_working_moment(NAIVE),
    ],
)
def test_naive_datetimes_are_refused(call: Callable[[WorkingCalendar], object]) -> None:
    with pytest.raises(ValueError, match="time zone"):
        call(office())


@pytest.mark.parametrize(
    "start",
    [local(9, 30, 18), local(10, 3, 12), local(9, 19, 7), local(3, 2, 8, 30), local(3, 6, 19, 0)],
)
@pytest.mark.parametrize("seconds", [1, 1800, 5.25 * 3600, 40 * 3600, 200 * 3600, 0.000001])
def test_working_seconds_undoes_add_seconds(start: datetime, seconds: float) -> None:
    calendar = WorkingCalendar(STAGGERED, GOLDEN_WEEK, SHANGHAI)
    due = calendar.add_seconds(start, seconds)
    assert calendar.working_seconds(start, due) == pytest.approx(seconds, abs=1e-6)


def test_working_seconds_of_an_office_week() -> None:
    assert office().working_seconds(local(3, 2, 0), local(3, 9, 0)) == 5 * 7.5 * 3600
    assert office().working_seconds(local(3, 2, 11), local(3, 2, 14)) == 1.5 * 3600
    assert office().working_seconds(local(3, 9, 0), local(3, 2, 0)) == 0


def test_working_seconds_over_years_are_the_sum_of_their_weeks_whatever_was_asked_before() -> None:
    """A ticket overdue for years is timed by running totals of whole days; asked in any order, they agree."""
    start = datetime(2024, 2, 5, 9, tzinfo=SHANGHAI)  # a Monday
    weeks = [start + timedelta(weeks=n) for n in range(157)]
    by_week = sum(office(GOLDEN_WEEK).working_seconds(a, b) for a, b in itertools.pairwise(weeks))
    calendar = office(GOLDEN_WEEK)
    calendar.working_seconds(local(6, 1, 10), local(7, 1, 10))  # a run of days in the middle, grown both ways
    assert calendar.working_seconds(weeks[0], weeks[-1]) == by_week
    assert calendar.working_seconds(weeks[1], weeks[-2]) == by_week - 2 * 5 * 7.5 * 3600


def test_is_working_treats_segment_ends_as_closed() -> None:
    calendar = office()
    assert calendar.is_working(local(3, 2, 8, 30))
    assert calendar.is_working(local(3, 2, 11, 59))
    assert not calendar.is_working(local(3, 2, 12))
    assert not calendar.is_working(local(3, 7, 10))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(3, 2, 10), local(3, 2, 10)),
        (local(3, 2, 12), local(3, 2, 13, 30)),
        (local(3, 6, 17, 30), local(3, 9, 8, 30)),
    ],
)
def test_next_working_moment(moment: datetime, expected: datetime) -> None:
    result = office().next_working_moment(moment)
    assert result == expected
    assert result.tzinfo is UTC


def test_negative_working_time_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        office().add_seconds(local(3, 2, 10), -1)


@pytest.mark.parametrize("duration", ["30m", "1d"])
def test_a_calendar_without_working_time_raises_instead_of_looping(duration: str) -> None:
    closed = WorkingCalendar(WorkingHours("closed", workday=()), WeekdayHolidays(), SHANGHAI)
    with pytest.raises(ValueError, match="closed"):
        closed.add(local(3, 2, 10), Duration.parse(duration))


def test_a_holiday_table_without_workdays_raises_for_day_deadlines() -> None:
    calendar = WorkingCalendar(STAGGERED, NeverWorks(), SHANGHAI)
    with pytest.raises(ValueError, match="no workday"):
        calendar.add(local(3, 2, 10), Duration.parse("1d"))
    assert calendar.add(local(3, 2, 10), Duration.parse("1h")) == local(3, 2, 11)
