"""Where a patrol finds its cells: streets and places from the incidents' own location text, the nearest postcode
(checked against a brute-force search), and an 8-figure grid reference, on the printed plan too."""

from __future__ import annotations

import math

import h3
import numpy as np
from fastapi.testclient import TestClient

from api.services.cell_places import nearest_postcodes, postcode_lookup
from api.settings import PROJECT_DATA


def test_nearest_postcodes_match_a_brute_force_search() -> None:
    index = postcode_lookup([PROJECT_DATA / "postcodes"])
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(-1.35, -1.05, 40), rng.uniform(54.5, 54.65, 40)
    found = nearest_postcodes(index, lon, lat)
    codes = {i: c for c, i in index.postcodes.items()}
    for x, y, got in zip(lon, lat, found, strict=True):
        metres = 6_371_000 * np.radians(np.hypot((index.lon - x) * math.cos(math.radians(y)), index.lat - y))
        best = int(np.argmin(metres))
        if metres[best] > 2000:
            assert got is None  # nothing within 2 km (the sea, moorland)
            continue
        assert got is not None and got[0].replace(" ", "") == codes[best]
        assert abs(got[1] - metres[best]) < 5


def test_every_planned_cell_says_where_it_is(client: TestClient) -> None:
    plan = client.get("/api/v1/patrol-plan", params={"force": "cleveland", "cells": 10}).json()
    for cell in plan["cells"]:
        assert cell["places"] and cell["places"][0]["count"] >= cell["places"][-1]["count"]
        assert not any(p["place"].lower().startswith("on or near") for p in cell["places"])
        assert cell["grid_ref"].startswith("NZ ") and len(cell["grid_ref"]) == 12
        assert cell["nearest_postcode"]["postcode"].startswith("TS") and cell["nearest_postcode"]["distance_m"] < 600
    first = plan["cells"][0]
    top = first["places"][0]
    rows = client.get(
        "/api/v1/incidents", params={"limit": 5000, "from": plan["period"]["from"], "to": plan["period"]["to"]}
    ).json()["features"]
    inside = [
        r
        for r in rows
        if r["geometry"] and h3.latlng_to_cell(*reversed(r["geometry"]["coordinates"]), 9) == first["h3"]
    ]
    assert inside  # the incidents in the top cell name its top place as often as the plan says (at most)
    named = sum(r["properties"]["location_text"].removeprefix("On or near ") == top["place"] for r in inside)
    assert 0 < named <= top["count"]


def test_the_printed_plan_lists_streets_grid_references_and_postcodes(client: TestClient) -> None:
    import matplotlib

    from api.render.patrol_print import render_plan
    from api.services.caches import Caches
    from api.services.filters import resolve_filters
    from api.services.patrol import patrol_plan
    from api.services.study_area import resolve_study_area

    con = client.app.state.con.cursor()  # type: ignore[attr-defined]
    try:
        filters = resolve_filters(con, start=None, end=None, categories=("asb",), sources=())
        area = resolve_study_area(con, "cleveland", None, None)
        caches = Caches()
        index = postcode_lookup([PROJECT_DATA / "postcodes"])
        plan = patrol_plan(con, filters, area, 9, None, 12, caches.wards, caches.lattices, index)
        wards = [
            (w, caches.wards.shape(filters.boundary_set, w.code)) for w in caches.wards.get(con, filters.boundary_set)
        ]
    finally:
        con.close()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        page = render_plan(plan, [(w, s) for w, s in wards if w.lad_code in area.lads], "svg").decode()
    for cell in plan["cells"]:
        assert cell["grid_ref"] in page and cell["nearest_postcode"]["postcode"] in page
        assert cell["places"][0]["place"][:20] in page
    assert "Streets and places" in page


def test_a_postcode_index_keeps_its_own_tree_only_while_it_lives() -> None:
    """Two indexes never share a tree, and a tree goes with its index (the kept trees stay bounded)."""
    import gc

    from api.services import cell_places
    from ingest.geocode import PostcodeIndex

    def index(lon: float) -> PostcodeIndex:
        return PostcodeIndex({"TS11AA": 0}, np.array([lon]), np.array([54.57]), ())

    first, second = index(-1.23), index(-1.20)
    assert nearest_postcodes(first, np.array([-1.23]), np.array([54.57]))[0] == ("TS1 1AA", 0)
    far = nearest_postcodes(second, np.array([-1.23]), np.array([54.57]))[0]
    assert far is not None and 1800 < far[1] < 2000  # the second index's own centroid, not the first's tree
    kept = len(cell_places._TREES)
    del first
    gc.collect()
    assert len(cell_places._TREES) == kept - 1
