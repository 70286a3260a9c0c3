"""Plain CSV pings (plain or gzipped) as batches of pings: a device or team, a time, and a point as latitude and
longitude or as British National Grid easting and northing, in columns named as below (any case)."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyproj import Transformer

from ingest.adapters.csv_batches import iter_csv_batches, read_header
from ingest.columns import decoded
from ingest.errors import FeedFileError
from ingest.movement import PING_SCHEMA, PingBatch, numbers_or_nan, parse_times
from ingest.sources import ReadContext, files_with_suffixes

TRACK_NAMES = ("device", "device_id", "team", "unit", "callsign", "track")
TIME_NAMES = ("time", "timestamp", "datetime", "date_time", "recorded_at")
LAT_NAMES, LON_NAMES = ("lat", "latitude"), ("lon", "lng", "long", "longitude")
EASTING_NAMES, NORTHING_NAMES = ("easting", "x"), ("northing", "y")


@cache
def _from_national_grid() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def _column(header: list[str], names: tuple[str, ...]) -> str | None:
    """The header's column with one of these names (any case), or None."""
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)


def columns_of(path: Path, header: list[str]) -> tuple[str, str, str, str, bool]:
    """(track, time, first coordinate, second coordinate, whether the coordinates are easting and northing)."""
    track, time = _column(header, TRACK_NAMES), _column(header, TIME_NAMES)
    lat, lon = _column(header, LAT_NAMES), _column(header, LON_NAMES)
    east, north = _column(header, EASTING_NAMES), _column(header, NORTHING_NAMES)
    missing = [
        what
        for what, found in (
            (f"a device or team ({', '.join(TRACK_NAMES)})", track),
            (f"a time ({', '.join(TIME_NAMES)})", time),
            ("latitude and longitude, or easting and northing", (lat and lon) or (east and north)),
        )
        if not found
    ]
    if missing or track is None or time is None:
        raise FeedFileError(path, f"not a pings CSV: no column for {'; '.join(missing)}", line=1)
    if lat and lon:
        return track, time, lon, lat, False
    assert east is not None and north is not None
    return track, time, east, north, True


def read_ping_csv(path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
    """The file's rows as pings; a row without a readable time, or without a device or team, is refused with its
    line. Column by column (parse_times, numbers_or_nan): no work per ping in Python."""
    track, time, first, second, grid = columns_of(path, read_header(path))
    wanted = list(dict.fromkeys([track, time, first, second]))
    for raw in iter_csv_batches(path, wanted, plain=(time, first, second), limits=context.limits):
        t = raw.table
        tracks = pc.utf8_trim_whitespace(decoded(t[track]).combine_chunks())
        times, timed = parse_times(t[time])
        x, y = numbers_or_nan(t[first]), numbers_or_nan(t[second])
        if grid:
            x, y = _from_national_grid().transform(x, y)
            x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        named = np.asarray(pc.not_equal(pc.utf8_length(tracks), 0).to_numpy(zero_copy_only=False), dtype=bool)
        rejects = list(raw.rejects)
        for i in np.flatnonzero(~timed | ~named):
            reason = f"time {t[time][i].as_py()!r} is not a date and time" if not timed[i] else "no device or team"
            rejects.append((int(raw.lines[i]), "", reason))
        keep = timed & named
        table = pa.table(
            {
                "line": pa.array(raw.lines[keep], pa.int64()),
                "track": tracks.filter(pa.array(keep)),
                "time": pa.array(times[keep], pa.int64()),
                "lon": pa.array(x[keep], pa.float64()),
                "lat": pa.array(y[keep], pa.float64()),
            },
            schema=PING_SCHEMA,
        )
        yield PingBatch(table, rejects)


@dataclass(frozen=True)
class PingCsvSource:
    """Plain CSV files of pings."""

    name: str = "pings-csv"
    description: str = "CSV pings: device or team, time, and latitude/longitude or easting/northing"
    suffixes: tuple[str, ...] = (".csv", ".csv.gz")

    def files(self, paths: Sequence[Path]) -> list[Path]:
        """(a) Each file given; a folder's CSV files."""
        return files_with_suffixes(paths, self.suffixes)

    def read(self, path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
        """(b) The file's rows as pings."""
        return read_ping_csv(path, context)
