"""OGC Moving Features CSV (OGC 14-084r2, plain or gzipped) as batches of pings: each record's linear trajectory
(its positions spread evenly from its start to its end offset after the `@stboundedby` begin time), the moving
feature known by its `mfidref` for the load only.

The header's CRS decides the axis order of the positions: EPSG:4326 is latitude, longitude (as the standard's
examples write it); CRS84 is longitude, latitude. Only 2D positions are read."""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import FeedFileError
from ingest.limits import open_bounded
from ingest.movement import PingBatch, number_or_nan, parse_time
from ingest.sources import ReadContext, files_with_suffixes
from tests.ingest.adapters.per_point import PingColumns

UNITS = {"sec": 1.0, "second": 1.0, "msec": 0.001, "minute": 60.0, "min": 60.0, "hour": 3600.0, "day": 86400.0}
BATCH_ROWS = 50_000


@dataclass(frozen=True)
class _Header:
    begin: int  # UNIX seconds the offsets count from
    unit: float  # seconds per offset unit
    lat_first: bool


def _header(path: Path, first: list[str]) -> _Header:
    if not first or first[0].strip().lower() != "@stboundedby" or len(first) < 8:
        raise FeedFileError(path, "not an OGC Moving Features CSV file (no @stboundedby header)", line=1)
    crs, dimension = first[1].strip(), first[2].strip().upper()
    if dimension != "2D":
        raise FeedFileError(path, f"only 2D positions are read, not {dimension}", line=1)
    if "4326" in crs:
        lat_first = True
    elif "CRS84" in crs.upper():
        lat_first = False
    else:
        raise FeedFileError(path, f"its CRS {crs!r} is not WGS84 (EPSG:4326 or CRS84)", line=1)
    begin = parse_time(first[5])
    unit = UNITS.get(first[7].strip().lower())
    if begin is None or unit is None:
        raise FeedFileError(path, "the @stboundedby header has no begin time or time unit it can read", line=1)
    return _Header(begin, unit, lat_first)


def _record(header: _Header, fields: list[str]) -> tuple[str, list[tuple[int, float, float]]] | str:
    """(mfidref, [(time, lon, lat)...]) of one record, or why it cannot be read."""
    if len(fields) < 4 or not fields[0].strip():
        return "expected an mfidref, a start, an end and positions"
    start, end = number_or_nan(fields[1]), number_or_nan(fields[2])
    numbers = [number_or_nan(v) for v in fields[3].split()]
    if start != start or end != end or end < start:  # NaN, or backwards
        return "start and end are not offsets, or end before start"
    if len(numbers) < 2 or len(numbers) % 2 or any(n != n for n in numbers):
        return "positions are not pairs of numbers"
    pairs = list(zip(numbers[0::2], numbers[1::2], strict=True))
    steps = max(len(pairs) - 1, 1)
    out = []
    for i, (a, b) in enumerate(pairs):
        moment = header.begin + round((start + (end - start) * i / steps) * header.unit)
        lon, lat = (b, a) if header.lat_first else (a, b)
        out.append((moment, lon, lat))
    return fields[0].strip(), out


def read_mfcsv(path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
    """An MF-CSV file's trajectories as pings; a record that cannot be read is refused with its line."""
    try:
        with open_bounded(path, context.limits) as data:
            rows = csv.reader(io.TextIOWrapper(data, encoding="utf-8-sig", newline=""))
            header = _header(path, next(rows, []))
            held = PingColumns()
            pings = 0
            for number, fields in enumerate(rows, start=2):
                if not fields or fields[0].startswith("@"):
                    continue
                found = _record(header, fields)
                if isinstance(found, str):
                    held.rejects.append((number, "", found))
                    continue
                track, points = found
                for moment, x, y in points:
                    held.add(number, track, moment, x, y)
                if len(held.lines) >= BATCH_ROWS:
                    pings += len(held.lines)
                    context.limits.check_rows(path, pings)
                    yield held.take()
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FeedFileError(path, f"not an OGC Moving Features CSV file ({exc})") from exc
    except (OSError, EOFError) as exc:
        raise FeedFileError(path, f"cannot read file ({exc})") from exc
    context.limits.check_rows(path, pings + len(held.lines))
    yield held.take()


@dataclass(frozen=True)
class MfCsvSource:
    """OGC Moving Features CSV files."""

    name: str = "mf-csv"
    description: str = "OGC Moving Features CSV (OGC 14-084r2): linear trajectories from @stboundedby"
    suffixes: tuple[str, ...] = (".mf.csv", ".mfcsv", ".mf.csv.gz", ".mfcsv.gz")

    def files(self, paths: Sequence[Path]) -> list[Path]:
        """(a) Each file given; a folder's MF-CSV files."""
        return files_with_suffixes(paths, self.suffixes)

    def read(self, path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
        """(b) The file's trajectories as pings."""
        return read_mfcsv(path, context)
