"""GPX 1.1 tracks (plain or gzipped) as batches of pings: each <trkpt> of each <trk>, with its line in the file.

Read by a streaming expat parser that refuses any document type declaration (the way to entity expansion and
external entities, which GPX never needs), so a hostile file is refused before anything in it is used. A track is
known by its position in the file: its <name> (often an officer's or a vehicle's) is never read.

The parser only collects each point's line, track and texts; times and coordinates are then parsed a batch at a
time, column by column (ingest.movement.parse_times, numbers_or_nan), as the value-by-value reading did."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import numpy as np
import pyarrow as pa

from ingest.errors import FeedFileError, HostileFileError
from ingest.limits import open_bounded
from ingest.movement import PING_SCHEMA, PingBatch, numbers_or_nan, parse_times
from ingest.sources import ReadContext, files_with_suffixes

BATCH_POINTS = 100_000
CHUNK_BYTES = 1 << 16


class _DocumentType(Exception):
    """The file declares a document type or an entity."""


@dataclass
class _State:
    """What the parser has seen: the track it is in, the point being read, and each point's line, track and texts
    since the last batch."""

    root_checked: bool = False
    track: int = 0  # tracks started so far (the current one's number)
    in_track: bool = False
    in_point: bool = False
    in_time: bool = False
    point: tuple[int, int, str, str] = (0, 0, "", "")  # the point being read: line, track, lat, lon
    lines: list[int] = field(default_factory=list)
    tracks: list[int] = field(default_factory=list)
    lat: list[str] = field(default_factory=list)
    lon: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    time_parts: list[str] = field(default_factory=list)  # the text of the point being read's <time>

    def held(self) -> int:
        return len(self.lines)

    def take(self) -> PingBatch:
        """The points held as a batch (times and coordinates parsed column by column); the lists start again."""
        texts = pa.array(self.times, pa.string())
        seconds, timed = parse_times(texts)
        stripped = np.array([len(t.strip()) > 0 for t in self.times], dtype=bool) if self.times else np.zeros(0, bool)
        lines = np.asarray(self.lines, dtype=np.int64)
        rejects = [
            (int(lines[i]), "", f"time {self.times[i].strip()!r} is not a date and time" if stripped[i] else "no time")
            for i in np.flatnonzero(~timed)
        ]
        table = pa.table(
            {
                "line": pa.array(lines[timed], pa.int64()),
                "track": pa.array(np.asarray(self.tracks, dtype=np.int64)[timed]).cast(pa.string()),
                "time": pa.array(seconds[timed], pa.int64()),
                "lon": pa.array(numbers_or_nan(pa.array(self.lon, pa.string()))[timed], pa.float64()),
                "lat": pa.array(numbers_or_nan(pa.array(self.lat, pa.string()))[timed], pa.float64()),
            },
            schema=PING_SCHEMA,
        )
        self.lines, self.tracks, self.lat, self.lon, self.times = [], [], [], [], []
        return PingBatch(table, rejects)


def _local(name: str) -> str:
    """An element's name without its namespace (the parser joins them with a space)."""
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]


def _parser(path: Path, state: _State) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def doctype(*_: object) -> None:
        raise _DocumentType

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if not state.root_checked:
            if local != "gpx":
                raise FeedFileError(path, f"not a GPX file (its root element is <{local}>)", parser.CurrentLineNumber)
            state.root_checked = True
        if local == "trk":
            state.track += 1
            state.in_track = True
        elif local == "trkpt" and state.in_track:
            state.in_point = True
            state.point = (parser.CurrentLineNumber, state.track, attrs.get("lat", ""), attrs.get("lon", ""))
            state.time_parts = []
        elif local == "time" and state.in_point:
            state.in_time = True

    def end(name: str) -> None:
        local = _local(name)
        if local == "trk":
            state.in_track = False
        elif local == "time":
            state.in_time = False
        elif local == "trkpt" and state.in_point:  # a point is held once it ends (a batch never splits one)
            line, track, lat, lon = state.point
            state.lines.append(line)
            state.tracks.append(track)
            state.lat.append(lat)
            state.lon.append(lon)
            state.times.append("".join(state.time_parts))
            state.in_point = False

    def text(data: str) -> None:
        if state.in_time and state.in_point:
            state.time_parts.append(data)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    return parser


def read_gpx(path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
    """A GPX file's track points as batches of pings (points without a time refused with their line)."""
    state = _State()
    parser = _parser(path, state)
    try:
        with open_bounded(path, context.limits) as data:
            while chunk := data.read(CHUNK_BYTES):
                parser.Parse(chunk, False)
                if state.held() >= BATCH_POINTS:
                    yield state.take()
            parser.Parse(b"", True)
    except _DocumentType as exc:
        raise HostileFileError(
            path,
            "refused: it declares an XML document type (DTD) or entity, which GPX never needs and attacks use "
            "(entity expansion, external entities)",
        ) from exc
    except expat.ExpatError as exc:
        raise FeedFileError(path, f"not a GPX file ({expat.errors.messages[exc.code]})", exc.lineno) from exc
    except (OSError, EOFError) as exc:
        raise FeedFileError(path, f"cannot read file ({exc})") from exc
    if not state.root_checked:
        raise FeedFileError(path, "not a GPX file (no <gpx> element)")
    yield state.take()


@dataclass(frozen=True)
class GpxSource:
    """GPX 1.1 track files."""

    name: str = "gpx"
    description: str = "GPS tracks as GPX 1.1 (.gpx, or .gpx.gz): each track point with its time"
    suffixes: tuple[str, ...] = (".gpx", ".gpx.gz")

    def files(self, paths: Sequence[Path]) -> list[Path]:
        """(a) Each file given; a folder's GPX files."""
        return files_with_suffixes(paths, self.suffixes)

    def read(self, path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
        """(b) The file's track points as pings."""
        return read_gpx(path, context)
