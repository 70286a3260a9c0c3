"""Read a council export (CSV, XLSX, or Open311 JSON) as batches of text rows with their source line numbers."""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml import DefusedXmlException

from ingest.errors import FeedFileError, HostileFileError
from ingest.limits import NO_LIMITS, Limits, open_bounded
from ingest.profiles import FileFormat, normalise_label

MAX_FILE_BYTES = 512 << 20
BATCH_ROWS = 50_000
MAX_LINE_BYTES = 1 << 20  # a CSV line longer than this is not an export's row
MAX_PARTS = 10_000  # an XLSX workbook with more parts than this is not a council export
MAX_SHARED_STRINGS_BYTES = 64 << 20  # the workbook's shared text, which the reader holds whole


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


def _text_lines(path: Path, fmt: FileFormat, limits: Limits) -> Iterator[str]:
    """The file's lines as text (gunzipped when it is gzip), read and decoded one at a time."""
    try:
        decoder = codecs.getincrementaldecoder(fmt.encoding)()
    except LookupError as exc:
        raise FeedFileError(path, f"unknown encoding {fmt.encoding!r} in the profile") from exc
    if "\n".encode(fmt.encoding) != b"\n":  # UTF-16 or UTF-32: lines are not split at a newline byte
        yield from _wide_text_lines(path, fmt, limits)
        return
    offset, number, chars = 0, 0, 0
    with open_bounded(path, limits) as fh:
        while raw := fh.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(raw) > MAX_LINE_BYTES:
                raise FeedFileError(path, f"not a CSV export (a line longer than {MAX_LINE_BYTES >> 20} MB)", number)
            try:
                text = decoder.decode(raw)
            except UnicodeDecodeError as exc:
                raise FeedFileError(
                    path,
                    f"not {fmt.encoding} text (byte {offset + exc.start}); set file.encoding in the profile "
                    "(e.g. cp1252)",
                    number,
                ) from exc
            if chars < 4096 and "\x00" in text[: 4096 - chars]:
                raise FeedFileError(path, "not a text file (binary content)")
            offset, chars = offset + len(raw), chars + len(text)
            yield text


def _wide_text_lines(path: Path, fmt: FileFormat, limits: Limits) -> Iterator[str]:
    number = 0
    with io.TextIOWrapper(open_bounded(path, limits), encoding=fmt.encoding, newline="") as text:
        try:
            for number, line in enumerate(text, start=1):  # noqa: B007 - the line reached is reported
                yield line
        except UnicodeDecodeError as exc:
            raise FeedFileError(
                path, f"not {fmt.encoding} text; set file.encoding in the profile (e.g. cp1252)", number + 1
            ) from exc


def read_csv_rows(path: Path, fmt: FileFormat, size: int, limits: Limits = NO_LIMITS) -> Iterator[TextRows]:
    """Batches of a CSV export's rows, read a line at a time (plain or gzip)."""
    reader = csv.reader(_text_lines(path, fmt, limits), delimiter=fmt.delimiter)
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


class _Prolog(Exception):
    """The parser reached the root element: the part's prolog is over."""


class _DocumentType(Exception):
    """The part declares a document type."""


def _declares_doctype(part: IO[bytes]) -> bool:
    """Whether an XML part declares a document type (read only up to its root element, in any encoding)."""
    parser = expat.ParserCreate()

    def doctype(*_: object) -> None:
        raise _DocumentType

    def root(*_: object) -> None:
        raise _Prolog

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        while chunk := part.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _DocumentType:
        return True
    except (_Prolog, expat.ExpatError):  # a part that is not XML is the workbook reader's to refuse
        return False
    return False


def check_workbook(path: Path, limits: Limits) -> None:
    """Refuse a workbook that expands past the byte bound, or any of whose XML parts declares a document type
    (the way to entity-expansion "billion laughs" and external-entity attacks), before it is opened."""
    try:
        with zipfile.ZipFile(path) as book:
            parts = book.infolist()
            if len(parts) > MAX_PARTS:
                raise FeedFileError(path, f"not an XLSX workbook (more than {MAX_PARTS:,} parts)")
            limits.check_bytes(path, sum(p.file_size for p in parts), "the workbook")
            for part in parts:
                if part.filename.endswith("sharedStrings.xml") and part.file_size > MAX_SHARED_STRINGS_BYTES:
                    raise FeedFileError(
                        path, f"refused: its shared text is larger than {MAX_SHARED_STRINGS_BYTES >> 20} MB"
                    )
                with book.open(part) as data:
                    if _declares_doctype(data):
                        raise HostileFileError(
                            path,
                            f"refused: part {part.filename} declares an XML document type (DTD), which spreadsheets "
                            "never need and attacks use (entity expansion, external entities)",
                        )
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
        ValueError,
    ) as exc:
        raise FeedFileError(path, f"not an XLSX workbook ({exc})") from exc


def read_xlsx_rows(path: Path, fmt: FileFormat, size: int, limits: Limits = NO_LIMITS) -> Iterator[TextRows]:
    """Batches of a sheet's rows, read row by row from the workbook (never loaded whole)."""
    from openpyxl import load_workbook  # imported here: only XLSX feeds need it

    check_workbook(path, limits)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except DefusedXmlException as exc:
        raise HostileFileError(path, f"refused: the workbook declares XML entities ({exc})") from exc
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, ParseError) as exc:
        raise FeedFileError(path, f"not an XLSX workbook ({exc})") from exc
    batch = Batcher(size)
    header: list[str] | None = None
    number = 0
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
    except DefusedXmlException as exc:
        raise HostileFileError(path, f"refused: the workbook declares XML entities ({exc})") from exc
    except (ParseError, zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise FeedFileError(path, f"not an XLSX workbook ({exc})", number + 1) from exc
    finally:
        book.close()
    if header is None:
        raise FeedFileError(path, f"no header row at row {fmt.header_row}", fmt.header_row)
    yield from batch.rest()
