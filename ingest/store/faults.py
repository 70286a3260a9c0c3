"""A store's faults as a service sees them: which DuckDB errors leave the store unusable until it is reopened, a
write refused for want of disk space, and the store's state as /healthz reports it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import duckdb

from ingest.errors import StoreError

StoreStatus = Literal["ok", "unavailable", "stale"]
SUMMARY: dict[StoreStatus, str] = {
    "unavailable": "the store cannot be read just now: maps, figures and loads are unavailable until it is reopened",
    "stale": "the store holds a change this service does not serve yet (made outside it, or not yet published to "
    "its workers): figures are as they were before it",
}
FAILURES: tuple[type[Exception], ...] = (duckdb.FatalException, duckdb.InternalException)  # the store must be reopened
FULL_DISK = ("no space left", "disk full", "disk quota exceeded", "not enough space")


class StoreUnavailable(StoreError):
    """The store failed (DuckDB invalidated it) and has not been reopened yet; callers over HTTP get 503."""

    public = "the store is not available just now (see /healthz)"


class StoreFull(StoreError):
    """A load could not be written for want of disk space; nothing from the file was kept."""

    public = (
        "the store's disk is full: nothing from the file was loaded and the store is as it was; free space and send "
        "it again"
    )


def invalidates(exc: BaseException) -> bool:
    """Whether DuckDB has given up on the database object after this error (a fatal or internal error, e.g. a
    checkpoint that could not be written): it answers nothing until it is opened again."""
    return isinstance(exc, FAILURES) or (isinstance(exc, duckdb.Error) and "invalidated" in str(exc))


def disk_full(exc: BaseException) -> bool:
    """Whether an error says the disk (or the user's quota) is full."""
    text = str(exc).lower()
    return isinstance(exc, duckdb.Error | OSError) and any(words in text for words in FULL_DISK)


def now_iso() -> str:
    """The time now, UTC, ISO 8601."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


@dataclass(frozen=True)
class StoreHealth:
    """The store's state: ok, unavailable (failed and not reopened yet), or stale (changed outside the service)."""

    status: StoreStatus
    detail: str | None = None  # what failed, for the operator: DuckDB's error
    since: str | None = None  # when it was first seen, UTC, ISO 8601

    @property
    def summary(self) -> str | None:
        """What it means, in general terms (no paths, no DuckDB messages); None when all is well."""
        return SUMMARY.get(self.status)
