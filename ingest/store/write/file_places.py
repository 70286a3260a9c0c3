"""The store's side of enriching one file's rows inside its load transaction: the points and ward-only rows met so
far in the file (temporary tables), the point cells and ward assignments kept for later files, and the placement of
a batch's rows (`placement`).

Enrichment (`ingest.enrich`) asks this what is new and hands back what it computed; it never reaches into the
file's staged rows (`staging.StagedIngest`).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ingest.schema import SERVED_RES
from ingest.store.connection import Connection, count
from ingest.store.write.placement import KEY_COLUMNS, placement
from ingest.store.write.reference import add_place_wards

TEMP_TABLES = ("_aim_points", "_aim_ward_places")
CELLS = ["cell", *(f"cell_{r}" for r in SERVED_RES)]


class FilePlaces:
    """Where one file's points and wards stand, kept in the load's transaction until `close`."""

    def __init__(self, con: Connection) -> None:
        self.con = con
        con.execute("CREATE TEMP TABLE _aim_points (lon DOUBLE, lat DOUBLE)")  # the file's distinct points so far
        con.execute("CREATE TEMP TABLE _aim_ward_places (ward_code VARCHAR, place_cell UBIGINT, lad_code VARCHAR)")

    def new_points(self, batch: pa.Table) -> pa.Table:
        """Distinct (lon, lat) of the batch not in earlier batches of the file (recorded as seen now)."""
        staging_batch = batch  # noqa: F841 - read by name in the query (a scan, not a view the transaction keeps)
        points = self.con.sql(
            """SELECT DISTINCT b.lon, b.lat FROM staging_batch b
               ANTI JOIN _aim_points p ON p.lon = b.lon AND p.lat = b.lat
               WHERE b.lon IS NOT NULL AND b.lat IS NOT NULL"""
        ).to_arrow_table()
        self._insert("_aim_points", points)
        return points

    def new_ward_codes(self, batch: pa.Table) -> list[str]:
        """Distinct ward codes of the batch's rows located by ward only, not met earlier in the file."""
        staging_batch = batch  # noqa: F841 - read by name in the query
        rows = self.con.execute(
            """SELECT DISTINCT b.ward_code::VARCHAR FROM staging_batch b
               ANTI JOIN _aim_ward_places w ON w.ward_code = b.ward_code
               WHERE b.lon IS NULL AND b.ward_code IS NOT NULL ORDER BY 1"""
        ).fetchall()
        return [r[0] for r in rows]

    def add_ward_places(self, wards: pa.Table) -> None:
        """Record where rows located by ward only are counted (columns ward_code, place_cell, lad_code)."""
        self._insert("_aim_ward_places", wards.select(["ward_code", "place_cell", "lad_code"]))

    def uncached_points(self, points: pa.Table) -> pa.Table:
        """Distinct points (columns lon, lat) whose cells the store does not hold yet."""
        aim_new = points  # noqa: F841 - read by name in the query
        return self.con.sql(
            """SELECT DISTINCT n.lon, n.lat FROM aim_new n
               ANTI JOIN point_cells c ON c.lon = n.lon AND c.lat = n.lat"""
        ).to_arrow_table()

    def cache_point_cells(self, cells: pa.Table) -> None:
        """Keep the cells of points (columns lon, lat, cell, cell_6 .. cell_10) for this and later files."""
        self._insert("point_cells", cells.select(["lon", "lat", *CELLS]))

    def unplaced_cells(self, boundary_set: str, points: pa.Table) -> pa.Table:
        """Cells of points (columns lon, lat) with no ward assignment yet in a boundary set (columns cell, lon, lat)."""
        aim_new = points  # noqa: F841 - read by name in the query
        return self.con.sql(
            """SELECT c.cell, any_value(c.lon) AS lon, any_value(c.lat) AS lat
               FROM point_cells c SEMI JOIN aim_new n ON n.lon = c.lon AND n.lat = c.lat
               ANTI JOIN (SELECT place_cell FROM place_wards WHERE boundary_set = ?) pw ON pw.place_cell = c.cell
               GROUP BY c.cell""",
            params=[boundary_set],
        ).to_arrow_table()

    def add_place_wards(self, boundary_set: str, cells: pa.Table) -> None:
        """Insert ward assignments (columns place_cell, ward_code) for a boundary set."""
        add_place_wards(self.con, boundary_set, cells)

    def placement(self, rows: pa.Table) -> pa.Table:
        """Each row's placement (`placement.PLACED_COLUMNS`) in the order of `rows` (distinct `line` values)."""
        lines = rows["line"].to_numpy()
        if len(lines) < 2 or (np.diff(lines) > 0).all():
            return placement(self.con, rows)
        order = np.argsort(lines, kind="stable")
        placed = placement(self.con, rows.select(KEY_COLUMNS).take(pa.array(order)))
        back = np.empty_like(order)
        back[order] = np.arange(len(order))
        return placed.take(pa.array(back))

    def distinct_points(self) -> int:
        """Distinct points of the file's rows so far."""
        return count(self.con, "SELECT count(*) FROM _aim_points")

    def close(self) -> None:
        """Drop the file's temporary tables (inside the transaction before COMMIT, or after a ROLLBACK)."""
        for table in TEMP_TABLES:
            self.con.execute(f"DROP TABLE IF EXISTS temp.{table}")  # noqa: S608 (fixed names)

    def _insert(self, table: str, rows: pa.Table) -> None:
        if rows.num_rows == 0:
            return
        aim_new = rows  # noqa: F841 - read by name in the query (registering it would keep it until COMMIT)
        self.con.execute(f"INSERT INTO {table} SELECT * FROM aim_new")  # noqa: S608 (fixed names)
