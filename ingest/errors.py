"""Exceptions raised by ingest; the API and CLI map them to messages and status codes."""

from __future__ import annotations

import re
from pathlib import Path


def reason_kind(reason: str) -> str:
    """A quarantine reason without its row-specific values (quoted text, line numbers, details), for grouping."""
    general = re.sub(r"line \d+", "line N", re.sub(r"'[^']*'", "'…'", reason))
    return general.split(" (")[0]


class IngestError(Exception):
    """Base class for every ingest failure."""


class FeedFileError(IngestError):
    """A feed file cannot be read at all; nothing from it is loaded."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")

    def named(self, name: str) -> FeedFileError:
        """The same error about the same file called `name` (an upload's own name, not where it was kept)."""
        folder = str(Path(self.path).parent)
        reason = self.reason.replace(self.path, name)
        if folder not in (".", "/"):
            reason = reason.replace(folder, "")
        return type(self)(name, reason, self.line)


class FileTooLargeError(FeedFileError):
    """A file over a size limit (rows, or bytes once decompressed): refused before it can exhaust memory or disk."""


class HostileFileError(FeedFileError):
    """A file built to attack its reader (an XML document type declaration: entity expansion, external entities)."""


class SuspiciousFileError(FeedFileError):
    """A readable file refused because loading it would replace stored rows with far fewer good ones."""


class StoreError(IngestError):
    """The store is missing, locked, or not an AIM store."""


class StoreHeldError(StoreError):
    """The store is open read-write in another process (a running `aim serve`): DuckDB lets one process write it."""


class UnknownBoundarySetError(IngestError):
    """A boundary set name that the store does not hold."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(f"unknown boundary set {name!r}; loaded sets: {', '.join(known) or 'none'}")


class ProfileError(IngestError):
    """A feed profile that cannot be used; nothing is loaded with it."""

    def __init__(self, origin: str, reason: str, problems: list[str] | None = None) -> None:
        self.origin = origin
        self.reason = reason
        self.problems = problems or [reason]  # each problem on its own, naming its field or line
        super().__init__(f"profile {origin}: {reason}")
