"""Patrol movement as read from a file: batches of pings (line, track, time, point) and the rows refused, and the
checks every movement source shares (a time, a point in the UK, not in the future).

A ping's track is the device or team as the file names it: it separates one track from another while a load counts
dosage, and is never stored (docs/delivery.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
# the shapes parse_times reads in bulk (anything else is read one value at a time by parse_time)
_ISO_AWARE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$"
_ISO_NAIVE = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"
_UK_SHAPES = (
    (r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$", _UK_FORMATS[0]),
    (r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$", _UK_FORMATS[1]),
)


@dataclass
class PingBatch:
    """One batch from a movement source: pings (PING_SCHEMA) and the rows it refused while reading."""

    table: pa.Table
    rejects: Rejects = field(default_factory=list)  # (line, raw text, reason)


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


def _local_hour_offset(hour: int) -> int:
    """Seconds Europe/London is ahead of UTC at a local clock hour (hours since 1970 on the local clock), as
    parse_time reads a time without an offset (in a repeated hour, the first; in a skipped hour, the offset before)."""
    naive = datetime.fromtimestamp(hour * 3600, UTC).replace(tzinfo=None)
    offset = naive.replace(tzinfo=LOCAL).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def _local_to_utc(local: np.ndarray) -> np.ndarray:
    """UNIX seconds of UK clock times given as seconds since 1970 on the local clock."""
    hours, inverse = np.unique(local // 3600, return_inverse=True)
    offsets = np.array([_local_hour_offset(int(h)) for h in hours], dtype=np.int64)
    return np.asarray(local - offsets[inverse.reshape(local.shape)], dtype=np.int64)


def _seconds(values: pa.Array, timezone: str | None) -> np.ndarray | None:
    """ISO 8601 texts as seconds since 1970 (on the UTC clock with a timezone, else on the local clock), or None when
    any of them does not parse."""
    try:
        cast = pc.cast(values, pa.timestamp("us", timezone))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    return np.asarray(cast.cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64) // 1_000_000


def _uk_seconds(values: pa.Array, fmt: str) -> np.ndarray | None:
    """dd/mm/yyyy texts as seconds since 1970 on the local clock, or None when any is not a real date and time
    (Arrow's strptime rolls 31/02 over to March: a value that does not read back the same is not a date)."""
    parsed = pc.strptime(values, fmt, "s", error_is_null=True)
    if parsed.null_count or not pc.all(pc.equal(pc.strftime(parsed, fmt), values)).as_py():
        return None
    return np.asarray(parsed.cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)


def parse_times(values: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """parse_time over a column of texts, in bulk: (UNIX seconds, whether each parsed). The usual shapes (ISO 8601
    with an offset or without, dd/mm/yyyy HH:MM[:SS]) are parsed column by column; a shape a group holds a value of
    that does not parse, and any other shape, is parsed value by value, so the result is parse_time's."""
    texts = pc.utf8_trim_whitespace(values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values)
    n = len(texts)
    seconds, ok = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    left = np.ones(n, dtype=bool)
    readers: list[tuple[str, Callable[[pa.Array], np.ndarray | None], bool]] = [
        (_ISO_AWARE, partial(_seconds, timezone="UTC"), False),
        (_ISO_NAIVE, partial(_seconds, timezone=None), True),
        *((shape, partial(_uk_seconds, fmt=fmt), True) for shape, fmt in _UK_SHAPES),
    ]
    for shape, read, local in readers:
        where = np.flatnonzero(left & np.asarray(pc.fill_null(pc.match_substring_regex(texts, shape), False)))
        if not len(where):
            continue
        got = read(texts.take(pa.array(where)))
        if got is None:
            continue
        seconds[where] = _local_to_utc(got) if local else got
        ok[where], left[where] = True, False
    for i in np.flatnonzero(left):
        moment = parse_time(str(texts[i].as_py() or ""))
        if moment is not None:
            seconds[i], ok[i] = moment, True
    return seconds, ok


def numbers_or_nan(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """number_or_nan over a column of texts, in bulk (value by value when any of them is not a number)."""
    texts = pc.utf8_trim_whitespace(values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values)
    try:
        numbers = np.asarray(pc.cast(texts, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    except pa.ArrowInvalid:
        return np.array([number_or_nan(v) for v in texts.to_pylist()], dtype=np.float64)
    return np.where(np.isfinite(numbers), numbers, np.nan)


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
