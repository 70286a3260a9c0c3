"""Concentration over the Cleveland store: its figures against the store's incidents read another way."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from api.services.concentration import concentration_layer, concentration_rows, half_cells
from api.services.filters import Filters, requested_categories, resolve_filters
from api.services.study_area import StudyArea, resolve_study_area
from geo.concentration import generalized_gini, gini
from ingest.store.connection import Connection, open_store

MIDDLESBROUGH = "E06000002"


@pytest.fixture(scope="module")
def con(cleveland_store: Path) -> Iterator[Connection]:
    """The Cleveland store, read only."""
    c = open_store(cleveland_store)
    try:
        yield c
    finally:
        c.close()


def _filters(con: Connection, categories: tuple[str, ...] = ("asb",)) -> Filters:
    return resolve_filters(
        con,
        start=date(2025, 1, 1),
        end=date(2025, 12, 1),
        categories=requested_categories(list(categories)),
        sources=(),
    )


def _direct_counts(con: Connection, lad: str) -> np.ndarray:
    """ASB incidents of 2025 per point of the LAD (every point any incident was recorded at), read from incidents."""
    rows = con.execute(
        """SELECT coalesce(sum(CASE WHEN category = 'asb' AND month BETWEEN '2025-01-01' AND '2025-12-01'
                                   AND duplicate_of IS NULL THEN 1 ELSE 0 END), 0)
           FROM incidents WHERE lad_code = ? AND h3_cell IS NOT NULL GROUP BY round(lon, 6), round(lat, 6)""",
        [lad],
    ).fetchall()
    return np.array([r[0] for r in rows], dtype=float)


def test_the_figures_are_those_of_the_places_read_from_the_incidents(con: Connection) -> None:
    area = resolve_study_area(con, None, None, MIDDLESBROUGH)
    (row,) = concentration_rows(con, _filters(con), area, draws=50)
    counts = _direct_counts(con, MIDDLESBROUGH)
    assert (row["places"], row["incidents"]) == (len(counts), int(counts.sum()))
    assert row["places_with_incidents"] == int((counts > 0).sum())
    assert row["gini"] == pytest.approx(gini(counts), abs=1e-4)
    assert row["generalized_unbiased"] == pytest.approx(generalized_gini(counts, unbiased=True), abs=1e-4)
    assert 0 < row["half"] < 0.5 and 0 < row["quarter"] < row["half"]
    assert row["poisson_gini"] < row["gini"] and 0 < row["beyond_chance"] < 1
    low, high = row["intervals"]["gini"]
    assert low <= row["gini"] <= high


def test_rows_by_area_category_and_year(con: Connection) -> None:
    area: StudyArea = resolve_study_area(con, "cleveland", None, None)
    filters = _filters(con, ("asb", "burglary"))
    rows = concentration_rows(con, filters, area, by_lad=True, draws=0)
    assert {(r["area"], r["category"]) for r in rows} == {
        (code, category) for code in (area.code, *area.lads) for category in ("asb", "burglary")
    }
    assert all(r["year"] == 2025 and r["intervals"] == {} for r in rows)
    whole = {r["category"]: r for r in rows if r["area"] == area.code}
    for category in ("asb", "burglary"):
        parts = [r for r in rows if r["area"] != area.code and r["category"] == category]
        assert sum(r["incidents"] for r in parts) == whole[category]["incidents"]
    # burglary is sparser than ASB at places: fewer incidents than places moves the generalized Gini below the Gini
    burglary = whole["burglary"]
    assert burglary["incidents"] < burglary["places"] and burglary["generalized"] < burglary["gini"]


def test_the_cells_drawn_hold_the_busiest_places_with_half_the_incidents(con: Connection) -> None:
    area = resolve_study_area(con, None, None, MIDDLESBROUGH)
    layer = concentration_layer(con, _filters(con), area, 9, draws=0)
    total = layer["incidents"]
    drawn = sum(ft["properties"]["count"] for ft in layer["features"])
    assert drawn >= total / 2
    places = sum(ft["properties"]["places"] for ft in layer["features"])
    assert (
        places == layer["concentration"][0]["places_half"] == round(layer["concentration"][0]["half"] * layer["places"])
    )
    curve = {p["places"]: p["incidents"] for p in layer["lorenz"]}
    assert curve[0.0] == 0 and curve[1.0] == 1 and curve[0.5] > 0.5
    assert "snap point" in layer["note"] and "anonymised" in layer["method"]


def test_half_cells_takes_the_busiest_places_first() -> None:
    counts = np.array([1.0, 9.0, 0.0, 5.0])
    lon = np.array([-1.20, -1.25, -1.30, -1.35])
    lat = np.array([54.5, 54.5, 54.5, 54.5])
    cells, places = half_cells(counts, lon, lat, 10)
    assert len(cells) == 1 and places.tolist() == [1]  # 9 of 15 is past half on its own
