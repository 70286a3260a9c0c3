"""Reference data writes: boundary sets and their ward placements, ward counting points, LSOA and LAD lookups."""

from __future__ import annotations

import pyarrow as pa

from ingest.store.connection import Connection, arrow, count, scalar
from ingest.store.write.ward_counts import rebuild_ward_counts


def add_place_wards(con: Connection, boundary_set: str, cells: pa.Table) -> None:
    """Insert ward assignments (columns place_cell, ward_code) for a boundary set."""
    if cells.num_rows == 0:
        return
    con.register("_pw", cells)
    con.execute("INSERT INTO place_wards SELECT ?, place_cell::UBIGINT, ward_code FROM _pw", [boundary_set])
    con.unregister("_pw")


def save_boundary_set(
    con: Connection,
    name: str,
    description: str,
    source_file: str,
    wards: pa.Table,
    place_wards: pa.Table,
    make_default: bool,
) -> None:
    """Replace a boundary set atomically: its wards (code, name, lad_code, lad_name, geometry) and placements."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("wards", "place_wards"):
            con.execute(f"DELETE FROM {table} WHERE boundary_set = ?", [name])  # noqa: S608 (fixed fragments; values are ? parameters)
        con.execute("DELETE FROM boundary_sets WHERE name = ?", [name])
        is_default = make_default or not scalar(con, "SELECT count(*) FROM boundary_sets WHERE is_default")
        if is_default:
            con.execute("UPDATE boundary_sets SET is_default = false")
        con.execute(
            "INSERT INTO boundary_sets VALUES (?, ?, ?, ?, ?, now()::TIMESTAMP)",
            [name, description, source_file, is_default, wards.num_rows],
        )
        con.register("_wards", wards)
        con.execute("INSERT INTO wards SELECT ?, code, name, lad_code, lad_name, geometry FROM _wards", [name])
        con.unregister("_wards")
        add_place_wards(con, name, place_wards)
        rebuild_ward_counts(con, name)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def all_places(con: Connection) -> pa.Table:
    """Every place cell in the store with a point for it (columns cell, lon, lat): what a new boundary set places."""
    return arrow(
        con,
        """SELECT h3_cell AS cell, any_value(lon) AS lon, any_value(lat) AS lat FROM incidents
           WHERE h3_cell IS NOT NULL GROUP BY h3_cell
           UNION ALL
           SELECT place_cell, lon, lat FROM lsoa_places WHERE place_cell IS NOT NULL
           UNION ALL
           SELECT place_cell, lon, lat FROM ward_points""",
    )


def save_ward_points(con: Connection, points: pa.Table) -> None:
    """Remember the counting point of wards (ward_code, place_cell, lon, lat); existing ones are kept."""
    con.register("_wp", points)
    con.execute(
        """INSERT INTO ward_points SELECT ward_code, place_cell::UBIGINT, lon, lat FROM _wp
           ANTI JOIN ward_points USING (ward_code)"""
    )
    con.unregister("_wp")


def lsoa_places_loaded(con: Connection) -> bool:
    """Whether the LSOA reference table has been filled."""
    return bool(scalar(con, "SELECT count(*) FROM lsoa_places"))


def load_lsoa_places(con: Connection, table: pa.Table) -> None:
    """Fill the LSOA reference table (lsoa_code, lsoa_name, lad_code, lad_name, lon, lat, place_cell)."""
    con.register("_lsoa", table)
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM lsoa_places")
    con.execute(
        "INSERT INTO lsoa_places SELECT lsoa_code, lsoa_name, lad_code, lad_name, lon, lat, "
        "place_cell::UBIGINT FROM _lsoa"
    )
    con.execute("COMMIT")
    con.unregister("_lsoa")


def lad_areas_loaded(con: Connection) -> bool:
    """Whether the LAD -> CSP -> force lookup has been filled."""
    return count(con, "SELECT count(*) FROM lad_areas") > 0


def load_lad_areas(con: Connection, table: pa.Table) -> None:
    """Fill the lookup (columns lad_code, lad_name, csp_code, csp_name, pfa_code, pfa_name)."""
    con.register("_areas", table)
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM lad_areas")
    con.execute("INSERT INTO lad_areas SELECT lad_code, lad_name, csp_code, csp_name, pfa_code, pfa_name FROM _areas")
    con.execute("COMMIT")
    con.unregister("_areas")
