"""The statistics registry: what each statistic declares is checked, and a statistic registered from outside the
package (tests/api/services/statistics/top_decile.py) is drawn on the map and served as an OGC collection without
any other module naming it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.services.caches import Caches
from api.services.errors import ParameterError
from api.services.filters import Filters
from api.services.statistics import Kind, View, register, registered, statistic, unregister
from api.services.study_area import StudyArea, resolve_study_area
from tests.api.services.statistics.top_decile import KEY, TOP_DECILE, above_percentile

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def top_decile() -> Iterator[None]:
    """The extra statistic registered for one test."""
    register(TOP_DECILE)
    try:
        yield
    finally:
        unregister(KEY)


def test_the_built_in_statistics_are_registered_in_the_order_the_map_draws_them() -> None:
    assert [s.title for s in registered()] == [
        "Gi* hot and cold spots",
        "Emerging hotspots",
        "Patrol plan",
        "Concentration across places",
        "Repeat places",
        "Near-repeats",
        "Patrol delivery",
        "Risky facilities",
    ]
    # hotspot statistics and patrol plans: analyses (api.access.policy); patrol delivery its own kind, analysts only
    assert all(s.analysis for s in registered() if s.kind not in (Kind.DELIVERY, Kind.FACILITIES))
    assert [s.title for s in registered() if s.kind == Kind.DELIVERY] == ["Patrol delivery"]
    assert [s.title for s in registered() if s.kind == Kind.FACILITIES] == ["Risky facilities"]  # analysts only


def test_every_route_and_collection_declared_is_served(client: TestClient) -> None:
    paths = set(client.app.openapi()["paths"])  # type: ignore[attr-defined]
    for s in registered():
        assert s.route is None or s.route in paths, s.key
        assert s.collection is None or f"/ogc/collections/{s.collection.id}/items" in paths, s.key


def test_a_key_route_or_collection_is_registered_once() -> None:
    with pytest.raises(ValueError, match="registered already"):
        register(registered()[0])


def test_parameters_are_checked_as_declared() -> None:
    gi, emerging, plan = (statistic(s.key) for s in registered()[:3])
    assert gi.arguments({}) == {"res": 9, "k": 1, "all": False, "unit": "h3"}
    assert gi.arguments({"res": 7, "unit": "ward"})["unit"] == "ward"
    for bad in ({"res": 11}, {"k": 0}, {"unit": "lsoa"}, {"all": "yes"}, {"res": 8.5}, {"radius": 2}):
        with pytest.raises(ParameterError):
            gi.arguments(bad)
    with pytest.raises(ParameterError, match="less than 0.5"):
        emerging.arguments({"alpha": 0.5})
    assert plan.arguments({}) == {"res": 9, "budget_km2": None, "cells": 20}  # cells by default
    assert plan.arguments({"budget_km2": 2.5})["cells"] is None
    with pytest.raises(ParameterError, match="at most one"):
        plan.arguments({"budget_km2": 2.5, "cells": 10})


@pytest.fixture(scope="module")
def cleveland(client: TestClient) -> View:
    """Cleveland over the 12 months of 2025, with the serving app's store and caches."""
    app = client.app
    con = app.state.con  # type: ignore[attr-defined]
    from datetime import date

    from api.services.filters import requested_categories, resolve_filters

    filters: Filters = resolve_filters(
        con, start=date(2025, 1, 1), end=date(2025, 12, 1), categories=requested_categories(None), sources=()
    )
    area: StudyArea = resolve_study_area(con, "cleveland", None, None)
    return View(con, filters, area, Caches())


def test_the_extra_statistic_takes_the_cells_above_the_percentile(cleveland: View) -> None:
    """Reference values: the cells chosen are those whose count (as Gi* counts them: the same lattice and period)
    is above the 90th percentile of every cell's count, and no more than a tenth of the cells."""
    layer = TOP_DECILE.layer(cleveland, {"res": 8})
    gi = statistic("gi").layer(cleveland, {"res": 8, "all": True})
    counts = {ft["id"]: ft["properties"]["count"] for ft in gi["features"]}
    threshold = float(np.percentile(list(counts.values()), 90))
    assert layer["threshold"] == threshold and layer["cells_tested"] == len(counts)
    assert {ft["id"] for ft in layer["features"]} == {c for c, n in counts.items() if n > threshold}
    assert all(ft["properties"]["count"] == counts[ft["id"]] for ft in layer["features"])
    assert 0 < len(layer["features"]) <= len(counts) / 10


def test_the_extra_statistic_calls_at_most_a_tenth_of_cells_on_null_data() -> None:
    """On null data (Poisson counts with one rate for every cell, shuffled; a constant field) it still calls at most
    a tenth of the cells, and none of a flat field: it ranks, it does not test."""
    rng = np.random.default_rng(0)
    for _ in range(50):
        x = rng.permutation(rng.poisson(0.8, 400)).astype(float)
        chosen, threshold = above_percentile(x, 90)
        assert len(chosen) <= 40 and (x[chosen] > threshold).all() and (np.diff(x[chosen]) <= 0).all()
    assert len(above_percentile(np.full(400, 3.0), 90)[0]) == 0


@pytest.mark.usefixtures("top_decile")
def test_a_registered_statistic_is_drawn_on_the_map_with_its_legend(client: TestClient) -> None:
    page = client.get("/", params={"force": "cleveland", "res": "8"}).text
    assert "Top decile of cells (res 8)" in page  # its layer, in the layer control
    assert "Top decile: cells with more than " in page and "Raw counts, no test of significance." in page
    assert '"count_text"' in page  # its tooltip rows
    names = page.split('data-statistics="')[1].split('"')[0].split()
    assert len(names) == 6  # Gi*, emerging, patrol plan, concentration, repeat places and the new one
    public = TestClient(client.app).get("/", params={"force": "cleveland"}).text
    assert "Top decile" not in public  # an analysis: not for the public


SERVE_WITH_EXTRA = """
import json, sys
from fastapi.testclient import TestClient
from api.services.statistics import register
from tests.api.services.statistics.top_decile import TOP_DECILE
register(TOP_DECILE)  # before the app is built: its collection's routes and grants come from the registry
from api.access.principals import Role
from api.http.app import create_app
from api.settings import Settings
with TestClient(create_app(Settings(store=sys.argv[1], tile_url="none"))) as c:
    out = {}
    for role in ("analyst", "councillor"):
        token = c.app.state.access.create_token(role, Role(role), ())
        c.headers["Authorization"] = f"Bearer {token}"
        out[role] = [x["id"] for x in c.get("/ogc/collections").json()["collections"]]
        items = c.get("/ogc/collections/top-decile/items", params={"force": "cleveland", "res": 8})
        out[role + "_items"] = [items.status_code, items.json().get("numberMatched")]
        out[role + "_bad"] = c.get("/ogc/collections/top-decile/items", params={"percentile": 100}).status_code
print(json.dumps(out))
"""


@pytest.mark.server
def test_a_registered_statistic_is_listed_and_served_as_an_ogc_collection(demo_store: Path) -> None:
    """In a fresh process (the app's routes are built from the registry when it is imported)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SERVE_WITH_EXTRA, str(demo_store)], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert "top-decile" in out["analyst"] and out["analyst"].index("top-decile") > out["analyst"].index("patrol-plan")
    assert out["analyst_items"][0] == 200 and out["analyst_items"][1] > 0
    assert out["analyst_bad"] == 400  # the declared bounds (percentile below 100): a 400, as OGC API asks
    assert "top-decile" not in out["councillor"] and out["councillor_items"][0] == 403  # an analysis
