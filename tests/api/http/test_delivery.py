"""Plan against delivery over the demo with its shipped sample patrols loaded: the same cells as the printed plan,
what was delivered in them and outside, analysts only; below analyst, monthly ward totals only (or nothing)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from tests.api.http.test_models import Documented
from tests.conftest import sign_in

AREA = {"lad": "E06000002"}  # Middlesbrough: the partnership the samples patrol


def _client(store: Path, role: str, **settings: object) -> TestClient:
    client = TestClient(create_app(Settings(store=store, tile_url="none", **settings)))  # type: ignore[arg-type]
    client.__enter__()
    if role != "public":
        sign_in(client, role, ("warden",) if role == "partner" else ())
    return client


@pytest.fixture(scope="module")
def analyst(delivered_store: Path) -> Iterator[TestClient]:
    client = _client(delivered_store, "analyst")
    yield client
    client.__exit__(None, None, None)


def _as(client: TestClient, role: str) -> TestClient:
    other = TestClient(client.app)
    return other if role == "public" else sign_in(other, role, ("warden",) if role == "partner" else ())  # type: ignore[return-value]


def test_the_plan_is_the_printed_plan_and_delivery_is_counted_in_it(analyst: TestClient) -> None:
    response = analyst.get("/api/v1/delivery/plan", params={**AREA, "cells": 20})
    assert response.status_code == 200, response.text
    Documented(analyst.get("/openapi.json").json()).check("/api/v1/delivery/plan", "get", response)
    body = response.json()
    printed = analyst.get("/api/v1/patrol-plan", params={**AREA, "cells": 20}).json()
    assert [c["h3"] for c in body["cells"]] == [c["h3"] for c in printed["cells"]]
    assert body["delivered"] == {"from": "2026-01-06", "to": "2026-01-19", "days": 14}  # the latest fortnight held
    plan, background = body["plan"], body["background"]
    assert plan["cells"] == 20 and 0.5 <= plan["share_visited"] <= 1.0
    assert 0 < plan["compliant_visits"] < plan["visits"]  # partial compliance
    assert plan["share_of_target"] == pytest.approx(plan["compliant_visits"] / (20 * 14), abs=1e-3)
    assert plan["minutes"] == pytest.approx(sum(c["minutes"] for c in body["cells"]), abs=0.5)
    assert {c["h3"] for c in body["comparable_cells"]}.isdisjoint(c["h3"] for c in body["cells"])
    assert len(body["comparable_cells"]) == 20
    assert plan["minutes_per_cell_day"] > background["minutes_per_cell_day"]


def test_a_period_and_agency_are_honoured(analyst: TestClient) -> None:
    params = {**AREA, "cells": 10, "delivered_from": "2026-01-05", "delivered_to": "2026-01-05"}
    one_day = analyst.get("/api/v1/delivery/plan", params=params).json()
    assert one_day["delivered"]["days"] == 1
    whole = analyst.get("/api/v1/delivery/plan", params={**params, "delivered_to": "2026-01-19"}).json()
    assert one_day["plan"]["minutes"] < whole["plan"]["minutes"]
    nobody = analyst.get("/api/v1/delivery/plan", params={**params, "agency": "wardens"}).json()
    assert nobody["plan"]["minutes"] == 0 and nobody["plan"]["cells_visited"] == 0
    backwards = analyst.get("/api/v1/delivery/plan", params={**params, "delivered_from": "2026-01-09"})
    assert backwards.status_code == 422 and "delivered_from" in backwards.text


@pytest.mark.parametrize(("role", "status"), [("partner", 403), ("councillor", 403), ("public", 401)])
def test_below_analyst_no_cells_or_days(analyst: TestClient, role: str, status: int) -> None:
    assert _as(analyst, role).get("/api/v1/delivery/plan", params=AREA).status_code == status


@pytest.mark.parametrize("role", ["analyst", "partner", "councillor", "public"])
def test_every_role_gets_monthly_ward_totals_only(analyst: TestClient, role: str) -> None:
    response = _as(analyst, role).get("/api/v1/delivery/wards", params=AREA)
    assert response.status_code == 200, response.text
    Documented(analyst.get("/openapi.json").json()).check("/api/v1/delivery/wards", "get", response)
    body = response.json()
    assert (body["from"], body["to"]) == ("2026-01", "2026-01")
    assert body["totals"] and {t["month"] for t in body["totals"]} == {"2026-01"}
    assert all(
        set(t) == {"ward", "ward_name", "month", "minutes", "visits", "compliant_visits"} for t in body["totals"]
    )
    assert "h3" not in response.text and not re.search(r"\d{4}-\d{2}-\d{2}", response.text)  # no cell, no day
    plan = analyst.get("/api/v1/delivery/plan", params={**AREA, "delivered_from": "2026-01-01"}).json()
    in_plan = sum(c["minutes"] for c in plan["cells"])
    assert sum(t["minutes"] for t in body["totals"]) >= in_plan - len(body["totals"])  # the plan's cells are in wards


def test_ward_totals_can_be_kept_from_everyone_below_analyst(delivered_store: Path) -> None:
    client = _client(delivered_store, "analyst", delivery_below_analyst="none")
    try:
        assert client.get("/api/v1/delivery/wards", params=AREA).status_code == 200
        for role, status in (("partner", 403), ("councillor", 403), ("public", 403)):
            assert _as(client, role).get("/api/v1/delivery/wards", params=AREA).status_code == status
    finally:
        client.__exit__(None, None, None)


GPX = (
    '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
    + "".join(
        f'<trkpt lat="54.574200" lon="-1.235000"><time>2026-02-02T10:{m:02d}:00Z</time></trkpt>' for m in range(12)
    )
    + '<trkpt lat="54.5742" lon="-1.2350"></trkpt></trkseg></trk></gpx>'
)


def test_an_analyst_loads_a_movement_file_through_the_api(delivered_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(delivered_store, store)
    client = _client(store, "analyst")
    try:
        url = "/api/v1/delivery/load"
        params = {"agency": "wardens", "filename": "PC Smith shift.gpx"}
        checked = client.post(url, params={**params, "dry_run": "true"}, content=GPX.encode())
        assert checked.status_code == 200, checked.text
        Documented(client.get("/openapi.json").json()).check(url, "post", checked)
        assert checked.json()["pings_kept"] == 12 and checked.json()["examples"] == [{"line": 1, "reason": "no time"}]
        wards = {"agency": "wardens", "delivered_from": "2026-02-02", "delivered_to": "2026-02-02", **AREA}
        assert client.get("/api/v1/delivery/plan", params=wards).json()["plan"]["minutes"] == 0  # a check keeps none
        loaded = client.post(url, params=params, content=GPX.encode()).json()
        assert (loaded["format"], loaded["days"], loaded["compliant_visits"]) == ("gpx", ["2026-02-02"], 1)
        for role, status in (("partner", 403), ("public", 401)):
            assert _as(client, role).post(url, params=params, content=GPX.encode()).status_code == status
        unnamed = client.post(url, params={"agency": "wardens", "filename": "shift.txt"}, content=GPX.encode())
        assert unnamed.status_code == 422 and "filename" in unnamed.text
        hostile = '<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "x">]><gpx/>'
        refused = client.post(url, params=params, content=hostile.encode())
        assert refused.status_code == 400 and "document type" in refused.text
    finally:
        client.__exit__(None, None, None)


def test_a_patrol_log_numbering_the_printed_plans_cells_loads_against_that_plan(
    delivered_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(delivered_store, store)
    client = _client(store, "analyst")
    try:
        printed = [c["h3"] for c in client.get("/api/v1/patrol-plan", params={**AREA, "cells": 20}).json()["cells"]]
        log = (
            b"team,plan_cell,start,end\n"
            b"beat 1,1,2026-02-03T10:00:00Z,2026-02-03T10:15:00Z\n"
            b"beat 1,20,2026-02-03T11:00:00Z,2026-02-03T11:05:00Z\n"
            b"beat 1,21,2026-02-03T12:00:00Z,2026-02-03T12:05:00Z\n"
        )
        url, params = "/api/v1/delivery/load", {"agency": "specials", "filename": "beats.log.csv"}
        unnamed = client.post(url, params={**params, "dry_run": "true"}, content=log).json()
        assert unnamed["pings_kept"] == 0 and "no plan was named" in unnamed["examples"][0]["reason"]
        loaded = client.post(url, params={**params, **AREA, "plan_cells": 20}, content=log)
        assert loaded.status_code == 200, loaded.text
        body = loaded.json()
        assert body["pings_kept"] == 20 and [e["line"] for e in body["examples"]] == [4]
        assert "plan cell 21 is not on the plan" in body["examples"][0]["reason"]
        days = {"agency": "specials", "delivered_from": "2026-02-03", "delivered_to": "2026-02-03"}
        cells = client.get("/api/v1/delivery/plan", params={**AREA, **days}).json()["cells"]
        minutes = {c["h3"]: c["minutes"] for c in cells}
        assert [c["h3"] for c in cells] == printed
        assert minutes[printed[0]] >= 15 and minutes[printed[19]] >= 5  # the cells numbered 1 and 20, as printed
    finally:
        client.__exit__(None, None, None)


LAYER = "Patrol delivery: minutes and compliant visits"
COLLECTION = "/ogc/collections/patrol-delivery"


@pytest.mark.parametrize(
    ("role", "drawn", "status"),
    [("analyst", True, 200), ("partner", False, 403), ("councillor", False, 403), ("public", False, 401)],
)
def test_delivery_on_the_map_and_as_a_collection_is_for_analysts_only(
    analyst: TestClient, role: str, drawn: bool, status: int
) -> None:
    client = _as(analyst, role)
    page = client.get("/", params=AREA)
    assert page.status_code == 200
    assert (LAYER in page.text) is drawn
    assert ("Patrol plan: top 20 cells" in page.text) is (role in ("analyst", "partner"))  # analyses: not this kind
    listed = [c["id"] for c in client.get("/ogc/collections").json()["collections"]]
    assert ("patrol-delivery" in listed) is drawn
    for tail in ("", "/items"):
        assert client.get(COLLECTION + tail, params=AREA).status_code == status


def test_the_delivery_collection_gives_the_plan_routes_figures(analyst: TestClient) -> None:
    plan = analyst.get("/api/v1/delivery/plan", params=AREA).json()
    items = analyst.get(COLLECTION + "/items", params=AREA)
    assert items.status_code == 200, items.text
    Documented(analyst.get("/openapi.json").json()).check(COLLECTION + "/items", "get", items)
    features = items.json()["features"]
    planned = [f for f in features if f["properties"]["planned"]]
    assert [f["id"] for f in planned] == [c["h3"] for c in plan["cells"]]  # the printed plan's cells, in rank order
    for feature, cell in zip(planned, plan["cells"], strict=True):
        got = feature["properties"]
        for name in ("rank", "minutes", "minutes_per_day", "driveby_minutes", "visits", "compliant_visits"):
            assert got[name] == cell[name], name
    outside = [f["properties"] for f in features if not f["properties"]["planned"]]
    background = plan["background"]
    assert outside and all(p["minutes"] > 0 for p in outside)
    expected = background["minutes"] + background["other_cells_in_area_minutes"]
    assert sum(p["minutes"] for p in outside) == pytest.approx(expected, abs=0.05 * len(outside))
    comparable = {c["h3"] for c in plan["comparable_cells"] if c["minutes"] > 0}
    assert {f["id"] for f in features if f["properties"].get("comparable")} == comparable
    one = analyst.get(f"{COLLECTION}/items/{planned[0]['id']}", params=AREA).json()
    assert one["properties"]["compliant_visits"] == plan["cells"][0]["compliant_visits"]
    day = {**AREA, "delivered_from": "2026-01-05", "delivered_to": "2026-01-05"}
    one_day = analyst.get(COLLECTION + "/items", params=day).json()["features"]
    day_plan = analyst.get("/api/v1/delivery/plan", params=day).json()
    assert sum(f["properties"]["minutes"] for f in one_day if f["properties"]["planned"]) == pytest.approx(
        day_plan["plan"]["minutes"], abs=0.5
    )
    bad = analyst.get(COLLECTION + "/items", params={**AREA, "delivered_from": "5 January"})
    assert bad.status_code == 400


def test_without_delivery_held_the_layer_is_empty(client: TestClient) -> None:
    """The Cleveland store holds no delivery: the collection answers with no cells, the map draws no layer."""
    items = client.get(COLLECTION + "/items", params={"force": "cleveland"})
    assert items.status_code == 200 and items.json()["features"] == []
    Documented(client.get("/openapi.json").json()).check(COLLECTION + "/items", "get", items)
    assert LAYER not in client.get("/", params={"force": "cleveland"}).text


def test_the_tasking_pack_shows_delivery_since_the_last_meeting(analyst: TestClient) -> None:
    params = {"csp": "Middlesbrough", "date": "2026-01-20", "cells": 20}
    response = analyst.get("/api/v1/tasking/pack", params=params)
    assert response.status_code == 200, response.text
    Documented(analyst.get("/openapi.json").json()).check("/api/v1/tasking/pack", "get", response)
    pack = response.json()
    delivery = pack["delivery"]
    assert [c["h3"] for c in delivery["cells"]] == [c["h3"] for c in pack["patrol"]["plan"]["cells"]]
    assert pack["summary"]["patrol_cells_visited"] == delivery["cells_visited"] > 0
    page = analyst.get("/tasking", params=params).text
    assert "Delivery since the last meeting" in page and "of the plan delivered" in page
    assert "Minutes planned" in page and "06 Jan 2026 to 19 Jan 2026" in page
    pdf = analyst.get("/api/v1/tasking/pack", params={**params, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    later = analyst.get("/tasking", params={**params, "date": "2026-12-10"}).text
    assert "No delivery held for 26 Nov 2026 to 09 Dec 2026" in later


DOSE = "/api/v1/delivery/dose-response"
MONTHS = {"before_from": "2025-07", "before_to": "2025-09", "after_from": "2025-10", "after_to": "2025-12"}


@pytest.mark.parametrize(("role", "status"), [("partner", 403), ("councillor", 403), ("public", 401)])
def test_dose_response_is_for_analysts_only(analyst: TestClient, role: str, status: int) -> None:
    assert _as(analyst, role).get(DOSE, params={**AREA, **MONTHS}).status_code == status


def test_dose_response_over_the_plans_cells(analyst: TestClient) -> None:
    import numpy as np

    response = analyst.get(DOSE, params={**AREA, **MONTHS, "runs": 40, "permutations": 199})
    assert response.status_code == 200, response.text
    Documented(analyst.get("/openapi.json").json()).check(DOSE, "get", response)
    body = response.json()
    plan = analyst.get("/api/v1/delivery/plan", params=AREA).json()
    assert [(c["h3"], c["minutes_per_day"]) for c in body["cells"]] == [
        (c["h3"], c["minutes_per_day"]) for c in plan["cells"]
    ]
    before = np.array([c["before"] for c in body["cells"]], dtype=float)
    after = np.array([c["after"] for c in body["cells"]], dtype=float)
    dose = np.array([c["minutes_per_day"] for c in body["cells"]])
    change = np.log(after + 0.5) - np.log(before + 0.5)  # periods of 3 months each
    assert [c["change"] for c in body["cells"]] == pytest.approx(change, abs=1e-4)
    x = np.column_stack([np.ones(len(dose)), dose, np.log(before + 0.5)])
    assert body["estimate"]["slope"] == pytest.approx(np.linalg.lstsq(x, change, rcond=None)[0][1], abs=1e-5)
    assert 0 < body["estimate"]["p_value"] <= 1 and body["estimate"]["cells"] == 20
    calibration = body["calibration"]
    assert calibration["runs"] == 40 and calibration["rate"] == calibration["significant"] / 40
    assert calibration["interval"][0] <= calibration["rate"] <= calibration["interval"][1]
    assert body["verdict"].startswith(("Delivered", "No reading"))
    assert body["caveats"][0].startswith("The after-period ends before the delivery began")
    assert any("simulated" in c and "illustration only" in c for c in body["caveats"])
    held_to = analyst.get(DOSE, params=AREA)  # the delivery's own months (January 2026) are not held yet
    assert held_to.status_code == 422 and "after_to" in held_to.text
    half = analyst.get(DOSE, params={**AREA, "after_from": "2025-10"})
    assert half.status_code == 422 and "both months" in half.text
    nobody = analyst.get(DOSE, params={**AREA, **MONTHS, "delivered_from": "2026-02-01", "delivered_to": "2026-02-02"})
    assert nobody.json()["verdict"].startswith("Not delivered") and nobody.json()["estimate"] is None


def test_a_month_outside_the_years_held_is_refused_not_a_server_error(analyst: TestClient) -> None:
    year_nought = {**MONTHS, "after_from": "0000-01", "after_to": "0000-01"}
    response = analyst.get(DOSE, params={**AREA, **year_nought})
    assert response.status_code == 422 and "after_from" in response.text
