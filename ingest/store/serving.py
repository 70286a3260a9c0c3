"""One serving group per store: `aim serve` holds an exclusive OS lock on `<store>.serving` while it runs (its
workers, if any, serve under it), so a second `aim serve` of the same store is refused, naming the one that serves it.

The lock goes with the process that holds it (stopped, killed or crashed), so a store is never left locked. The file
keeps the holder's description (process id, address, workers) for the refusal's message; it is only ever read for
that message, never trusted for the lock itself."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.errors import StoreError


def serving_file(store: Path) -> Path:
    """The file whose lock marks a store as served."""
    return store.with_name(f"{store.name}.serving")


class AlreadyServed(StoreError):
    """The store is served by another `aim serve` already."""


@contextmanager
def serving_lock(store: Path, description: str) -> Iterator[None]:
    """Hold the store's serving lock while the block runs; `AlreadyServed` at once when another process holds it."""
    path = serving_file(store)
    with path.open("a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise AlreadyServed(
                f"{store} is already served by {holder}: one `aim serve` serves a store (its --workers gives it more "
                "processes; send files to it: POST /api/v1/ingest/<feed>); stop it first to serve the store from here"
            ) from None
        try:
            fh.seek(0)
            fh.truncate()
            fh.write(f"`aim serve` (process {os.getpid()}, {description})\n")
            fh.flush()
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)
