"""Duplicate linking finds the same candidate pairs as comparing every record with every other, and a dense
cluster of one source's records (thousands at one postcode on one day) costs no memory for pairs it cannot make."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from geo.links import Records, candidate_pairs, link


def _records(n: int, seed: int, spread: float = 400.0) -> tuple[Records, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0, spread, n), rng.uniform(0, spread, n)
    hours = np.where(rng.random(n) < 0.3, np.nan, rng.uniform(0, 24 * 60, n))
    month = rng.integers(0, 3, n)
    r = Records(
        lon=x,
        lat=y,
        hours=hours,
        month=month,
        source=rng.integers(0, 3, n),
        category=np.zeros(n, dtype=np.int64),
        precision_rank=np.zeros(n, dtype=np.int64),
    )
    return r, x, y


def _every_pair(x: np.ndarray, y: np.ndarray, r: Records, distance_m: float, hours: float, month_only: bool) -> set:
    i, j = np.triu_indices(len(x), k=1)
    other = r.source[i] != r.source[j]
    near = np.maximum(np.abs(x[i] - x[j]), np.abs(y[i] - y[j])) <= distance_m
    timed = ~np.isnan(r.hours[i]) & ~np.isnan(r.hours[j])
    close = timed & (np.abs(r.hours[i] - r.hours[j]) * (distance_m / hours) <= distance_m)
    same_month = ~timed & (r.month[i] == r.month[j]) & (np.hypot(x[i] - x[j], y[i] - y[j]) <= distance_m)
    keep = other & ((near & close) | (same_month if month_only else False))
    return set(zip(i[keep].tolist(), j[keep].tolist(), strict=True))


@pytest.mark.parametrize("month_only", [False, True])
def test_candidate_pairs_are_every_cross_source_pair_within_reach(month_only: bool) -> None:
    for seed in range(5):
        r, x, y = _records(600, seed)
        found = {(int(a), int(b)) for a, b in candidate_pairs(x, y, r, 150.0, 48.0, month_only)}
        expected = _every_pair(x, y, r, 150.0, 48.0, month_only)
        assert expected <= found  # nothing the rule could link is missed ...
        extra = found - expected  # ... and the rest are within the box, checked exactly by link()
        assert all(r.source[a] != r.source[b] for a, b in found)
        assert all(np.isnan(r.hours[a]) or np.isnan(r.hours[b]) for a, b in extra)


def test_a_dense_cluster_of_one_source_makes_no_pairs() -> None:
    n = 6000  # one source's records at one place and hour: 18 million same-source pairs if all were listed
    lon = np.concatenate([np.full(n, -1.23), [-1.23]])
    lat = np.concatenate([np.full(n, 54.57), [54.5701]])
    r = Records(
        lon=lon,
        lat=lat,
        hours=np.full(n + 1, 500_000.0),
        month=np.zeros(n + 1, dtype=np.int64),
        source=np.concatenate([np.zeros(n, dtype=np.int64), [1]]),
        category=np.zeros(n + 1, dtype=np.int64),
        precision_rank=np.zeros(n + 1, dtype=np.int64),
    )
    tracemalloc.start()
    try:
        links = link(r, np.ones((1, 1), dtype=bool), 150.0, 48.0, month_only=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 << 20, f"linking held {peak >> 20} MB"
    assert np.count_nonzero(links.primary >= 0) == 2  # the other source's record links to one of the cluster
