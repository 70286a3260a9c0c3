"""Lattices of study areas: cached per boundary set, LADs and resolution, evicted by count and by size."""

from __future__ import annotations

from pathlib import Path

from api.services.reference import WardCache
from api.services.study_area import LatticeCache, StudyArea
from api.settings import Settings
from geo.lattice import distance_matrix
from ingest.store.connection import open_served_store
from ingest.store.read import resolve_boundary_set

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
