"""Small facts about a served store read once per version of its contents, not once per request.

Every request asks the store the same few things before its own query (the boundary sets loaded, the months and
sources held, the LADs with incidents, the store version): 4-6 DuckDB queries of 0.3-2.7 ms of CPU each, half of a
trend's CPU (docs/scale.md, "CPU a computed answer"). A served store (HeldStore, or one published snapshot) keeps a
`Memo`; the cursors it hands to requests are registered with it (`remembering`), and the read functions marked
`@per_version` answer those cursors from it. The memo is emptied when a load starts and again when it ends, and
nothing is kept while a load runs, so a request reads facts of the contents it reads; a published snapshot never
changes. Any other connection (the CLI, loads, tests) reads the store as before.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    from duckdb import DuckDBPyConnection as Connection

P = ParamSpec("P")
T = TypeVar("T")


class Memo:
    """Facts about one store's contents, by (function, arguments), for the generation of contents they were read
    from (a new generation each time a load starts and ends)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._generation = 0
        self._loads = 0
        self._values: dict[Hashable, object] = {}

    def generation(self) -> int | None:
        """The contents' generation now; None while a load runs (nothing is kept meanwhile)."""
        with self._lock:
            return None if self._loads else self._generation

    def changed(self) -> None:
        """The contents changed (e.g. the store was reopened): forget every fact."""
        with self._lock:
            self._generation += 1
            self._values.clear()

    @contextmanager
    def loading(self) -> Iterator[None]:
        """A load runs: facts are neither kept nor served until it ends, and every fact is forgotten."""
        with self._lock:
            self._loads += 1
            self._generation += 1
            self._values.clear()
        try:
            yield
        finally:
            with self._lock:
                self._loads -= 1
                self._generation += 1
                self._values.clear()

    def value(self, generation: int, key: Hashable, read: Callable[[], T]) -> T:
        """The fact under key, read once for this generation (read again, and not kept, once the generation has
        passed); a list or dict comes as a copy, so a caller changing it changes no other request's."""
        with self._lock:
            current = generation == self._generation and not self._loads
            found = self._values.get(key, _MISSING) if current else _MISSING
        if found is _MISSING:
            found = read()
            with self._lock:
                if generation == self._generation and not self._loads:
                    if len(self._values) >= MAX_FACTS:  # look-ups by names asked for: bounded, whatever is asked
                        self._values.clear()
                    self._values[key] = found
        return copy.copy(found) if isinstance(found, list | dict) else found  # type: ignore[return-value]


_MISSING = object()
MAX_FACTS = 4096
_READERS: dict[int, tuple[Memo, int]] = {}  # id of a request's cursor -> the memo and generation it reads


@contextmanager
def remembering(cursor: Connection, memo: Memo) -> Iterator[None]:
    """While the block runs, `@per_version` reads on this cursor are answered from the memo (unless a load runs)."""
    generation = memo.generation()
    if generation is None:
        yield
        return
    _READERS[id(cursor)] = (memo, generation)
    try:
        yield
    finally:
        _READERS.pop(id(cursor), None)


def per_version(read: Callable[P, T]) -> Callable[P, T]:
    """Mark a read function of (con, hashable arguments...) whose answer depends only on the store's contents: on a
    cursor a served store registered, it is read once per version of the contents."""

    @functools.wraps(read)
    def remembered(*args: P.args, **kwargs: P.kwargs) -> T:
        reader = _READERS.get(id(args[0])) if args else None
        if reader is None:
            return read(*args, **kwargs)
        memo, generation = reader
        key = (read.__module__, read.__qualname__, args[1:], tuple(sorted(kwargs.items())))
        try:
            hash(key)
        except TypeError:  # an argument that cannot be a key (a list): read as before
            return read(*args, **kwargs)
        return memo.value(generation, key, lambda: read(*args, **kwargs))

    return remembered
