"""Patrol movement as read from a file: batches of pings (line, track, time, point) and the rows refused, and the
checks every movement source shares (a time, a point in the UK, not in the future).

A ping's track is the device or team as the file names it: it separates one track from another while a load counts
dosage, and is never stored (docs/delivery.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

from ingest.validate import EARLIEST, Rejects, coordinate_masks

LOCAL = ZoneInfo("Europe/London")  # times recorded without an offset are UK clock times
PING_SCHEMA = pa.schema(
    [
        ("line", pa.int64()),  # source line (or position of the point in the file)
        ("track", pa.string()),  # device or team, as the file names it
        ("time", pa.int64()),  # UNIX seconds
        ("lon", pa.float64()),  # NaN: no longitude
        ("lat", pa.float64()),
    ]
)
_UK_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")


@dataclass
class PingBatch:
    """One batch from a movement source: pings (PING_SCHEMA) and the rows it refused while reading."""

    table: pa.Table
    rejects: Rejects = field(default_factory=list)  # (line, raw text, reason)


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


def parse_time(text: str) -> int | None:
    """UNIX seconds of an ISO 8601 date-time (an offset or Z; none: UK clock time) or a UK dd/mm/yyyy HH:MM[:SS];
    None when it is neither."""
    text = text.strip()
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for fmt in _UK_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL)
    return int(moment.timestamp())


def number_or_nan(text: object) -> float:
    """A coordinate's number; NaN when it is missing or not a number."""
    try:
        value = float(str(text).strip())
    except ValueError:
        return float("nan")
    return value if np.isfinite(value) else float("nan")


def checked(batch: PingBatch, now: datetime) -> tuple[pa.Table, Rejects]:
    """The pings that pass the shared checks, and the batch's rejects with those that fail (line, reason): a point
    given, in the UK, latitude and longitude not swapped, a time after 1990 and no later than a day from now."""
    t = batch.table
    lon, lat = t["lon"].to_numpy(), t["lat"].to_numpy()
    time = t["time"].to_numpy()
    latest = int((now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=LOCAL)).timestamp() + 86400)
    earliest = int(EARLIEST.replace(tzinfo=UTC).timestamp())
    swapped, outside = coordinate_masks(lon, lat)
    reasons = np.full(len(time), "", dtype=object)
    for failing, reason in (  # the first failing check names the row's reason
        (time > latest, "time is in the future"),
        (time < earliest, f"time is before {EARLIEST:%Y}"),
        (outside & ~swapped, "coordinates outside the UK"),
        (swapped, "latitude and longitude look swapped"),
        (np.isnan(lon) | np.isnan(lat), "no longitude and latitude"),
    ):
        reasons[failing & (reasons == "")] = reason
    bad = reasons != ""
    lines = t["line"].to_numpy()
    rejects = list(batch.rejects) + [(int(lines[i]), "", str(reasons[i])) for i in np.flatnonzero(bad)]
    return t.filter(pa.array(~bad)), rejects
