"""The wards and hexes layers and the top cells (hotspots, by study area or ward, with their streets) over HTTP, on real
data."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from ingest.store.connection import open_store


def _scalar(store: Path, sql: str) -> int:
    con = open_store(store)
    try:
        return int(con.execute(sql).fetchall()[0][0])
    finally:
        con.close()


def test_wards_is_rfc7946_with_counts_and_change(client: TestClient, cleveland_store: Path) -> None:
    r = client.get("/api/v1/wards", params={"from": "2025-10", "to": "2025-12"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    assert fc["previous_period"] == {"from": "2025-07", "to": "2025-09", "held": True}
    props = [f["properties"] for f in fc["features"]]
    assert {"code", "name", "lad", "count", "previous_count", "change"} <= set(props[0])
    for p in props:
        assert p["change"] == p["count"] - p["previous_count"]
    in_wards = _scalar(
        cleveland_store,
        """SELECT count(*) FROM incidents i JOIN place_wards pw
        ON pw.place_cell = i.place_cell AND pw.boundary_set = 'wards-2024' AND pw.ward_code IS NOT NULL
        WHERE i.category = 'asb' AND i.month BETWEEN '2025-10-01' AND '2025-12-01'""",
    )
    assert sum(p["count"] for p in props) == in_wards
    # README: Cleveland ASB Oct-Dec 1585 + 1185 + 964, Jul-Sep 1668 + 1773 + 1442, nearly all inside wards
    cleveland = [p for p in props if p["lad"] in {"E06000001", "E06000002", "E06000003", "E06000004"}]
    assert 0.99 * 3734 <= sum(p["count"] for p in cleveland) <= 3734
    assert 0.99 * 4883 <= sum(p["previous_count"] for p in cleveland) <= 4883
    ring = fc["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]


def test_default_period_is_the_last_twelve_months_held(client: TestClient) -> None:
    fc = client.get("/api/v1/wards").json()
    assert fc["period"] == {"from": "2025-01", "to": "2025-12"}
    assert fc["filters"]["category"] == ["asb"]


def test_other_boundary_set_and_categories(client: TestClient) -> None:
    w22 = client.get("/api/v1/wards", params={"wards": "wards-2022", "category": ["drugs", "public-order"]}).json()
    assert w22["filters"]["wards"] == "wards-2022" and len(w22["features"]) == 894
    every = client.get("/api/v1/wards", params={"category": "all"}).json()
    asb = client.get("/api/v1/wards").json()
    assert sum(f["properties"]["count"] for f in every["features"]) > sum(
        f["properties"]["count"] for f in asb["features"]
    )


def test_hexes_sum_to_incidents_with_a_point(client: TestClient, cleveland_store: Path) -> None:
    for res in (6, 8, 10):
        fc = client.get("/api/v1/hexes", params={"res": res, "from": "2025-06", "to": "2025-06"}).json()
        assert fc["resolution"] == res
        total = sum(f["properties"]["count"] for f in fc["features"])
        assert total == _scalar(
            cleveland_store,
            "SELECT count(*) FROM incidents WHERE category = 'asb' AND month = '2025-06-01' AND h3_cell IS NOT NULL",
        )
        assert all(len(f["properties"]["h3"]) == 15 for f in fc["features"])


def test_hexes_bbox_limits_the_layer(client: TestClient) -> None:
    # Middlesbrough town centre
    box = "-1.25,54.56,-1.22,54.58"
    fc = client.get("/api/v1/hexes", params={"res": 9, "bbox": box}).json()
    assert 0 < len(fc["features"]) < 80  # whole hexagons touching the box
    everywhere = client.get("/api/v1/hexes", params={"res": 9}).json()
    assert len(everywhere["features"]) > 5 * len(fc["features"])


def test_wards_without_the_previous_period_held_have_no_change(client: TestClient) -> None:
    fc = client.get("/api/v1/wards", params={"from": "2025-01", "to": "2025-03"}).json()
    assert fc["previous_period"] == {"from": "2024-10", "to": "2024-12", "held": False}
    props = [f["properties"] for f in fc["features"]]
    assert any(p["count"] for p in props)
    assert all(p["previous_count"] is None and p["change"] is None for p in props)  # no "previous 0, change +1347"


def test_map_tooltips_say_not_comparable_when_the_previous_period_is_not_held(client: TestClient) -> None:
    page = client.get("/", params={"from": "2025-01", "to": "2025-03"}).text
    assert "not held: not comparable" in page
    assert '"previous_text"' in page and '"change_text": "\\u2013"' in page or '"change_text": "–"' in page
    held = client.get("/", params={"from": "2025-10", "to": "2025-12"}).text
    assert "not held: not comparable" not in held and re.search(r'"change_text": "[+-]\d', held)


def _rows(store: Path, sql: str, params: list[object]) -> list[tuple[object, ...]]:
    con = open_store(store)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


PERIOD = {"from": "2025-10", "to": "2025-12"}
MONTHS = ["2025-10-01", "2025-12-01"]


def test_hotspots_take_a_study_area_and_name_each_cells_streets(client: TestClient, cleveland_store: Path) -> None:
    everywhere = client.get("/api/v1/hotspots", params={**PERIOD, "top": 40}).json()
    assert everywhere["area"]["type"] == "all" and everywhere["ward"] is None
    answer = client.get("/api/v1/hotspots", params={**PERIOD, "lad": "Middlesbrough", "top": 10})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["area"] == {"type": "lad", "code": "E06000002", "name": "Middlesbrough"}
    cells = body["hotspots"]
    assert len(cells) == 10 and [c["rank"] for c in cells] == list(range(1, 11))
    outside = {c["h3"] for c in everywhere["hotspots"]} - {c["h3"] for c in cells}
    assert outside  # the whole store's top cells include others (Stockton, Hartlepool, Nottingham)
    for cell in cells:
        cell_id = int(cell["h3"], 16)
        counted = _rows(
            cleveland_store,
            """SELECT count(*) FROM incidents i WHERE i.category = 'asb' AND i.month BETWEEN ? AND ?
                AND i.lad_code = 'E06000002' AND i.cell_9 = ?""",
            [*MONTHS, cell_id],
        )[0][0]
        assert cell["count"] == counted
        texts = _rows(
            cleveland_store,
            """SELECT location_text, count(*) AS n FROM incidents i
                WHERE i.category = 'asb' AND i.month BETWEEN ? AND ? AND i.lad_code = 'E06000002' AND i.cell_9 = ?
                GROUP BY 1 ORDER BY n DESC, 1 LIMIT 3""",
            [*MONTHS, cell_id],
        )
        assert cell["places"] == [{"place": t.removeprefix("On or near "), "count": n} for t, n in texts]
        assert cell["places"] and not any(p["place"].startswith("On or near") for p in cell["places"])


def test_hotspots_of_a_partnership_and_of_a_ward(client: TestClient, cleveland_store: Path) -> None:
    codes = _rows(cleveland_store, "SELECT csp_code, list(lad_code) FROM lad_areas GROUP BY 1", [])
    partnership, lads = next((c, sorted(ls)) for c, ls in codes if "E06000004" in ls)
    body = client.get("/api/v1/hotspots", params={**PERIOD, "csp": partnership, "top": 5}).json()
    assert body["area"]["type"] == "csp" and body["area"]["code"] == partnership
    wards = {w["properties"]["code"]: w["properties"]["lad"] for w in client.get("/api/v1/wards").json()["features"]}
    assert {wards[c["ward"]] for c in body["hotspots"]} <= set(lads)
    top_ward = body["hotspots"][0]["ward"]
    in_ward = client.get("/api/v1/hotspots", params={**PERIOD, "ward": top_ward, "top": 5}).json()
    assert in_ward["ward"]["code"] == top_ward and {c["ward"] for c in in_ward["hotspots"]} == {top_ward}
    for cell in in_ward["hotspots"]:
        counted = _rows(
            cleveland_store,
            """SELECT count(*) FROM incidents i JOIN place_wards pw ON pw.place_cell = i.place_cell
                AND pw.boundary_set = 'wards-2024' AND pw.ward_code = ?
                WHERE i.category = 'asb' AND i.month BETWEEN ? AND ? AND i.cell_9 = ?""",
            [top_ward, *MONTHS, int(cell["h3"], 16)],
        )[0][0]
        assert cell["count"] == counted and cell["places"]
    elsewhere = client.get("/api/v1/hotspots", params={"ward": top_ward, "lad": "Hartlepool"})
    assert elsewhere.status_code == 422 and "ward" in elsewhere.text
    unknown = client.get("/api/v1/hotspots", params={"csp": "Atlantis"})
    assert unknown.status_code == 422 and "Atlantis" in unknown.text
