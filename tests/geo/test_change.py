"""The change test against values computed from the binomial distribution by hand, and BH against a loop."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest

from geo.change import fdr_q_values, poisson_change_p, poisson_change_ps


def _two_sided_equal_split(k: int, n: int) -> float:
    """Exact two-sided binomial p for p=0.5: twice the smaller tail, capped at 1."""
    tail = sum(comb(n, i) for i in range(0, min(k, n - k) + 1)) / 2**n
    return min(1.0, 2 * tail)


@pytest.mark.parametrize(("count", "previous"), [(30, 10), (10, 30), (12, 9), (0, 7), (50, 50), (140, 100)])
def test_equal_periods_match_the_exact_binomial(count: int, previous: int) -> None:
    assert poisson_change_p(count, previous) == pytest.approx(_two_sided_equal_split(count, count + previous))


def test_known_values_and_edges() -> None:
    assert poisson_change_p(30, 10) == pytest.approx(0.002221, abs=1e-6)
    assert poisson_change_p(0, 0) == 1.0
    # twice as long a period: 20 against 10 is exactly the expected split
    assert poisson_change_p(20, 10, exposure_ratio=2.0) == pytest.approx(1.0)


def test_benjamini_hochberg_matches_a_plain_implementation() -> None:
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    n = len(p)
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    expected = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(expected, 1.0)
    assert np.allclose(fdr_q_values(p), q)
    assert fdr_q_values(np.array([])).size == 0


@pytest.mark.parametrize("ratio", [1.0, 0.5, 2.0, 1.37, 0.9123])
def test_many_at_once_equal_one_at_a_time(ratio: float) -> None:
    rng = np.random.default_rng(int(ratio * 1000))
    small = rng.integers(0, 60, (2, 1500))
    large = rng.integers(0, 5000, (2, 200))
    edges = np.array([[0, 0, 5, 10, 3, 20, 1], [0, 4, 0, 10, 3, 10, 0]])  # nothing, one side empty, ties, the mode
    counts, previous = np.concatenate([small, large, edges], axis=1)
    many = poisson_change_ps(counts, previous, ratio)
    one = np.array([poisson_change_p(int(k), int(m), ratio) for k, m in zip(counts, previous, strict=True)])
    assert np.array_equal(many, one)  # bit for bit: the same search and the same tails as scipy's binomtest
    assert poisson_change_ps(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).size == 0
