"""FeatureCollections as GeoDataFrames (geo.frames): the GeoJSON's values, one schema across batches, reprojection."""

from __future__ import annotations

import datetime
import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.frames import BNG, frames, layer_schema, to_geodataframe

WARDS = Path(__file__).resolve().parents[2] / "data" / "wards" / "wards_dec2022_bsc_cleveland.geojson.gz"
SQUARE = {"type": "Polygon", "coordinates": [[[-1.2, 54.5], [-1.1, 54.5], [-1.1, 54.6], [-1.2, 54.6], [-1.2, 54.5]]]}
MULTI = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}


def _feature(fid: str, geometry: dict[str, Any] | None, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "id": fid, "geometry": geometry, "properties": props}


def test_a_shipped_ward_file_becomes_a_frame_with_its_properties() -> None:
    collection = json.loads(gzip.decompress(WARDS.read_bytes()))
    frame = to_geodataframe(collection)
    assert len(frame) == 82 and frame.crs.to_epsg() == 4326
    assert list(frame.columns) == ["WD22CD", "WD22NM", "LAD24CD", "LAD24NM", "PFA24NM", "geometry"]
    assert frame["WD22NM"].dtype == "string" and frame["WD22NM"].iloc[0] == "Billingham Central"
    assert frame.geometry.is_valid.all()
    bng = to_geodataframe(collection, BNG)
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    first = shapely.from_geojson(json.dumps(collection["features"][0]["geometry"]))
    area = shapely.transform(first, lambda xy: np.column_stack(to_bng.transform(xy[:, 0], xy[:, 1]))).area
    assert bng.crs.to_epsg() == 27700 and abs(bng.geometry.iloc[0].area - area) < 1e-3
    assert 590 < bng.geometry.area.sum() / 1e6 < 600  # km2: the four Cleveland unitary authorities


def test_values_are_the_geojson_answers_with_objects_flattened() -> None:
    features = [
        _feature(
            "a",
            SQUARE,
            count=np.int64(3),
            share=1,
            located={"point": 2, "snap-point": 1},
            counts=[1, 2],
            month=datetime.date(2025, 1, 1),
            mixed=1,
            odd={"x": 1},
            empty=None,
            z=float("nan"),
        ),
        _feature("b", MULTI, count=None, share=0.5, located={"postcode": 4}, counts=[], month=None, mixed="x", odd=2),
    ]
    schema = layer_schema(features)
    kinds = {c.name: c.kind for c in schema.columns}
    assert kinds == {
        "count": "integer",
        "share": "real",
        "located_point": "integer",
        "located_snap_point": "integer",
        "located_postcode": "integer",
        "counts": "text",
        "month": "text",
        "mixed": "text",
        "odd": "text",
        "empty": "text",
        "z": "text",  # NaN is null in GeoJSON: a column of nulls
    }
    assert (schema.geometry_type, schema.promote_to_multi) == ("MultiPolygon", True)
    frame = to_geodataframe({"type": "FeatureCollection", "features": features})
    assert list(frame.index) == ["a", "b"] and frame.index.name == "id"
    rows = frame.drop(columns="geometry").astype(object).where(frame.notna(), None).to_dict("records")
    assert rows[0] == {
        "count": 3,
        "share": 1.0,
        "located_point": 2,
        "located_snap_point": 1,
        "located_postcode": None,
        "counts": "[1,2]",
        "month": "2025-01-01",
        "mixed": "1",
        "odd": '{"x":1}',
        "empty": None,
        "z": None,
    }
    assert rows[1]["count"] is None and rows[1]["mixed"] == "x" and rows[1]["odd"] == "2"
    assert rows[1]["located_postcode"] == 4 and rows[1]["counts"] == "[]"


def test_batches_share_one_schema_and_empty_layers_have_a_frame() -> None:
    features = [_feature(str(i), SQUARE if i else None, n=i if i % 3 else None, s="x" * i) for i in range(10)]
    parts = list(frames(features, batch=3))
    assert [len(p) for p in parts] == [3, 3, 3, 1]
    assert all(list(p.dtypes.astype(str)) == list(parts[0].dtypes.astype(str)) for p in parts)
    assert parts[0]["n"].dtype == "Int64" and pd.isna(parts[0]["n"].iloc[0]) and parts[0].geometry.iloc[0] is None
    empty = to_geodataframe({"type": "FeatureCollection", "features": []})
    assert len(empty) == 0 and list(empty.columns) == ["geometry"] and empty.crs.to_epsg() == 4326
