"""Working time as staff type it: 2天, 3小时, 30分钟, 2d, 3h, 30m and combinations, read by the domain alone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ticketing.domain.calendar import STANDARD_HOURS, WeekdayHolidays, WorkingCalendar
from ticketing.domain.errors import InvalidInput
from ticketing.domain.workflow import Duration

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2天", Duration(days=2)),
        ("3小时", Duration(minutes=180)),
        ("30分钟", Duration(minutes=30)),
        ("2d", Duration(days=2)),
        ("3h", Duration(minutes=180)),
        ("30m", Duration(minutes=30)),
        ("1天2小时", Duration(days=1, minutes=120)),
        ("2小时30分钟", Duration(minutes=150)),
        ("1d 2h 30m", Duration(days=1, minutes=150)),
        ("２天", Duration(days=2)),  # full-width digits, as a Chinese keyboard types them
        ("　３ 小时　", Duration(minutes=180)),  # ideographic and ASCII spaces anywhere
        ("3个工作日", Duration(days=3)),
        ("4H", Duration(minutes=240)),
        ("2 days", Duration(days=2)),
        ("90min", Duration(minutes=90)),
    ],
)
def test_staff_may_type_a_working_time_in_chinese_or_short_english(typed: str, meant: Duration) -> None:
    assert Duration.parse(typed) == meant


@pytest.mark.parametrize(("typed", "canonical"), [("1天2小时", "1d2h"), ("150分钟", "2h30m"), ("120m", "2h")])
def test_a_working_time_is_written_back_in_one_canonical_form(typed: str, canonical: str) -> None:
    assert str(Duration.parse(typed)) == canonical
    assert Duration.parse(canonical) == Duration.parse(typed)


@pytest.mark.parametrize("typed", ["soon", "2", "d2", "2周", "2d2d", "2天-3小时", "two days", ""])
def test_anything_else_is_refused_naming_what_is_allowed(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Duration.parse(typed)
    assert "is not a working time: write e.g. 2d, 3h or 30m (or 2天, 3小时, 30分钟" in str(refused.value)


@pytest.mark.parametrize("typed", ["0天", "0h", "10000m", "1天0小时"])
def test_each_amount_is_from_one_to_9999(typed: str) -> None:
    with pytest.raises(InvalidInput, match="each amount of a working time is a whole number from 1 to 9999"):
        Duration.parse(typed)


def test_days_and_hours_count_the_days_first_then_the_hours_from_that_close() -> None:
    office = WorkingCalendar(STANDARD_HOURS, WeekdayHolidays(), SHANGHAI)
    friday = datetime(2026, 3, 6, 15, tzinfo=SHANGHAI)
    # Due Monday at close (17:30), then two working hours on Tuesday morning.
    assert office.add(friday, Duration.parse("1天2小时")) == datetime(2026, 3, 10, 10, 30, tzinfo=SHANGHAI)
    assert office.add(friday, Duration.parse("1天")) == datetime(2026, 3, 9, 17, 30, tzinfo=SHANGHAI)
    assert office.add(friday, Duration.parse("2小时")) == datetime(2026, 3, 6, 17, tzinfo=SHANGHAI)
