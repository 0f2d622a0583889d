"""Working-time arithmetic for deadlines (错时工作法: each post keeps its own hours).

Rules, as the engine applies them:

- Every datetime going in must be timezone-aware (a naive one raises ValueError);
  every datetime coming out is in UTC.  Local dates and segment times are read in
  the calendar's time zone.
- Each local date has a kind from the holiday table (workday, restday or holiday,
  make-up workdays 调休 being workdays); its working segments are the hours'
  ``workday``, ``restday`` or ``holiday`` segments.  No segments: no working time.
- Segments are half-open ``[start, end)``; ``24:00`` ends a segment at midnight.
  Working time is elapsed time, so a segment crossing a daylight-saving change is
  an hour shorter or longer.
- Minutes and hours (``30m``, ``4h``) count that much working time from the start,
  or from the next segment if the start is outside working time.  A deadline that
  lands exactly on the end of a segment stays there.
- Days (``3d``) end at the close of the last workday segment of the N-th workday
  strictly after the start's local date; weekend or holiday duty does not count.
  Opened Friday, ``1d`` is due Monday at close of business.  Days and hours
  together (``1d2h``) count the days first, then the hours from that close.
- ``working_seconds(a, b)`` is the working time in ``[a, b)``, the inverse of
  ``add_seconds``.
- A calendar that finds no working time in three years raises ValueError.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from itertools import accumulate
from typing import Protocol, TypeVar

from ticketing.domain.org import VOLUNTEER_HOURS_ID
from ticketing.domain.workflow import Duration

_GIVE_UP_DAYS = 3 * 366
_MEMO_LIMIT = 50_000  # remembered answers per calendar; past it they start afresh, so memory stays bounded
_SEGMENT_TEXT = re.compile(r"(\d\d):(\d\d)(?::(\d\d))?-(\d\d):(\d\d)(?::(\d\d))?")


class DayKind(StrEnum):
    WORKDAY = "workday"
    RESTDAY = "restday"
    HOLIDAY = "holiday"


class HolidayTable(Protocol):
    def day_kind(self, day: date) -> DayKind:
        """The kind of a date in the national calendar, make-up workdays (调休) included."""


class WeekdayHolidays:
    """Monday to Friday are workdays, weekends rest: for tests and for years no table covers."""

    def day_kind(self, day: date) -> DayKind:
        return DayKind.WORKDAY if day.weekday() < 5 else DayKind.RESTDAY


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of working time within one local day; ``end == time.max`` means 24:00."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("segment times are local times of day: give them without a time zone")
        if self.end <= self.start:
            raise ValueError(f"segment {self} must end after it starts (split segments at midnight)")

    @classmethod
    def parse(cls, text: str) -> Segment:
        """Parse ``"08:30-12:00"`` (``HH:MM[:SS]``, ``24:00`` allowed as an end)."""
        match = _SEGMENT_TEXT.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not a segment; write it like 08:30-12:00")
        h1, m1, s1, h2, m2, s2 = (int(part or 0) for part in match.groups())
        if h1 > 23 or m1 > 59 or s1 > 59:
            raise ValueError(f"{text!r} does not start at a time of day (00:00 to 23:59)")
        if (h2, m2, s2) == (24, 0, 0):
            end = time.max
        elif h2 > 23 or m2 > 59 or s2 > 59:
            raise ValueError(f"{text!r} does not end at a time of day (00:00 to 24:00)")
        else:
            end = time(h2, m2, s2)
        start = time(h1, m1, s1)
        if end <= start:
            raise ValueError(
                f"{text!r} must end after it starts; split night shifts at 24:00 (22:00-24:00, 00:00-06:00)"
            )
        return cls(start, end)

    def __str__(self) -> str:
        return f"{_format_time(self.start)}-{_format_time(self.end)}"

    @property
    def seconds(self) -> float:
        """How long the segment lasts on an ordinary day (no daylight-saving change)."""
        end = 86400 if self.end == time.max else self.end.hour * 3600 + self.end.minute * 60 + self.end.second
        return end - (self.start.hour * 3600 + self.start.minute * 60 + self.start.second)


def _format_time(moment: time) -> str:
    if moment == time.max:
        return "24:00"
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def _merge(segments: Sequence[Segment]) -> tuple[Segment, ...]:
    """Sort segments and join overlapping or touching ones, so a day's segments never overlap."""
    merged: list[Segment] = []
    for segment in sorted(segments, key=lambda s: (s.start, s.end)):
        if merged and segment.start <= merged[-1].end:
            if segment.end > merged[-1].end:
                merged[-1] = Segment(merged[-1].start, segment.end)
        else:
            merged.append(segment)
    return tuple(merged)


_KINDS = tuple(kind.value for kind in DayKind)


@dataclass(frozen=True, slots=True)
class WorkingHours:
    """The opening hours of a post or community, per kind of day (segments are normalised)."""

    id: str
    workday: tuple[Segment, ...]
    restday: tuple[Segment, ...] = ()
    holiday: tuple[Segment, ...] = ()

    def __post_init__(self) -> None:
        for kind in _KINDS:
            object.__setattr__(self, kind, _merge(getattr(self, kind)))

    @classmethod
    def parse(cls, id: str, spec: Mapping[str, Sequence[str]]) -> WorkingHours:
        """Build hours from ``{"workday": ["08:30-12:00", ...], "restday": [...], "holiday": [...]}``."""
        unknown = sorted(set(spec) - set(_KINDS))
        if unknown:
            raise ValueError(f"hours {id!r}: unknown day kind {unknown[0]!r}; use workday, restday, holiday")
        if "workday" not in spec:
            raise ValueError(f"hours {id!r}: missing 'workday' segments (an empty list means closed)")
        parsed: dict[str, tuple[Segment, ...]] = {}
        for kind, texts in spec.items():
            if isinstance(texts, str) or not isinstance(texts, Sequence):
                raise ValueError(f"hours {id!r}: {kind} must be a list of segments like ['08:30-12:00']")
            segments = []
            for text in texts:
                if not isinstance(text, str):
                    raise ValueError(f"hours {id!r}, {kind}: {text!r} is not a segment like '08:30-12:00'")
                try:
                    segments.append(Segment.parse(text))
                except ValueError as error:
                    raise ValueError(f"hours {id!r}, {kind}: {error}") from None
            parsed[kind] = tuple(segments)
        return cls(id, **parsed)

    def to_spec(self) -> dict[str, list[str]]:
        """The mapping ``parse`` reads, for storage and printing."""
        return {kind: [str(segment) for segment in getattr(self, kind)] for kind in _KINDS}

    def segments(self, kind: DayKind) -> tuple[Segment, ...]:
        return getattr(self, kind.value)

    @property
    def workday_seconds(self) -> float:
        """The working time of one workday: what "a working day" of time left means to the people on these hours."""
        return sum(segment.seconds for segment in self.workday)


STANDARD_HOURS = WorkingHours(
    "standard",
    workday=(Segment(time(8, 30), time(12, 0)), Segment(time(13, 30), time(17, 30))),
)

_DAYTIME = (Segment(time(8, 0), time(20, 0)),)
VOLUNTEER_HOURS = WorkingHours(VOLUNTEER_HOURS_ID, workday=_DAYTIME, restday=_DAYTIME, holiday=_DAYTIME)
"""Volunteers (楼长, 街长, 店长) answer in the day time, holidays included, not in office hours."""

BUILT_IN_HOURS = {hours.id: hours for hours in (STANDARD_HOURS, VOLUNTEER_HOURS)}
"""Calendars an organisation may name without defining them."""

_Spans = tuple[tuple[float, float], ...]
_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


class WorkingCalendar:
    """Deadline arithmetic on one set of working hours in one time zone.

    Each local date is turned once into UTC timestamps of its segments and cached,
    so adding a duration is a walk over a few cached floats.  Those answers are
    remembered too, by UTC timestamp: a sweep asks the same few questions of
    each calendar for every ticket (the deadline from ``now``, the reminders'
    moments), and an answer depends on nothing else.  Working time between two
    moments needs no memo: whole days come from running totals.
    """

    def __init__(self, hours: WorkingHours, holidays: HolidayTable, tz: tzinfo) -> None:
        self.hours = hours
        self.holidays = holidays
        self.tz = tz
        self._days: dict[int, tuple[DayKind, _Spans]] = {}
        self._ordinals: dict[float, int] = {}  # a UTC timestamp's local date
        self._advanced: dict[tuple[float, float], float] = {}  # (start, working seconds) -> end
        self._run: tuple[int, tuple[float, ...]] = (0, ())  # see _whole_days

    def local(self, moment: datetime) -> str:
        """``moment`` as people of the district read it: ``2026-03-02 11:00`` in the calendar's time zone."""
        return moment.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def add(self, start: datetime, duration: Duration) -> datetime:
        """The deadline ``duration`` of working time after ``start``."""
        end = self._add_days(start, duration.days) if duration.days else start
        return self.add_seconds(end, duration.minutes * 60) if duration.minutes else end

    def add_seconds(self, start: datetime, seconds: float) -> datetime:
        """The moment after ``seconds`` of working time counted from ``start``."""
        if seconds < 0:
            raise ValueError(f"cannot add a negative working time ({seconds} s)")
        return datetime.fromtimestamp(self._advance(start, seconds), UTC)

    def working_seconds(self, start: datetime, end: datetime) -> float:
        """Working time in ``[start, end)``; 0 when ``end`` is not after ``start``.

        The first and last days are clipped to ``[start, end)``; the whole days between are a difference of
        running totals, so a ticket overdue for years costs no more than one overdue since yesterday.
        """
        begin, first = self._locate(start)
        stop, last = self._locate(end)
        if stop <= begin:
            return 0.0
        total = sum(
            max(0.0, min(seg_end, stop) - max(seg_start, begin))
            for ordinal in {first, last}
            for seg_start, seg_end in self._day(ordinal)[1]
        )
        return total + self._whole_days(first + 1, last) if last > first + 1 else total

    def _whole_days(self, first: int, end: int) -> float:
        """The working time of the days ``first`` to ``end`` (excluded), as a difference of running totals.

        The totals are kept over a contiguous run of days, grown at either end when a day outside it is asked
        for; the run is replaced whole, never changed in place, so threads sharing the calendar may read it.
        """
        start, totals = self._run
        if not totals:
            start, totals = first, (0.0,)
        if first < start:
            earlier = list(accumulate((self._day_seconds(day) for day in range(first, start)), initial=0.0))
            start, totals = first, (*earlier, *(earlier[-1] + total for total in totals[1:]))
        after = start + len(totals) - 1  # the first day after the run
        if end > after:
            later = list(accumulate((self._day_seconds(day) for day in range(after, end)), initial=totals[-1]))
            totals = (*totals, *later[1:])
        self._run = (start, totals)
        return totals[end - start] - totals[first - start]

    def _day_seconds(self, ordinal: int) -> float:
        return sum(end - start for start, end in self._day(ordinal)[1])

    @property
    def workday_seconds(self) -> float:
        """One workday of working time on these hours."""
        return self.hours.workday_seconds

    def is_working(self, moment: datetime) -> bool:
        """Whether ``moment`` falls inside a segment (a segment's end is outside it)."""
        ts, ordinal = self._locate(moment)
        return any(s <= ts < e for s, e in self._day(ordinal)[1])

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself if working, else the start of the next segment."""
        return datetime.fromtimestamp(self._advance(moment, 0.0), UTC)

    def _advance(self, start: datetime, seconds: float) -> float:
        ts, ordinal = self._locate(start)
        known = self._advanced.get((ts, seconds))
        if known is None:
            known = _remember(self._advanced, (ts, seconds), self._walk(start, ts, ordinal, seconds))
        return known

    def _walk(self, start: datetime, ts: float, ordinal: int, seconds: float) -> float:
        remaining = seconds
        idle_days = 0
        while idle_days <= _GIVE_UP_DAYS:
            spans = self._day(ordinal)[1]
            for seg_start, seg_end in spans:
                if seg_end <= ts:
                    continue
                begin = seg_start if seg_start > ts else ts
                if remaining <= seg_end - begin:
                    return begin + remaining
                remaining -= seg_end - begin
            idle_days = 0 if spans else idle_days + 1
            ordinal += 1
        raise ValueError(f"hours {self.hours.id!r} have no working time within {_GIVE_UP_DAYS} days of {start}")

    def opening_of_workday(self, start: datetime, days: int) -> datetime:
        """The opening of the ``days``-th workday strictly after ``start``'s local date ("the working day after")."""
        return datetime.fromtimestamp(self._workday_spans(start, days)[0][0], UTC)

    def _add_days(self, start: datetime, days: int) -> datetime:
        return datetime.fromtimestamp(self._workday_spans(start, days)[-1][1], UTC)

    def _workday_spans(self, start: datetime, days: int) -> _Spans:
        """The segments of the ``days``-th workday strictly after ``start``'s local date."""
        if not self.hours.workday:
            raise ValueError(f"hours {self.hours.id!r} have no workday segments, so day deadlines cannot end")
        ordinal = self._locate(start)[1]
        counted = idle_days = 0
        while idle_days <= _GIVE_UP_DAYS:
            ordinal += 1
            kind, spans = self._day(ordinal)
            if kind is DayKind.WORKDAY and spans:
                counted += 1
                if counted == days:
                    return spans
                idle_days = 0
            else:
                idle_days += 1
        raise ValueError(f"the holiday table has no workday in the {_GIVE_UP_DAYS} days after {start}")

    def _locate(self, moment: datetime) -> tuple[float, int]:
        """The UTC timestamp of ``moment`` and its local date as an ordinal (the cache key)."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{moment} has no time zone; give an aware datetime")
        ts = moment.timestamp()
        ordinal = self._ordinals.get(ts)
        if ordinal is None:
            ordinal = _remember(self._ordinals, ts, moment.astimezone(self.tz).toordinal())
        return ts, ordinal

    def _day(self, ordinal: int) -> tuple[DayKind, _Spans]:
        try:
            return self._days[ordinal]
        except KeyError:
            day = date.fromordinal(ordinal)
            kind = DayKind(self.holidays.day_kind(day))
            entry = (kind, self._spans(day, self.hours.segments(kind)))
            self._days[ordinal] = entry
            return entry

    def _spans(self, day: date, segments: tuple[Segment, ...]) -> _Spans:
        """UTC timestamps of a day's segments, kept ordered and disjoint across DST gaps."""
        spans: list[tuple[float, float]] = []
        floor = float("-inf")
        for segment in segments:
            start = max(self._local_timestamp(day, segment.start), floor)
            end = self._local_timestamp(day, segment.end)
            if end > start:
                spans.append((start, end))
                floor = end
        return tuple(spans)

    def _local_timestamp(self, day: date, moment: time) -> float:
        if moment == time.max:
            return datetime.combine(day + timedelta(days=1), time(), self.tz).timestamp()
        return datetime.combine(day, moment, self.tz).timestamp()


def _remember(memo: dict[_Key, _Value], key: _Key, value: _Value) -> _Value:
    """Keep ``value`` as the answer for ``key``; a memo grown past its limit is emptied first."""
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


def next_half_day(moment: datetime, tz: tzinfo) -> datetime:
    """The start of the half-day (00:00–12:00, 12:00–24:00 local) after the one ``moment`` falls in, in UTC."""
    local = moment.astimezone(tz)
    if local.hour < 12:
        start = datetime.combine(local.date(), time(12), tz)
    else:
        start = datetime.combine(local.date() + timedelta(days=1), time(), tz)
    return start.astimezone(UTC)
