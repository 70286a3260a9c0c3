"""prefetch keeps order, re-raises the producer's errors, and stops its worker when the consumer stops."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from ingest.prefetch import prefetch


def test_items_arrive_in_order() -> None:
    assert list(prefetch(iter(range(1000)), depth=3)) == list(range(1000))


def test_producer_errors_reach_the_consumer() -> None:
    def broken() -> Iterator[int]:
        yield 1
        raise ValueError("bad block")

    got = []
    with pytest.raises(ValueError, match="bad block"):
        for item in prefetch(broken()):
            got.append(item)
    assert got == [1]


def test_closing_early_stops_the_worker() -> None:
    produced = []

    def endless() -> Iterator[int]:
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    items = prefetch(endless(), depth=2)
    assert next(items) == 0
    items.close()
    assert not any(t.name == "aim-prefetch" for t in threading.enumerate())
    assert len(produced) <= 5
