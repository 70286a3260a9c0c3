"""Lattices of study areas: cached per boundary set, LADs and resolution, evicted by count and by size."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import shapely

from api.services.caches import Caches
from api.services.evaluation import force_areas
from api.services.filters import resolve_filters
from api.services.hotspots import GI_METHOD
from api.services.reference import WardCache
from api.services.study_area import (
    STUDY_AREA_CELLS,
    LatticeCache,
    StudyArea,
    lattice_counts,
    lattice_counts_with_context,
)
from api.settings import Settings
from geo.hexbin import cell_polygons
from geo.lattice import cell_centres, distance_matrix
from ingest.store.connection import open_served_store
from ingest.store.read import resolve_boundary_set
from ingest.taxonomy import context_categories

MIDDLESBROUGH = StudyArea("lad", "E06000002", "Middlesbrough", ("E06000002",))
HARTLEPOOL = StudyArea("lad", "E06000001", "Hartlepool", ("E06000001",))


def test_the_cache_keeps_a_lattice_and_evicts_the_oldest_when_too_big(cleveland_store: Path) -> None:
    con = open_served_store(cleveland_store, Settings().memory_limit)  # as the served app holds it
    try:
        boundary_set = resolve_boundary_set(con, None)
        wards = WardCache()
        cache = LatticeCache(size=4, max_entries=10**9)
        first, _ = cache.get(con, wards, boundary_set, MIDDLESBROUGH, 9)
        assert cache.get(con, wards, boundary_set, MIDDLESBROUGH, 9)[0] is first
        distance_matrix(first, 600.0)  # now the lattice carries a matrix
        small = LatticeCache(size=4, max_entries=len(first) * 2)
        held, _ = small.get(con, wards, boundary_set, MIDDLESBROUGH, 9)
        distance_matrix(held, 600.0)  # far more entries than the budget
        other, _ = small.get(con, wards, boundary_set, HARTLEPOOL, 9)
        assert small.get(con, wards, boundary_set, HARTLEPOOL, 9)[0] is other  # the newest stays
        assert small.get(con, wards, boundary_set, MIDDLESBROUGH, 9)[0] is not held  # the big one went
    finally:
        con.close()


@pytest.mark.bulk
@pytest.mark.parametrize("res", [8, 9])
def test_each_force_area_holds_every_one_of_its_located_incidents(five_forces_store: Path, res: int) -> None:
    con = open_served_store(five_forces_store)
    try:
        caches = Caches()
        filters = resolve_filters(con, start=date(2025, 6, 1), end=date(2025, 6, 1), categories=(), sources=())
        areas = force_areas(con, None, filters.boundary_set)
        assert len(areas) == 5
        for area in areas:
            lattice, bbox = caches.lattices.get(con, caches.wards, filters.boundary_set, area, res)
            marks = ", ".join("?" for _ in area.lads)
            where = f"lon IS NOT NULL AND lad_code IN ({marks})"
            sql = f"SELECT cell_{res}, count(*) FROM incidents WHERE {where} GROUP BY 1"  # noqa: S608
            cells = con.execute(sql, list(area.lads)).fetchall()
            located = sum(n for _, n in cells)
            inside = lattice.index_of(np.array([c for c, _ in cells], dtype=np.uint64)) >= 0
            assert located > 1000 and inside.all(), f"{area.name}: {(~inside).sum()} cells of its incidents missing"
            counts, _ = lattice_counts(con, filters.incident, lattice, bbox)
            assert counts.sum() >= located  # every one of them is counted (with any neighbour's in border cells)
    finally:
        con.close()


def test_counts_with_context_are_the_counts_of_each_category_set(cleveland_store: Path) -> None:
    con = open_served_store(cleveland_store)
    try:
        caches = Caches()
        filters = resolve_filters(con, start=date(2025, 1, 1), end=date(2025, 12, 1), categories=("asb",), sources=())
        f = filters.incident
        lattice, bbox = caches.lattices.get(con, caches.wards, filters.boundary_set, MIDDLESBROUGH, 9)
        others = context_categories(f.categories)
        counts, context, months = lattice_counts_with_context(con, f, others, lattice)
        expected, expected_months = lattice_counts(con, f, lattice, bbox)
        assert months == expected_months and np.array_equal(counts, expected) and counts.sum() > 1000
        assert context is not None and np.array_equal(
            context, lattice_counts(con, replace(f, categories=others), lattice, bbox)[0]
        )
        assert lattice_counts_with_context(con, f, (), lattice)[1] is None
    finally:
        con.close()


def test_the_words_say_which_cells_a_study_area_holds(cleveland_store: Path) -> None:
    """Every cell touching a ward is held (not only those whose centre lies in one), as the method text says."""
    con = open_served_store(cleveland_store)
    try:
        wards = WardCache()
        boundary_set = resolve_boundary_set(con, None)
        lattice, _ = LatticeCache().get(con, wards, boundary_set, MIDDLESBROUGH, 9)
        shapes = [wards.shape(boundary_set, w.code) for w in wards.get(con, boundary_set) if w.lad_code == "E06000002"]
        area = shapely.union_all(shapes)
        lon, lat = cell_centres(lattice.cells)
        centre_inside = shapely.contains_xy(area, lon, lat)
        touching = shapely.intersects(cell_polygons(lattice.cells), area)
        assert (~centre_inside & touching).sum() > 10  # border cells held though their centre lies outside
        held_incidents = con.execute(
            "SELECT DISTINCT cell_9 FROM incidents WHERE lon IS NOT NULL AND lad_code = ?", ["E06000002"]
        ).fetchall()
        holding = np.isin(lattice.cells, np.array([c for (c,) in held_incidents], dtype=np.uint64))
        assert (touching | holding).all()  # nothing else
    finally:
        con.close()
    assert "touches one of its wards, plus any cell holding its incidents" in STUDY_AREA_CELLS
    assert STUDY_AREA_CELLS in GI_METHOD
    methods = (Path(__file__).parents[3] / "docs" / "methods.md").read_text()
    assert "every cell that touches one of its wards, plus any cell holding its incidents" in methods
    assert "whose centre lies in" not in methods.partition("### Gi\\* hot and cold spots")[2].partition("###")[0]
