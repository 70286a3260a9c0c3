"""Basemap tiles for prints: Web Mercator against pyproj, tile numbers against the slippy-map formula, and real
HTTP fetches from a local tile server (User-Agent sent, tiles kept in memory and on disk, failures mean none)."""

from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

from api.render.basemap_tiles import (
    TileSource,
    plain_attribution,
    print_basemap,
    span_extent,
    tile_span,
    tile_zoom,
    to_mercator,
)
from api.settings import OSM_ATTRIBUTION
from tests.api.render.browser import free_port
from tests.api.render.tile_server import TILE_COLOUR, tile_server

MIDDLESBROUGH = (-1.2350, 54.5742)


def test_mercator_matches_pyproj() -> None:
    lon = np.array([-1.235, -6.3, 1.75, 0.0, 179.9])
    lat = np.array([54.5742, 49.9, 52.5, 0.0, -70.0])
    x, y = to_mercator(lon, lat)
    ex, ey = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(lon, lat)
    np.testing.assert_allclose(x, ex, atol=1e-6)
    np.testing.assert_allclose(y, ey, atol=1e-6)


def test_tile_numbers_match_the_slippy_map_formula() -> None:
    lon, lat = MIDDLESBROUGH
    x, y = to_mercator(np.array([lon]), np.array([lat]))
    for zoom in (0, 5, 12, 16):
        n = 2**zoom
        expected_x = math.floor((lon + 180) / 360 * n)
        lat_r = math.radians(lat)
        expected_y = math.floor((1 - math.asinh(math.tan(lat_r)) / math.pi) / 2 * n)
        point = (float(x[0]), float(y[0]), float(x[0]), float(y[0]))
        assert tile_span(point, zoom) == (expected_x, expected_x, expected_y, expected_y)
        left, right, bottom, top = span_extent(tile_span(point, zoom), zoom)
        assert left <= x[0] < right and bottom < y[0] <= top


def test_the_zoom_fits_the_extent_in_few_tiles() -> None:
    x, y = to_mercator(np.array([-1.30, -1.15]), np.array([54.52, 54.60]))
    bounds = (float(x[0]), float(y[0]), float(x[1]), float(y[1]))
    zoom = tile_zoom(bounds, 900)
    x0, x1, y0, y1 = tile_span(bounds, zoom)
    assert 11 <= zoom <= 14 and (x1 - x0 + 1) * (y1 - y0 + 1) <= 16
    assert tile_zoom(bounds, 900, max_tiles=1) < zoom


def test_attribution_is_printed_as_plain_text() -> None:
    assert plain_attribution(OSM_ATTRIBUTION) == "© OpenStreetMap contributors"
    assert print_basemap(None, None) is None
    assert print_basemap(("/tiles/{z}/{x}/{y}.png", "x"), None) is None  # not a URL the service can fetch


def test_tiles_are_fetched_over_http_once_then_kept(tmp_path: Path) -> None:
    x, y = to_mercator(np.array([-1.26, -1.20]), np.array([54.54, 54.58]))
    bounds = (float(x[0]), float(y[0]), float(x[1]), float(y[1]))
    with tile_server() as server:
        source = TileSource(server.template, cache_dir=tmp_path / "tiles")
        mosaic = source.mosaic(bounds, 900)
        assert mosaic is not None and server.requests
        assert all(agent.startswith("AIM/") for _, agent in server.requests)  # it says who is asking
        x0, x1, y0, y1 = tile_span(bounds, mosaic.zoom)
        assert len(server.requests) == (x1 - x0 + 1) * (y1 - y0 + 1)
        assert mosaic.image.shape == ((y1 - y0 + 1) * 256, (x1 - x0 + 1) * 256, 3)
        assert tuple(mosaic.image[128, 128]) == TILE_COLOUR
        left, right, bottom, top = mosaic.extent
        assert left <= bounds[0] and right >= bounds[2] and bottom <= bounds[1] and top >= bounds[3]
        fetched = len(server.requests)
        assert source.mosaic(bounds, 900) is not None and len(server.requests) == fetched  # memory
        again = TileSource(server.template, cache_dir=tmp_path / "tiles")
        assert again.mosaic(bounds, 900) is not None and len(server.requests) == fetched  # disk


@pytest.mark.parametrize("path", ["/{z}/{x}/{y}.png", "/missing/{z}/{x}/{y}.png"])
def test_no_tiles_means_no_mosaic(path: str) -> None:
    x, y = to_mercator(np.array([-1.26, -1.20]), np.array([54.54, 54.58]))
    bounds = (float(x[0]), float(y[0]), float(x[1]), float(y[1]))
    with tile_server() as server:
        port = server.template.split(":")[2].split("/")[0]
        unreachable = f"http://127.0.0.1:{free_port()}" if path.startswith("/{z}") else f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        source = TileSource(unreachable + path, timeout=2)
        assert source.mosaic(bounds, 900) is None  # refused, or 404
        assert time.perf_counter() - started < 10
        asked = len(server.requests)
        assert source.mosaic(bounds, 900) is None and len(server.requests) == asked  # not asked again at once
