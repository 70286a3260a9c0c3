"""Lattices of real-sized areas: cell areas and the matrices kept with a lattice between requests."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from geo.lattice import build_lattice, distance_matrix, neighbour_matrix

MIDDLESBROUGH = shapely.box(-1.26, 54.54, -1.20, 54.58)


def test_matrices_are_built_once_per_lattice_and_cannot_be_changed() -> None:
    lattice = build_lattice(["m"], [MIDDLESBROUGH], 9)
    ring = neighbour_matrix(lattice, 1)
    assert neighbour_matrix(lattice, 1) is ring
    assert neighbour_matrix(lattice, 1, include_self=False) is not ring  # a different matrix, kept apart
    assert (neighbour_matrix(lattice, 1, include_self=False).diagonal() == 0).all()
    distances = distance_matrix(lattice, 600.0)
    assert distance_matrix(lattice, 600.0) is distances
    with pytest.raises(ValueError, match="read-only"):
        ring.data[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        lattice.cell_area_km2()[0] = 1.0
    # the same cells built again give the same matrices
    again = build_lattice(["m"], [MIDDLESBROUGH], 9)
    assert (neighbour_matrix(again, 1) != ring).nnz == 0
    np.testing.assert_array_equal(again.cell_area_km2(), lattice.cell_area_km2())


def test_distances_reach_the_radius_and_no_further() -> None:
    lattice = build_lattice(["m"], [MIDDLESBROUGH], 9)
    distances = distance_matrix(lattice, 600.0)
    assert distances.data.max() <= 600.0
    assert distances.data.max() > 500.0  # res 9 centres are about 300 m apart: the second ring is in reach
    assert np.all(distances.diagonal() > 0) and np.all(distances.diagonal() < 1e-6)  # self kept as ~0
