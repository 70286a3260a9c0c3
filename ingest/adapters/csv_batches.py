"""Stream a CSV file (plain or gzip) as string batches with source line numbers and malformed rows kept aside."""

from __future__ import annotations

import csv
import gzip
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ingest.columns import decoded
from ingest.errors import FeedFileError
from ingest.limits import NO_LIMITS, Limits, is_gzip, open_bounded

BLOCK_SIZE = 8 << 20


@dataclass(frozen=True)
class RawBatch:
    """String columns as read, the source line of each row, and the rows rejected while parsing."""

    table: pa.Table
    lines: np.ndarray
    rejects: list[tuple[int, str, str]]  # (line, raw text, reason)


def read_header(path: Path) -> list[str]:
    """Return the header fields of a CSV file, raising FeedFileError when it is not a readable CSV."""
    try:
        opener = gzip.open if is_gzip(path) else open
        with opener(path, "rb") as fh:
            first = fh.readline(1 << 16)
    except (OSError, EOFError, zlib.error) as exc:
        raise FeedFileError(path, f"cannot read file ({exc})") from exc
    if not first.strip():
        raise FeedFileError(path, "empty file: no header row", line=1)
    if b"\x00" in first:
        raise FeedFileError(path, "not a CSV file (binary content in the header row)", line=1)
    try:
        text = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise FeedFileError(path, "not a CSV file (header row is not UTF-8 text)", line=1) from exc
    try:  # quoted the way the CSV parser reads it, so both agree on the column names
        fields = next(csv.reader([text]), [])
    except csv.Error as exc:
        raise FeedFileError(path, f"not a CSV header row ({exc})", line=1) from exc
    return [name.strip() for name in fields]


def _line_numbers(first_row: int, count: int, skipped: np.ndarray) -> np.ndarray:
    """Source lines of parsed rows first_row..first_row+count-1, given the sorted lines skipped so far."""
    base = np.arange(first_row, first_row + count, dtype=np.int64) + 2  # line 1 is the header
    shifted = skipped - np.arange(len(skipped), dtype=np.int64)
    return base + np.searchsorted(shifted, base, side="right")


def _invalid_utf8_rows(table: pa.Table) -> np.ndarray:
    """Indices of rows holding bytes that are not UTF-8 (slow path, only when a batch fails to decode)."""
    bad = np.zeros(table.num_rows, dtype=bool)
    for column in table.columns:
        for i, value in enumerate(column.to_pylist()):
            if value is not None and not bad[i]:
                try:
                    value.decode("utf-8")
                except UnicodeDecodeError:
                    bad[i] = True
    return np.flatnonzero(bad)


def _text_type(kind: pa.DataType) -> pa.DataType:
    return pa.dictionary(pa.int32(), pa.string()) if pa.types.is_dictionary(kind) else pa.string()


def _decode(table: pa.Table, lines: np.ndarray, rejects: list[tuple[int, str, str]]) -> tuple[pa.Table, np.ndarray]:
    """Cast binary columns (or dictionary values) to UTF-8 strings, moving rows with invalid bytes to rejects."""
    try:
        return table.cast(pa.schema([pa.field(f.name, _text_type(f.type)) for f in table.schema])), lines
    except pa.ArrowInvalid:
        plain = pa.table({name: decoded(table[name]) for name in table.column_names})
        bad = _invalid_utf8_rows(plain)
        for i in bad:
            raw = b",".join(v if v is not None else b"" for v in plain.slice(int(i), 1).to_pylist()[0].values())
            rejects.append((int(lines[i]), raw.decode("utf-8", "replace"), "invalid bytes: row is not UTF-8 text"))
        keep = np.setdiff1d(np.arange(table.num_rows), bad)
        text = plain.take(pa.array(keep)).cast(pa.schema([pa.field(n, pa.string()) for n in plain.column_names]))
        for i, field in enumerate(table.schema):
            if pa.types.is_dictionary(field.type):
                text = text.set_column(i, field.name, pc.dictionary_encode(text.column(i)))
        return text, lines[keep]


class _UndecodableInvalidRow(Exception):
    """A row with the wrong field count holds bytes that are not UTF-8, so the parser cannot hand it over as text."""


def _last_line(batch: RawBatch) -> int:
    return max([int(batch.lines.max()) if len(batch.lines) else 0, *(line for line, _, _ in batch.rejects)])


def iter_csv_batches(
    path: Path, columns: list[str], plain: tuple[str, ...] = (), limits: Limits = NO_LIMITS
) -> Iterator[RawBatch]:
    """Yield batches of the named columns as text; rows with the wrong field count become rejects.

    The file is read (and gunzipped) a block at a time; one that expands past the limits' byte bound is refused.

    Columns are dictionary-encoded (most feed columns repeat heavily) except those named in `plain`. A malformed row
    whose bytes are not UTF-8 stops the fast reader; the rest of the file is then read byte for byte (as latin-1,
    which decodes any bytes, and turned back into the bytes read), so that row is kept aside like any other.
    """
    header = read_header(path)
    missing = [c for c in columns if c not in header]
    if missing:
        raise FeedFileError(
            path, f"missing column(s) {', '.join(map(repr, missing))}; header has {', '.join(header)}", line=1
        )
    done = 0
    try:
        for batch in _batches(path, header, columns, plain, limits, as_bytes=False, after_line=0):
            done = max(done, _last_line(batch))
            yield batch
    except _UndecodableInvalidRow:
        yield from _batches(path, header, columns, plain, limits, as_bytes=True, after_line=done)


def _raw_header(path: Path) -> list[str]:
    """The header fields as the parser names them when reading latin-1 (BOM and spaces kept)."""
    opener = gzip.open if is_gzip(path) else open
    with opener(path, "rb") as fh:
        first = fh.readline(1 << 16).decode("latin-1").rstrip("\r\n")
    return next(csv.reader([first]), [])


def _as_read_bytes(column: pa.ChunkedArray) -> pa.Array:
    """Values read as latin-1 text, back as the bytes in the file."""
    return pa.array(
        [None if v is None else v.decode("utf-8").encode("latin-1") for v in column.to_pylist()], pa.binary()
    )


def _batches(
    path: Path,
    header: list[str],
    columns: list[str],
    plain: tuple[str, ...],
    limits: Limits,
    as_bytes: bool,
    after_line: int,
) -> Iterator[RawBatch]:
    """Batches of the file from after `after_line` (source lines), read as UTF-8 or (as_bytes) byte for byte."""
    names = dict(zip(_raw_header(path), header, strict=False)) if as_bytes else {n: n for n in header}
    raw_of = {name: raw for raw, name in names.items()}
    wanted = [raw_of[c] for c in columns]  # in the order asked for, as the fast reader gives them
    skipped: list[int] = []
    pending: list[tuple[int, str, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        line = int(row.number) if row.number is not None else -1
        skipped.append(line)
        reason = f"expected {row.expected_columns} fields, found {row.actual_columns}"
        text = row.text.encode("latin-1").decode("utf-8", "replace") if as_bytes else row.text
        if line > after_line:
            pending.append((line, text, reason))
        return "skip"

    def binary(name: str) -> pa.DataType:
        return pa.binary() if as_bytes or name in plain else pa.dictionary(pa.int32(), pa.binary())

    previous_hook = sys.unraisablehook

    def quiet(report: sys.UnraisableHookArgs) -> None:
        # the parser reports the undecodable row it could not give on_invalid, then fails: that failure is handled
        if report.object is not on_invalid or not isinstance(report.exc_value, UnicodeDecodeError):
            previous_hook(report)

    try:
        stream = open_bounded(path, limits)
    except OSError as exc:
        raise FeedFileError(path, f"cannot read file ({exc})") from exc
    sys.unraisablehook = quiet
    try:
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(
                use_threads=False, block_size=BLOCK_SIZE, encoding="latin-1" if as_bytes else "utf8"
            ),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={raw: binary(name) for raw, name in names.items()},
                include_columns=wanted,
                strings_can_be_null=False,
            ),
        )
        parsed = 0
        for batch in reader:
            table = pa.Table.from_batches([batch])
            lines = _line_numbers(parsed, table.num_rows, np.array(sorted(skipped), dtype=np.int64))
            parsed += table.num_rows
            rejects = pending[:]
            pending.clear()
            if as_bytes:
                later = np.flatnonzero(lines > after_line)
                table = pa.table(
                    {
                        names[raw]: _as_read_bytes(table[raw].take(pa.array(later)))
                        if names[raw] in plain
                        else pc.dictionary_encode(_as_read_bytes(table[raw].take(pa.array(later))))
                        for raw in table.column_names
                    }
                )
                lines = lines[later]
            table, lines = _decode(table, lines, rejects)
            yield RawBatch(table=table, lines=lines, rejects=rejects)
        if pending:
            yield RawBatch(
                table=pa.table({c: pa.array([], pa.string()) for c in columns}),
                lines=np.array([], dtype=np.int64),
                rejects=pending[:],
            )
    except pa.ArrowInvalid as exc:
        if not as_bytes and str(exc).startswith("CSV parse error"):
            raise _UndecodableInvalidRow from exc
        raise FeedFileError(path, f"cannot parse as CSV ({exc})") from exc
    except (pa.ArrowKeyError, OSError, EOFError, zlib.error) as exc:
        raise FeedFileError(path, f"cannot parse as CSV ({exc})") from exc
    finally:
        stream.close()
        sys.unraisablehook = previous_hook
