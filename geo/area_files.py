"""An area from a GIS file (GeoJSON or GeoPackage, in any CRS) through geopandas and pyogrio (GDAL): its polygons
reprojected to WGS84 and merged into one, simplified to a bounded number of vertices. Pure: bytes in, a shape out."""

from __future__ import annotations

import io
import warnings

import geopandas as gpd
import pyogrio
import shapely

from geo.errors import GeoError

WGS84 = "EPSG:4326"
MAX_FEATURES = 1000
MAX_VERTICES = 2000  # a merged area with more is simplified until it has at most this many
KINDS = {"geojson": "GeoJSON", "gpkg": "GeoPackage"}


class AreaFileError(GeoError):
    """A file that does not give an area: unreadable, of another kind, without polygons, or too large."""


def file_kind(data: bytes) -> str:
    """`gpkg` (a SQLite file) or `geojson` (JSON text), from the file's first bytes."""
    if data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "geojson"
    raise AreaFileError("give a GeoJSON or GeoPackage file")


def _simplified(shape: shapely.Geometry) -> shapely.Geometry:
    tolerance = 1e-6
    while shapely.get_num_coordinates(shape) > MAX_VERTICES:
        tolerance *= 2
        shape = shapely.simplify(shape, tolerance, preserve_topology=True)
    return shape


def read_area(data: bytes) -> tuple[shapely.Geometry, dict[str, object]]:
    """The polygons of the file (of a GeoPackage's first layer) in WGS84, merged and rounded to about 10 cm (a
    GeoJSON without a CRS is WGS84, as RFC 7946 says), and what was read: kind, layer, features and the given CRS."""
    kind = file_kind(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL's notes on the file (its name, its extension): the answer says enough
        try:
            layers = pyogrio.list_layers(io.BytesIO(data))
            if not len(layers):
                raise AreaFileError(f"the {KINDS[kind]} file holds no layer")
            layer = str(layers[0][0]) if kind == "gpkg" else None  # a GeoJSON's one layer has no lasting name
            if int(pyogrio.read_info(io.BytesIO(data), layer=layer).get("features") or 0) > MAX_FEATURES:
                raise AreaFileError(f"the file holds more than {MAX_FEATURES} features")
            frame = gpd.read_file(io.BytesIO(data), layer=layer, engine="pyogrio")
        except AreaFileError:
            raise
        except Exception as exc:  # noqa: BLE001 (GDAL raises several kinds for a bad file)
            raise AreaFileError(f"the {KINDS[kind]} file could not be read: {exc}") from exc
    crs = frame.crs.to_string() if frame.crs is not None else WGS84
    if frame.crs is not None and not frame.crs.equals(WGS84):
        frame = frame.to_crs(WGS84)
    geoms = [g for g in frame.geometry if g is not None and not g.is_empty]
    polygons = [g for g in geoms if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polygons or len(polygons) != len(geoms):
        raise AreaFileError("every feature of the file must be a polygon (Polygon or MultiPolygon)")
    shape = shapely.make_valid(shapely.union_all(polygons))
    if shape.geom_type == "GeometryCollection":
        shape = shapely.union_all([g for g in shape.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    shape = shapely.set_precision(_simplified(shape), 1e-6)
    return shape, {"kind": KINDS[kind], "layer": layer, "features": len(polygons), "crs": crs}
