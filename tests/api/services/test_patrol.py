"""The patrol plan's area model (smoothing kernels kept with the lattice) and its trend column (the emerging
hotspots' trend of the same cell)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import h3
import numpy as np

from api.services.caches import Caches
from api.services.evaluation import force_areas
from api.services.filters import resolve_filters
from api.services.hotspots import emerging_layer
from api.services.patrol import TREND_ALPHA, lattice_kernel, patrol_plan
from api.services.study_area import lattice_counts
from geo.emerging import cell_trends, trend_words
from geo.forecast import BANDWIDTHS_M, quartic_kernel
from geo.lattice import Lattice, distance_matrix, neighbour_matrix
from ingest.store.connection import open_served_store


def test_kernels_are_made_once_per_lattice_and_bandwidth() -> None:
    cells = np.array(sorted(h3.str_to_int(c) for c in h3.grid_disk(h3.latlng_to_cell(54.57, -1.23, 9), 4)))
    lattice = Lattice(9, cells.astype(np.uint64), np.zeros(len(cells), dtype=np.int64), ("ward",))
    distances = distance_matrix(lattice, max(BANDWIDTHS_M))
    for bw in BANDWIDTHS_M:
        kernel = lattice_kernel(lattice, distances, bw)
        fresh = quartic_kernel(distances, bw, normalise=True)
        assert (kernel != fresh).nnz == 0 and kernel.nnz == fresh.nnz
        assert lattice_kernel(lattice, distances, bw) is kernel


def test_the_plan_gives_each_cell_the_emerging_hotspots_trend(cleveland_store: Path) -> None:
    con = open_served_store(cleveland_store)
    try:
        filters = resolve_filters(con, start=date(2025, 1, 1), end=date(2025, 12, 1), categories=("asb",), sources=())
        (area,) = force_areas(con, ["cleveland"], filters.boundary_set)
        caches = Caches()
        plan = patrol_plan(con, filters, area, 9, None, 60, caches.wards, caches.lattices)
        layer = emerging_layer(con, filters, area, 9, 1, TREND_ALPHA, caches.wards, caches.lattices)
        lattice = plan["_lattice"]
        counts = lattice_counts(
            con, filters.incident, lattice, caches.lattices.get(con, caches.wards, filters.boundary_set, area, 9)[1]
        )[0]
    finally:
        con.close()
    emerging = {f["properties"]["h3"]: f["properties"]["trend"] for f in layer["features"]}
    shared = [r for r in plan["cells"] if r["h3"] in emerging]
    assert len(shared) >= 10 and all(r["trend"] == emerging[r["h3"]] for r in shared)
    z, p = cell_trends(counts, neighbour_matrix(lattice, 1), plan["_selected"])
    assert [r["trend"] for r in plan["cells"]] == list(trend_words(z, p, TREND_ALPHA))
    assert {r["trend"] for r in plan["cells"]} >= {"steady"} and len(plan["cells"]) == 60
