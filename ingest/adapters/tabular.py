"""Read a council export (CSV, XLSX or Open311 GeoReport v2 JSON) as text rows with their source line numbers."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from ingest.errors import FeedFileError
from ingest.profiles import FileFormat, normalise_label

MAX_FILE_BYTES = 512 << 20
GEOREPORT_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)


@dataclass
class TextRows:
    """A file's header, its rows as text, each row's line (or sheet row) number, and rows rejected while reading."""

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


def _cell_text(value: object) -> str:
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


def _read_csv(path: Path, fmt: FileFormat) -> TextRows:
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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=fmt.delimiter)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    rejects: list[tuple[int, str, str]] = []
    try:
        for record in reader:
            line = reader.line_num
            if header is None:
                if line >= fmt.header_row:
                    header = [h.strip() for h in record]
                continue
            if not any(v.strip() for v in record):
                continue  # blank line
            if len(record) != len(header):
                rejects.append(
                    (line, fmt.delimiter.join(record), f"expected {len(header)} fields, found {len(record)}")
                )
                continue
            rows.append([v.strip() for v in record])
            lines.append(line)
    except csv.Error as exc:
        raise FeedFileError(path, f"cannot parse as CSV ({exc})", reader.line_num) from exc
    if header is None:
        raise FeedFileError(path, f"no header row at line {fmt.header_row}", fmt.header_row)
    return TextRows(header, rows, lines, rejects)


def _read_xlsx(path: Path, fmt: FileFormat) -> TextRows:
    from openpyxl import load_workbook  # imported here: only XLSX feeds need it

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FeedFileError(path, f"not an XLSX workbook ({exc})") from exc
    try:
        if fmt.sheet is not None and fmt.sheet not in book.sheetnames:
            raise FeedFileError(path, f"no sheet {fmt.sheet!r}; sheets: {', '.join(book.sheetnames)}")
        sheet = book[fmt.sheet] if fmt.sheet else book.worksheets[0]
        header: list[str] | None = None
        rows: list[list[str]] = []
        lines: list[int] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if header is None:
                if number >= fmt.header_row:
                    header = cells
                    while header and not header[-1]:
                        header.pop()
                continue
            if not any(cells):
                continue
            rows.append((cells + [""] * len(header))[: len(header)])
            lines.append(number)
    finally:
        book.close()
    if header is None:
        raise FeedFileError(path, f"no header row at row {fmt.header_row}", fmt.header_row)
    return TextRows(header, rows, lines, [])


def _read_open311(path: Path) -> TextRows:
    try:
        data = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FeedFileError(path, f"not JSON ({exc})") from exc
    if isinstance(data, dict) and "service_requests" in data:  # some servers wrap the list
        data = data["service_requests"]
    if not isinstance(data, list):
        raise FeedFileError(path, "not an Open311 GeoReport v2 requests list (expected a JSON array)")
    header: list[str] = list(GEOREPORT_FIELDS)  # optional fields may be absent from every request
    for item in data:
        if isinstance(item, dict):
            header.extend(k for k in item if k not in header)
    rows: list[list[str]] = []
    lines: list[int] = []
    rejects: list[tuple[int, str, str]] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            rejects.append((number, json.dumps(item)[:500], "request is not a JSON object"))
            continue
        rows.append([_cell_text(item.get(k)) for k in header])
        lines.append(number)
    return TextRows(header, rows, lines, rejects)


def read_rows(path: Path, fmt: FileFormat) -> TextRows:
    """Read an export as text rows (line numbers: CSV lines, sheet rows, or positions in the JSON array)."""
    if not path.is_file():
        raise FeedFileError(path, "no such file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise FeedFileError(path, f"file larger than {MAX_FILE_BYTES >> 20} MB")
    if fmt.format == "xlsx":
        return _read_xlsx(path, fmt)
    if fmt.format == "open311-json":
        return _read_open311(path)
    return _read_csv(path, fmt)
