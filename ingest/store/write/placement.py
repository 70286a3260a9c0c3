"""Where each staged row is placed (its point's cells, the place it is counted at, its LAD), a batch at a time.

The joins run over narrow key columns only (line, point, LSOA, ward), never over the wide rows: joining the wide
rows to point_cells and place_wards at the final INSERT copied every row into a hash table once per join.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ingest.schema import SERVED_RES
from ingest.store.connection import Connection

SERVED = [f"cell_{r}" for r in SERVED_RES]
PLACED_COLUMNS = ("h3_cell", *SERVED, "place_cell", "lad_code")  # appended to a batch's rows, in this order
KEY_COLUMNS = ["line", "lon", "lat", "lsoa_code", "ward_code"]  # what a row's placement is found from
PLACED_SCHEMA = pa.schema(
    [pa.field(name, pa.uint64()) for name in PLACED_COLUMNS[:-1]] + [pa.field("lad_code", pa.string())]
)


def placement(con: Connection, rows: pa.Table) -> pa.Table:
    """Each row's placement (PLACED_COLUMNS), in the order of `rows` (whose `line` values are distinct and rising).

    A row with a point takes its point's cells (point_cells) and counts there; else its LSOA's centroid cell, else its
    recorded ward's counting point. Its LAD is its LSOA's, else its ward's, else that of the default boundary set's
    ward holding its place.
    """
    staging_keys = rows.select(KEY_COLUMNS)  # noqa: F841 - read by name below
    placed = con.sql(
        f"""WITH placed AS (
                SELECT s.line, sp.cell AS h3_cell, {", ".join(f"sp.{c}" for c in SERVED)},
                       coalesce(sp.cell, lp.place_cell, sw.place_cell) AS place_cell,
                       coalesce(lp.lad_code, sw.lad_code) AS known_lad
                FROM staging_keys s
                LEFT JOIN point_cells sp ON sp.lon = s.lon AND sp.lat = s.lat
                LEFT JOIN lsoa_places lp ON lp.lsoa_code = s.lsoa_code
                LEFT JOIN _aim_ward_places sw ON sw.ward_code = s.ward_code)
            SELECT p.line, p.h3_cell, {", ".join(f"p.{c}" for c in SERVED)}, p.place_cell,
                   coalesce(p.known_lad, w.lad_code)::VARCHAR AS lad_code
            FROM placed p
            LEFT JOIN (SELECT place_cell, boundary_set, ward_code FROM place_wards
                       WHERE boundary_set = (SELECT name FROM boundary_sets WHERE is_default)) pw
                 ON p.known_lad IS NULL AND pw.place_cell = p.place_cell
            LEFT JOIN wards w ON w.boundary_set = pw.boundary_set AND w.code = pw.ward_code
            ORDER BY p.line"""  # noqa: S608 (fixed fragments)
    ).to_arrow_table()
    lines = rows["line"].to_numpy()
    if placed.num_rows != rows.num_rows or not np.array_equal(placed["line"].to_numpy(), lines):
        raise RuntimeError("placing a batch did not give exactly one placement per row")
    return placed.drop_columns(["line"]).cast(PLACED_SCHEMA)


def with_placement(con: Connection, rows: pa.Table) -> pa.Table:
    """The rows (distinct `line` values) in line order, with their placement columns appended."""
    lines = rows["line"].to_numpy()
    if len(lines) > 1 and not (np.diff(lines) > 0).all():
        rows = rows.sort_by("line")
    placed = placement(con, rows)
    for name in PLACED_COLUMNS:
        rows = rows.append_column(placed.schema.field(name), placed[name])
    return rows
