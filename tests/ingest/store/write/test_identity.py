"""Writer helpers checked against plain reference implementations."""

from __future__ import annotations

from collections import Counter

import numpy as np

from ingest.store.write.identity import ordinal_within_groups


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
