"""The map's statistic layers kept between requests: a layer is computed once per store content, filters, study area
and parameters, and the next page asking the same reads it back."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any

Layer = dict[str, Any]


class LayerCache:
    """Layers by key, least recently used out past `size`; callers never change a layer they are given."""

    def __init__(self, size: int = 48) -> None:
        self._items: OrderedDict[Hashable, Layer] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, key: Hashable, compute: Callable[[], Layer]) -> Layer:
        """The layer kept for the key, or the one `compute` makes (then kept)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        layer = compute()  # outside the lock: two first askers may both compute, never wait on each other
        with self._lock:
            self._items[key] = layer
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return layer

    def __len__(self) -> int:
        return len(self._items)
