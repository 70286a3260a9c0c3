"""The movement readers as they were before they read column by column: a value at a time (parse_time and
number_or_nan per point, each patrol log entry's pings built one list at a time). Kept only as the reference the
column-wise readers must equal, point for point, on the fixtures (test_column_wise.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from ingest.movement import PING_SCHEMA, PingBatch
from ingest.validate import Rejects


def ping_table(lines: list[int], tracks: list[str], times: list[int], lon: list[float], lat: list[float]) -> pa.Table:
    """Pings as a table in PING_SCHEMA."""
    return pa.table(
        {
            "line": pa.array(lines, pa.int64()),
            "track": pa.array(tracks, pa.string()),
            "time": pa.array(times, pa.int64()),
            "lon": pa.array(lon, pa.float64()),
            "lat": pa.array(lat, pa.float64()),
        },
        schema=PING_SCHEMA,
    )


@dataclass
class PingColumns:
    """Pings as a reader finds them, column by column, with the rows it refused; taken as one PingBatch at a time."""

    lines: list[int] = field(default_factory=list)
    tracks: list[str] = field(default_factory=list)
    times: list[int] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    rejects: Rejects = field(default_factory=list)

    def add(self, line: int, track: str, time: int, lon: float, lat: float) -> None:
        """One ping."""
        self.lines.append(line)
        self.tracks.append(track)
        self.times.append(time)
        self.lon.append(lon)
        self.lat.append(lat)

    def take(self) -> PingBatch:
        """The pings and refusals held, as a batch; the columns start again empty."""
        batch = PingBatch(ping_table(self.lines, self.tracks, self.times, self.lon, self.lat), self.rejects)
        self.lines, self.tracks, self.times, self.lon, self.lat, self.rejects = [], [], [], [], [], []
        return batch
