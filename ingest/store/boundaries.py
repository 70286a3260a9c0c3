"""Store boundary sets, their ward polygons, and the LSOA reference table."""

from __future__ import annotations

import pyarrow as pa

from ingest.errors import UnknownBoundarySetError
from ingest.store.connection import Connection, arrow, scalar
from ingest.store.writer import add_place_wards


def boundary_set_names(con: Connection) -> list[str]:
    """Names of the loaded boundary sets, the default first."""
    return [r[0] for r in con.execute("SELECT name FROM boundary_sets ORDER BY is_default DESC, name").fetchall()]


def list_boundary_sets(con: Connection) -> list[dict[str, object]]:
    """Every loaded boundary set with its metadata."""
    cur = con.execute(
        "SELECT name, description, source_file, is_default, features, loaded_at FROM boundary_sets "
        "ORDER BY is_default DESC, name"
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def resolve_boundary_set(con: Connection, name: str | None) -> str:
    """The named boundary set, or the default one when name is None."""
    names = boundary_set_names(con)
    if name is None:
        if not names:
            raise UnknownBoundarySetError("(default)", names)
        return names[0]
    if name not in names:
        raise UnknownBoundarySetError(name, names)
    return name


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
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def all_places(con: Connection) -> pa.Table:
    """Every place cell in the store with a point for it (columns cell, lon, lat)."""
    return arrow(
        con,
        """SELECT h3_cell AS cell, any_value(lon) AS lon, any_value(lat) AS lat FROM incidents
           WHERE h3_cell IS NOT NULL GROUP BY h3_cell
           UNION ALL
           SELECT place_cell, lon, lat FROM lsoa_places WHERE place_cell IS NOT NULL
           UNION ALL
           SELECT place_cell, lon, lat FROM ward_points""",
    )


def ward_geometries(con: Connection, boundary_set: str) -> pa.Table:
    """Wards of a boundary set: code, name, lad_code, lad_name, geometry (GeoJSON text)."""
    return arrow(
        con,
        "SELECT code, name, lad_code, lad_name, geometry FROM wards WHERE boundary_set = ? ORDER BY code",
        [boundary_set],
    )


def ward_names(con: Connection) -> pa.Table:
    """Every stored ward with its name and LAD name, default set first (boundary_set, code, name, lad_name)."""
    return arrow(
        con,
        """SELECT w.boundary_set, w.code, w.name, w.lad_name
           FROM wards w JOIN boundary_sets b ON b.name = w.boundary_set
           ORDER BY b.is_default DESC, b.name, w.code""",
    )


def ward_shapes(con: Connection, codes: list[str]) -> pa.Table:
    """The given wards' geometry and LAD, each from the default boundary set where it holds the code."""
    con.register("_codes", pa.table({"code": pa.array(codes, pa.string())}))
    try:
        return arrow(
            con,
            """SELECT w.code, w.lad_code, w.geometry FROM wards w JOIN boundary_sets b ON b.name = w.boundary_set
               SEMI JOIN _codes c ON c.code = w.code
               QUALIFY row_number() OVER (PARTITION BY w.code ORDER BY b.is_default DESC, b.name) = 1""",
        )
    finally:
        con.unregister("_codes")


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
