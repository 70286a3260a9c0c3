"""GPX 1.1 tracks (plain or gzipped) as batches of pings: each <trkpt> of each <trk>, with its line in the file.

Read by a streaming expat parser that refuses any document type declaration (the way to entity expansion and
external entities, which GPX never needs), so a hostile file is refused before anything in it is used. A track is
known by its position in the file: its <name> (often an officer's or a vehicle's) is never read."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from ingest.errors import FeedFileError, HostileFileError
from ingest.limits import open_bounded
from ingest.movement import PingBatch, number_or_nan, parse_time
from ingest.sources import ReadContext, files_with_suffixes
from tests.ingest.adapters.per_point import PingColumns

BATCH_POINTS = 100_000
CHUNK_BYTES = 1 << 16


class _DocumentType(Exception):
    """The file declares a document type or an entity."""


@dataclass
class _Point:
    line: int
    lat: str
    lon: str
    time: list[str] = field(default_factory=list)


@dataclass
class _State(PingColumns):
    """What the parser has seen: the track it is in, the point being read, and the points read since the last
    batch."""

    root_checked: bool = False
    track: int = 0  # tracks started so far (the current one's number)
    in_track: bool = False
    point: _Point | None = None
    in_time: bool = False

    def held(self) -> int:
        return len(self.lines) + len(self.rejects)


def _local(name: str) -> str:
    """An element's name without its namespace (the parser joins them with a space)."""
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]


def _finish_point(state: _State, point: _Point) -> None:
    lon, lat = number_or_nan(point.lon), number_or_nan(point.lat)
    time_text = "".join(point.time).strip()
    moment = parse_time(time_text) if time_text else None
    if moment is None:
        reason = "no time" if not time_text else f"time {time_text!r} is not a date and time"
        state.rejects.append((point.line, "", reason))
        return
    state.add(point.line, str(state.track), moment, lon, lat)


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
            state.point = _Point(parser.CurrentLineNumber, attrs.get("lat", ""), attrs.get("lon", ""))
        elif local == "time" and state.point is not None:
            state.in_time = True

    def end(name: str) -> None:
        local = _local(name)
        if local == "trk":
            state.in_track = False
        elif local == "time":
            state.in_time = False
        elif local == "trkpt" and state.point is not None:
            _finish_point(state, state.point)
            state.point = None

    def text(data: str) -> None:
        if state.in_time and state.point is not None:
            state.point.time.append(data)

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
