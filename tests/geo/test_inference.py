"""Conditional inference for local sums: exact against enumeration and permutation, calibrated on shuffled counts."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import shapely

from geo.emerging import emerging_hotspots
from geo.hotspots import gi_star, hotspot_classes, two_sided_p
from geo.inference import gi_p_values, local_sum_p_values
from geo.lattice import build_lattice, neighbour_matrix

MIDDLESBROUGH = shapely.box(-1.26, 54.54, -1.20, 54.58)


def _heavy_tailed(n: int, seed: int) -> np.ndarray:
    """Counts shaped like police.uk ASB per res-9 cell: mostly zero, a long tail (skew about 7)."""
    rng = np.random.default_rng(seed)
    x = rng.negative_binomial(0.15, 0.05, n).astype(float)
    x[rng.random(n) < 0.4] = 0
    return x


def test_p_values_equal_enumeration_of_every_draw() -> None:
    values = np.array([0, 0, 0, 1, 2, 5, 0, 3, 0, 9], dtype=float)
    m = 3
    for i in (5, 9, 0):
        others = np.delete(values, i)
        sums = np.array([sum(t) for t in itertools.product(others, repeat=m)])
        for s in (0, 4, 11, 20):
            upper = np.mean(sums > s) + np.mean(sums == s) / 2
            lower = np.mean(sums < s) + np.mean(sums == s) / 2
            exact = min(1.0, 2 * min(upper, lower))
            ours = local_sum_p_values(values, np.full(len(values), s), np.full(len(values), m), own_fixed=True)[i]
            assert ours == pytest.approx(exact, abs=1e-12)


def test_upper_tail_matches_esda_conditional_permutation() -> None:
    from esda.getisord import G_Local
    from libpysal.weights import W

    lattice = build_lattice(["m"], [MIDDLESBROUGH], 9)
    x = _heavy_tailed(len(lattice), 3)
    with_self = neighbour_matrix(lattice, 1)
    without_self = neighbour_matrix(lattice, 1, include_self=False)
    w = W({i: list(without_self[i].indices) for i in range(len(lattice))}, silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np.random.seed(11)
        reference = G_Local(x, w, transform="B", star=True, permutations=9999)
    local = with_self @ x
    m = np.asarray(with_self.sum(axis=1)).ravel().astype(int) - 1
    ours = local_sum_p_values(x, local - x, m, own_fixed=True, mid=False)
    high = (reference.Zs > 1.0) & (ours < 0.5)  # esda folds p to the nearer tail; compare where both take the upper
    assert high.sum() > 20
    # 9,999 draws: Monte-Carlo error about sqrt(p / 10,000); drawing without replacement narrows the tails a little
    error = np.abs(ours[high] - reference.p_sim[high])
    assert np.all(error < 4 * np.sqrt(np.maximum(ours[high], 1e-4) / 10_000) + 0.01)


def test_unconditional_p_values_equal_enumeration() -> None:
    values = np.array([0, 0, 1, 2, 5, 0, 3, 0, 9], dtype=float)
    m = 3
    sums = np.array([sum(t) for t in itertools.product(values, repeat=m)])
    for s in (0, 4, 11, 20):
        upper = np.mean(sums > s) + np.mean(sums == s) / 2
        lower = np.mean(sums < s) + np.mean(sums == s) / 2
        ours = local_sum_p_values(values, np.full(len(values), s), np.full(len(values), m))
        assert np.allclose(ours, min(1.0, 2 * min(upper, lower)), atol=1e-12)


@pytest.mark.parametrize("seed", [1, 2])
def test_shuffled_counts_are_called_at_the_nominal_rate(seed: int) -> None:
    lattice = build_lattice(["m"], [shapely.box(-1.30, 54.52, -1.15, 54.60)], 9)
    weights = neighbour_matrix(lattice, 1)
    x = _heavy_tailed(len(lattice), seed)
    rng = np.random.default_rng(seed)
    exact, normal = [], []
    for _ in range(30):
        shuffled = rng.permutation(x)
        z = gi_star(shuffled, weights)
        exact.append(gi_p_values(shuffled, weights))
        normal.append(two_sided_p(z))
    p_exact, p_normal = np.concatenate(exact), np.concatenate(normal)
    n = len(p_exact)
    for level in (0.01, 0.05, 0.10):
        noise = 4 * np.sqrt(level * (1 - level) / n) * 3  # neighbouring cells share draws: allow for correlation
        assert np.mean(p_exact < level) <= level + noise
        assert np.mean(p_exact < level) >= level / 2 - noise  # sparse counts: the low tail is rarely reachable
    assert np.mean(p_normal < 0.01) > 0.02  # the normal approximation, by contrast, over-calls at 1%


def test_no_hot_spots_on_shuffled_counts_after_fdr() -> None:
    lattice = build_lattice(["m"], [shapely.box(-1.30, 54.52, -1.15, 54.60)], 9)
    weights = neighbour_matrix(lattice, 1)
    x = _heavy_tailed(len(lattice), 5)
    rng = np.random.default_rng(5)
    called = [int((hotspot_classes(rng.permutation(x), weights).confidence > 0).sum()) for _ in range(20)]
    assert sum(c > 0 for c in called) <= 3  # FDR at 10% under the global null: a call in at most ~10% of shuffles


def test_emerging_hot_spots_are_calibrated_on_shuffled_bins() -> None:
    lattice = build_lattice(["m"], [MIDDLESBROUGH], 9)
    weights = neighbour_matrix(lattice, 1)
    rng = np.random.default_rng(9)
    counts = _heavy_tailed(len(lattice) * 12, 9).reshape(len(lattice), 12)
    calls = []
    for _ in range(5):
        shuffled = rng.permutation(counts.ravel()).reshape(counts.shape)
        calls.append(int((emerging_hotspots(shuffled, weights, alpha=0.1).significant != 0).sum()))
    assert sum(c > 0 for c in calls) <= 2
