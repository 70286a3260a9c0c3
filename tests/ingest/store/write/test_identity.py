"""Writer helpers checked against plain reference implementations."""

from __future__ import annotations

from collections import Counter

import numpy as np

from ingest.store.write.identity import RunningOrdinals, ordinal_within_groups


def _reference(keys: list[int]) -> list[int]:
    seen: Counter[int] = Counter()
    out = []
    for k in keys:
        seen[k] += 1
        out.append(seen[k])
    return out


def test_ordinals_match_a_counting_loop() -> None:
    rng = np.random.default_rng(11)
    for size, distinct in ((1, 1), (50, 3), (5000, 700), (20000, 20000)):
        keys = rng.integers(0, distinct, size).astype(np.uint64)
        assert ordinal_within_groups(keys).tolist() == _reference(keys.tolist())


def test_ordinals_of_nothing() -> None:
    assert ordinal_within_groups(np.array([], dtype=np.uint64)).tolist() == []


def test_running_ordinals_match_a_counting_loop_over_the_whole_file() -> None:
    rng = np.random.default_rng(12)
    for batches, size, distinct in ((1, 10, 3), (7, 300, 40), (40, 500, 5000), (12, 2000, 2**40)):
        running = RunningOrdinals()
        keys = [rng.integers(0, distinct, size).astype(np.uint64) for _ in range(batches)]
        got = np.concatenate([running.next(k) for k in keys])
        assert got.tolist() == _reference(np.concatenate(keys).tolist())
        assert len(running.runs) < batches or batches == 1  # runs merge as they grow


def test_running_ordinals_of_an_empty_batch() -> None:
    running = RunningOrdinals()
    running.next(np.array([5, 5], dtype=np.uint64))
    assert running.next(np.array([], dtype=np.uint64)).tolist() == []
    assert running.next(np.array([5], dtype=np.uint64)).tolist() == [3]
