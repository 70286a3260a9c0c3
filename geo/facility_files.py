"""Facilities of one kind from a file: a CSV (longitude and latitude, or easting and northing, columns) or a GIS file
(GeoJSON or GeoPackage, points or shapes, any CRS, read by geopandas and pyogrio), as National Grid points (metres)
with a name and an optional size. Pure: bytes in, points out."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.area_files import file_kind
from geo.errors import GeoError

BNG = "EPSG:27700"
MAX_FACILITIES = 20000
NAMES = ("name", "premises", "title", "label", "id")
LONLAT = (("longitude", "latitude"), ("lon", "lat"), ("lng", "lat"), ("x", "y"))
GRID = (("easting", "northing"), ("east", "north"))
GREAT_BRITAIN = (0.0, 0.0, 700000.0, 1300000.0)  # the National Grid's extent (west, south, east, north), metres
NO_LOCATION = "no location (coordinates missing or not numbers, or no geometry)"
OUTSIDE = "location outside Great Britain's National Grid"


class FacilityFileError(GeoError):
    """A file that does not give facilities: unreadable, without points, without the size column asked, too large."""


@dataclass(frozen=True)
class Facilities:
    """Facilities as National Grid points (metres), with names and sizes (NaN: not given)."""

    east: np.ndarray
    north: np.ndarray
    names: list[str]
    size: np.ndarray | None
    kind: str  # CSV, GeoJSON or GeoPackage
    refused: tuple[tuple[int, str], ...] = ()  # rows left out: (line of a CSV, or feature number; the reason)


def _column(columns: dict[str, str], choices: tuple[str, ...]) -> str | None:
    return next((columns[c] for c in choices if c in columns), None)


def _sizes(frame: pd.DataFrame, size: str | None) -> np.ndarray | None:
    if size is None:
        return None
    found = {c.lower(): c for c in frame.columns}.get(size.lower())
    if found is None:
        raise FacilityFileError(f"the file has no column {size!r} for the size")
    return np.asarray(pd.to_numeric(frame[found], errors="coerce"), dtype=float)


def _names(frame: pd.DataFrame) -> list[str]:
    column = _column({str(c).lower(): str(c) for c in frame.columns}, NAMES)
    if column is None:
        return [f"facility {k + 1}" for k in range(len(frame))]
    return [str(v) if pd.notna(v) else f"facility {k + 1}" for k, v in enumerate(frame[column])]


def _from_csv(data: bytes, size: str | None) -> Facilities:
    try:
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    except Exception as exc:  # noqa: BLE001 (pandas raises several kinds for a bad file)
        raise FacilityFileError(f"the CSV file could not be read: {exc}") from exc
    columns = {str(c).strip().lower(): str(c) for c in frame.columns}
    grid = next(((columns[e], columns[n]) for e, n in GRID if e in columns and n in columns), None)
    lonlat = next(((columns[x], columns[y]) for x, y in LONLAT if x in columns and y in columns), None)
    if grid is None and lonlat is None:
        raise FacilityFileError("the CSV needs longitude and latitude, or easting and northing, columns")
    a, b = grid or lonlat  # type: ignore[misc]
    xs, ys = pd.to_numeric(frame[a], errors="coerce"), pd.to_numeric(frame[b], errors="coerce")
    located = np.isfinite(xs.to_numpy(dtype=float)) & np.isfinite(ys.to_numpy(dtype=float))
    points = gpd.GeoSeries(gpd.points_from_xy(xs, ys), crs=BNG if grid else "EPSG:4326").where(located, None)
    frame = frame.assign(geometry=points)
    return _finish(gpd.GeoDataFrame(frame, geometry="geometry"), size, "CSV", first_line=2)


def _from_gis(data: bytes, size: str | None) -> Facilities:
    kind = file_kind(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            frame = gpd.read_file(io.BytesIO(data), engine="pyogrio")
        except Exception as exc:  # noqa: BLE001 (GDAL raises several kinds for a bad file)
            raise FacilityFileError(f"the file could not be read: {exc}") from exc
    if frame.crs is None:
        frame = frame.set_crs("EPSG:4326")
    return _finish(frame, size, "GeoPackage" if kind == "gpkg" else "GeoJSON", first_line=1)


def _finish(frame: gpd.GeoDataFrame, size: str | None, kind: str, first_line: int) -> Facilities:
    """The located facilities; each row without a location, or outside Great Britain, refused with its line (a CSV's
    line counting the header as 1; a GIS file's feature number)."""
    if len(frame) > MAX_FACILITIES:
        raise FacilityFileError(f"the file holds more than {MAX_FACILITIES:,} facilities")
    grid = frame.to_crs(BNG)
    geometry = grid.geometry
    present = (geometry.notna() & ~geometry.is_empty).to_numpy()
    east = np.full(len(grid), np.nan)
    north = np.full(len(grid), np.nan)
    if present.any():
        points = geometry[present].representative_point()
        east[present], north[present] = points.x.to_numpy(), points.y.to_numpy()
    finite = np.isfinite(east) & np.isfinite(north)
    west, south, far_east, far_north = GREAT_BRITAIN
    with np.errstate(invalid="ignore"):
        inside = finite & (east >= west) & (east <= far_east) & (north >= south) & (north <= far_north)
    refused = tuple(
        (k + first_line, NO_LOCATION if not finite[k] else OUTSIDE) for k in np.flatnonzero(~inside).tolist()
    )
    if not inside.any():
        where = " in Great Britain" if finite.any() else ""
        raise FacilityFileError(f"the file holds no facility with a location{where}")
    rows = frame[inside]
    sizes = _sizes(rows, size)
    return Facilities(east[inside], north[inside], _names(rows), sizes, kind, refused)


def read_facilities(data: bytes, size: str | None = None) -> Facilities:
    """The facilities of a CSV, GeoJSON or GeoPackage file (a shape stands at a point inside it), with the size
    column named when given; rows without a location are left out."""
    try:
        file_kind(data)
    except GeoError:
        return _from_csv(data, size)
    return _from_gis(data, size)
