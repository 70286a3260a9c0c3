"""Repeat places over the Cleveland and demo stores: figures against the incidents read another way, places across
sources as one, and the snap-point caveat wherever police.uk places are ranked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from api.services.filters import Filters, requested_categories, resolve_filters
from api.services.repeat_places import repeat_places, repeat_places_layer
from api.services.study_area import resolve_study_area
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


def _filters(con: Connection, start: date, end: date) -> Filters:
    return resolve_filters(con, start=start, end=end, categories=requested_categories(["asb"]), sources=())


def _per_point(con: Connection, lad: str, start: str, end: str) -> np.ndarray:
    rows = con.execute(
        """SELECT count(*) FROM incidents WHERE lad_code = ? AND h3_cell IS NOT NULL AND category = 'asb'
           AND duplicate_of IS NULL AND month BETWEEN ? AND ? GROUP BY round(lon, 6), round(lat, 6)""",
        [lad, start, end],
    ).fetchall()
    return np.array([r[0] for r in rows])


def test_the_last_window_is_the_year_read_from_the_incidents(con: Connection) -> None:
    found = repeat_places(con, _filters(con, date(2025, 6, 1), date(2025, 12, 1)).incident, (MIDDLESBROUGH,), top=5)
    counts = _per_point(con, MIDDLESBROUGH, "2025-01-01", "2025-12-01")
    last = found["rolling"][-1]
    assert (last["from"], last["to"], last["complete"]) == ("2025-01", "2025-12", True)
    assert last["incidents"] == counts.sum() and last["places"] == len(counts)
    assert last["repeat_places"] == (counts >= 2).sum() and last["repeat_incidents"] == counts[counts >= 2].sum()
    assert 0 < last["repeat_rate"] < 1
    assert last["chance_rate"] == pytest.approx(1 - np.exp(-last["incidents"] / found["places_in_area"]), abs=1e-4)
    assert [w["to"] for w in found["rolling"]] == [f"2025-{m:02d}" for m in range(6, 13)]
    assert not found["rolling"][0]["complete"]  # June's 12 months start before the store's first month
    top = found["top"]["places"]
    assert [p["count"] for p in top] == sorted(counts, reverse=True)[:5]
    assert all(p["snapped"] and p["sources"] == ["police"] and p["streets"] for p in top)
    assert all(set(p["months"]) <= {f"2025-{m:02d}" for m in range(1, 13)} for p in top)
    assert "snap point" in found["note"] and "anonymised" in found["method"]


def test_the_layer_draws_the_top_places_at_their_points(con: Connection) -> None:
    area = resolve_study_area(con, None, None, MIDDLESBROUGH)
    layer = repeat_places_layer(con, _filters(con, date(2025, 1, 1), date(2025, 12, 1)), area, top=10)
    assert 0 < len(layer["features"]) <= 10
    first = layer["features"][0]["properties"]
    assert first["rank"] == 1 and first["place"] == layer["top"]["places"][0]["place"]


def test_a_place_reported_by_several_sources_is_one_place(demo_store: Path) -> None:
    c = open_store(demo_store)
    try:
        start, end = c.execute("SELECT min(month), max(month) FROM incidents WHERE source <> 'police'").fetchall()[0]
        filters = resolve_filters(c, start=start, end=end, categories=requested_categories(["all"]), sources=())
        found = repeat_places(c, filters.incident, None, top=200)
        shared = c.execute(
            """SELECT count(*) FROM (SELECT round(lon, 6), round(lat, 6) FROM incidents
               WHERE h3_cell IS NOT NULL AND location_precision <> 'postcode' AND month BETWEEN ? AND ?
               GROUP BY 1, 2 HAVING count(DISTINCT source) > 1)""",
            [start, end],
        ).fetchall()[0][0]
    finally:
        c.close()
    places = found["top"]["places"]
    keys = [(p["lon"], p["lat"], p["streets"][0] if p["precision"] == "postcode" else "") for p in places]
    assert len(keys) == len(set(keys))  # each place once, whatever sources reported it
    if shared:
        assert any(len(p["sources"]) > 1 for p in found["top"]["places"]) or len(places) == 200
