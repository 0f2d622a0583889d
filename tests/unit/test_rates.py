"""The three rates (三率): the practitioner formula over counts, with configurable weights."""

from __future__ import annotations

import pytest

from ticketing.domain.rates import NO_RATE, RateCounts, RateWeights, percent, rates, total_of


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
