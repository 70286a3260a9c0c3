"""OS grid references against published ones."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Transformer

from geo.grid import _to_national_grid, circle_around, grid_point, grid_references


def test_grid_references_of_known_places() -> None:
    # Code-Point Open gives TS1 1AA at 448907, 520333 with WGS84 -1.244942, 54.575852: NZ 48907 20333
    lon = np.array([-1.244942, -5.00360, -5.714, -1.145, 1.2974])
    lat = np.array([54.575852, 56.79685, 50.066, 60.155, 52.6309])
    tens = grid_references(lon, lat, 10)
    assert tens[0] is not None and tens[0].startswith("NZ 4890") and tens[0][9:13] == "2033"
    assert tens[1] is not None and tens[1].startswith("NN 166")  # Ben Nevis summit, NN 166 712
    assert grid_references(lon, lat, 4)[2:] == ["SW 34 25", "HU 47 41", "TG 23 08"]
    assert grid_references(np.array([-1.244942]), np.array([54.575852]), 8) == ["NZ 4890 2033"]
    assert grid_references(np.array([2.35]), np.array([48.86]), 8) == [None]  # Paris: off the grid


def test_only_even_figures_are_grid_references() -> None:
    with pytest.raises(ValueError):
        grid_references(np.array([0.0]), np.array([52.0]), 7)


def test_grid_points_are_the_centres_of_the_squares_references_name() -> None:
    """A reference read back names the square it came from, with or without spaces, in either case; what is not a
    reference (odd figures, an unknown or off-grid square) is refused."""
    lon, lat = np.array([-1.2346, -5.7, 1.29]), np.array([54.5706, 50.07, 52.63])
    for digits in (4, 6, 8, 10):
        for reference in grid_references(lon, lat, digits):
            assert reference is not None
            east, north = grid_point(reference)
            back = _to_wgs84().transform(east, north)
            assert grid_references(np.array([back[0]]), np.array([back[1]]), digits)[0] == reference
            assert grid_point(reference.replace(" ", "").lower()) == (east, north)
    assert grid_point("NZ 4953 1970") == (449535.0, 519705.0)
    for bad in ("NZ 495 197 0", "NZ", "NI 12 34", "HA 12 34", "AB 12 34", "12 34"):
        with pytest.raises(ValueError, match="not a grid reference"):
            grid_point(bad)


def test_a_circle_around_a_reference_keeps_its_radius() -> None:
    ring = circle_around("NZ 4953 1970", 250, corners=16)
    assert len(ring) == 17 and ring[0] == ring[-1]
    east, north = _to_national_grid().transform(*np.array(ring).T)
    assert np.allclose(np.hypot(east - 449535.0, north - 519705.0), 250, atol=0.05)


def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
