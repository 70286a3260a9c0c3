"""The patrol plan's area model: smoothing kernels kept with the lattice."""

from __future__ import annotations

import h3
import numpy as np

from api.services.patrol import lattice_kernel
from geo.forecast import BANDWIDTHS_M, quartic_kernel
from geo.lattice import Lattice, distance_matrix


def test_kernels_are_made_once_per_lattice_and_bandwidth() -> None:
    cells = np.array(sorted(h3.str_to_int(c) for c in h3.grid_disk(h3.latlng_to_cell(54.57, -1.23, 9), 4)))
    lattice = Lattice(9, cells.astype(np.uint64), np.zeros(len(cells), dtype=np.int64), ("ward",))
    distances = distance_matrix(lattice, max(BANDWIDTHS_M))
    for bw in BANDWIDTHS_M:
        kernel = lattice_kernel(lattice, distances, bw)
        fresh = quartic_kernel(distances, bw, normalise=True)
        assert (kernel != fresh).nnz == 0 and kernel.nnz == fresh.nnz
        assert lattice_kernel(lattice, distances, bw) is kernel
