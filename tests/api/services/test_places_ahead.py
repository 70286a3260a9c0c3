"""Location texts read ahead of the plan's fit: the same texts as reading the plan's own cells after it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from api.services.cell_places import cell_places
from api.services.filters import resolve_filters
from api.services.places_ahead import MAX_CELLS, read_ahead
from ingest.store.connection import open_store


def test_texts_read_ahead_and_after_are_the_same(cleveland_store: Path) -> None:
    con = open_store(cleveland_store)
    try:
        filters = resolve_filters(con, start=date(2025, 1, 1), end=date(2025, 12, 1), categories=(), sources=())
        sql = "SELECT cell_9 FROM place_texts WHERE cell_9 IS NOT NULL GROUP BY 1 ORDER BY sum(n) DESC LIMIT 12"
        busiest = [int(r[0]) for r in con.execute(sql).fetchall()]
        ahead = read_ahead(con, filters, 9, busiest[:8])
        wanted = [busiest[9], busiest[2], busiest[0], busiest[11]]  # two read ahead, two not
        found = ahead.places(con, filters, 9, wanted)
        assert found == cell_places(con, filters, 9, wanted) and set(found) == set(wanted)
        assert all(len(v) == 3 for v in found.values())
        assert read_ahead(con, filters, 9, list(range(MAX_CELLS + 1))).future is None  # too many: none read
    finally:
        con.close()
