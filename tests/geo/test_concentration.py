"""Concentration: the lorenzgini vignette's executed values, the Lorenz curve, and a null check on Poisson counts."""

from __future__ import annotations

import numpy as np
import pytest

from geo.concentration import (
    beyond_chance,
    concentration,
    generalized_gini,
    gini,
    lorenz,
    lorenz_at,
    places_holding,
    poisson_gini,
)


def test_more_incidents_than_places_leaves_the_gini_as_it_is() -> None:
    counts = [10, 8, 2, *[0] * 7]
    assert gini(counts) == pytest.approx(0.78)
    assert generalized_gini(counts) == pytest.approx(0.78)


def test_fewer_incidents_than_places_moves_perfect_equality() -> None:
    counts = [5, 2, 1, *[0] * 7]
    assert gini(counts) == pytest.approx(0.80)
    assert generalized_gini(counts) == pytest.approx(0.75)


def test_the_unbiased_generalized_gini_of_the_vignettes_frequency_table() -> None:
    table = {0: 433, 1: 325, 2: 169, 3: 58, 4: 11, 5: 4}
    counts = np.repeat(list(table), list(table.values()))
    assert generalized_gini(counts, unbiased=True) == pytest.approx(0.5255617, abs=5e-8)


def test_the_unbiased_standard_gini_of_one_busy_place_is_one() -> None:
    assert gini([10, *[0] * 9], unbiased=True) == pytest.approx(1.0)
    assert gini([10, *[0] * 9]) == pytest.approx(0.9)


def test_the_lorenz_curve_ranks_the_busiest_places_first() -> None:
    assert lorenz_at([10, 20, 30, 40], [0.25, 0.5, 0.75]) == pytest.approx([0.4, 0.7, 0.9])
    places, held = lorenz([10, 20, 30, 40])
    assert places[0] == held[0] == 0 and places[-1] == held[-1] == 1


def test_the_share_of_places_holding_a_share_of_incidents() -> None:
    assert places_holding([10, 20, 30, 40], 0.5) == 0.5
    assert places_holding([10, 20, 30, 40], 0.25) == 0.25
    assert places_holding([10, 20, 30, 40], 0.4) == 0.25  # exactly the busiest place's share
    assert places_holding([0, 0], 0.5) is None


def test_counts_from_one_poisson_rate_are_no_more_concentrated_than_chance() -> None:
    rng = np.random.default_rng(7)
    for rate in (0.3, 2.0, 10.0):
        counts = rng.poisson(rate, size=2000)
        result = concentration(counts, draws=100, seed=1)
        assert result.beyond_chance is not None and abs(result.beyond_chance) < 0.03
        interval = result.intervals["beyond_chance"]
        assert interval.low <= 0.0 <= interval.high or abs(result.beyond_chance) < 0.01


def test_counts_piled_on_few_places_are_concentrated_beyond_chance() -> None:
    counts = np.zeros(1000)
    counts[:20] = 50
    result = concentration(counts, draws=50, seed=1)
    assert result.beyond_chance is not None and result.beyond_chance > 0.9
    assert result.half == pytest.approx(0.01) and result.places_half == 10


def test_the_poisson_baseline_follows_sparsity() -> None:
    sparse, dense = poisson_gini(1000, 100), poisson_gini(1000, 10_000)
    assert sparse is not None and dense is not None and sparse > 0.85 > 0.3 > dense
    assert beyond_chance(sparse, sparse) == 0.0


def test_bootstrap_intervals_are_seeded_and_hold_the_estimate() -> None:
    counts = [5, 3, 3, 2, 1, 1, 1, 0, 0, 0, 0, 0]
    first, again = concentration(counts, seed=3), concentration(counts, seed=3)
    assert first.intervals == again.intervals
    for name in ("gini", "generalized"):
        interval, estimate = first.intervals[name], getattr(first, name)
        assert interval.low <= estimate <= interval.high


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        gini([1, -1])
