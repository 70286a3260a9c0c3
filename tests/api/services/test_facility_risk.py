"""Risky facilities over the kept facility lists, end to end on the demo data: the shipped synthetic list of licensed
premises loaded, the statistic's counts and knee against a brute-force reference, the layer as the map draws it, the
problem profile naming the facilities above the knee in its area, the pack's section, and "no facility list held"."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from api.render.map_layers import plain_layer
from api.render.tasking_pack_text import facility_lines, facility_rows
from api.services.caches import Caches
from api.services.facility_risk import NO_LIST, facility_risk, facility_risk_layer
from api.services.filters import Filters, requested_categories, resolve_filters
from api.services.problem_profile import build_profile, incident_filter, profile_for_sources
from api.services.statistics import View, statistic
from api.services.study_area import StudyArea, resolve_study_area
from geo.grid import to_national_grid
from geo.hexbin import points_to_cells
from ingest.facilities import load_facility_list
from ingest.store import read
from ingest.store.connection import Connection, open_store
from ingest.store.read.facilities import facility_points

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "facilities" / "middlesbrough-licensed-premises-synthetic.csv"
KEY = "facility_risk"


@pytest.fixture(scope="module")
def con(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    path = tmp_path_factory.mktemp("facilities") / "demo.duckdb"
    shutil.copyfile(demo_store, path)
    c = open_store(path)
    yield c
    c.close()


def _view(con: Connection) -> tuple[Filters, StudyArea]:
    filters = resolve_filters(con, start=None, end=None, categories=requested_categories(None), sources=())
    return filters, resolve_study_area(con, None, None, "E06000002")


def _reference(con: Connection, filters: Filters, area: StudyArea, within: float) -> tuple[np.ndarray, set[int]]:
    """Each facility's incidents by brute force (every place against every facility) and the facilities above the
    knee by the rule written out: ranked counts scaled to the unit square, the rank farthest below the diagonal."""
    places = read.place_counts(con, filters.incident, area.lads)
    n = places["n"].to_numpy().astype(float)
    east, north = to_national_grid(places["lon"].to_numpy(), places["lat"].to_numpy())
    kept = facility_points(con, 1)
    fx, fy = kept["east"].to_numpy(), kept["north"].to_numpy()
    counts = np.zeros(len(fx))
    for x, y, w in zip(east, north, n, strict=True):
        d = np.hypot(fx - x, fy - y)
        k = int(np.argmin(d))
        if w > 0 and d[k] <= within:
            counts[k] += w
    ranked = sorted(range(len(counts)), key=lambda k: (-counts[k], k))
    top, bottom = counts[ranked[0]], counts[ranked[-1]]
    below = [1 - r / (len(ranked) - 1) - (counts[k] - bottom) / (top - bottom) for r, k in enumerate(ranked)]
    knee = ranked[int(np.argmax(below))]
    return counts, {k for k in ranked if counts[k] > counts[knee]}


def test_no_list_held_is_said_on_the_map_in_the_pack_and_in_the_profile(con: Connection) -> None:
    filters, area = _view(con)
    layer = facility_risk_layer(con, filters, area)
    assert not layer["held"] and layer["features"] == [] and layer["warnings"] == [NO_LIST]
    section = statistic(KEY).pack.build(View(con, filters, area, Caches()), None)  # type: ignore[union-attr]
    assert facility_lines(section)[0].startswith("No facility list held") and facility_rows(section) == []
    res, cells = 9, [int(c) for c in points_to_cells(np.array([-1.2392]), np.array([54.5707]), 9)]
    profile = build_profile(con, "all", [], date(2025, 1, 1), date(2025, 12, 1), res, np.array(cells, np.uint64))
    assert profile["risky_facilities"]["held"] is False and profile["risky_facilities"]["lists"] == []


def test_the_kept_list_gives_the_reference_counts_and_the_facilities_above_the_knee(con: Connection) -> None:
    load_facility_list(con, SAMPLE.read_bytes(), SAMPLE.name, "licensed premises", size="capacity")
    filters, area = _view(con)
    layer = facility_risk_layer(con, filters, area, within=50.0)
    counts, risky = _reference(con, filters, area, 50.0)
    [kept] = layer["lists"]
    names = facility_points(con, 1)["name"].to_pylist()
    assert kept["facilities"] == 60 and kept["kind"] == "licensed premises" and kept["size_column"] == "capacity"
    assert kept["attributed"] == int(counts.sum()) > 0
    assert [p["name"] for p in kept["risky"]] == [names[k] for k in sorted(risky, key=lambda k: (-counts[k], k))]
    assert 0 < len(risky) < 60 and kept["risky_share"] == round(counts[list(risky)].sum() / counts.sum(), 4)
    drawn = {f["properties"]["name"]: f["properties"] for f in layer["features"]}
    for k, name in enumerate(names):
        if name in drawn:
            assert drawn[name]["count"] == counts[k] and drawn[name]["risky"] == (k in risky)
    busiest = kept["risky"][0]
    assert busiest["rate"] == round(busiest["count"] / busiest["size"], 4)
    # a narrower distance attributes fewer incidents, as the reference does
    narrow = facility_risk_layer(con, filters, area, within=20.0)["lists"][0]
    assert narrow["attributed"] == int(_reference(con, filters, area, 20.0)[0].sum()) < kept["attributed"]


def test_the_map_marks_the_facilities_above_the_knee_with_counts_and_rates(con: Connection) -> None:
    filters, area = _view(con)
    risk = statistic(KEY)
    layer = plain_layer(risk, risk.layer(View(con, filters, area, Caches()), risk.on_map(9)))
    top = next(f["properties"] for f in layer["features"] if f["properties"]["rank"] == 1)
    assert top["risky"] and "above the J-curve's knee" in top["risky_text"]
    assert f"{top['count']:,} incidents within 50 m; {top['rate']:g} per unit of size" in top["count_text"]
    assert (
        risk.drawing.style({"properties": top})["fillColor"]
        != risk.drawing.style({"properties": {**top, "risky": False}})["fillColor"]
    )
    assert "above the knee" in risk.drawing.legend.context(layer)["explain"]


def test_the_profile_names_the_facilities_above_the_knee_in_its_area_and_the_pack_lists_them(
    con: Connection,
) -> None:
    filters, area = _view(con)
    [kept] = facility_risk_layer(con, filters, area)["lists"]
    busiest, last = kept["risky"][0], kept["risky"][-1]
    res = 9
    cells = points_to_cells(np.array([busiest["lon"]]), np.array([busiest["lat"]]), res)
    profile = build_profile(con, "all", [], filters.incident.start, filters.incident.end, res, cells)
    [listed] = profile["risky_facilities"]["lists"]
    assert busiest["name"] in [p["name"] for p in listed["risky_in_area"]]
    assert last["name"] not in [p["name"] for p in listed["risky_in_area"]] or len(kept["risky"]) == 1
    lads = tuple(profile["risky_facilities"]["lads"])
    f = incident_filter("all", [], filters.incident.start, filters.incident.end)
    whole = facility_risk(con, f, read.resolve_boundary_set(con, None), lads)
    assert "E06000002" in lads and listed["risky_in_lads"] == len(whole["lists"][0]["risky"])
    assert "risky_facilities" not in profile_for_sources(profile, {"warden"})  # a partner's view
    section = statistic(KEY).pack.build(View(con, filters, area, Caches()), None)  # type: ignore[union-attr]
    rows = facility_rows(section)
    assert [r[2] for r in rows] == [p["name"] for p in kept["risky"]]
    assert statistic(KEY).pack.count(section) == len(kept["risky"])  # type: ignore[union-attr]
    assert f"{len(kept['risky'])} above the J-curve's knee" in facility_lines(section)[0]
