"""The three rates (三率): the practitioner formula over counts, with configurable weights."""

from __future__ import annotations

from datetime import date

import pytest

from ticketing.domain.rates import (
    NO_RATE,
    Preset,
    RateCounts,
    RateWeights,
    iso_weeks,
    percent,
    preset_period,
    rates,
    total_of,
    week_name,
)


def test_rates_follow_the_practitioner_formula() -> None:
    # 10 tickets in the base: 8 acknowledged in time, 7 solved, 5 satisfied, 3 basically satisfied, 2 unsatisfied.
    found = rates(RateCounts(base=10, responded=8, satisfied=5, basically_satisfied=3, solved=8))
    assert found.response == pytest.approx(0.8)
    assert found.resolution == pytest.approx(0.8)
    assert found.satisfaction == pytest.approx((5 + 0.9 * 3) / 10)
    assert found.total == pytest.approx(0.1 * 0.8 + 0.5 * 0.8 + 0.4 * 0.77)


def test_an_empty_base_has_no_rates_and_shows_a_dash() -> None:
    found = rates(RateCounts())
    assert (found.response, found.resolution, found.satisfaction, found.total) == (None, None, None, None)
    assert percent(found.response) == NO_RATE == "—"


def test_weights_and_the_basically_satisfied_factor_are_configurable() -> None:
    counts = RateCounts(base=4, responded=4, satisfied=2, basically_satisfied=2, solved=4)
    found = rates(counts, RateWeights(response=0.2, resolution=0.4, satisfaction=0.4, basically_satisfied=0.5))
    assert found.satisfaction == pytest.approx((2 + 0.5 * 2) / 4)
    assert found.total == pytest.approx(0.2 * 1 + 0.4 * 1 + 0.4 * 0.75)


@pytest.mark.parametrize(
    "weights",
    [
        {"response": -0.1},
        {"basically_satisfied": 1.5},
        {"basically_satisfied": -0.1},
    ],
)
def test_impossible_weights_are_refused(weights: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RateWeights(**weights)


@pytest.mark.parametrize(
    "counts",
    [
        {"base": 2, "responded": 3},
        {"base": 2, "satisfied": 2, "basically_satisfied": 1},
        {"base": -1},
    ],
)
def test_inconsistent_counts_are_refused(counts: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        RateCounts(**counts)


def test_the_resolution_rate_counts_solved_not_satisfied() -> None:
    # 4 satisfied residents, of whom only 1 says the problem is solved (satisfied with the attitude, say).
    found = rates(RateCounts(base=4, responded=4, satisfied=4, solved=1))
    assert (found.resolution, found.satisfaction) == (pytest.approx(0.25), pytest.approx(1.0))


def test_the_ways_of_calling_back_and_what_left_the_base_are_counted_apart() -> None:
    counts = RateCounts(base=3, by_phone=1, by_link=1, by_visit=1, checked=2, terminated=1, returned=4)
    assert rates(counts).response == 0  # the tickets outside the base change no rate
    with pytest.raises(ValueError):
        RateCounts(base=1, by_phone=1, by_visit=1)


def test_totals_are_the_rates_of_the_summed_counts() -> None:
    grids = [RateCounts(2, 2, 2, 0, 2), RateCounts(1, 0, 0, 0), RateCounts()]
    assert total_of(grids) == RateCounts(3, 2, 2, 0, 2)
    assert percent(rates(total_of(grids)).resolution) == "66.7%"
    assert total_of([]) == RateCounts()


def test_percentages_round_to_the_digits_asked() -> None:
    assert percent(2 / 3) == "66.7%"
    assert percent(1.0, digits=0) == "100%"
    assert percent(0.0) == "0.0%"


# --- weeks and preset periods --------------------------------------------------------------------


def test_weeks_are_iso_weeks_from_monday_clipped_to_the_period() -> None:
    # Sunday 2026-11-01 to Wednesday 2026-12-02
    assert iso_weeks(date(2026, 11, 1), date(2026, 12, 2)) == [
        (date(2026, 11, 1), date(2026, 11, 1)),
        (date(2026, 11, 2), date(2026, 11, 8)),
        (date(2026, 11, 9), date(2026, 11, 15)),
        (date(2026, 11, 16), date(2026, 11, 22)),
        (date(2026, 11, 23), date(2026, 11, 29)),
        (date(2026, 11, 30), date(2026, 12, 2)),
    ]
    assert iso_weeks(date(2026, 11, 30), date(2026, 11, 30)) == [(date(2026, 11, 30), date(2026, 11, 30))]


@pytest.mark.parametrize(
    ("day", "name"),
    [(date(2026, 11, 30), "2026-W49"), (date(2026, 12, 6), "2026-W49"), (date(2027, 1, 1), "2026-W53")],
)
def test_a_week_is_named_by_its_iso_year_and_number(day: date, name: str) -> None:
    assert week_name(day) == name


@pytest.mark.parametrize(
    ("preset", "today", "period"),
    [
        (Preset.LAST_30_DAYS, date(2026, 12, 5), (date(2026, 11, 6), date(2026, 12, 5))),
        (Preset.THIS_MONTH, date(2026, 12, 5), (date(2026, 12, 1), date(2026, 12, 5))),
        (Preset.LAST_MONTH, date(2026, 3, 31), (date(2026, 2, 1), date(2026, 2, 28))),
        (Preset.LAST_MONTH, date(2026, 1, 15), (date(2025, 12, 1), date(2025, 12, 31))),
        (Preset.THIS_QUARTER, date(2026, 12, 5), (date(2026, 10, 1), date(2026, 12, 5))),
        (Preset.LAST_QUARTER, date(2026, 2, 10), (date(2025, 10, 1), date(2025, 12, 31))),
        (Preset.LAST_QUARTER, date(2026, 8, 1), (date(2026, 4, 1), date(2026, 6, 30))),
        (Preset.THIS_YEAR, date(2026, 12, 5), (date(2026, 1, 1), date(2026, 12, 5))),
        (Preset.LAST_YEAR, date(2025, 6, 1), (date(2024, 1, 1), date(2024, 12, 31))),  # 366 days: still allowed
    ],
)
def test_preset_periods_end_today_or_at_the_end_of_a_past_one(
    preset: Preset, today: date, period: tuple[date, date]
) -> None:
    assert preset_period(preset, today) == period
