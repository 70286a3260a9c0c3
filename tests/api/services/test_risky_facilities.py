"""Risky facilities over the Cleveland store: each facility's count against every place's distance reckoned
directly, ranks, rates, the knee and the refusals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from api.services.errors import ParameterError
from api.services.filters import Filters, requested_categories, resolve_filters
from api.services.risky_facilities import risky_facilities_layer
from api.services.study_area import resolve_study_area
from geo.grid import to_national_grid
from ingest.store import read
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


def _filters(con: Connection) -> Filters:
    return resolve_filters(
        con, start=date(2025, 1, 1), end=date(2025, 12, 1), categories=requested_categories(["asb"]), sources=()
    )


def test_each_facility_holds_the_incidents_of_the_places_nearest_to_it(con: Connection) -> None:
    filters = _filters(con)
    area = resolve_study_area(con, None, None, MIDDLESBROUGH)
    places = read.place_counts(con, filters.incident, area.lads)
    n = places["n"].to_numpy().astype(float)
    lon, lat = places["lon"].to_numpy(), places["lat"].to_numpy()
    chosen = np.argsort(-n, kind="stable")[[0, 1, 2, 5, 10, 20, 40, 80]]
    rows = [f"Site {k},{lon[i]:.6f},{lat[i]:.6f},{k + 1}" for k, i in enumerate(chosen)]
    data = ("name,longitude,latitude,staff\n" + "\n".join(rows) + "\n").encode()
    layer = risky_facilities_layer(con, filters, area, data, within=60, size="staff")
    # reckoned directly: every place against every facility on the National Grid
    east, north = to_national_grid(lon, lat)
    f_east, f_north = to_national_grid(lon[chosen], lat[chosen])
    d = np.hypot(east[:, None] - f_east[None, :], north[:, None] - f_north[None, :])
    nearest = np.where(d.min(axis=1) <= 60, d.argmin(axis=1), -1)
    expected = [int(n[nearest == k].sum()) for k in range(len(chosen))]
    by_name = {ft["properties"]["name"]: ft["properties"] for ft in layer["features"]}
    assert [by_name[f"Site {k}"]["count"] for k in range(len(chosen))] == expected
    assert layer["attributed"] == sum(expected) and layer["incidents"] == int(n.sum())
    counts = [ft["properties"]["count"] for ft in layer["features"]]
    assert counts == sorted(counts, reverse=True) and [ft["properties"]["rank"] for ft in layer["features"]] == list(
        range(1, 9)
    )
    assert by_name["Site 3"]["rate"] == pytest.approx(by_name["Site 3"]["count"] / 4, abs=1e-4)
    knee = layer["knee"]
    assert knee is not None and all(
        ft["properties"]["risky"] == (ft["properties"]["count"] > knee["count"]) for ft in layer["features"]
    )
    assert layer["risky"]["facilities"] == sum(ft["properties"]["risky"] for ft in layer["features"]) >= 1
    assert layer["j_curve"][0] == {"facilities": 0.0, "incidents": 0.0} and layer["j_curve"][-1]["incidents"] == 1.0
    assert "snap point" in layer["note"]


def test_a_file_without_locations_or_the_size_asked_is_refused(con: Connection) -> None:
    area = resolve_study_area(con, None, None, MIDDLESBROUGH)
    with pytest.raises(ParameterError, match="longitude"):
        risky_facilities_layer(con, _filters(con), area, b"name,street\nThe Swan,High St\n")
    with pytest.raises(ParameterError, match="size"):
        risky_facilities_layer(con, _filters(con), area, b"name,lon,lat\nA,-1.23,54.57\n", size="staff")
