"""Every point's cell at every served resolution is the cell that contains it, on all five forces and after a
store written without them is opened."""

from __future__ import annotations

import shutil
from pathlib import Path

import h3
import pytest

from ingest.boundary_sets import ensure_reference_data
from ingest.schema import SERVED_RES
from ingest.store.connection import open_store
from tests.conftest import PROJECT_DATA

CELLS = ", ".join(f"cell_{r}" for r in SERVED_RES)


def _wrong_cells(path: Path) -> tuple[int, int, int]:
    """(incidents with a point, distinct points, points whose stored cell differs from h3's at any resolution)."""
    con = open_store(path)
    try:
        incidents = con.execute("SELECT count(*) FROM incidents WHERE lon IS NOT NULL").fetchall()[0][0]
        rows = con.execute(f"SELECT DISTINCT lon, lat, {CELLS} FROM incidents WHERE lon IS NOT NULL").fetchall()  # noqa: S608
    finally:
        con.close()
    wrong = sum(
        any(
            stored is None or h3.str_to_int(h3.latlng_to_cell(lat, lon, res)) != stored
            for res, stored in zip(SERVED_RES, cells, strict=True)
        )
        for lon, lat, *cells in rows
    )
    return incidents, len(rows), wrong


def test_every_incident_sits_in_the_cell_that_contains_it_on_all_five_forces(five_forces_store: Path) -> None:
    incidents, points, wrong = _wrong_cells(five_forces_store)
    assert incidents > 40_000 and points > 20_000
    assert wrong == 0


def test_parents_of_the_finest_cell_would_have_been_wrong(five_forces_store: Path) -> None:
    """The reason cells are stored: at res 9 a share of real snap points lie outside their res-15 cell's parent."""
    con = open_store(five_forces_store)
    try:
        rows = con.execute("SELECT DISTINCT lon, lat, h3_cell, cell_9 FROM incidents WHERE lon IS NOT NULL").fetchall()
    finally:
        con.close()
    differ = sum(h3.str_to_int(h3.cell_to_parent(h3.int_to_str(fine), 9)) != cell_9 for _, _, fine, cell_9 in rows)
    assert differ > 0.02 * len(rows)


def test_a_store_without_cells_gets_them_when_opened(five_forces_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    shutil.copy(five_forces_store, path)
    con = open_store(path)
    hexes_before = con.execute("SELECT count(DISTINCT cell_9) FROM incident_counts").fetchall()[0][0]
    cleared = ", ".join(f"cell_{r} = NULL" for r in SERVED_RES)
    con.execute(f"UPDATE incidents SET {cleared}")  # noqa: S608 (as migration 7 leaves a store)
    con.execute(f"UPDATE incident_counts SET {cleared}")  # noqa: S608
    ensure_reference_data(con, PROJECT_DATA)
    hexes_after = con.execute("SELECT count(DISTINCT cell_9) FROM incident_counts").fetchall()[0][0]
    con.close()
    assert hexes_after == hexes_before > 1000
    assert _wrong_cells(path)[2] == 0


@pytest.mark.parametrize("res", [5, 11])
def test_cells_are_stored_only_at_the_served_resolutions(res: int) -> None:
    from ingest.store.read.filters import cell_column

    with pytest.raises(ValueError, match="resolutions 6 to 10"):
        cell_column(res)
