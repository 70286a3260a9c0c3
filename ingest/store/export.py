"""The analytical store as hive-partitioned Parquet, for engines beyond one machine (docs/parquet-layout.md).

Incident-level rows are sensitive (council records carry free-text locations and times): this is an analyst-level
export, written only from the command line by whoever holds the store file. Nothing is added to what the store
holds; quarantined raw rows, ingest provenance (file paths) and the store's secret are left out.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from ingest.store.connection import Connection, count
from ingest.store.read.incidents import ID_SQL

LAYOUT_VERSION = 1
PFA = "(SELECT lad_code, min(pfa_code) AS pfa_code FROM lad_areas GROUP BY lad_code)"  # one force per LAD
IDS = f"{ID_SQL.format(col='i.incident_id')} AS incident_id, {ID_SQL.format(col='i.duplicate_of')} AS duplicate_of"


@dataclass(frozen=True)
class Exported:
    """One table written: its folder, the columns it is partitioned by and how many rows it holds."""

    table: str
    folder: str
    partitioned_by: tuple[str, ...]
    rows: int


# table -> (the SELECT written, the hive partition columns); every SELECT is fixed text with no values in it
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "incidents": (
        f"""SELECT {IDS}, i.* EXCLUDE (incident_id, duplicate_of, line, run_id),
                   coalesce(a.pfa_code, 'unknown') AS pfa, strftime(i.month, '%Y-%m') AS period
            FROM incidents i LEFT JOIN {PFA} a ON a.lad_code = i.lad_code""",  # noqa: S608 (fixed text)
        ("pfa", "period"),
    ),
    "incident_counts": (
        "SELECT * EXCLUDE (record_key), strftime(month, '%Y-%m') AS period FROM incident_counts",
        ("period",),
    ),
    "points": ("SELECT * EXCLUDE (refs) FROM count_points ORDER BY lad_code, cell_6", ()),
    "place_wards": ("SELECT * FROM place_wards", ("boundary_set",)),
    "wards": ("SELECT * FROM wards", ("boundary_set",)),
    "boundary_sets": ("SELECT * FROM boundary_sets", ()),
    "lsoa_places": ("SELECT * FROM lsoa_places", ()),
    "lad_areas": ("SELECT * FROM lad_areas", ()),
}


def export_parquet(con: Connection, out: Path) -> list[Exported]:
    """Write every table of the layout under out/<table>/ (hive-partitioned where it has partition columns) and a
    manifest.json describing them; an existing folder of a table is replaced."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table, (sql, partitions) in TABLES.items():
        folder = out / table
        if folder.exists():
            shutil.rmtree(folder)
        relation = con.sql(sql)
        if partitions:
            relation.write_parquet(str(folder), partition_by=list(partitions), compression="zstd")
        else:
            folder.mkdir()
            relation.write_parquet(str(folder / "data_0.parquet"), compression="zstd")
        rows = count(con, f"SELECT count(*) FROM ({sql})")  # noqa: S608 (fixed text)
        written.append(Exported(table, table, partitions, rows))
    manifest = {
        "layout_version": LAYOUT_VERSION,
        "store_version": count(con, "SELECT coalesce(max(run_id), 0) FROM ingest_runs"),
        "tables": [
            {"table": e.table, "folder": e.folder, "partitioned_by": list(e.partitioned_by), "rows": e.rows}
            for e in written
        ],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return written
