"""Bounds on one file: how many rows it may hold and how many bytes it may expand to once decompressed.

A few megabytes of gzip or zip can expand to gigabytes (a decompression bomb); these bounds refuse such a file as
soon as it passes them, while it is read, so nothing is held or written for it.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import FileTooLargeError

GZIP_MAGIC = b"\x1f\x8b"
ROWS_SETTING = "AIM_MAX_UPLOAD_ROWS"  # the settings that set the bounds, named in the refusals
BYTES_SETTING = "AIM_MAX_UPLOAD_DECOMPRESSED_BYTES"


@dataclass(frozen=True)
class Limits:
    """The most one file may hold: rows read (good and bad), and bytes once decompressed (None: no bound)."""

    rows: int | None = None
    decompressed_bytes: int | None = None

    def check_rows(self, path: Path | str, rows: int) -> None:
        """Refuse a file once it has more rows than the bound."""
        if self.rows is not None and rows > self.rows:
            raise FileTooLargeError(
                path, f"refused: more than {self.rows:,} rows, the most one file may hold (set by {ROWS_SETTING})"
            )

    def too_many_bytes(self, path: Path | str, what: str = "the file") -> FileTooLargeError:
        """The refusal of a file that expands past the bound."""
        return FileTooLargeError(
            path,
            f"refused: {what} expands to more than {self.decompressed_bytes:,} bytes, the most one file may hold "
            f"once decompressed (set by {BYTES_SETTING})",
        )

    def check_bytes(self, path: Path | str, size: int, what: str = "the file") -> None:
        """Refuse a file (or a part of one) that expands to more bytes than the bound."""
        if self.decompressed_bytes is not None and size > self.decompressed_bytes:
            raise self.too_many_bytes(path, what)


NO_LIMITS = Limits()


def is_gzip(path: Path) -> bool:
    """Whether a file starts like gzip."""
    with path.open("rb") as fh:
        return fh.read(2) == GZIP_MAGIC


class BoundedReader(io.RawIOBase):
    """A binary file's bytes (decompressed when it is gzip) that raises FileTooLargeError past the bound."""

    def __init__(self, path: Path, limits: Limits) -> None:
        super().__init__()
        self.path = path
        self.limits = limits
        self.read_so_far = 0
        self._file: io.BufferedIOBase = gzip.GzipFile(path, "rb") if is_gzip(path) else path.open("rb")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = self._file.readinto(buffer)
        self.read_so_far += n
        self.limits.check_bytes(self.path, self.read_so_far)
        return int(n)

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


def open_bounded(path: Path, limits: Limits) -> io.BufferedReader:
    """A file's bytes, gunzipped when it is gzip, refused once past the decompressed-size bound."""
    return io.BufferedReader(BoundedReader(path, limits), buffer_size=1 << 20)
