"""The summaries kept at load (count_months, count_points, ward_counts, place_texts) equal the same aggregates
computed afresh from incident_counts and incidents, after loads, a month replaced by a smaller file, links across
sources and a boundary set loaded again."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from ingest.boundary_sets import load_boundary_set
from ingest.pipeline import IngestOptions
from ingest.store.connection import Connection, open_store
from ingest.store.read.filters import KEY_MODULUS
from tests.conftest import PROJECT_DATA, load_police, police_file, write_csv

FRESH = {
    "count_months": f"""SELECT partition_key, month, category, source, lad_code, sum(n), sum(n_unique),
                               (sum(n::HUGEINT * record_key) % {KEY_MODULUS})::BIGINT,
                               (sum(n_unique::HUGEINT * record_key) % {KEY_MODULUS})::BIGINT
                        FROM incident_counts GROUP BY ALL""",  # noqa: S608 (a fixed constant)
    "count_points": """SELECT lon, lat, lad_code, any_value(cell_6), any_value(cell_7), any_value(cell_8),
                              any_value(cell_9), any_value(cell_10), count(*)
                       FROM incident_counts WHERE lon IS NOT NULL AND lat IS NOT NULL GROUP BY lon, lat, lad_code""",
    "ward_counts": f"""SELECT pw.boundary_set, pw.ward_code, i.partition_key, i.month, i.category, i.source,
                              i.lad_code, i.location_precision, sum(i.n), sum(i.n_unique),
                              (sum(i.n::HUGEINT * i.record_key) % {KEY_MODULUS})::BIGINT,
                              (sum(i.n_unique::HUGEINT * i.record_key) % {KEY_MODULUS})::BIGINT
                       FROM incident_counts i JOIN place_wards pw ON pw.place_cell = i.place_cell
                       WHERE pw.ward_code IS NOT NULL GROUP BY ALL""",  # noqa: S608 (a fixed constant)
    "place_texts": """SELECT partition_key, month, category, source, lad_code, cell_6, cell_7, cell_8, cell_9, cell_10,
                             trim(location_text), count(*), count(*) FILTER (WHERE duplicate_of IS NULL)
                      FROM incidents WHERE location_text IS NOT NULL AND trim(location_text) <> '' GROUP BY ALL""",
}


def rows(con: Connection, sql: str) -> list[tuple[object, ...]]:
    """Every row of a query, sorted (None first)."""
    return sorted(con.execute(sql).fetchall(), key=lambda r: tuple((v is not None, str(v)) for v in r))


def assert_in_step(con: Connection) -> None:
    """Every summary holds exactly what a fresh computation gives."""
    for table, sql in FRESH.items():
        kept, fresh = rows(con, f"SELECT * FROM {table}"), rows(con, sql)  # noqa: S608 (fixed names)
        assert kept == fresh, table
        assert kept, table


@pytest.mark.bulk
def test_summaries_follow_loads_replacements_links_and_boundary_sets(demo_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store, path)
    con = open_store(path)
    assert con.execute("SELECT count(*) FROM incident_links").fetchall()[0][0] > 0  # records linked across sources
    assert_in_step(con)
    points = con.execute("SELECT count(*) FROM count_points").fetchall()[0][0]
    with gzip.open(police_file("cleveland", "03"), "rt") as fh:
        lines = [line.rstrip("\n") for line in fh][:2001]  # March again, with a tenth of its rows: points go
    load_police(con, write_csv(tmp_path / "2025-03-cleveland-street.csv", lines), IngestOptions(replace_smaller=True))
    assert_in_step(con)
    load_police(con, police_file("derbyshire", "03"))  # another force: new points and places
    assert_in_step(con)
    assert con.execute("SELECT count(*) FROM count_points").fetchall()[0][0] > points
    wards = PROJECT_DATA / "wards" / "wards_dec2022_bsc_cleveland.geojson.gz"
    load_boundary_set(con, "cleveland-2022", [wards], "WD22CD", "WD22NM", "LAD24CD", "LAD24NM")
    assert_in_step(con)
    load_boundary_set(con, "cleveland-2022", [wards], "WD22CD", "WD22NM", "LAD24CD", "LAD24NM")  # replaced
    assert_in_step(con)
    assert con.execute("SELECT count(DISTINCT boundary_set) FROM ward_counts").fetchall()[0][0] >= 2
    con.close()
