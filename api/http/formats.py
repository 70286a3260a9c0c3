"""Format negotiation in one place: a service's answer written as JSON, GeoJSON, CSV, PNG, PDF, GeoPackage or
zipped Shapefile.

A route builds an `Answer` (the writers its result has) and calls `respond` with the format asked for; every
download carries a file name, and exports (CSV, PNG, PDF, GeoPackage, Shapefile) are written to the audit log here,
not in each route. Every answer with a GeoJSON writer is also a GeoPackage (`gpkg`) and a zipped Shapefile (`shp`),
written from that same GeoJSON (so with the same figures, disclosure control included), in WGS84 or, with
`crs=EPSG:27700`, British National Grid.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, BinaryIO, Literal

import orjson
from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from api.http.audit import record_access
from api.render.spreadsheet import safe_rows
from api.services.errors import ParameterError
from geo.frames import BNG, WGS84
from geo.gisfiles import write_geopackage, write_shapefile_zip

Table = tuple[Sequence[str], Sequence[Sequence[object]], str]  # header, rows, file name
Printed = tuple[bytes, str]  # document bytes, file name
MEDIA = {
    "json": "application/json",
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "png": "image/png",
    "pdf": "application/pdf",
    "gpkg": "application/geopackage+sqlite3",
    "shp": "application/zip",
}
EXPORTS = ("csv", "png", "pdf", "gpkg", "shp")
GIS = ("gpkg", "shp")  # GIS files, written from an answer's GeoJSON
CHUNK = 64 * 1024  # bytes per piece of a streamed file

CrsQuery = Annotated[
    Literal["EPSG:4326", "EPSG:27700"],
    Query(
        description="Coordinates of a gpkg or shp export: EPSG:4326 (WGS84, default) or EPSG:27700 (British "
        "National Grid, reprojected with pyproj); GeoJSON is always WGS84 (RFC 7946)"
    ),
]
LayerFormat = Annotated[
    Literal["geojson", "gpkg", "shp"],
    Query(description="geojson (default), gpkg (GeoPackage) or shp (zipped Shapefile, field names in README.txt)"),
]


class FastJSONResponse(JSONResponse):
    """JSON encoded with orjson; routes return it directly so large layers skip FastAPI's generic encoder."""

    def render(self, content: Any) -> bytes:
        """The content as UTF-8 JSON (numpy numbers allowed; NaN becomes null)."""
        return orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)


class GeoJSONResponse(FastJSONResponse):
    """JSON served as application/geo+json (RFC 7946)."""

    media_type = "application/geo+json"


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text with a header line; text that a spreadsheet would run as a formula is made inert."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(safe_rows(rows))
    return buffer.getvalue()


@dataclass(frozen=True)
class Answer:
    """What a route's result can be written as: each writer is called only for the format asked for."""

    json: Callable[[], Any] | None = None
    geojson: Callable[[], Any] | None = None
    table: Callable[[], Table] | None = None
    printed: Callable[[str], Printed] | None = None
    rows: Callable[[], int] | None = None  # how many rows an export holds, for the audit log (default: table rows)
    audited: bool = False  # the route logs every read itself (incident rows), so exports are not logged twice

    def formats(self) -> list[str]:
        """The formats this answer can be written as."""
        have = {"json": self.json, "geojson": self.geojson, "csv": self.table, "png": self.printed}
        found = [name for name, writer in have.items() if writer is not None]
        found = [*found, "pdf"] if self.printed else found
        return [*found, *GIS] if self.geojson else found


def respond(
    request: Request, answer: Answer, fmt: str, headers: dict[str, str] | None = None, crs: str = WGS84
) -> Response:
    """The answer in the format asked for, with its media type and, for downloads, its file name; GIS files in
    `crs` (WGS84 unless asked otherwise)."""
    if fmt not in answer.formats():
        raise ParameterError("format", f"{fmt!r} is not offered here; choose from {', '.join(answer.formats())}")
    if crs != WGS84 and fmt not in GIS:
        raise ParameterError("crs", f"only gpkg and shp exports can be in {crs}; {fmt} is WGS84 (EPSG:4326)")
    extra = dict(headers or {})
    if fmt == "json" and answer.json:
        return FastJSONResponse(answer.json(), headers=extra)
    if fmt == "geojson" and answer.geojson:
        return GeoJSONResponse(answer.geojson(), headers=extra)
    if fmt == "csv" and answer.table:
        header, rows, name = answer.table()
        _audit(request, answer, fmt, len(rows))
        extra["Content-Disposition"] = f'attachment; filename="{name}"'
        return Response(csv_bytes(header, rows), media_type=MEDIA["csv"], headers=extra)
    if fmt in GIS and answer.geojson:
        return _gis_file(request, answer, fmt, crs, extra)
    assert answer.printed is not None
    document, name = answer.printed(fmt)
    _audit(request, answer, fmt, 0)
    extra["Content-Disposition"] = f'inline; filename="{name}"'
    return Response(document, media_type=MEDIA[fmt], headers=extra)


def layer_name(path: str) -> str:
    """A GIS layer's name from its route: /api/v1/hotspots/gi -> hotspots_gi."""
    return re.sub(r"[^a-z0-9]+", "_", path.removeprefix("/api/v1/").lower()).strip("_") or "layer"


def _gis_file(request: Request, answer: Answer, fmt: str, crs: str, headers: dict[str, str]) -> Response:
    """The answer's GeoJSON written to a temporary GeoPackage or zipped Shapefile, then streamed back from it: the
    file is deleted as soon as it is open, so nothing is left behind however the download ends."""
    assert answer.geojson is not None
    collection = answer.geojson()
    layer = layer_name(request.url.path)
    name = f"aim-{layer.replace('_', '-')}{'-bng' if crs == BNG else ''}.{'gpkg' if fmt == 'gpkg' else 'zip'}"
    write = write_geopackage if fmt == "gpkg" else write_shapefile_zip
    folder = tempfile.mkdtemp(prefix="aim-export-")
    try:
        path = Path(folder) / name
        count = write(collection, path, layer, crs, f"AIM {request.url.path}")
        handle = path.open("rb")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    _audit(request, answer, fmt, count)
    headers["Content-Disposition"] = f'attachment; filename="{name}"'
    headers["Content-Length"] = str(os.fstat(handle.fileno()).st_size)
    return StreamingResponse(_chunks(handle), media_type=MEDIA[fmt], headers=headers)


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _audit(request: Request, answer: Answer, fmt: str, table_rows: int) -> None:
    if not answer.audited:
        record_access(request, answer.rows() if answer.rows else table_rows, fmt)


def documented(*formats: str) -> dict[int | str, dict[str, Any]]:
    """The 200 response of a route that answers in several formats, for the OpenAPI document."""
    return {200: {"content": {MEDIA[f].split(";")[0]: {} for f in formats}, "description": " or ".join(formats)}}
