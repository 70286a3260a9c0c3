"""OS grid references against published ones."""

from __future__ import annotations

import numpy as np
import pytest

from geo.grid import grid_references


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
