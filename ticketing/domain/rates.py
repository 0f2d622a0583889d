"""The three rates (三率) supervisors judge handling by: pure arithmetic over counts.

No official formula is public; this is the practitioner formula of the 12345
hotlines and 接诉即办, with its weights configurable (``RateWeights``).

- **Base** (考核基数): the tickets opened in the period whose callback reached
  the resident (a satisfaction is recorded: by phone, through the link or on a
  visit), neither terminated (诉求终结, approved by a supervisor) nor sent back
  to the resident (``returned``, 不予受理 — which is not a 诉求终结).
- **Response rate** (响应率) = base tickets acknowledged in time (acknowledged,
  and the acknowledge deadline never passed: not ``ack_late``) ÷ base.
- **Resolution rate** (解决率) = base tickets the resident said are solved
  (问题是否解决, asked apart from the satisfaction) ÷ base.
- **Satisfaction rate** (满意率) = (satisfied + 0.9 × basically satisfied) ÷ base.
- **Total** (综合得分) = 0.1 × response + 0.5 × resolution + 0.4 × satisfaction
  (a plain weighted sum: with weights adding up to 1 it stays between 0 and 1).

An empty base has no rates: each is ``None``, shown as "—", never 0 % and
never a division error.

Shown apart, outside the rates: how the base was called back (phone, link,
visit), the tickets with nobody to reach closed on a checked result (callback
means none: no satisfaction), the terminated and the returned tickets.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta
from enum import StrEnum
from operator import attrgetter

NO_RATE = "—"


@dataclass(frozen=True, slots=True)
class RateWeights:
    """The weights of the total and the credit a "basically satisfied" verdict earns."""

    response: float = 0.1
    resolution: float = 0.5
    satisfaction: float = 0.4
    basically_satisfied: float = 0.9

    def __post_init__(self) -> None:
        weights = (self.response, self.resolution, self.satisfaction)
        if any(weight < 0 for weight in weights):
            raise ValueError(f"rate weights must not be negative, got {weights}")
        if not 0 <= self.basically_satisfied <= 1:
            raise ValueError(f"the basically-satisfied factor must be between 0 and 1, got {self.basically_satisfied}")


DEFAULT_WEIGHTS = RateWeights()


@dataclass(frozen=True, slots=True)
class RateCounts:
    """What the rates are computed from, for one grid, community, street or week."""

    base: int = 0
    responded: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    solved: int = 0
    by_phone: int = 0  # the base by callback means: 电话回访
    by_link: int = 0  # the resident confirmed through the link
    by_visit: int = 0  # 上门回访
    checked: int = 0  # outside the base: nobody to reach, closed on a checked result
    terminated: int = 0  # outside the base: 诉求终结
    returned: int = 0  # outside the base: sent back to the resident (不予受理)

    def __post_init__(self) -> None:
        parts = (self.responded, self.satisfied, self.basically_satisfied, self.solved)
        means = (self.by_phone, self.by_link, self.by_visit)
        apart = (self.checked, self.terminated, self.returned)
        if (
            min(self.base, *parts, *means, *apart) < 0
            or max(self.responded, self.solved, sum(means)) > self.base
            or self.satisfied + self.basically_satisfied > self.base
        ):
            raise ValueError(f"inconsistent rate counts: {self}")


@dataclass(frozen=True, slots=True)
class Rates:
    """The rates as fractions between 0 and 1; ``None`` when the base is empty."""

    response: float | None
    resolution: float | None
    satisfaction: float | None
    total: float | None


def rates(counts: RateCounts, weights: RateWeights = DEFAULT_WEIGHTS) -> Rates:
    """The three rates and the weighted total of one set of counts."""
    if counts.base == 0:
        return Rates(None, None, None, None)
    response = counts.responded / counts.base
    resolution = counts.solved / counts.base
    satisfaction = (counts.satisfied + weights.basically_satisfied * counts.basically_satisfied) / counts.base
    total = weights.response * response + weights.resolution * resolution + weights.satisfaction * satisfaction
    return Rates(response, resolution, satisfaction, total)


_NUMBERS = attrgetter(*(f.name for f in fields(RateCounts)))  # a RateCounts as a tuple, in field order


def total_of(counts: list[RateCounts]) -> RateCounts:
    """The counts of several groups together (the rates of a sum, not the sum of rates).

    Column by column in one pass: a year's rates add up hundreds of days' and grids' counts per request.
    """
    return RateCounts(*map(sum, zip(*map(_NUMBERS, counts), strict=True)))


def percent(rate: float | None, digits: int = 1) -> str:
    """A rate as a percentage for people: ``66.7%``, or ``—`` when there is no base."""
    return NO_RATE if rate is None else f"{rate * 100:.{digits}f}%"


def iso_weeks(first: date, last: date) -> list[tuple[date, date]]:
    """The ISO 8601 weeks (Monday to Sunday) covering ``first``–``last``, the first and last clipped to them.

    Supervisors compare week with week, so a week is always the calendar week
    people say (第49周, 11月30日那一周), not seven days from whichever day the period starts.
    """
    weeks = []
    start = first
    while start <= last:
        sunday = start + timedelta(days=6 - start.weekday())
        weeks.append((start, min(sunday, last)))
        start = sunday + timedelta(days=1)
    return weeks


def week_name(first: date) -> str:
    """The ISO week a day falls in, as ``2026-W49``."""
    year, week, _day = first.isocalendar()
    return f"{year}-W{week:02d}"


class Preset(StrEnum):
    """The periods a supervisor picks with one tap, in the order offered."""

    LAST_30_DAYS = "last_30_days"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_QUARTER = "this_quarter"
    LAST_QUARTER = "last_quarter"
    THIS_YEAR = "this_year"
    LAST_YEAR = "last_year"


def preset_period(preset: Preset, today: date) -> tuple[date, date]:
    """The first and last day of a preset period; a running month, quarter or year ends today."""
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    match preset:
        case Preset.LAST_30_DAYS:
            return today - timedelta(days=29), today
        case Preset.THIS_MONTH:
            return today.replace(day=1), today
        case Preset.LAST_MONTH:
            last = today.replace(day=1) - timedelta(days=1)
            return last.replace(day=1), last
        case Preset.THIS_QUARTER:
            return quarter_start, today
        case Preset.LAST_QUARTER:
            last = quarter_start - timedelta(days=1)
            return date(last.year, last.month - 2, 1), last
        case Preset.THIS_YEAR:
            return date(today.year, 1, 1), today
        case Preset.LAST_YEAR:
            return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
