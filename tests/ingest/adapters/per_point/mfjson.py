"""OGC Moving Features JSON (MF-JSON, OGC 19-045r3) as batches of pings: each MovingPoint's parallel `datetimes` and
`coordinates`, in a Feature, a FeatureCollection (or MovingFeature, MovingFeatureCollection), a bare temporal geometry,
or a MovingGeometryCollection's `prisms`.

A point's line is its position among the file's points (1, 2, ...); a moving feature is known by its position in the
file (its `id` and `properties`, which may name a person, are never read). Instants are ISO 8601 text or numbers of
milliseconds since 1970 (the standard's Gregorian and Unix time); coordinates are WGS84 longitude, latitude (the
default CRS, CRS84; EPSG:4326 is read in the same order, as GeoJSON does)."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ingest.errors import FeedFileError
from ingest.limits import open_bounded
from ingest.movement import PingBatch, number_or_nan, parse_time
from ingest.sources import ReadContext, files_with_suffixes
from tests.ingest.adapters.per_point import PingColumns

COLLECTIONS = ("FeatureCollection", "MovingFeatureCollection")
FEATURES = ("Feature", "MovingFeature")
LON_LAT_CRS = ("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "CRS84", "EPSG:4326", "WGS84")


@dataclass
class _Points(PingColumns):
    position: int = 0  # points seen so far


def _instant(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value // 1000)  # milliseconds since 1970
    return parse_time(value) if isinstance(value, str) else None


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
    for instant, position in zip(datetimes, coordinates, strict=True):
        points.position += 1
        moment = _instant(instant)
        if moment is None:
            points.rejects.append((points.position, "", f"feature {feature}: datetime {instant!r} is not an instant"))
            continue
        ok = isinstance(position, list) and len(position) >= 2
        lon, lat = (number_or_nan(position[0]), number_or_nan(position[1])) if ok else (float("nan"), float("nan"))
        points.add(points.position, str(feature), moment, lon, lat)


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
