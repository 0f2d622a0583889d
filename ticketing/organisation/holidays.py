"""Mainland China's national calendar for deadlines: public holidays and make-up workdays (调休).

Sources, first that covers the year wins, district overrides above them all:

1. ``chinese_calendar`` (package ``chinesecalendar``): the State Council notices
   day by day, whole holiday blocks included (a Sunday inside the Spring Festival
   week is a holiday, not a rest day).
2. ``holidays.China`` for the notices it carries.
3. A State Council notice shipped with this code (``notices.py``), for a year
   the libraries do not carry yet.
4. ``holidays.China`` for the year after its last notice: that year's statutory
   holidays are fixed by law, with weekend holidays made up on the following
   workdays, but its make-up workdays are unknown until the State Council
   publishes them (add them as overrides; logged once at INFO). Weekends
   touching a holiday count as holiday, as the notices count the break.
5. Any other year: Monday to Friday workdays, with one warning per year.

Each day says which source it came from and each year how much of it is known
(``NationalHolidays``), for the admins' list of holidays and the warning when
the coming weeks reach a year without its notice.
"""

from __future__ import annotations

import logging
import threading
import tomllib
from collections.abc import Mapping
from datetime import date, timedelta
from importlib.metadata import version
from itertools import groupby
from pathlib import Path
from typing import Any

import chinese_calendar
import holidays
import yaml
from holidays.countries.china import ChinaStaticHolidays

from ticketing.domain.calendar import DayKind, WeekdayHolidays
from ticketing.domain.errors import FileProblems, InvalidInput
from ticketing.domain.holidays import Coverage, DaySource

log = logging.getLogger("ticketing.holidays")

_NOTICE_YEARS = sorted(ChinaStaticHolidays.special_public_holidays)
_WEEKDAYS = WeekdayHolidays()
_KIND_NAMES = tuple(kind.value for kind in DayKind)


class ChineseHolidays:
    """``NationalHolidays`` for mainland China, computed a year at a time and cached per date.

    Share one instance: each instance logs its own notice per uncovered year.
    """

    def __init__(
        self,
        overrides: Mapping[date, DayKind] | None = None,
        notices: Mapping[int, Mapping[date, DayKind]] | None = None,
    ) -> None:
        self.overrides = {day: DayKind(kind) for day, kind in (overrides or {}).items()}
        self.notices = {year: dict(days) for year, days in (notices or {}).items() if not _libraries_carry(year)}
        self._kinds: dict[date, DayKind] = {}
        self._lock = threading.Lock()

    def day_kind(self, day: date) -> DayKind:
        try:
            return self._kinds[day]
        except KeyError:
            with self._lock:
                if day not in self._kinds:
                    self._kinds.update(self._year(day.year))
            return self._kinds[day]

    def day_source(self, day: date) -> DaySource:
        if day in self.overrides:
            return DaySource.FILE
        return DaySource.NOTICE if day.year in self.notices else DaySource.LIBRARY

    def coverage(self, year: int) -> Coverage:
        """Whether ``year``'s State Council notice is loaded, only its statutory holidays, or nothing."""
        if _libraries_carry(year) or year in self.notices:
            return Coverage.NOTICE
        if _NOTICE_YEARS and year == _NOTICE_YEARS[-1] + 1:
            return Coverage.STATUTORY
        return Coverage.NONE

    def _year(self, year: int) -> dict[date, DayKind]:
        whole = _dates(date(year, 1, 1), date(year, 12, 31))
        if _chinese_calendar_covers(year):
            kinds = {day: _chinese_calendar_kind(day) for day in whole}
        elif year in self.notices:
            kinds = {day: self.notices[year].get(day) or _WEEKDAYS.day_kind(day) for day in whole}
        elif _NOTICE_YEARS and _NOTICE_YEARS[0] <= year <= _NOTICE_YEARS[-1] + 1:
            kinds = _holidays_package_kinds(year)
        else:
            log.warning(
                "no holiday data for %d in chinesecalendar %s or holidays %s: counting Monday to Friday "
                "as workdays; add that year's holidays and make-up workdays as overrides",
                year,
                version("chinesecalendar"),
                version("holidays"),
            )
            kinds = {day: _WEEKDAYS.day_kind(day) for day in whole}
        kinds.update({day: kind for day, kind in self.overrides.items() if day.year == year})
        return kinds


def _dates(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _libraries_carry(year: int) -> bool:
    """Whether a library carries ``year``'s State Council notice (make-up workdays included)."""
    return _chinese_calendar_covers(year) or bool(_NOTICE_YEARS and _NOTICE_YEARS[0] <= year <= _NOTICE_YEARS[-1])


def _chinese_calendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _chinese_calendar_kind(day: date) -> DayKind:
    off, name = chinese_calendar.get_holiday_detail(day)
    if not off:
        return DayKind.WORKDAY
    return DayKind.HOLIDAY if name else DayKind.RESTDAY


def _holidays_package_kinds(year: int) -> dict[date, DayKind]:
    """A year from ``holidays.China``, weekends joined to the holidays they touch.

    The notices count a weekend next to a holiday as part of the break (连休), and
    holiday duty hours should apply to all of it, as ``chinese_calendar`` marks it.
    """
    if year > _NOTICE_YEARS[-1]:
        log.info(
            "holidays %s has no State Council notice for %d: using the statutory holidays without "
            "make-up workdays (调休); add those as overrides once published",
            version("holidays"),
            year,
        )
    # Neighbouring years' notices can move days across New Year.
    china = holidays.China(years=(year - 1, year, year + 1))
    days = _dates(date(year - 1, 12, 1), date(year + 1, 1, 31))
    raw = [
        DayKind.HOLIDAY if day in china else DayKind.WORKDAY if china.is_working_day(day) else DayKind.RESTDAY
        for day in days
    ]
    kinds: dict[date, DayKind] = {}
    for working, run in groupby(zip(days, raw, strict=True), key=lambda pair: pair[1] is DayKind.WORKDAY):
        stretch = list(run)
        is_break = not working and any(kind is DayKind.HOLIDAY for _, kind in stretch)
        kinds.update((day, DayKind.HOLIDAY if is_break else kind) for day, kind in stretch if day.year == year)
    return kinds


def load_overrides(path: Path, keys: tuple[str, ...] = ("days",)) -> dict[date, DayKind]:
    """Read a district's own day kinds from TOML or YAML: ``[days]`` ``"2027-02-06" = "workday"``.

    ``keys`` are the top-level keys the file may have (a shipped notice also names itself).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot read the holiday overrides ({error.strerror})") from None
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(text)
        else:
            raise InvalidInput(f"{path}: holiday overrides must be a .toml, .yaml or .yml file")
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        raise InvalidInput(f"{path}: not valid {path.suffix[1:].upper()}: {error}") from None
    days = data.get("days", ()) if isinstance(data, dict) else ()
    if not isinstance(days, dict):
        raise InvalidInput(f'{path}: expected a \'days\' table of dates, e.g. "2027-02-06" = "workday"')
    known = ", ".join(repr(key) for key in keys)
    problems = [f"{path}: unknown key {key!r}; only {known} is read" for key in data if key not in keys]
    overrides: dict[date, DayKind] = {}
    for key, value in days.items():
        day = _parse_day(key)
        if day is None:
            problems.append(f'{path}: days."{key}": not a date; write it as YYYY-MM-DD')
        elif value not in _KIND_NAMES:
            problems.append(f'{path}: days."{key}": {value!r} is not one of {", ".join(_KIND_NAMES)}')
        else:
            overrides[day] = DayKind(value)
    if problems:
        raise FileProblems(problems)
    return overrides


def _parse_day(key: object) -> date | None:
    """A date from a TOML string key or a YAML key (YAML reads bare 2027-02-06 as a date)."""
    if type(key) is date:
        return key
    if not isinstance(key, str):
        return None
    try:
        return date.fromisoformat(key) if len(key) == 10 else None
    except ValueError:
        return None
