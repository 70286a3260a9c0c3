"""Repeat places: rolling windows worked by hand, the ranking, and a null check on Poisson counts."""

from __future__ import annotations

import numpy as np
import pytest

from geo.repeats import chance_repeat_rate, ranked_places, rolling_repeats, window_counts


def test_windows_count_the_twelve_months_to_their_end() -> None:
    # place 0: months 0 and 5 (a repeat in windows 5..11, not in 12..16); place 1: 3 incidents in month 12
    place = np.array([0, 0, 1, 2])
    month = np.array([0, 5, 12, 13])
    n = np.array([1, 1, 3, 1])
    first, second, third = rolling_repeats(place, month, n, [11, 12, 17])
    assert (first.incidents, first.places, first.repeat_places, first.repeat_incidents) == (2, 1, 1, 2)
    assert first.repeat_rate == 1.0
    assert (second.incidents, second.places, second.repeat_places, second.repeat_incidents) == (4, 2, 1, 3)
    assert second.repeat_rate == pytest.approx(0.75)
    assert (third.incidents, third.repeat_places) == (4, 1)  # month 5 is out, place 1 still a repeat
    assert window_counts(place, month, n, 4).tolist() == [1, 0, 0]


def test_an_empty_window_has_no_rate() -> None:
    (empty,) = rolling_repeats(np.array([0]), np.array([0]), np.array([1]), [40])
    assert empty.incidents == 0 and empty.repeat_rate is None


def test_places_are_ranked_busiest_first_and_only_repeats() -> None:
    assert ranked_places(np.array([1, 5, 2, 5, 0, 3]), 3).tolist() == [1, 3, 5]
    assert ranked_places(np.array([1, 1, 0]), 5).tolist() == []


def test_poisson_counts_repeat_as_often_as_chance_says() -> None:
    """Null check: incidents spread at one rate over every place repeat at the rate 1 - exp(-rate)."""
    rng = np.random.default_rng(5)
    for rate in (0.2, 1.0, 3.0):
        counts = rng.poisson(rate, size=20_000)
        place = np.repeat(np.arange(len(counts)), counts)
        (window,) = rolling_repeats(place, np.zeros(len(place), int), np.ones(len(place)), [0])
        expected = chance_repeat_rate(window.incidents, len(counts))
        assert window.repeat_rate == pytest.approx(expected, abs=0.01)


def test_chance_needs_places_and_incidents() -> None:
    assert chance_repeat_rate(0, 10) is None and chance_repeat_rate(5, 0) is None
