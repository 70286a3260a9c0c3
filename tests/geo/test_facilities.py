"""Risky facilities: attribution to the nearest facility within the distance, the knee of the J-curve against
values reckoned by hand, and the null check: equal risk at every facility calls few facilities risky."""

from __future__ import annotations

import numpy as np
import pytest

from geo.facilities import attribute, j_curve, knee, risky_facilities


def test_each_incident_goes_to_its_nearest_facility_within_the_distance() -> None:
    facilities = np.array([[0, 0], [100, 0], [1000, 1000]], dtype=float)
    incidents = np.array([[10, 0], [60, 0], [40, 0], [500, 500], [1000, 1049], [1000, 1051]], dtype=float)
    assert attribute(incidents, facilities, 50).tolist() == [0, 1, 0, -1, 2, -1]
    assert attribute(incidents, np.zeros((0, 2)), 50).tolist() == [-1] * 6


def test_the_knee_is_the_rank_farthest_below_the_chord() -> None:
    """Counts 20, 10, 5, 2, 1, 1, 0, 0: 1 - rank/7 - count/20 is 0, 0.357, 0.464, 0.471, 0.379, ... (by hand):
    the knee is rank 3 (count 2); the facilities above it hold 35 of the 39 incidents."""
    assert knee(np.array([1, 0, 20, 2, 0, 5, 10, 1])) == 3
    assert knee(np.array([3, 3, 3])) is None and knee(np.array([5, 1])) is None


def test_counts_rates_and_the_risky_facilities_reckoned_by_hand() -> None:
    facilities = np.array([[k * 1000.0, 0.0] for k in range(8)])
    counts = [20, 10, 5, 2, 1, 1, 0, 0]
    incidents = np.array([[k * 1000.0 + 3.0, 4.0] for k, n in enumerate(counts) for _ in range(n)] + [[500.0, 0]])
    size = np.array([10, 5, 0, 1, 1, 2, 1, 4], dtype=float)
    found = risky_facilities(incidents, facilities, 10, size)
    assert found.counts.tolist() == counts and found.attributed == 39 and found.incidents == 40
    assert found.knee_rank == 3 and found.risky.tolist() == [0, 1, 2]
    assert found.risky_share == pytest.approx(35 / 39)
    assert found.rates is not None and found.rates[0] == 2.0 and np.isnan(found.rates[2]) and found.rates[5] == 0.5
    places, held = j_curve(found.counts)
    assert places[3] == pytest.approx(3 / 8) and held[3] == pytest.approx(35 / 39) and held[-1] == 1


def _named(counts: np.ndarray) -> tuple[float, float]:
    """The share of facilities above the knee and how many times their share of incidents that is (the lift)."""
    k = knee(counts)
    assert k is not None
    above = counts > np.sort(counts)[::-1][k]
    return float(above.mean()), float(counts[above].sum() / counts.sum() / above.mean())


def test_equal_risk_calls_few_facilities_risky_and_they_hold_little_more() -> None:
    """Null check: Poisson counts at one rate for every facility: the knee names few of them (15% on average), and
    they hold under 2.5 times their share of incidents; a skewed (negative binomial) risk gives twice that lift."""
    rng = np.random.default_rng(0)
    null = np.array([_named(rng.poisson(5, 100)) for _ in range(200)])
    assert null[:, 0].mean() < 0.2 and null[:, 0].max() < 0.4
    assert null[:, 1].mean() < 2 and null[:, 1].max() < 2.5
    skewed = np.array([_named(rng.negative_binomial(0.5, 0.1, 100)) for _ in range(200)])
    assert skewed[:, 1].mean() > 1.8 * null[:, 1].mean()


def test_weights_count_several_incidents_at_one_point() -> None:
    facilities = np.array([[0, 0], [100, 0], [200, 0]], dtype=float)
    points = np.array([[1, 0], [99, 0], [150, 60]], dtype=float)
    found = risky_facilities(points, facilities, 20, weights=np.array([4, 2, 7]))
    assert found.counts.tolist() == [4, 2, 0] and found.attributed == 6 and found.incidents == 13
