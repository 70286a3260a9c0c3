"""Police ingest end to end on the real data: totals, snapshots, idempotency, stable ids."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest

from ingest.boundary_sets import ensure_reference_data
from ingest.pipeline import IngestOptions
from ingest.store.connection import Connection, open_served_store
from tests.conftest import (
    FORCES,
    PROJECT_DATA,
    load_police,
    new_store,
    police_file,
    police_folder,
    real_lines,
    write_csv,
)

# Monthly ASB rows per force, 2025-01..2025-12, as counted in the published files (tests/data/SOURCE.md).
README_ASB = {
    "cleveland": [1061, 1181, 1621, 1703, 1749, 1672, 1668, 1773, 1442, 1585, 1185, 964],
    "derbyshire": [1037, 1186, 1545, 1649, 1732, 1641, 1649, 1476, 1158, 1134, 976, 804],
    "nottinghamshire": [1585, 1452, 1749, 1800, 1832, 1813, 1998, 1904, 1628, 1788, 1571, 1366],
    "devon-and-cornwall": [1770, 1690, 2086, 2211, 2546, 2255, 2594, 2361, 1902, 1821, 1628, 1074],
    "suffolk": [207, 198, 297, 362, 369, 434, 470, 451, 405, 361, 235, 222],
}
README_ROWS = {
    "cleveland": 89391,
    "derbyshire": 102621,
    "nottinghamshire": 121358,
    "devon-and-cornwall": 150316,
    "suffolk": 48193,
}
README_NO_COORDS = {
    "cleveland": 0,
    "derbyshire": 0,
    "nottinghamshire": 806,
    "devon-and-cornwall": 6917,
    "suffolk": 299,
}


def _snapshot(con: Connection) -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT incident_id, partition_key, category, lon, lat, h3_cell, place_cell, lad_code, outcome "
        "FROM incidents ORDER BY incident_id"
    ).fetchall()


@pytest.mark.bulk
@pytest.mark.parametrize("force", FORCES)
def test_every_force_loads_with_readme_monthly_asb_totals(tmp_path: Path, force: str) -> None:
    con = new_store(tmp_path / "aim.duckdb")
    reports = [load_police(con, f) for f in sorted(police_folder(force).glob("*.csv.gz"))]
    assert sum(r.loaded for r in reports) == README_ROWS[force]
    assert sum(r.quarantined for r in reports) == 0
    monthly = con.execute(
        "SELECT month(month), count(*) FROM incidents WHERE category = 'asb' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert [n for _, n in monthly] == README_ASB[force]
    no_point = con.execute("SELECT count(*) FROM incidents WHERE h3_cell IS NULL").fetchall()[0][0]
    assert no_point == README_NO_COORDS[force]
    ids = con.execute("SELECT count(DISTINCT incident_id), count(*) FROM incidents").fetchall()[0]
    assert ids[0] == ids[1]
    placed = con.execute(
        "SELECT avg((pw.ward_code IS NOT NULL)::INT) FROM incidents i JOIN place_wards pw "
        "ON pw.place_cell = i.place_cell AND pw.boundary_set = 'wards-2022' WHERE i.category = 'asb'"
    ).fetchall()[0][0]
    assert placed > 0.98  # README: 98.6-99.8% of ASB points fall inside the Dec-2022 ward polygons
    con.close()


def test_same_file_twice_changes_nothing(store: Connection) -> None:
    path = police_file("suffolk", "03")
    first = load_police(store, path)
    before = _snapshot(store)
    second = load_police(store, path)
    assert first.status == "loaded" and first.loaded == first.rows_read > 0
    assert second.status == "unchanged" and second.loaded == 0 and second.unchanged == first.loaded
    assert _snapshot(store) == before


def test_ids_are_stable_across_stores(tmp_path: Path) -> None:
    path = police_file("cleveland", "02")
    a, b = new_store(tmp_path / "a.duckdb"), new_store(tmp_path / "b.duckdb")
    load_police(a, path)
    load_police(b, path)
    assert _snapshot(a) == _snapshot(b)


def test_newer_copy_of_a_force_month_replaces_it(store: Connection, tmp_path: Path) -> None:
    lines = real_lines("cleveland", "04", 500)
    old = write_csv(tmp_path / "2025-04-cleveland-street.csv", lines)
    load_police(store, police_file("cleveland", "05"))
    load_police(store, old)
    # the republished month lost its last 100 rows
    edited = lines[:401]
    newer = write_csv(tmp_path / "2025-04-cleveland-street-republished.csv.gz", edited, gz=True)
    report = load_police(store, newer)
    assert report.status == "loaded"
    assert report.replaced == 500 and report.loaded == 400
    assert report.partitions_replaced == ["police:Cleveland Police:2025-04"]
    counts = dict(store.execute("SELECT month(month), count(*) FROM incidents GROUP BY 1").fetchall())
    assert counts[4] == 400
    assert counts[5] > 6000  # the other month is untouched


def test_identical_asb_rows_get_distinct_stable_ids(store: Connection, tmp_path: Path) -> None:
    row = (
        ",2025-01,Cleveland Police,Cleveland Police,-1.235869,54.710159,On or near Tempest Road,E01011954,"
        "Hartlepool 001A,Anti-social behaviour,,"
    )
    lines = real_lines("cleveland", "01", 0) + [row, row, row]
    path = write_csv(tmp_path / "dupes.csv", lines)
    load_police(store, path)
    ids = [r[0] for r in store.execute("SELECT incident_id FROM incidents ORDER BY line").fetchall()]
    assert len(set(ids)) == 3
    other = new_store(tmp_path / "other.duckdb")
    load_police(other, path)
    assert [r[0] for r in other.execute("SELECT incident_id FROM incidents ORDER BY line").fetchall()] == ids


def test_gzip_and_plain_copies_give_the_same_rows(tmp_path: Path) -> None:
    with gzip.open(police_file("suffolk", "01"), "rt") as fh:
        plain = write_csv(tmp_path / "plain.csv", fh.read().splitlines())
    a, b = new_store(tmp_path / "a.duckdb"), new_store(tmp_path / "b.duckdb")
    load_police(a, plain)
    load_police(b, police_file("suffolk", "01"))
    assert _snapshot(a) == _snapshot(b)


def test_rows_with_only_an_lsoa_count_in_ward_totals_not_on_hexes(store: Connection, tmp_path: Path) -> None:
    lines = real_lines("cleveland", "01", 0) + [
        ",2025-01,Cleveland Police,Cleveland Police,,,No Location,E01011954,Hartlepool 001A,Anti-social behaviour,,",
        ",2025-01,Cleveland Police,Cleveland Police,,,No Location,,,Anti-social behaviour,,",
    ]
    load_police(store, write_csv(tmp_path / "nolocation.csv", lines))
    rows = store.execute(
        "SELECT i.location_precision, i.h3_cell IS NULL, i.lad_code, pw.ward_code FROM incidents i "
        "LEFT JOIN place_wards pw ON pw.place_cell = i.place_cell AND pw.boundary_set = 'wards-2024' ORDER BY line"
    ).fetchall()
    # E01011954 sits in Hartlepool (E06000001), ward De Bruce (E05013039) in the ONS LSOA21->WD24 lookup
    assert rows[0] == ("lsoa", True, "E06000001", "E05013039")
    assert rows[1] == ("none", True, None, None)


COUNTS_FROM_INCIDENTS = """SELECT partition_key, month, category, source, lad_code, h3_cell, place_cell, count(*)
                           FROM incidents GROUP BY ALL ORDER BY ALL"""
COUNTS_HELD = """SELECT partition_key, month, category, source, lad_code, h3_cell, place_cell, n
                 FROM incident_counts ORDER BY ALL"""


def test_aggregate_counts_follow_every_load_and_replace(store: Connection, tmp_path: Path) -> None:
    lines = real_lines("nottinghamshire", "03", 800)
    load_police(store, write_csv(tmp_path / "a.csv", lines))
    load_police(store, police_file("cleveland", "02"))
    assert store.execute(COUNTS_HELD).fetchall() == store.execute(COUNTS_FROM_INCIDENTS).fetchall()
    smaller = IngestOptions(replace_smaller=True)  # the republished file is right: the caller says so
    load_police(store, write_csv(tmp_path / "b.csv", lines[:301]), smaller)  # republished with far fewer rows
    held = store.execute(COUNTS_HELD).fetchall()
    assert held == store.execute(COUNTS_FROM_INCIDENTS).fetchall()
    notts = [r for r in held if r[0].startswith("police:Nottinghamshire")]
    assert sum(r[-1] for r in notts) == 300
    assert sum(r[-1] for r in held) == 300 + 6237  # Cleveland 2025-02 holds 6,237 rows


def test_a_store_from_before_the_aggregate_table_is_migrated_when_served(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = new_store(path)
    load_police(con, police_file("suffolk", "01"))
    con.execute("DROP TABLE incident_counts")  # as the store was before migrations 2, 3 and 4
    con.execute("DROP TABLE lad_areas")
    con.execute("DROP TABLE incident_links")
    con.execute("DROP TABLE ward_points")
    con.execute("DROP TABLE point_cells")  # and before migration 8
    for table in ("count_months", "count_points", "ward_counts", "place_texts"):  # and 9
        con.execute(f"DROP TABLE {table}")
    con.execute("DROP TABLE cell_counts")  # and 10
    for column in ("occurred_at", "feed", "ward_code", "duplicate_of", *(f"cell_{r}" for r in range(6, 11))):
        con.execute(f"ALTER TABLE incidents DROP COLUMN {column}")
    con.execute("ALTER TABLE ingest_runs DROP COLUMN feed")
    con.execute("ALTER TABLE quarantine DROP COLUMN month")
    con.execute(
        "INSERT INTO quarantine SELECT run_id, file, file_sha256, 99, ',2025-01,x,y,,,,,,,,', 'bad' FROM ingest_runs"
    )
    con.execute("DELETE FROM schema_version WHERE version >= 2")
    con.close()
    ro = open_served_store(path)
    assert (
        ro.execute("SELECT sum(n), sum(n_unique) FROM incident_counts").fetchall()
        == ro.execute("SELECT count(*), count(*) FROM incidents").fetchall()
    )
    assert ro.execute("SELECT DISTINCT feed FROM incidents").fetchall() == [("police.uk",)]
    assert ro.execute("SELECT DISTINCT month FROM quarantine WHERE line = 99").fetchall() == [(date(2025, 1, 1),)]
    assert ro.execute("SELECT count(*) FROM incidents WHERE cell_9 IS NOT NULL").fetchall() == [(0,)]
    ensure_reference_data(ro, PROJECT_DATA)  # what `aim serve` does before serving: cells from the coordinates
    located = ro.execute("SELECT count(*) FROM incidents WHERE lon IS NOT NULL").fetchall()
    assert ro.execute("SELECT count(*) FROM incidents WHERE cell_9 IS NOT NULL").fetchall() == located
    assert ro.execute("SELECT sum(n) FROM incident_counts WHERE cell_9 IS NOT NULL").fetchall() == located
    assert ro.execute("SELECT sum(n) FROM cell_counts WHERE res = 9").fetchall() == located  # and the cells' counts
    ro.close()
