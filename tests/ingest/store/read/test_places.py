"""Incidents by place over the Cleveland store: every place of the area with its count (zeros included), limited to
cells when asked, and each place's records by source, month and location text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from geo.hexbin import points_to_cells
from ingest.store import read
from ingest.store.connection import Connection, open_store

MIDDLESBROUGH = "E06000002"
JUNE = read.IncidentFilter(start=date(2025, 6, 1), end=date(2025, 6, 1), categories=("burglary",))


@pytest.fixture(scope="module")
def con(cleveland_store: Path) -> Iterator[Connection]:
    c = open_store(cleveland_store)
    try:
        yield c
    finally:
        c.close()


def test_every_place_is_counted_zeros_included(con: Connection) -> None:
    table = read.place_counts(con, JUNE, (MIDDLESBROUGH,))
    points = con.execute(
        """SELECT count(DISTINCT (round(lon, 6), round(lat, 6))) FROM incidents
           WHERE lad_code = ? AND h3_cell IS NOT NULL""",
        [MIDDLESBROUGH],
    ).fetchall()[0][0]
    burglaries = con.execute(
        """SELECT count(*) FROM incidents WHERE lad_code = ? AND h3_cell IS NOT NULL AND category = 'burglary'
           AND month = '2025-06-01' AND duplicate_of IS NULL""",
        [MIDDLESBROUGH],
    ).fetchall()[0][0]
    counts = table["n"].to_pylist()
    assert table.num_rows == points and sum(counts) == burglaries > 0
    assert counts.count(0) > len(counts) / 2  # a month of burglary: most places have none


def test_cells_limit_the_places(con: Connection) -> None:
    every = read.place_counts(con, JUNE, (MIDDLESBROUGH,))
    cells = points_to_cells(every["lon"].to_numpy()[:50], every["lat"].to_numpy()[:50], 8)
    within = read.place_counts(con, JUNE, None, (8, [int(c) for c in set(cells.tolist())]))
    assert 50 <= within.num_rows < every.num_rows
    assert set(points_to_cells(within["lon"].to_numpy(), within["lat"].to_numpy(), 8).tolist()) <= set(cells.tolist())


def test_records_carry_source_month_and_location_text(con: Connection) -> None:
    rows = read.place_records(con, JUNE, (MIDDLESBROUGH,)).to_pylist()
    assert rows and all(r["source"] == "police" and r["month"] == date(2025, 6, 1) for r in rows)
    assert all(r["place"].startswith("On or near") and r["precision"] == "snap-point" for r in rows)
    assert sum(r["n"] for r in rows) == sum(read.place_counts(con, JUNE, (MIDDLESBROUGH,))["n"].to_pylist())


def test_dated_points_are_the_incidents_dated_to_the_day_and_count_the_month_only_ones(demo_store: Path) -> None:
    c = open_store(demo_store)
    try:
        year = read.IncidentFilter(start=date(2025, 1, 1), end=date(2025, 12, 1))
        table, month_only = read.dated_points(c, year, (MIDDLESBROUGH,))
        dated, police = (
            c.execute(
                f"""SELECT count(*) FROM incidents WHERE lad_code = ? AND h3_cell IS NOT NULL AND duplicate_of IS NULL
                    AND month BETWEEN '2025-01-01' AND '2025-12-01' AND occurred_at IS {test} NULL""",  # noqa: S608
                [MIDDLESBROUGH],
            ).fetchall()[0][0]
            for test in ("NOT", "")
        )
        days = table["day"].to_pylist()
        assert table.num_rows == dated > 0 and month_only == police > 0
        assert days == sorted(days) and set(table["source"].to_pylist()) <= {"warden", "complaint", "councillor"}
        cell = points_to_cells(table["lon"].to_numpy()[:1], table["lat"].to_numpy()[:1], 9)
        inside, _ = read.dated_points(c, year, None, (9, [int(cell[0])]))
        assert 0 < inside.num_rows <= table.num_rows
        raw, _ = read.dated_points(
            c, read.IncidentFilter(start=year.start, end=year.end, dedupe=False), (MIDDLESBROUGH,)
        )
        assert raw.num_rows >= table.num_rows  # linked records of one incident counted once when de-duplicating
    finally:
        c.close()
