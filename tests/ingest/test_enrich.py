"""Ward polygons are parsed once per boundary set while it stays the same, and again when it changes."""

from __future__ import annotations

from ingest.enrich import ward_polygons
from ingest.store.connection import Connection


def test_ward_polygons_are_kept_until_the_set_changes(store: Connection) -> None:
    codes, polygons = ward_polygons(store, "wards-2024")
    assert len(codes) > 100 and len(polygons) == len(codes)
    again = ward_polygons(store, "wards-2024")
    assert again[1] is polygons  # not parsed again
    store.execute("UPDATE wards SET name = name || '' WHERE boundary_set = 'wards-2024'")  # the same set
    assert ward_polygons(store, "wards-2024")[1] is polygons
    first = str(codes[0])
    store.execute("DELETE FROM wards WHERE boundary_set = 'wards-2024' AND code = ?", [first])
    changed = ward_polygons(store, "wards-2024")
    assert changed[1] is not polygons and first not in set(changed[0]) and len(changed[0]) == len(codes) - 1
