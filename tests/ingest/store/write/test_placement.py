"""Each row's placement, computed a batch at a time over narrow keys, against the joins over stored incidents."""

from __future__ import annotations

import pyarrow as pa
import pytest

from ingest.store.connection import Connection
from ingest.store.write.placement import PLACED_COLUMNS, placement, with_placement
from tests.conftest import load_police, police_file

# The placement as the incidents' own joins give it (what the INSERT computed before placement moved to the batch).
REFERENCE = """
    WITH placed AS (
        SELECT i.incident_id, sp.cell AS h3_cell, sp.cell_6, sp.cell_7, sp.cell_8, sp.cell_9, sp.cell_10,
               coalesce(sp.cell, lp.place_cell) AS place_cell, lp.lad_code AS known_lad
        FROM incidents i
        LEFT JOIN point_cells sp ON sp.lon = i.lon AND sp.lat = i.lat
        LEFT JOIN lsoa_places lp ON lp.lsoa_code = i.lsoa_code)
    SELECT p.incident_id, p.h3_cell, p.cell_6, p.cell_7, p.cell_8, p.cell_9, p.cell_10, p.place_cell,
           coalesce(p.known_lad, w.lad_code)
    FROM placed p
    LEFT JOIN place_wards pw ON p.known_lad IS NULL AND pw.place_cell = p.place_cell
         AND pw.boundary_set = (SELECT name FROM boundary_sets WHERE is_default)
    LEFT JOIN wards w ON w.boundary_set = pw.boundary_set AND w.code = pw.ward_code
    ORDER BY 1"""
STORED = f"SELECT incident_id, {', '.join(PLACED_COLUMNS)} FROM incidents ORDER BY 1"  # noqa: S608 (fixed)


def _keys(lines: list[int], lon: list[float | None], lsoa: list[str | None]) -> pa.Table:
    n = len(lines)
    return pa.table(
        {
            "line": pa.array(lines, pa.int64()),
            "lon": pa.array(lon, pa.float64()),
            "lat": pa.array([None if x is None else 54.5 for x in lon], pa.float64()),
            "lsoa_code": pa.array(lsoa, pa.string()),
            "ward_code": pa.nulls(n, pa.string()),
            "ordinal": pa.array(range(1, n + 1), pa.int64()),
        }
    )


@pytest.fixture()
def ward_places(store: Connection) -> Connection:
    """The store with the file's ward places table a staged load keeps (empty)."""
    store.execute("CREATE TEMP TABLE _aim_ward_places (ward_code VARCHAR, place_cell UBIGINT, lad_code VARCHAR)")
    return store


def test_stored_placement_matches_the_joins_over_incidents(store: Connection) -> None:
    load_police(store, police_file("cleveland", "01"))
    stored = store.execute(STORED).fetchall()
    assert len(stored) > 6000
    assert stored == store.execute(REFERENCE).fetchall()


def test_rows_out_of_line_order_are_placed_in_line_order(ward_places: Connection) -> None:
    lsoa, cell, lad = ward_places.execute(
        "SELECT lsoa_code, place_cell, lad_code FROM lsoa_places WHERE place_cell IS NOT NULL AND lad_code IS NOT NULL"
    ).fetchall()[0]
    rows = with_placement(ward_places, _keys([9, 3, 5], [None, None, None], [lsoa, None, lsoa]))
    assert rows["line"].to_pylist() == [3, 5, 9]
    assert rows["ordinal"].to_pylist() == [2, 3, 1]  # each row keeps its own columns
    assert rows["place_cell"].to_pylist() == [None, cell, cell]
    assert rows["lad_code"].to_pylist() == [None, lad, lad]
    assert rows.column_names[-len(PLACED_COLUMNS) :] == list(PLACED_COLUMNS)


def test_a_point_held_twice_is_refused_not_misaligned(ward_places: Connection) -> None:
    ward_places.execute("INSERT INTO point_cells SELECT -1.2, 54.5, c, c, c, c, c, c FROM range(1, 3) r(c)")
    with pytest.raises(RuntimeError, match="one placement per row"):
        placement(ward_places, _keys([1, 2], [-1.2, None], [None, None]))
