"""Read a council export of any supported format (CSV, XLSX, Open311 GeoReport v2 JSON) as batches of text rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ingest.adapters.open311 import read_open311
from ingest.adapters.text_rows import BATCH_ROWS, MAX_FILE_BYTES, TextRows, read_csv_rows, read_xlsx_rows
from ingest.errors import FeedFileError
from ingest.limits import NO_LIMITS, Limits
from ingest.profiles import FileFormat


def read_text_rows(
    path: Path, fmt: FileFormat, size: int | None = None, limits: Limits = NO_LIMITS
) -> Iterator[TextRows]:
    """Batches of an export's text rows (line numbers: CSV lines, sheet rows, or positions in the JSON array).

    Every format is read a piece at a time, within the limits' byte bound (decompressed)."""
    size = size or BATCH_ROWS
    if not path.is_file():
        raise FeedFileError(path, "no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise FeedFileError(path, f"file larger than {MAX_FILE_BYTES >> 20} MB")
    if fmt.format == "xlsx":
        return read_xlsx_rows(path, fmt, size, limits)
    if fmt.format == "open311-json":
        return read_open311(path, size, limits)
    return read_csv_rows(path, fmt, size, limits)
