"""The Knox test for near-repeats: pairs of events counted by distance band x time band, beside the counts expected
when times are unrelated to places (the exact expectation, row total x column total / pairs, and the mean of seeded
permutations of the times), with Monte Carlo p-values. Distance bands come from a k-d tree (scipy cKDTree), time
bands from sorted times; no pair beyond the last finite distance band is ever listed. No I/O."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.spatial import cKDTree

Metric = Literal["euclidean", "manhattan"]
Closed = Literal["right", "left"]  # right: bands (a, b] (the first [0, b]); left: bands [a, b)
PERMUTATIONS = 99
MAX_PAIRS = 5_000_000  # pairs listed within the last finite distance band
MAX_WORK = 200_000_000  # listed pairs x (1 + permutations)


class TooManyPairs(ValueError):
    """More pairs within the distance bands than the test lists, or too many for the permutations asked."""


def _edges(edges: list[float] | tuple[float, ...] | np.ndarray, name: str) -> np.ndarray:
    """Band edges as floats: from 0, strictly increasing, at least one band, only the last may be infinite."""
    e = np.asarray(edges, dtype=float)
    if e.ndim != 1 or len(e) < 2 or e[0] != 0 or np.isnan(e).any() or (np.diff(e) <= 0).any():
        raise ValueError(f"{name} bands must be edges from 0, strictly increasing")
    if np.isinf(e[:-1]).any() or not np.isfinite(e[-2]) or e[1] <= 0:
        raise ValueError(f"{name} bands: only the last edge may be infinite")
    return e


def band_labels(edges: np.ndarray | list[float], closed: Closed) -> list[str]:
    """The bands in interval notation, exactly as counted: '[0, 0.1]', '(0.1, 200]' ... or '[0, 1)', '[1, 100)' ...;
    an infinite band is open at infinity."""
    e = np.asarray(edges, dtype=float)

    def num(x: float) -> str:
        return "inf" if math.isinf(x) else f"{x:g}"

    out = []
    for i, (a, b) in enumerate(zip(e[:-1], e[1:], strict=True)):
        if closed == "right":
            left = "[" if i == 0 else "("
            right = ")" if math.isinf(b) else "]"
        else:
            left, right = "[", ")"
        out.append(f"{left}{num(a)}, {num(b)}{right}")
    return out


def band_of(values: np.ndarray, edges: np.ndarray, closed: Closed) -> np.ndarray:
    """Each non-negative value's band index (len(edges) - 1: beyond the last band)."""
    v = np.asarray(values, dtype=float)
    if closed == "right":
        return np.maximum(np.searchsorted(edges, v, side="left") - 1, 0)
    return np.searchsorted(edges, v, side="right") - 1


def pairs_within(
    xy: np.ndarray, radius: float, metric: Metric, limit: int = MAX_PAIRS
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (i < j) of points at most `radius` apart, with its distance: (i, j, distance); TooManyPairs when
    there are more than `limit` (counted first, without listing them)."""
    p = 2 if metric == "euclidean" else 1
    tree = cKDTree(xy)
    reach = radius * (1 + 1e-9) + 1e-12
    within = (int(tree.count_neighbors(tree, reach, p=p)) - len(xy)) // 2
    if within > limit:
        raise TooManyPairs(f"{within:,} pairs of incidents within {radius:g} m: at most {limit:,} (narrower bands)")
    found = tree.query_pairs(reach, p=p, output_type="ndarray")
    i, j = found[:, 0], found[:, 1]
    d = np.abs(xy[i] - xy[j])
    dist = np.hypot(d[:, 0], d[:, 1]) if metric == "euclidean" else d.sum(axis=1)
    keep = dist <= radius
    return i[keep], j[keep], dist[keep]


def pairs_per_band(values: np.ndarray, edges: np.ndarray, closed: Closed) -> np.ndarray:
    """How many of all pairs of the values (1-D) are in each band of their absolute difference (sorted, no pairs
    listed): one count per band."""
    v = np.sort(np.asarray(values, dtype=float))
    n = len(v)
    side: Literal["left", "right"] = "right" if closed == "right" else "left"
    # pairs (i < j) with v[j] - v[i] within (closed right: <=, left: <) each edge
    within = []
    for edge in edges[1:]:
        if math.isinf(edge):
            within.append(n * (n - 1) // 2)
            continue
        reach = np.searchsorted(v, v + edge, side=side)
        within.append(int((reach - np.arange(n) - 1).sum()))
    return np.diff(np.concatenate([[0], within])).astype(np.int64)


@dataclass(frozen=True)
class Knox:
    """The Knox table of a set of events: observed pairs per distance band x time band and what chance gives."""

    distance_edges: np.ndarray
    time_edges: np.ndarray
    distance_labels: list[str]
    time_labels: list[str]
    observed: np.ndarray  # pairs per distance band x time band
    expected: np.ndarray  # row total x column total / pairs: the exact mean over every permutation of the times
    permuted_mean: np.ndarray  # the mean over the permutations drawn
    p_values: np.ndarray  # (1 + permutations with at least the observed count) / (1 + permutations)
    family_p_values: np.ndarray  # each finite cell's p-value adjusted over the finite cells (NaN: an open band)
    pairs: int  # every pair of events
    events: int
    permutations: int
    metric: Metric
    closed: Closed
    seed: int

    @property
    def ratio_expected(self) -> np.ndarray:
        """Observed over the exact expectation (NaN where nothing is expected)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.expected > 0, self.observed / self.expected, np.nan)

    @property
    def ratio_mean(self) -> np.ndarray:
        """Observed over the permutations' mean (the Knox ratio of the Near Repeat Calculator; NaN where it is 0)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.permuted_mean > 0, self.observed / self.permuted_mean, np.nan)


def knox(
    xy: np.ndarray,
    t: np.ndarray,
    distance_edges: list[float] | tuple[float, ...] | np.ndarray,
    time_edges: list[float] | tuple[float, ...] | np.ndarray,
    metric: Metric = "euclidean",
    closed: Closed = "right",
    permutations: int = PERMUTATIONS,
    seed: int = 0,
) -> Knox:
    """The Knox test of events at points xy (n x 2, metres) and times t (n, days): every pair counted by distance
    band x time band (edges from 0; the last may be inf), the exact expectation, and `permutations` seeded
    permutations of the times among the events for the permutations' mean and Monte Carlo p-values."""
    xy, t = np.asarray(xy, dtype=float), np.asarray(t, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) != len(t) or np.isnan(xy).any() or np.isnan(t).any():
        raise ValueError("xy must be n x 2 points and t n times, none missing")
    if metric not in ("euclidean", "manhattan") or closed not in ("right", "left"):
        raise ValueError("metric: euclidean or manhattan; closed: right or left")
    s_edges, t_edges = _edges(distance_edges, "distance"), _edges(time_edges, "time")
    rows, cols = len(s_edges) - 1, len(t_edges) - 1
    n = len(t)
    pairs = n * (n - 1) // 2
    open_row = math.isinf(s_edges[-1])  # the last distance band is everything beyond: counted from the totals
    listed_rows = rows - 1 if open_row else rows
    i, j, dist = pairs_within(xy, float(s_edges[listed_rows]), metric) if n > 1 else (np.zeros(0, int),) * 3
    if len(i) * (1 + permutations) > MAX_WORK:
        raise TooManyPairs(f"{len(i):,} pairs x {permutations} permutations: too many (fewer permutations)")
    s_band = band_of(dist, s_edges, closed)
    keep = s_band < listed_rows
    i, j, s_band = i[keep], j[keep], s_band[keep]
    row_totals = np.bincount(s_band, minlength=rows).astype(np.int64)
    if open_row:
        row_totals[-1] = pairs - row_totals[:-1].sum()
    column_totals = pairs_per_band(t, t_edges, closed)

    def table(times: np.ndarray) -> np.ndarray:
        t_band = band_of(np.abs(times[i] - times[j]), t_edges, closed)
        inside = t_band < cols
        out = np.bincount(s_band[inside] * cols + t_band[inside], minlength=rows * cols).reshape(rows, cols)
        if open_row:
            out[-1] = column_totals - out[:-1].sum(axis=0)
        return out

    observed = table(t)
    rng = np.random.default_rng(seed)
    expected = np.outer(row_totals, column_totals) / pairs if pairs else np.zeros((rows, cols))
    drawn = np.stack([observed] + [table(t[rng.permutation(n)]) for _ in range(permutations)])
    total = drawn[1:].sum(axis=0).astype(float)
    at_least = (drawn[1:] >= observed).sum(axis=0)
    return Knox(
        distance_edges=s_edges,
        time_edges=t_edges,
        distance_labels=band_labels(s_edges, closed),
        time_labels=band_labels(t_edges, closed),
        observed=observed,
        expected=expected,
        permuted_mean=total / permutations if permutations else np.full((rows, cols), np.nan),
        p_values=(1 + at_least) / (1 + permutations),
        family_p_values=family_p_values(drawn, expected, np.outer(np.isfinite(s_edges[1:]), np.isfinite(t_edges[1:]))),
        pairs=pairs,
        events=n,
        permutations=permutations,
        metric=metric,
        closed=closed,
        seed=seed,
    )


def family_p_values(tables: np.ndarray, expected: np.ndarray, tested: np.ndarray) -> np.ndarray:
    """Single-step max-T adjusted p-values (Westfall & Young 1993) of the tested cells: tables[0] is the observed
    table, tables[1:] the permutations'. Each cell's excess is standardised, (count - expected) / sqrt(expected); a
    cell's adjusted p-value is the share of the tables (the observed one with them) whose largest standardised excess
    over the tested cells is at least the cell's observed one. With the times unrelated to the places, some tested
    cell is then at most alpha in about alpha of the tests, however many cells are tested. NaN where not tested (an
    open band, or nothing expected)."""
    tested = tested & (expected > 0)
    k = len(tables)
    scale = np.sqrt(expected[tested])
    z = (tables.reshape(k, -1)[:, tested.ravel()] - expected[tested]) / scale
    largest = np.sort(z.max(axis=1)) if z.shape[1] else np.full(k, -np.inf)
    out = np.full(tables.shape[1:], np.nan)
    out[tested] = (k - np.searchsorted(largest, z[0] - 1e-9, side="left")) / k
    return out


def elevated(result: Knox, alpha: float = 0.05) -> np.ndarray:
    """The cells of the table (distance band x time band, never an open band beyond the last edge) where pairs are
    more than expected (observed over the exact expectation above 1) with a family-wise p-value at most alpha: with
    the dates unrelated to the places, some cell is elevated in about alpha of the tests, however many are tested."""
    finite = np.outer(np.isfinite(result.distance_edges[1:]), np.isfinite(result.time_edges[1:]))
    with np.errstate(invalid="ignore"):
        more = np.nan_to_num(result.ratio_expected, nan=0.0) > 1
    return finite & more & (np.nan_to_num(result.family_p_values, nan=1.0) <= alpha)


def risk_window(result: Knox, alpha: float = 0.05) -> tuple[float, float] | None:
    """How far (metres) and for how long (days) risk is elevated after an incident: the upper edges of the farthest
    distance band and the latest time band with an elevated cell (None: no cell is elevated)."""
    cells = elevated(result, alpha)
    if not cells.any():
        return None
    rows, cols = np.nonzero(cells)
    return float(result.distance_edges[rows.max() + 1]), float(result.time_edges[cols.max() + 1])


def zone_offsets(reach: float, metric: Metric, step: float) -> np.ndarray:
    """Offsets (metres) of a square lattice of `step` within `reach` of a point, by the metric (a disc or a
    diamond): k x 2, the point itself included."""
    k = int(math.floor(reach / step))
    axis = np.arange(-k, k + 1) * step
    dx, dy = (a.ravel() for a in np.meshgrid(axis, axis))
    inside = np.hypot(dx, dy) <= reach if metric == "euclidean" else np.abs(dx) + np.abs(dy) <= reach
    return np.column_stack([dx[inside], dy[inside]])
