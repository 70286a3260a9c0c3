"""OGC Moving Features CSV (OGC 14-084r2, plain or gzipped) as batches of pings: each record's linear trajectory
(its positions spread evenly from its start to its end offset after the `@stboundedby` begin time), the moving
feature known by its `mfidref` for the load only.

The header's CRS decides the axis order of the positions: EPSG:4326 is latitude, longitude (as the standard's
examples write it); CRS84 is longitude, latitude. Only 2D positions are read.

Records are read a batch at a time and their positions and times worked out column by column (the positions split
and parsed together, each point's time from its record's start, end and place in it), not point by point."""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingest.errors import FeedFileError
from ingest.limits import open_bounded
from ingest.movement import PING_SCHEMA, PingBatch, numbers_or_nan, parse_time
from ingest.sources import ReadContext, files_with_suffixes

UNITS = {"sec": 1.0, "second": 1.0, "msec": 0.001, "minute": 60.0, "min": 60.0, "hour": 3600.0, "day": 86400.0}
BATCH_ROWS = 50_000  # records read before their pings are worked out


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


@dataclass
class _Records:
    """Records read since the last batch: line, mfidref, start and end offsets and positions, as texts."""

    lines: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, line: int, fields: list[str]) -> None:
        """One record's fields (or why it cannot be read)."""
        if len(fields) < 4 or not fields[0].strip():
            self.rejects.append((line, "", "expected an mfidref, a start, an end and positions"))
            return
        self.lines.append(line)
        self.ids.append(fields[0].strip())
        self.starts.append(fields[1])
        self.ends.append(fields[2])
        self.positions.append(fields[3])

    def take(self, header: _Header) -> PingBatch:
        """The records held as pings, each record's positions spread evenly from its start to its end offset; the
        lists start again empty."""
        lines = np.asarray(self.lines, dtype=np.int64)
        start = numbers_or_nan(pa.array(self.starts, pa.string()))
        end = numbers_or_nan(pa.array(self.ends, pa.string()))
        split = pc.utf8_split_whitespace(pa.array(self.positions, pa.string()))
        counts = np.asarray(pc.list_value_length(split).to_numpy(zero_copy_only=False), dtype=np.int64)
        numbers = numbers_or_nan(split.flatten())
        record = np.repeat(np.arange(len(counts)), counts)
        finite = np.bincount(record, weights=np.isnan(numbers), minlength=len(counts)) == 0
        timed = ~np.isnan(start) & ~np.isnan(end) & (end >= start)
        paired = (counts >= 2) & (counts % 2 == 0) & finite
        rejects = list(self.rejects)
        for i in np.flatnonzero(~timed | ~paired):
            reason = (
                "start and end are not offsets, or end before start"
                if not timed[i]
                else "positions are not pairs of numbers"
            )
            rejects.append((int(lines[i]), "", reason))
        rejects.sort(key=lambda r: r[0])
        good = timed & paired
        pairs = np.where(good, counts // 2, 0)
        which = np.repeat(np.arange(len(counts)), pairs)
        step = np.arange(len(which)) - np.repeat(np.cumsum(pairs) - pairs, pairs)
        taken = np.repeat(good, counts)
        a, b = numbers[taken][0::2], numbers[taken][1::2]
        steps = np.maximum(pairs - 1, 1)[which]
        s0, s1 = start[which], end[which]
        moment = header.begin + np.round((s0 + (s1 - s0) * step / steps) * header.unit).astype(np.int64)
        lon, lat = (b, a) if header.lat_first else (a, b)
        table = pa.table(
            {
                "line": pa.array(lines[which], pa.int64()),
                "track": pa.array(self.ids, pa.string()).take(pa.array(which)),
                "time": pa.array(moment, pa.int64()),
                "lon": pa.array(lon, pa.float64()),
                "lat": pa.array(lat, pa.float64()),
            },
            schema=PING_SCHEMA,
        )
        self.lines, self.ids, self.starts, self.ends, self.positions, self.rejects = [], [], [], [], [], []
        return PingBatch(table, rejects)


def read_mfcsv(path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
    """An MF-CSV file's trajectories as pings; a record that cannot be read is refused with its line."""
    try:
        with open_bounded(path, context.limits) as data:
            rows = csv.reader(io.TextIOWrapper(data, encoding="utf-8-sig", newline=""))
            header = _header(path, next(rows, []))
            held = _Records()
            pings = 0
            for number, fields in enumerate(rows, start=2):
                if not fields or fields[0].startswith("@"):
                    continue
                held.add(number, fields)
                if len(held.lines) >= BATCH_ROWS:
                    batch = held.take(header)
                    pings += batch.table.num_rows
                    context.limits.check_rows(path, pings)
                    yield batch
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FeedFileError(path, f"not an OGC Moving Features CSV file ({exc})") from exc
    except (OSError, EOFError) as exc:
        raise FeedFileError(path, f"cannot read file ({exc})") from exc
    batch = held.take(header)
    context.limits.check_rows(path, pings + batch.table.num_rows)
    yield batch


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
