"""Facility lists kept in the store: located facilities kept with their list's kind, name, file and load time; rows
without a usable location refused with their line and reason; a list loaded again under its name replaces it."""

from __future__ import annotations

import pytest

from ingest.errors import IngestError
from ingest.facilities import load_facility_list
from ingest.store.connection import Connection
from ingest.store.read.facilities import facility_lists, facility_points, facility_refusals

CSV = (
    b"name,easting,northing,capacity\n"
    b"The Swan,449500,519700,120\n"
    b"Nowhere,,,80\n"
    b"The Crown,450000,520000,\n"
    b"Abroad,-4000,520000,50\n"
)


def test_a_list_is_kept_with_its_facilities_and_refused_rows(store: Connection) -> None:
    report = load_facility_list(store, CSV, "/tmp/folder/pubs.csv", " licensed   premises ", size="capacity")
    assert report.list_id == 1 and report.name == "pubs" and report.kind == "licensed premises"
    assert report.facilities == 2 and [line for line, _ in report.refused] == [3, 5]
    [kept] = facility_lists(store)
    assert (kept["kind"], kept["name"], kept["source_file"], kept["file_format"]) == (
        "licensed premises",
        "pubs",
        "pubs.csv",
        "CSV",
    )
    assert (kept["size_column"], kept["facilities"], kept["quarantined"]) == ("capacity", 2, 2)
    assert kept["loaded_at"] is not None
    points = facility_points(store, 1).to_pylist()
    assert [(p["facility"], p["name"], p["east"], p["north"]) for p in points] == [
        (1, "The Swan", 449500.0, 519700.0),
        (2, "The Crown", 450000.0, 520000.0),
    ]
    assert points[0]["size"] == 120.0 and points[1]["size"] is None
    refusals = facility_refusals(store, 1)
    assert refusals[0]["line"] == 3 and "no location" in refusals[0]["reason"]
    assert refusals[1]["line"] == 5 and "outside Great Britain" in refusals[1]["reason"]


def test_loading_again_under_the_name_replaces_the_list_and_other_names_are_kept_beside(store: Connection) -> None:
    load_facility_list(store, CSV, "pubs.csv", "licensed premises")
    load_facility_list(store, b"easting,northing\n449000,519000\n", "stops.csv", "stops")
    again = load_facility_list(store, b"name,easting,northing\nThe Swan,449500,519700\n", "new.csv", "shops", "pubs")
    lists = facility_lists(store)
    assert [(f["list_id"], f["name"], f["kind"], f["facilities"]) for f in lists] == [
        (2, "stops", "stops", 1),
        (3, "pubs", "shops", 1),
    ]
    assert again.list_id == 3 and facility_points(store, 1).num_rows == 0 and facility_refusals(store, 1) == []
    assert store.execute("SELECT count(*) FROM facilities").fetchone() == (2,)


def test_a_dry_run_keeps_nothing_and_bad_files_or_names_are_refused_whole(store: Connection) -> None:
    report = load_facility_list(store, CSV, "pubs.csv", "schools", dry_run=True)
    assert report.list_id is None and report.facilities == 2 and facility_lists(store) == []
    with pytest.raises(IngestError, match="pubs.csv: the CSV needs"):
        load_facility_list(store, b"name,street\nThe Swan,High St\n", "pubs.csv", "shops")
    with pytest.raises(IngestError, match="kind"):
        load_facility_list(store, CSV, "pubs.csv", "   ")
    with pytest.raises(IngestError, match="size"):
        load_facility_list(store, CSV, "pubs.csv", "shops", size="floor_area")
    assert facility_lists(store) == []


def test_the_migration_runs_again_over_its_own_tables(store: Connection) -> None:
    load_facility_list(store, CSV, "pubs.csv", "shops")
    from importlib import resources

    sql = (resources.files("ingest.store") / "migrations" / "012_facilities.sql").read_text()
    store.execute(sql)
    assert store.execute("SELECT count(*) FROM facilities").fetchone() == (2,)
