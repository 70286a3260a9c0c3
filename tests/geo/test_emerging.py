"""Mann-Kendall against pymannkendall, and the emerging-hotspot classes on constructed space-time cubes."""

from __future__ import annotations

import numpy as np
import pymannkendall
import shapely

from geo.emerging import emerging_hotspots, mann_kendall
from geo.lattice import build_lattice, neighbour_matrix


def test_mann_kendall_equals_pymannkendall_with_ties() -> None:
    rng = np.random.default_rng(5)
    series = rng.poisson(2, (60, 12)).astype(float)
    series[0] = np.arange(12)
    series[1] = 0
    series[2] = np.r_[np.ones(6), np.zeros(6)]
    s, z, p = mann_kendall(series)
    for i, row in enumerate(series):
        ref = pymannkendall.original_test(row)
        assert abs(ref.s - s[i]) < 1e-9 and abs(ref.z - z[i]) < 1e-9 and abs(ref.p - p[i]) < 1e-9


def _cube(months: int = 12) -> tuple[np.ndarray, object, np.ndarray]:
    lattice = build_lattice(["m"], [shapely.box(-1.30, 54.52, -1.16, 54.60)], 9)
    weights = neighbour_matrix(lattice, 1)
    counts = np.random.default_rng(3).poisson(1.0, (len(lattice), months)).astype(float)
    return counts, weights, np.arange(len(lattice))


def _apart(weights: object, n: int) -> list[int]:
    """n cells whose 3-step neighbourhoods do not overlap."""
    reach = weights @ weights @ weights  # type: ignore[operator]
    chosen: list[int] = []
    taken: set[int] = set()
    for i in range(0, reach.shape[0], 7):
        around = set(reach[i].indices)
        if not around & taken:
            chosen.append(i)
            taken |= around
        if len(chosen) == n:
            break
    return chosen


def _plant(counts: np.ndarray, weights: object, centre: int, months: list[int], amount: float) -> None:
    """Set the centre's neighbourhood to exactly `amount` in those months (noise-free, so the trend is the plant's)."""
    for i in weights[centre].indices:  # type: ignore[index]
        counts[i, months] = amount


def test_classes_of_planted_patterns() -> None:
    counts, weights, cells = _cube()
    far = _apart(weights, 5)
    for f in far:
        _plant(counts, weights, f, list(range(12)), 1)
    persistent, intensifying, new, historical, diminishing = far
    _plant(counts, weights, persistent, list(range(12)), 15)
    for t in range(12):
        _plant(counts, weights, intensifying, [t], 10 + 4 * t)
    _plant(counts, weights, new, [11], 40)
    _plant(counts, weights, historical, list(range(10)), 30)  # the window carries month 10 into 11
    for t in range(12):
        _plant(counts, weights, diminishing, [t], 45 - 3 * t)
    result = emerging_hotspots(counts, weights)
    assert result.pattern[persistent] == "persistent" and result.side[persistent] == "hot"
    assert result.pattern[intensifying] == "intensifying"
    assert result.pattern[new] == "new"
    assert result.pattern[historical] == "historical"
    assert result.pattern[diminishing] == "diminishing"
    near = set().union(*(set((weights @ weights)[f].indices) for f in far))  # type: ignore[operator]
    quiet = np.array([i for i in cells if i not in near])
    assert (result.pattern[quiet] == "").mean() > 0.95
