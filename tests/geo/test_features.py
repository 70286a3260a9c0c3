"""Hexagon features: a hexagon's GeoJSON text, written once per cell and kept, is the geometry built afresh."""

from __future__ import annotations

import json

import numpy as np
import orjson
import pytest

from geo import features
from geo.features import encoded_hexagons, hex_features
from geo.hexbin import cell_polygons, points_to_cells

LON = np.array([-1.234, -1.2349, -1.19, -1.05, -0.98, 179.99, -179.99, 0.0])
LAT = np.array([54.57, 54.5702, 54.6, 54.52, 54.71, 65.0, 65.0, 51.48])


def _cells(res: int) -> np.ndarray:
    return np.unique(points_to_cells(LON, LAT, res))


@pytest.mark.parametrize("res", [7, 9, 10])
def test_kept_hexagons_are_the_geometries_built_afresh(res: int) -> None:
    features._hexagons.clear()
    cells = _cells(res)
    props = [{"count": i} for i in range(len(cells))]
    fresh = hex_features(cells, props)  # geometries as lists, built from the polygons
    first = orjson.dumps(hex_features(cells, props, encoded=True))
    assert len(features._hexagons) == len(cells)
    kept = orjson.dumps(hex_features(cells[::-1], props[::-1], encoded=True))  # every one kept now, in another order
    assert json.loads(first) == fresh and json.loads(kept) == fresh[::-1]
    from_polygons = orjson.dumps(hex_features(cells, props, cell_polygons(cells), encoded=True))
    assert from_polygons == first


def test_the_kept_hexagons_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    features._hexagons.clear()
    monkeypatch.setattr(features, "MAX_KEPT_HEXAGONS", 3)
    cells = _cells(9)
    assert len(cells) > 3
    encoded_hexagons(cells[:2])
    assert len(features._hexagons) == 2
    encoded_hexagons(cells[2:4])  # past the bound: all forgotten, then these kept
    assert set(features._hexagons) == {int(c) for c in cells[2:4]}
    assert orjson.dumps(encoded_hexagons(cells[:1])) == orjson.dumps(encoded_hexagons(cells[:1]))
