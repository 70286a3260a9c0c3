"""The wards' cache: each ward's name looked up by code from an index built once per boundary set."""

from __future__ import annotations

from pathlib import Path

from api.services.reference import WardCache
from api.settings import Settings
from ingest.store.connection import open_served_store
from ingest.store.read import resolve_boundary_set


def test_a_wards_name_is_its_name_in_the_boundary_set(cleveland_store: Path) -> None:
    con = open_served_store(cleveland_store, Settings().memory_limit)
    try:
        boundary_set = resolve_boundary_set(con, None)
        cache = WardCache()
        wards = cache.get(con, boundary_set)
        assert wards
        assert all(cache.name_of(con, boundary_set, w.code) == w.name for w in wards)
        assert cache.name_of(con, boundary_set, "E05999999") is None
        names = cache.names(con, boundary_set)
        assert names == {w.code: w.name for w in wards}
        names.clear()  # a caller's copy: the cache keeps its index
        assert cache.names(con, boundary_set) == {w.code: w.name for w in wards}
        assert cache.name_of(con, boundary_set, wards[0].code) == wards[0].name
    finally:
        con.close()
