"""Read a council export (CSV, XLSX, or Open311 JSON) as batches of text rows with their source line numbers."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from ingest.errors import FeedFileError
from ingest.profiles import FileFormat, normalise_label

MAX_FILE_BYTES = 512 << 20
BATCH_ROWS = 50_000


@dataclass
class TextRows:
    """A batch of a file: its header, rows as text, each row's line (or sheet row) number, rows refused reading."""

    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    rejects: list[tuple[int, str, str]]

    def column(self, name: str) -> int:
        """Index of a header column, matched ignoring case and spacing."""
        wanted = normalise_label(name)
        for i, h in enumerate(self.header):
            if normalise_label(h) == wanted:
                return i
        raise KeyError(name)


class Batcher:
    """Collects rows into TextRows batches of at most `size` rows."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self.lines: list[int] = []
        self.rejects: list[tuple[int, str, str]] = []

    def full(self) -> bool:
        """Whether the batch has reached its size."""
        return len(self.rows) + len(self.rejects) >= self.size

    def take(self) -> TextRows:
        """The batch collected so far; the next one starts empty."""
        batch = TextRows(self.header, self.rows, self.lines, self.rejects)
        self.rows, self.lines, self.rejects = [], [], []
        return batch

    def rest(self) -> Iterator[TextRows]:
        """The last batch, when it holds anything."""
        if self.rows or self.rejects:
            yield self.take()


def cell_text(value: object) -> str:
    """A spreadsheet or JSON value as the text a CSV export would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_text(path: Path, fmt: FileFormat) -> str:
    raw = path.read_bytes()
    try:
        text = raw.decode(fmt.encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FeedFileError(
            path, f"not {fmt.encoding} text (byte {exc.start}); set file.encoding in the profile (e.g. cp1252)", line
        ) from exc
    except LookupError as exc:
        raise FeedFileError(path, f"unknown encoding {fmt.encoding!r} in the profile") from exc
    if "\x00" in text[:4096]:
        raise FeedFileError(path, "not a text file (binary content)")
    return text


def read_csv_rows(path: Path, fmt: FileFormat, size: int) -> Iterator[TextRows]:
    reader = csv.reader(io.StringIO(_csv_text(path, fmt), newline=""), delimiter=fmt.delimiter)
    batch = Batcher(size)
    header: list[str] | None = None
    try:
        for record in reader:
            line = reader.line_num
            if header is None:
                if line >= fmt.header_row:
                    header = batch.header = [h.strip() for h in record]
                continue
            if not any(v.strip() for v in record):
                continue  # blank line
            if len(record) != len(header):
                reason = f"expected {len(header)} fields, found {len(record)}"
                batch.rejects.append((line, fmt.delimiter.join(record), reason))
            else:
                batch.rows.append([v.strip() for v in record])
                batch.lines.append(line)
            if batch.full():
                yield batch.take()
    except csv.Error as exc:
        raise FeedFileError(path, f"cannot parse as CSV ({exc})", reader.line_num) from exc
    if header is None:
        raise FeedFileError(path, f"no header row at line {fmt.header_row}", fmt.header_row)
    yield from batch.rest()


def read_xlsx_rows(path: Path, fmt: FileFormat, size: int) -> Iterator[TextRows]:
    from openpyxl import load_workbook  # imported here: only XLSX feeds need it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FeedFileError(path, f"not an XLSX workbook ({exc})") from exc
    batch = Batcher(size)
    header: list[str] | None = None
    try:
        if fmt.sheet is not None and fmt.sheet not in book.sheetnames:
            raise FeedFileError(path, f"no sheet {fmt.sheet!r}; sheets: {', '.join(book.sheetnames)}")
        sheet = book[fmt.sheet] if fmt.sheet else book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell_text(v) for v in values]
            if header is None:
                if number >= fmt.header_row:
                    header = batch.header = cells
                    while header and not header[-1]:
                        header.pop()
                continue
            if not any(cells):
                continue
            batch.rows.append((cells + [""] * len(header))[: len(header)])
            batch.lines.append(number)
            if batch.full():
                yield batch.take()
    finally:
        book.close()
    if header is None:
        raise FeedFileError(path, f"no header row at row {fmt.header_row}", fmt.header_row)
    yield from batch.rest()
