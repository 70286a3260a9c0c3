"""Mann-Kendall against pymannkendall, the emerging-hotspot trend calibrated on series with no trend, and the classes
on constructed space-time cubes."""

from __future__ import annotations

import numpy as np
import pymannkendall
import shapely

from geo.emerging import emerging_hotspots, mann_kendall, neighbourhood_shares, space_time_gi
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
    for t in range(12):  # rising as fast as `diminishing` falls: the area's own total stays level
        _plant(counts, weights, intensifying, [t], 12 + 3 * t)
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


def _shuffled_trend_p(draws: int, overlapping: bool) -> np.ndarray:
    """Trend p-values of cells whose 3-step neighbourhoods do not overlap (independent trials), on cubes whose
    counts were drawn with a season common to every cell and then shuffled across months cell by cell (no trend);
    overlapping: the old series instead, Mann-Kendall on each cell's space-time Gi* z from the second month."""
    cube, weights, _ = _cube()
    far = _apart(weights, 10_000)
    rng = np.random.default_rng(11)
    rates = np.asarray(rng.gamma(2.0, 2.0, cube.shape[0]))
    season = 1 + 0.3 * np.sin(np.arange(12) / 2)
    out = []
    for _ in range(draws):
        counts = rng.permuted(rng.poisson(rates[:, None] * season[None, :]), axis=1).astype(float)
        if overlapping:
            p = mann_kendall(space_time_gi(counts, weights, 1)[:, 1:])[2]  # type: ignore[arg-type]
        else:
            p = emerging_hotspots(counts, weights).trend_p  # type: ignore[arg-type]
        out.append(p[far])
    return np.concatenate(out)


def _within_band(p: np.ndarray, level: float) -> bool:
    """Rejection rate at level within 4 binomial standard errors above it, and not far below (Mann-Kendall's own
    size on 12 continuous values is 8.7% at 10%, 4.5% at 5%)."""
    rate = float(np.mean(p < level))
    return 0.75 * level <= rate <= level + 4 * np.sqrt(level * (1 - level) / len(p))


def test_the_emerging_trend_holds_its_level_on_series_with_no_trend() -> None:
    p = _shuffled_trend_p(160, overlapping=False)
    assert len(p) >= 3000
    assert _within_band(p, 0.10) and _within_band(p, 0.05), (np.mean(p < 0.10), np.mean(p < 0.05))


def test_the_trend_of_overlapping_gi_z_calls_about_twice_its_level() -> None:
    p = _shuffled_trend_p(160, overlapping=True)  # what the band above guards against
    assert not _within_band(p, 0.10) and np.mean(p < 0.10) > 0.15


def test_a_season_that_moves_every_cell_is_not_a_trend() -> None:
    counts, weights, _ = _cube()
    counts = np.repeat(counts[:, :1], 12, axis=1)  # every cell the same each month
    (centre,) = _apart(weights, 1)
    _plant(counts, weights, centre, list(range(12)), 15)
    season = 1 + np.arange(12) // 3  # the whole area grows fourfold over the year, a quarter at a time
    result = emerging_hotspots(counts * season[None, :], weights)
    assert result.pattern[centre] == "persistent", (result.pattern[centre], result.trend_p[centre])
    alone = counts.copy()
    alone[weights[centre].indices] *= season  # type: ignore[index]  # the same growth in this neighbourhood only
    assert emerging_hotspots(alone, weights).pattern[centre] == "intensifying"


def test_neighbourhood_shares_are_each_slices_own() -> None:
    counts, weights, _ = _cube(3)
    counts[:, 2] = 0
    shares = neighbourhood_shares(counts, weights)
    local = np.asarray(weights @ counts)  # type: ignore[operator]
    assert np.allclose(shares[:, :2], local[:, :2] / counts[:, :2].sum(axis=0))
    assert (shares[:, 2] == 0).all()
