"""A load's per-cell counts are the same rows, written sorted by resolution, category, cell and month, whether they are
sorted in one statement (a small load) or a resolution at a time (a large one)."""

from __future__ import annotations

from ingest.store.connection import Connection
from ingest.store.write.load_counts import COUNTED, SORT_AT_ONCE, add_cell_counts
from tests.conftest import load_police, police_file


def _written(con: Connection, counted: int) -> list[tuple[object, ...]]:
    """cell_counts as add_cell_counts writes it from the store's counts, in the order written."""
    con.execute("BEGIN")
    con.execute("DELETE FROM cell_counts")
    add_cell_counts(con, counted)
    rows = con.execute("SELECT * FROM cell_counts").fetchall()
    con.execute("ROLLBACK")
    return rows


def test_cells_sorted_at_once_or_a_resolution_at_a_time_are_the_same_rows(store: Connection) -> None:
    load_police(store, police_file("cleveland", "01"))
    stored = store.execute("SELECT * FROM cell_counts").fetchall()
    store.execute(f"CREATE TEMP TABLE {COUNTED} AS SELECT * FROM incident_counts")  # noqa: S608 (a fixed name)
    small, large = _written(store, 1), _written(store, SORT_AT_ONCE + 1)
    assert sorted(small, key=str) == sorted(large, key=str) == sorted(stored, key=str)
    assert {r[0] for r in large} == {6, 7, 8, 9, 10}
    for written in (small, large):
        order = [(r[0], r[3], r[1], r[2]) for r in written]  # resolution, category, cell, month
        assert order == sorted(order)
