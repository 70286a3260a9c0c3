"""GeoJSON FeatureCollections as GeoDataFrames: one frame for a notebook, or batches of one fixed schema for files.

Values are the ones the GeoJSON answer carries (each batch goes through the same JSON encoding: dates as ISO text,
NaN as null); a property holding an object becomes one column per member (`located` -> `located_point`, ...; names
keep to ASCII letters, digits and _, which every GIS accepts) and a list becomes JSON text. Columns keep one type
across every batch, so a layer written batch by batch has one schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import orjson
import pandas as pd
import shapely

WGS84 = "EPSG:4326"
BNG = "EPSG:27700"  # British National Grid
BATCH = 5000  # features per frame when writing a layer in pieces

_DTYPES = {"integer": "Int64", "real": "Float64", "boolean": "boolean", "text": "string"}
_MULTI = {"Polygon": "MultiPolygon", "Point": "MultiPoint", "LineString": "MultiLineString"}


@dataclass(frozen=True)
class Column:
    """One column: its name, where its value is in a feature's properties, and its kind."""

    name: str
    path: tuple[str, ...]  # the property, then the member of an object property
    kind: str  # integer, real, boolean or text

    @property
    def dtype(self) -> str:
        """The pandas dtype of the column (nullable, so a missing value stays missing)."""
        return _DTYPES[self.kind]


@dataclass(frozen=True)
class LayerSchema:
    """The columns of a layer and its geometry type (None: no feature has a geometry)."""

    columns: tuple[Column, ...]
    geometry_type: str | None
    promote_to_multi: bool  # single and multi parts mixed: write every geometry as multi


def plain(items: Sequence[Any]) -> list[Any]:
    """Items as the GeoJSON answer writes them (orjson: numpy numbers as numbers, dates as ISO text, NaN as null)."""
    return list(orjson.loads(orjson.dumps(list(items), option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)))


def _kind(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "real"
    return "text"


def _merge(kinds: set[str]) -> str:
    if not kinds:
        return "text"  # only nulls: a text column of nulls
    if len(kinds) == 1:
        return next(iter(kinds))
    if kinds == {"integer", "real"}:
        return "real"
    return "text"


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def layer_schema(features: Sequence[Mapping[str, Any]], batch: int = BATCH) -> LayerSchema:
    """The columns every feature's properties give (in the order first seen) and the geometry type."""
    kinds: dict[tuple[str, ...], set[str]] = {}
    objects: set[str] = set()  # properties holding an object in some feature
    scalars: set[str] = set()  # ... and those holding anything else (a mix becomes one text column)
    geometry_types: set[str] = set()
    for part in _batches(features, batch):
        for f in part:
            if f.get("geometry"):
                geometry_types.add(str(f["geometry"]["type"]))
        for props in plain([f.get("properties") or {} for f in part]):
            for key, value in props.items():
                if isinstance(value, dict):
                    objects.add(key)
                    kinds.setdefault((key,), set())
                    for member, inner in value.items():
                        found = kinds.setdefault((key, str(member)), set())
                        if (k := _kind(inner)) is not None:
                            found.add(k)
                else:
                    scalars.add(key)
                    found = kinds.setdefault((key,), set())
                    if (k := _kind(value)) is not None:
                        found.add(k)
    columns: list[Column] = []
    taken: set[str] = set()
    first = {path[0]: i for i, path in reversed(list(enumerate(kinds)))}  # each property's first appearance
    for path, found in sorted(kinds.items(), key=lambda item: first[item[0][0]]):
        top = path[0]
        flat = top in objects and top not in scalars
        if (len(path) == 1 and flat) or (len(path) == 2 and not flat):
            continue  # an object property is its members' columns; a mixed one is one text column
        kind = "text" if top in objects and top in scalars else _merge(found)
        name = base = re.sub(r"\W+", "_", "_".join(path), flags=re.ASCII)  # located_snap_point
        n = 2
        while name in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name)
        columns.append(Column(name, path, kind))
    return LayerSchema(tuple(columns), *_geometry_type(geometry_types))


def _geometry_type(found: set[str]) -> tuple[str | None, bool]:
    if not found:
        return None, False
    if len(found) == 1:
        return next(iter(found)), False
    singles = {t for t in found if t in _MULTI}
    multis = {_MULTI[t] for t in singles} | (found - singles)
    if len(multis) == 1:
        return next(iter(multis)), True
    return "Unknown", False


def _value(props: Mapping[str, Any], column: Column) -> Any:
    value: Any = props
    for key in column.path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    if value is None:
        return None
    if column.kind == "text":
        return value if isinstance(value, str) else orjson.dumps(value).decode()
    if column.kind == "real":
        return float(value)
    return value


def frames(
    features: Sequence[Mapping[str, Any]],
    schema: LayerSchema | None = None,
    crs: str = WGS84,
    batch: int = BATCH,
) -> Iterator[gpd.GeoDataFrame]:
    """GeoDataFrames of `batch` features at a time, all with the schema's columns (at least one, maybe empty), in
    `crs` (reprojected from WGS84 with pyproj through geopandas); the index is the features' ids when each has one."""
    schema = schema or layer_schema(features, batch)
    if not features:
        yield _frame([], [], [], schema, crs)
        return
    for part in _batches(features, batch):
        props = plain([f.get("properties") or {} for f in part])
        geometries = [orjson.dumps(f["geometry"]) if f.get("geometry") else None for f in part]
        ids = [f.get("id") for f in part]
        yield _frame(props, geometries, ids, schema, crs)


def _frame(
    props: list[dict[str, Any]], geometries: list[bytes | None], ids: list[Any], schema: LayerSchema, crs: str
) -> gpd.GeoDataFrame:
    data = {c.name: pd.array([_value(p, c) for p in props], dtype=c.dtype) for c in schema.columns}
    index = pd.Index(ids, name="id") if ids and all(i is not None for i in ids) else None
    geometry = gpd.GeoSeries(shapely.from_geojson(geometries) if geometries else [], crs=WGS84, index=index)
    frame = gpd.GeoDataFrame(data, geometry=geometry, crs=WGS84, index=index)
    return frame if crs == WGS84 else frame.to_crs(crs)


def to_geodataframe(collection: Mapping[str, Any], crs: str = WGS84) -> gpd.GeoDataFrame:
    """A FeatureCollection (an AIM layer) as one GeoDataFrame, in WGS84 or the CRS asked for (e.g. EPSG:27700)."""
    parts = list(frames(collection.get("features") or [], crs=crs))
    return parts[0] if len(parts) == 1 else gpd.GeoDataFrame(pd.concat(parts), crs=parts[0].crs)


def foreign_members(collection: Mapping[str, Any]) -> dict[str, str]:
    """The collection's members besides its features (period, filters, ...), each as JSON text."""
    return {
        str(k): v if isinstance(v, str) else orjson.dumps(plain([v])[0]).decode()
        for k, v in collection.items()
        if k not in ("type", "features")
    }
