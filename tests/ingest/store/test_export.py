"""The Parquet export is read by another engine: Apache DataFusion counts incidents per ward over the exported files
and gets exactly AIM's ward counts for the same filter, on the real data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from datafusion import SessionContext

from ingest.store.connection import open_store
from ingest.store.export import TABLES, export_parquet
from ingest.store.read import IncidentFilter, ward_counts

CASES = [
    # (store fixture, first month, last month, categories, de-duplicated)
    ("five_forces_store", date(2025, 6, 1), date(2025, 6, 1), (), True),
    ("five_forces_store", date(2025, 6, 1), date(2025, 6, 1), ("asb", "criminal-damage-arson"), False),
    ("demo_store", date(2025, 3, 1), date(2025, 8, 1), (), True),  # police.uk and council records, some linked
    ("demo_store", date(2025, 1, 1), date(2025, 12, 1), ("asb",), False),
]


def datafusion_ward_counts(folder: Path, f: IncidentFilter, boundary_set: str) -> dict[str, int]:
    """Incidents per ward counted by DataFusion over the exported Parquet (hive partitions as columns)."""
    ctx = SessionContext()
    ctx.register_parquet(
        "incidents", str(folder / "incidents"), table_partition_cols=[("pfa", pa.string()), ("period", pa.string())]
    )
    ctx.register_parquet(
        "place_wards", str(folder / "place_wards"), table_partition_cols=[("boundary_set", pa.string())]
    )
    categories = f" AND i.category IN ({', '.join(repr(c) for c in f.categories)})" if f.categories else ""
    dedupe = " AND i.duplicate_of IS NULL" if f.dedupe else ""
    sql = f"""SELECT pw.ward_code AS code, count(*) AS n FROM incidents i
              JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = '{boundary_set}'
              WHERE i.period BETWEEN '{f.start:%Y-%m}' AND '{f.end:%Y-%m}' AND pw.ward_code IS NOT NULL
              {categories}{dedupe}
              GROUP BY pw.ward_code"""  # noqa: S608 (the test's own fixed values)
    table = ctx.sql(sql).to_arrow_table()
    return dict(zip(table["code"].to_pylist(), table["n"].to_pylist(), strict=True))


@pytest.mark.parametrize(("fixture", "start", "end", "categories", "dedupe"), CASES)
def test_datafusion_reads_the_export_and_counts_wards_as_aim_does(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    fixture: str,
    start: date,
    end: date,
    categories: tuple[str, ...],
    dedupe: bool,
) -> None:
    con = open_store(request.getfixturevalue(fixture))
    out = tmp_path / "parquet"
    written = {e.table: e for e in export_parquet(con, out)}
    assert set(written) == set(TABLES)
    incidents = con.execute("SELECT count(*) FROM incidents").fetchall()[0][0]
    assert written["incidents"].rows == incidents
    f = IncidentFilter(start, end, categories, dedupe=dedupe)
    aim = ward_counts(con, f, "wards-2024", (start, end)).to_pylist()
    con.close()
    expected = {r["code"]: r["count"] for r in aim if r["count"]}
    assert expected and datafusion_ward_counts(out, f, "wards-2024") == expected
    forces = {p.name for p in (out / "incidents").iterdir()}
    assert all(name.startswith("pfa=") for name in forces)
    assert len(forces) >= (5 if fixture == "five_forces_store" else 1)
    manifest = json.loads((out / "manifest.json").read_text())
    assert {t["table"]: t["rows"] for t in manifest["tables"]} == {k: e.rows for k, e in written.items()}
