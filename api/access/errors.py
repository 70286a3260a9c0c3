"""What the access store raises, and its state as /healthz reports it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "read-only", "unavailable", "damaged"]
SUMMARY: dict[Status, str] = {
    "read-only": "the access database cannot be written: new sign-ins, token changes and the audit log are "
    "unavailable, so incident rows are not served",
    "unavailable": "the access database cannot be read: tokens cannot be checked, so only the public view is served",
    "damaged": "the access database is damaged: token sign-in is off, so only the public view is served",
}


class AccessUnavailable(Exception):
    """The access database cannot do what was asked: it cannot be written or read, or it is damaged.

    `str()` is the whole story for the operator (the database, the cause, what to do); `public` is what a caller over
    HTTP is told (no paths, no database messages)."""

    public = "the access database is not available just now (see /healthz)"

    def __init__(self, message: str, public: str | None = None) -> None:
        super().__init__(message)
        if public is not None:
            self.public = public


class AccessDamaged(AccessUnavailable):
    """The file is not a sound AIM database (cut short, emptied, corrupted, or not AIM's); it is left as it is."""


@dataclass(frozen=True)
class AccessHealth:
    """The access database's state: ok, read-only (writes fail), unavailable (reads fail too), or damaged."""

    status: Status
    detail: str | None = None  # what failed, for the operator: the database and the driver's error
    since: str | None = None  # when it was first seen, UTC, ISO 8601

    @property
    def summary(self) -> str | None:
        """What it means, in general terms (no paths, no database messages); None when all is well."""
        return SUMMARY.get(self.status)
