"""Link records from different sources that likely describe the same incident: close in space and time.

Rule: two records of different sources are a candidate pair when they lie within `distance_m` metres, are at most
`hours` apart (records with a month only pair with records of the same month, when allowed), and their categories
are compatible. Each record is matched to at most one record of each other source: candidate pairs are taken
closest first (distance / distance_m + hours apart / hours). Matched records form groups (connected components);
each group's primary is its most precisely located record, then the earliest, then the first held.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyproj import Transformer
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree


@dataclass(frozen=True)
class Records:
    """Records to link: WGS84 points, hours since an epoch (NaN: month only), month index and integer codes."""

    lon: np.ndarray
    lat: np.ndarray
    hours: np.ndarray
    month: np.ndarray
    source: np.ndarray
    category: np.ndarray
    precision_rank: np.ndarray  # lower is more precise


@dataclass(frozen=True)
class Links:
    """Per record: index of its group's primary (-1 when unlinked), distance and hours to the primary."""

    primary: np.ndarray
    distance_m: np.ndarray
    hours_apart: np.ndarray


def to_metres(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 to British National Grid metres (pyproj)."""
    t = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    x, y = t.transform(lon, lat)
    return np.asarray(x), np.asarray(y)


def _cross_source_pairs(points: np.ndarray, source: np.ndarray, radius: float) -> np.ndarray:
    """Index pairs (i, j) of points of different sources within `radius` of each other (Chebyshev distance).

    One tree per source, queried against the others: records of one source never pair with each other, so a dense
    cluster of one source's records (thousands at one postcode and day) costs nothing, where pairing all records
    first would hold every pair of the cluster (the square of its size)."""
    found = [np.empty((0, 2), dtype=np.int64)]
    members = [np.flatnonzero(source == s) for s in np.unique(source)]
    trees = [cKDTree(points[m]) for m in members]
    for k, (a, tree_a) in enumerate(zip(members, trees, strict=True)):
        for b, tree_b in zip(members[k + 1 :], trees[k + 1 :], strict=True):
            near = tree_a.sparse_distance_matrix(tree_b, radius, p=np.inf, output_type="ndarray")
            if len(near):
                found.append(np.column_stack([a[near["i"]], b[near["j"]]]))
    return np.vstack(found)


def _timed_pairs(x: np.ndarray, y: np.ndarray, r: Records, distance_m: float, hours: float) -> np.ndarray:
    timed = np.flatnonzero(~np.isnan(r.hours))
    if len(timed) < 2:
        return np.empty((0, 2), dtype=np.int64)
    scaled = r.hours[timed] * (distance_m / hours)  # `hours` apart maps onto `distance_m`
    pairs = _cross_source_pairs(np.column_stack([x[timed], y[timed], scaled]), r.source[timed], distance_m)
    return timed[pairs] if len(pairs) else np.empty((0, 2), dtype=np.int64)


def _month_only_pairs(x: np.ndarray, y: np.ndarray, r: Records, distance_m: float) -> np.ndarray:
    found = [np.empty((0, 2), dtype=np.int64)]
    month_only = np.isnan(r.hours)
    for m in np.unique(r.month[month_only]):
        month = np.flatnonzero(r.month == m)
        if not month_only[month].any():
            continue
        pairs = _cross_source_pairs(np.column_stack([x[month], y[month]]), r.source[month], distance_m)
        pairs = month[pairs]
        found.append(pairs[month_only[pairs[:, 0]] | month_only[pairs[:, 1]]])  # at least one has a month only
    return np.vstack(found)


def candidate_pairs(
    x: np.ndarray, y: np.ndarray, r: Records, distance_m: float, hours: float, month_only: bool
) -> np.ndarray:
    """Sorted unique index pairs (i < j) of records of different sources that may match: within `distance_m` and
    `hours` (a box around each, checked exactly later), or in the same month when one has a month only."""
    pairs = [_timed_pairs(x, y, r, distance_m, hours)]
    if month_only:
        pairs.append(_month_only_pairs(x, y, r, distance_m))
    p = np.vstack(pairs)
    return np.unique(np.sort(p, axis=1), axis=0) if len(p) else p


def link(r: Records, compatible: np.ndarray, distance_m: float, hours: float, month_only: bool) -> Links:
    """Group records that likely describe one incident; compatible[i, j] says category codes i and j can match."""
    n = len(r.lon)
    x, y = to_metres(r.lon, r.lat)
    p = candidate_pairs(x, y, r, distance_m, hours, month_only)
    if len(p):
        a, b = p[:, 0], p[:, 1]
        dist = np.hypot(x[a] - x[b], y[a] - y[b])
        gap = np.abs(r.hours[a] - r.hours[b])
        keep = (r.source[a] != r.source[b]) & compatible[r.category[a], r.category[b]] & (dist <= distance_m)
        keep &= np.isnan(gap) | (gap <= hours)
        a, b, dist, gap = a[keep], b[keep], dist[keep], gap[keep]
        score = dist / distance_m + np.nan_to_num(gap / hours, nan=0.5)
        accepted = _one_per_source(a, b, score, r.source)
        a, b = a[accepted], b[accepted]
    else:
        a = b = np.empty(0, dtype=np.int64)
    return _groups(n, a, b, r, x, y)


def _one_per_source(a: np.ndarray, b: np.ndarray, score: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Greedy, closest first: each record matches at most one record of each other source."""
    taken: set[tuple[int, int]] = set()
    accepted = np.zeros(len(a), dtype=bool)
    for k in np.argsort(score, kind="stable"):
        i, j = int(a[k]), int(b[k])
        if (i, int(source[j])) in taken or (j, int(source[i])) in taken:
            continue
        taken.add((i, int(source[j])))
        taken.add((j, int(source[i])))
        accepted[k] = True
    return accepted


def _groups(n: int, a: np.ndarray, b: np.ndarray, r: Records, x: np.ndarray, y: np.ndarray) -> Links:
    primary = np.full(n, -1, dtype=np.int64)
    distance = np.full(n, np.nan)
    apart = np.full(n, np.nan)
    if len(a) == 0:
        return Links(primary, distance, apart)
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    linked = np.zeros(n, dtype=bool)
    linked[a] = linked[b] = True
    members = np.flatnonzero(linked)
    when = np.where(np.isnan(r.hours), np.inf, r.hours)
    order = np.lexsort((members, when[members], r.precision_rank[members], label[members]))
    ranked = members[order]
    first = np.ones(len(ranked), dtype=bool)
    first[1:] = label[ranked][1:] != label[ranked][:-1]
    head = dict(zip(label[ranked][first].tolist(), ranked[first].tolist(), strict=True))
    for i in members:
        p = head[int(label[i])]
        primary[i] = p
        distance[i] = float(np.hypot(x[i] - x[p], y[i] - y[p]))
        apart[i] = float(abs(r.hours[i] - r.hours[p]))
    return Links(primary, distance, apart)
