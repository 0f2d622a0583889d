"""The mainland China table, read from the installed holiday libraries."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ticketing.domain.calendar import STANDARD_HOURS, DayKind, WorkingCalendar
from ticketing.domain.errors import InvalidInput
from ticketing.domain.holidays import Coverage, DaySource
from ticketing.domain.workflow import Duration
from ticketing.organisation.holidays import ChineseHolidays, load_overrides
from ticketing.organisation.notices import load_notices

SHANGHAI = ZoneInfo("Asia/Shanghai")
WORKDAY, RESTDAY, HOLIDAY = DayKind.WORKDAY, DayKind.RESTDAY, DayKind.HOLIDAY


@pytest.fixture(scope="module")
def china() -> ChineseHolidays:
    return ChineseHolidays()


def spring_festival_2026() -> list[tuple[date, DayKind]]:
    holiday_week = [(date(2026, 2, 15) + timedelta(days=n), HOLIDAY) for n in range(9)]
    return [
        *holiday_week,
        (date(2026, 2, 13), WORKDAY),
        (date(2026, 2, 14), WORKDAY),  # make-up Saturday
        (date(2026, 2, 24), WORKDAY),
        (date(2026, 2, 28), WORKDAY),  # make-up Saturday
        (date(2026, 3, 7), RESTDAY),
    ]


@pytest.mark.parametrize(("day", "kind"), spring_festival_2026())
def test_spring_festival_2026(china: ChineseHolidays, day: date, kind: DayKind) -> None:
    assert china.day_kind(day) is kind


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        *[(date(2026, 10, n), HOLIDAY) for n in range(1, 8)],
        (date(2026, 9, 20), WORKDAY),  # make-up Sunday
        (date(2026, 10, 10), WORKDAY),  # make-up Saturday
        (date(2026, 10, 8), WORKDAY),
        (date(2026, 10, 11), RESTDAY),
    ],
)
def test_national_day_2026(china: ChineseHolidays, day: date, kind: DayKind) -> None:
    assert china.day_kind(day) is kind


def test_new_year_2027_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="ticketing.holidays")
    table = ChineseHolidays()
    assert table.day_kind(date(2027, 1, 1)) is HOLIDAY
    assert table.day_kind(date(2027, 1, 4)) is WORKDAY
    assert table.day_kind(date(2027, 1, 14)) is WORKDAY
    assert table.day_kind(date(2027, 1, 9)) is RESTDAY
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_deadlines_follow_make_up_days_and_the_2027_new_year(china: ChineseHolidays) -> None:
    calendar = WorkingCalendar(STANDARD_HOURS, china, SHANGHAI)
    friday = datetime(2026, 2, 13, 15, 0, tzinfo=SHANGHAI)
    assert calendar.add(friday, Duration.parse("1d")) == datetime(2026, 2, 14, 17, 30, tzinfo=SHANGHAI)
    assert calendar.add(friday, Duration.parse("2d")) == datetime(2026, 2, 24, 17, 30, tzinfo=SHANGHAI)
    new_years_eve = datetime(2026, 12, 31, 16, 0, tzinfo=SHANGHAI)
    assert calendar.add(new_years_eve, Duration.parse("4h")) == datetime(2027, 1, 4, 11, 0, tzinfo=SHANGHAI)


def test_overrides_win_over_the_libraries() -> None:
    table = ChineseHolidays({date(2027, 2, 6): WORKDAY, date(2026, 10, 8): HOLIDAY})
    assert table.day_kind(date(2027, 2, 6)) is WORKDAY
    assert table.day_kind(date(2026, 10, 8)) is HOLIDAY
    assert table.day_kind(date(2026, 10, 9)) is WORKDAY


def test_uncovered_year_falls_back_to_weekdays_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    table = ChineseHolidays()
    week = [date(2040, 1, 2) + timedelta(days=n) for n in range(7)]  # Monday to Sunday
    with caplog.at_level(logging.WARNING, logger="ticketing.holidays"):
        kinds = [table.day_kind(day) for day in week + week]
    assert kinds[:7] == [WORKDAY] * 5 + [RESTDAY] * 2
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "2040" in warnings[0].getMessage()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("district.toml", '[days]\n"2027-02-06" = "workday"\n"2027-10-08" = "holiday"\n'),
        ("district.yaml", "days:\n  2027-02-06: workday\n  '2027-10-08': holiday\n"),
    ],
)
def test_load_overrides(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    overrides = load_overrides(path)
    assert overrides == {date(2027, 2, 6): WORKDAY, date(2027, 10, 8): HOLIDAY}
    assert ChineseHolidays(overrides).day_kind(date(2027, 2, 6)) is WORKDAY


@pytest.mark.parametrize(
    ("name", "text", "named"),
    [
        ("bad-date.toml", '[days]\n"2027-02-30" = "workday"\n', "2027-02-30"),
        ("bad-kind.toml", '[days]\n"2027-02-06" = "holyday"\n', "2027-02-06"),
        ("bad-kind.yaml", "days:\n  2027-02-06: [workday]\n", "2027-02-06"),
        ("typo.toml", '[day]\n"2027-02-06" = "workday"\n', "days"),
        ("syntax.toml", '[days\n"2027-02-06" = "workday"\n', "TOML"),
        ("syntax.yaml", "days: [2027-02-06: workday\n", "YAML"),
        ("district.ini", "[days]\n", ".toml"),
    ],
)
def test_override_file_errors_name_the_file_and_key(tmp_path: Path, name: str, text: str, named: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as error:
        load_overrides(path)
    assert str(path) in str(error.value)
    assert named in str(error.value)


def test_missing_override_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(InvalidInput, match=r"absent\.toml"):
        load_overrides(path)


def test_the_libraries_carry_2026s_notice_and_only_2027s_statutory_holidays(china: ChineseHolidays) -> None:
    assert china.coverage(2026) is Coverage.NOTICE
    assert china.coverage(2027) is Coverage.STATUTORY
    assert china.coverage(2040) is Coverage.NONE


def test_a_day_from_the_overrides_file_says_so() -> None:
    table = ChineseHolidays({date(2027, 2, 6): WORKDAY})
    assert table.day_source(date(2027, 2, 6)) is DaySource.FILE
    assert table.day_source(date(2027, 2, 7)) is DaySource.LIBRARY


NOTICE_2027 = """notice = "国务院办公厅关于2027年部分节假日安排的通知"
[days]
"2027-02-06" = "holiday"
"2027-02-07" = "holiday"
"2027-02-20" = "workday"
"""


def test_a_shipped_notice_fills_the_year_no_library_carries(tmp_path: Path) -> None:
    (tmp_path / "2027.toml").write_text(NOTICE_2027, encoding="utf-8")
    (tmp_path / "2026.toml").write_text('[days]\n"2026-10-09" = "holiday"\n', encoding="utf-8")
    table = ChineseHolidays(notices=load_notices(tmp_path))

    assert table.coverage(2027) is Coverage.NOTICE
    assert table.day_kind(date(2027, 2, 20)) is WORKDAY and table.day_source(date(2027, 2, 20)) is DaySource.NOTICE
    assert table.day_kind(date(2027, 2, 6)) is HOLIDAY
    assert table.day_kind(date(2027, 10, 1)) is WORKDAY  # not in the notice: the week decides
    assert table.day_kind(date(2026, 10, 9)) is WORKDAY  # the library carries 2026: its notice wins
    assert table.day_source(date(2026, 10, 9)) is DaySource.LIBRARY


@pytest.mark.parametrize(
    ("name", "text", "says"),
    [
        ("next-year.toml", NOTICE_2027, "name a notice file after its year"),
        ("2028.toml", NOTICE_2027, "lists days of another year: 2027-02-06, 2027-02-07, 2027-02-20"),
        ("2027.toml", 'title = "x"\n[days]\n"2027-02-20" = "workday"\n', "only 'notice', 'days' is read"),
    ],
)
def test_a_wrong_notice_file_is_named_with_what_is_wrong(tmp_path: Path, name: str, text: str, says: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput, match=says):
        load_notices(tmp_path)


def test_the_notices_shipped_with_the_code_load() -> None:
    assert all(2000 < year < 2100 for year in load_notices())
