"""Write a facility list: its facilities and refused rows replace any list of the same name, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pyarrow as pa

from ingest.store.connection import Connection, count


@dataclass(frozen=True)
class FacilityList:
    """What a facility list records beside its facilities."""

    kind: str  # licensed premises, shops, stops, schools, or a kind named freely
    name: str
    source_file: str  # the file's name (no folder)
    file_format: str  # CSV, GeoJSON or GeoPackage
    size_column: str | None
    loaded_at: datetime


@dataclass(frozen=True)
class FacilityRows:
    """A list's facilities (National Grid metres; size NaN where not given) and its refused rows."""

    names: list[str]
    east: np.ndarray
    north: np.ndarray
    size: np.ndarray | None
    refused: tuple[tuple[int, str], ...]


def replace_facility_list(con: Connection, facility_list: FacilityList, rows: FacilityRows) -> int:
    """Keep the list (replacing any list of the same name, its facilities and refused rows); atomic. Returns its id."""
    n = len(rows.names)
    size = np.full(n, np.nan) if rows.size is None else np.asarray(rows.size, dtype=float)
    table = pa.table(
        {
            "facility": pa.array(np.arange(1, n + 1), pa.int32()),
            "name": pa.array(rows.names, pa.string()),
            "east": pa.array(np.asarray(rows.east, dtype=float), pa.float64()),
            "north": pa.array(np.asarray(rows.north, dtype=float), pa.float64()),
            "size": pa.array(np.where(np.isfinite(size), size, np.nan), pa.float64(), mask=~np.isfinite(size)),
        }
    )
    refused = pa.table(
        {
            "line": pa.array([line for line, _ in rows.refused], pa.int32()),
            "reason": pa.array([reason for _, reason in rows.refused], pa.string()),
        }
    )
    con.execute("BEGIN")
    try:
        for old in con.execute("SELECT list_id FROM facility_lists WHERE name = ?", [facility_list.name]).fetchall():
            for table_name in ("facilities", "facility_quarantine", "facility_lists"):
                con.execute(f"DELETE FROM {table_name} WHERE list_id = ?", [old[0]])  # noqa: S608 (fixed names)
        list_id = count(con, "SELECT coalesce(max(list_id), 0) + 1 FROM facility_lists")
        con.execute(
            "INSERT INTO facility_lists VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                list_id,
                facility_list.kind,
                facility_list.name,
                facility_list.source_file,
                facility_list.file_format,
                facility_list.size_column,
                facility_list.loaded_at,
                n,
                len(rows.refused),
            ],
        )
        con.register("facility_rows", table)
        con.execute(
            "INSERT INTO facilities SELECT ?, facility, name, east, north, size FROM facility_rows ORDER BY facility",
            [list_id],
        )
        con.unregister("facility_rows")
        con.register("facility_refused", refused)
        con.execute(
            "INSERT INTO facility_quarantine SELECT ?, line, reason FROM facility_refused ORDER BY line", [list_id]
        )
        con.unregister("facility_refused")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return list_id
