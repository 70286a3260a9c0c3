"""Read facility lists: the lists kept, a list's facilities and the rows its load refused."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from ingest.store.connection import Connection, arrow


def facility_lists(con: Connection) -> list[dict[str, Any]]:
    """Every facility list kept, oldest first: id, kind, name, source file, format, size column, load time, how many
    facilities and refused rows."""
    return arrow(
        con,
        """SELECT list_id, kind, name, source_file, file_format, size_column, loaded_at, facilities, quarantined
           FROM facility_lists ORDER BY list_id""",
    ).to_pylist()


def facility_points(con: Connection, list_id: int) -> pa.Table:
    """A list's facilities: number, name, National Grid easting and northing (metres) and size (null: not given)."""
    return arrow(
        con, "SELECT facility, name, east, north, size FROM facilities WHERE list_id = ? ORDER BY facility", [list_id]
    )


def facility_refusals(con: Connection, list_id: int) -> list[dict[str, Any]]:
    """The rows a list's load refused: line (a CSV's; a GIS file's feature number) and reason, by line."""
    return arrow(
        con, "SELECT line, reason FROM facility_quarantine WHERE list_id = ? ORDER BY line", [list_id]
    ).to_pylist()


def cell_lads(con: Connection, res: int, cells: list[int]) -> tuple[str, ...]:
    """The local authorities whose incidents have points in these H3 cells (at res), by code."""
    from ingest.store.read.filters import cell_column

    rows = con.execute(
        f"""SELECT DISTINCT i.lad_code FROM incident_counts i
            WHERE i.lad_code IS NOT NULL AND {cell_column(res)} IN (SELECT unnest(?::UBIGINT[])) ORDER BY 1""",  # noqa: S608
        [[int(c) for c in cells]],
    ).fetchall()
    return tuple(str(r[0]) for r in rows)
