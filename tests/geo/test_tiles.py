"""Web Mercator tiles and MVT encoding: bounds, clipping to the tile, and a round trip through the decoder."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import pytest
import shapely

from geo.tiles import EXTENT, encode_tile, tile_bounds_lonlat, tile_bounds_m, tile_of, tile_to_lonlat, valid_tile


def test_tile_bounds() -> None:
    assert tile_bounds_m(0, 0, 0) == pytest.approx((-20037508.34, -20037508.34, 20037508.34, 20037508.34))
    minlon, minlat, maxlon, maxlat = tile_bounds_lonlat(0, 0, 0)
    assert (minlon, maxlon) == pytest.approx((-180, 180)) and (minlat, maxlat) == pytest.approx((-85.0511, 85.0511))
    # Middlesbrough (-1.234, 54.574) is in tile 10/508/325
    minlon, minlat, maxlon, maxlat = tile_bounds_lonlat(10, 508, 325)
    assert minlon < -1.234 < maxlon and minlat < 54.574 < maxlat
    assert tile_of(-1.234, 54.574, 10) == (508, 325) and tile_of(0, 0, 0) == (0, 0) and tile_of(180, -90, 2) == (3, 3)
    assert (
        valid_tile(10, 508, 325) and not valid_tile(1, 2, 0) and not valid_tile(-1, 0, 0) and not valid_tile(23, 0, 0)
    )


def test_a_polygon_survives_the_round_trip_and_is_clipped_to_its_tile() -> None:
    z, x, y = 12, 2033, 1306
    minlon, minlat, maxlon, maxlat = tile_bounds_lonlat(z, x, y)
    inside = shapely.box(
        minlon + 0.2 * (maxlon - minlon),
        minlat + 0.2 * (maxlat - minlat),
        minlon + 0.6 * (maxlon - minlon),
        minlat + 0.6 * (maxlat - minlat),
    )
    across = shapely.box(maxlon - 0.1 * (maxlon - minlon), minlat, maxlon + 5 * (maxlon - minlon), maxlat)
    elsewhere = shapely.box(minlon + 1, minlat + 1, minlon + 1.1, minlat + 1.1)
    props = [{"name": "in", "count": 12, "none": None}, {"name": "across", "count": 3}, {"name": "far", "count": 1}]
    data = encode_tile("layer", np.array([inside, across, elsewhere]), props, [1, 2, 3], z, x, y)
    layer = mapbox_vector_tile.decode(data)["layer"]
    assert layer["extent"] == EXTENT
    by_id = {f["id"]: f for f in layer["features"]}
    assert set(by_id) == {1, 2}  # the far polygon is in another tile
    assert by_id[1]["properties"] == {"name": "in", "count": 12}  # nulls are left out
    ring = np.array(by_id[1]["geometry"]["coordinates"][0], dtype=float)
    back = shapely.Polygon(tile_to_lonlat(ring, z, x, y))
    assert back.symmetric_difference(inside).area < 0.01 * inside.area
    clipped = np.array(by_id[2]["geometry"]["coordinates"][0], dtype=float)
    assert clipped[:, 0].max() <= EXTENT + 64 and clipped[:, 0].min() >= EXTENT * 0.9 - 1


def test_a_tile_with_nothing_in_it_is_empty() -> None:
    far = shapely.box(100, 10, 101, 11)
    assert encode_tile("layer", np.array([far]), [{"n": 1}], [1], 10, 508, 326) == b""
    assert encode_tile("layer", np.array([], dtype=object), [], [], 10, 508, 326) == b""


def test_a_polygon_smaller_than_a_grid_unit_is_left_out() -> None:
    minlon, minlat, _, _ = tile_bounds_lonlat(4, 7, 5)
    speck = shapely.box(minlon + 1, minlat + 1, minlon + 1.00001, minlat + 1.00001)
    assert encode_tile("layer", np.array([speck]), [{"n": 1}], [1], 4, 7, 5) == b""


def test_a_count_and_an_equal_float_keep_their_types() -> None:
    minlon, minlat, maxlon, maxlat = tile_bounds_lonlat(10, 508, 325)
    square = shapely.box(minlon, minlat, (minlon + maxlon) / 2, (minlat + maxlat) / 2)
    props = [{"count": 10, "change_pct": 10.0, "flag": True, "one": 1}, {"count": 1, "change_pct": 10.0}]
    layer = mapbox_vector_tile.decode(encode_tile("layer", np.array([square, square]), props, [1, 2], 10, 508, 325))
    first, second = layer["layer"]["features"]
    assert first["properties"] == props[0] and second["properties"] == props[1]
    assert type(first["properties"]["count"]) is int and type(first["properties"]["change_pct"]) is float
    assert type(first["properties"]["flag"]) is bool and type(first["properties"]["one"]) is int
