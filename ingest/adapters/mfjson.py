"""OGC Moving Features JSON (MF-JSON, OGC 19-045r3) as batches of pings: each MovingPoint's parallel `datetimes` and
`coordinates`, in a Feature, a FeatureCollection (or MovingFeature, MovingFeatureCollection), a bare temporal geometry,
or a MovingGeometryCollection's `prisms`.

A point's line is its position among the file's points (1, 2, ...); a moving feature is known by its position in the
file (its `id` and `properties`, which may name a person, are never read). Instants are ISO 8601 text or numbers of
milliseconds since 1970 (the standard's Gregorian and Unix time); coordinates are WGS84 longitude, latitude (the
default CRS, CRS84; EPSG:4326 is read in the same order, as GeoJSON does).

A moving point's parallel arrays are read whole: texts through ingest.movement.parse_times, whole milliseconds and
coordinates straight into arrays; only an array mixing kinds (text and numbers, say) is read value by value."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from ingest.errors import FeedFileError
from ingest.limits import open_bounded
from ingest.movement import PING_SCHEMA, PingBatch, number_or_nan, parse_time, parse_times
from ingest.sources import ReadContext, files_with_suffixes

COLLECTIONS = ("FeatureCollection", "MovingFeatureCollection")
FEATURES = ("Feature", "MovingFeature")
LON_LAT_CRS = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "CRS84", "EPSG:4326", "WGS84")


@dataclass
class _Points:
    """The moving points found so far (their arrays, first line and feature number) and the points refused."""

    position: int = 0  # points seen so far
    found: list[tuple[list[Any], list[Any], int, int]] = field(default_factory=list)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)

    def take(self) -> PingBatch:
        """Every point found, as one batch: the arrays of every moving point read together when they hold the same
        kinds (texts, whole milliseconds, lists of numbers), else a moving point at a time."""
        datetimes = [d for found in self.found for d in found[0]]
        coordinates = [c for found in self.found for c in found[1]]
        counts = np.array([len(found[0]) for found in self.found], dtype=np.int64)
        bulk = _bulk_instants(datetimes)
        seconds, timed = bulk if bulk is not None else _each(self.found, _instants)
        positions = _bulk_positions(coordinates)
        lon, lat = positions if positions is not None else _each(self.found, lambda _, c: _positions(c))
        starts = np.repeat(np.array([found[2] for found in self.found], dtype=np.int64), counts)
        lines = starts + np.arange(len(starts), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        features = np.repeat(np.array([found[3] for found in self.found], dtype=np.int64), counts)
        rejects = self.rejects + [
            (int(lines[i]), "", f"feature {features[i]}: datetime {datetimes[i]!r} is not an instant")
            for i in np.flatnonzero(~timed)
        ]
        rejects.sort(key=lambda r: r[0])  # in the file's order (a refused geometry's line is its first point's)
        table = pa.table(
            {
                "line": pa.array(lines[timed], pa.int64()),
                "track": pa.array(features[timed]).cast(pa.string()),
                "time": pa.array(seconds[timed], pa.int64()),
                "lon": pa.array(lon[timed], pa.float64()),
                "lat": pa.array(lat[timed], pa.float64()),
            },
            schema=PING_SCHEMA,
        )
        return PingBatch(table, rejects)


def _each(
    found: list[tuple[list[Any], list[Any], int, int]],
    read: Callable[[list[Any], list[Any]], tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """A reading of each moving point's arrays on its own, joined."""
    parts = [read(d, c) for d, c, _, _ in found]
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    return np.concatenate([a for a, _ in parts]), np.concatenate([b for _, b in parts])


def _instant(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value // 1000)  # milliseconds since 1970
    return parse_time(value) if isinstance(value, str) else None


def _bulk_instants(datetimes: list[Any]) -> tuple[np.ndarray, np.ndarray] | None:
    """(UNIX seconds, whether each is an instant) of datetimes that are all texts, or all whole milliseconds, read
    in bulk; None for any other mix."""
    try:
        values = pa.array(datetimes)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return None
    if values.null_count == 0 and pa.types.is_string(values.type):
        return parse_times(values)
    if values.null_count == 0 and pa.types.is_int64(values.type):
        return np.asarray(values.to_numpy(), dtype=np.int64) // 1000, np.ones(len(values), dtype=bool)
    return None


def _instants(datetimes: list[Any], _: object = None) -> tuple[np.ndarray, np.ndarray]:
    """(UNIX seconds, whether each is an instant) of a moving point's datetimes: in bulk when they allow, else
    value by value (_instant)."""
    bulk = _bulk_instants(datetimes)
    if bulk is not None:
        return bulk
    found = [_instant(v) for v in datetimes]
    ok = np.array([v is not None for v in found], dtype=bool)
    return np.array([v or 0 for v in found], dtype=np.int64), ok


def _bulk_positions(coordinates: list[Any]) -> tuple[np.ndarray, np.ndarray] | None:
    """(longitudes, latitudes) of positions that are all lists of two or more numbers, read in bulk (NaN for a
    number that is not finite); None for any other mix."""
    try:
        values = pa.array(coordinates)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return None
    if (
        values.null_count == 0
        and pa.types.is_list(values.type)
        and (pa.types.is_floating(values.type.value_type) or pa.types.is_int64(values.type.value_type))
        and values.flatten().null_count == 0
        and len(values)
        and pc.min(pc.list_value_length(values)).as_py() >= 2
    ):
        lon = np.asarray(pc.list_element(values, 0).cast(pa.float64(), safe=False).to_numpy(), dtype=np.float64)
        lat = np.asarray(pc.list_element(values, 1).cast(pa.float64(), safe=False).to_numpy(), dtype=np.float64)
        return np.where(np.isfinite(lon), lon, np.nan), np.where(np.isfinite(lat), lat, np.nan)
    return None


def _positions(coordinates: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(longitudes, latitudes) of a moving point's coordinates, NaN where a position is not two numbers: in bulk
    when they allow, else value by value."""
    bulk = _bulk_positions(coordinates)
    if bulk is not None:
        return bulk
    pairs = [
        (number_or_nan(p[0]), number_or_nan(p[1])) if isinstance(p, list) and len(p) >= 2 else (np.nan, np.nan)
        for p in coordinates
    ]
    return np.array([p[0] for p in pairs], dtype=np.float64), np.array([p[1] for p in pairs], dtype=np.float64)


def _crs_problem(node: dict[str, Any]) -> str | None:
    crs = node.get("crs")
    if crs is None:
        return None
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    return None if name in LON_LAT_CRS else f"its CRS {name!r} is not WGS84 longitude, latitude"


def _geometries(node: object, feature: int) -> Iterator[tuple[int, dict[str, Any]]]:
    """(feature number, temporal geometry) for every moving point geometry in an MF-JSON object."""
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind in COLLECTIONS:
        for number, member in enumerate(node.get("features") or [], start=1):
            yield from _geometries(member, number)
    elif kind in FEATURES:
        yield from _geometries(node.get("temporalGeometry"), feature)
    elif kind == "MovingGeometryCollection":
        for member in node.get("prisms") or []:
            yield from _geometries(member, feature)
    elif isinstance(kind, str):
        yield feature, node


def _read_geometry(points: _Points, feature: int, geometry: dict[str, Any], crs: str | None) -> None:
    datetimes, coordinates = geometry.get("datetimes"), geometry.get("coordinates")
    first = points.position + 1
    if geometry.get("type") != "MovingPoint":
        points.rejects.append((first, "", f"feature {feature} is a {geometry.get('type')}, not a MovingPoint"))
        return
    if not isinstance(datetimes, list) or not isinstance(coordinates, list):
        points.rejects.append((first, "", f"feature {feature} has no datetimes and coordinates arrays"))
        return
    problem = crs or _crs_problem(geometry)
    if len(datetimes) != len(coordinates):
        problem = f"{len(datetimes)} datetimes for {len(coordinates)} coordinates"
    if problem:
        points.rejects += [(first + i, "", f"feature {feature}: {problem}") for i in range(max(len(coordinates), 1))]
        points.position += len(coordinates)
        return
    points.found.append((datetimes, coordinates, first, feature))
    points.position += len(coordinates)


def read_points(document: object) -> _Points:
    """Every MovingPoint's points of a parsed MF-JSON document, and the points refused."""
    points = _Points()
    file_crs = _crs_problem(document) if isinstance(document, dict) else None
    for feature, geometry in _geometries(document, 1):
        _read_geometry(points, feature, geometry, file_crs)
    return points


def read_mfjson(path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
    """An MF-JSON file's moving points as pings (the file is parsed whole, within the size bound)."""
    try:
        with open_bounded(path, context.limits) as data:
            document = orjson.loads(data.read())
    except orjson.JSONDecodeError as exc:
        raise FeedFileError(path, f"not a JSON file ({exc})") from exc
    except (OSError, EOFError) as exc:
        raise FeedFileError(path, f"cannot read file ({exc})") from exc
    if not isinstance(document, dict) or not isinstance(document.get("type"), str):
        raise FeedFileError(path, "not an MF-JSON file (no object with a type)")
    points = read_points(document)
    if points.position == 0 and not points.rejects:
        raise FeedFileError(path, "not an MF-JSON file (no MovingPoint)")
    context.limits.check_rows(path, points.position)
    yield points.take()


@dataclass(frozen=True)
class MfJsonSource:
    """OGC Moving Features JSON files."""

    name: str = "mf-json"
    description: str = "OGC Moving Features JSON (OGC 19-045r3), plain or gzipped: MovingPoint datetimes, coordinates"
    suffixes: tuple[str, ...] = (".mf.json", ".mfjson", ".json", ".mf.json.gz", ".mfjson.gz", ".json.gz")

    def files(self, paths: Sequence[Path]) -> list[Path]:
        """(a) Each file given; a folder's JSON files."""
        return files_with_suffixes(paths, self.suffixes)

    def read(self, path: Path, context: ReadContext) -> Generator[PingBatch, None, None]:
        """(b) The file's moving points as pings."""
        return read_mfjson(path, context)
