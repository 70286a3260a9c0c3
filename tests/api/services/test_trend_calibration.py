"""The emerging hotspots' trends hold their level on Cleveland's real counts shuffled across the months, cell by
cell, and every class that implies change has a rate on that null beside its rate on the real counts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from api.services.caches import Caches
from api.services.evaluation import force_areas
from api.services.filters import resolve_filters
from api.services.trend_calibration import CHANGE, calibrate_trends
from geo.emerging import CLASSES
from ingest.store.connection import open_served_store


def test_shuffled_months_call_trends_at_no_more_than_the_nominal_rate(cleveland_store: Path) -> None:
    con = open_served_store(cleveland_store)
    try:
        by_category = [
            resolve_filters(con, start=date(2025, 1, 1), end=date(2025, 12, 1), categories=(c,), sources=())
            for c in ("asb", "criminal-damage-arson")
        ]
        areas = force_areas(con, ["cleveland"], by_category[0].boundary_set)
        caches = Caches()
        results = calibrate_trends(con, areas, by_category, [8], 8, 0, caches.wards, caches.lattices)
    finally:
        con.close()
    assert [(r["category"], r["resolution"], r["draws"]) for r in results] == [
        ("asb", 8, 8),
        ("criminal-damage-arson", 8, 8),
    ]
    for r in results:
        assert r["months"] == 12 and r["active_cells"] > 600 and r["dense_cells"] > 200
        for level in r["levels"]:
            a, n = level["level"], r["active_cells"] * r["draws"]
            band = 4 * (a * (1 - a) / n) ** 0.5 * 3  # neighbouring cells share counts: fewer independent trials
            # at most the level (ties in sparse cells make Mann-Kendall call fewer), and not nothing
            assert 0.3 * a <= level["trend_share"] <= a + band, level
            assert level["dense_trend_share"] <= a + 4 * (a * (1 - a) / (r["dense_cells"] * r["draws"])) ** 0.5 * 3
        stated = {c["class"]: c for c in r["classes"]}
        assert list(stated) == list(CLASSES)
        for name in CHANGE:
            assert stated[name]["implies_change"] and stated[name]["shuffled_mean_cells"] is not None
            assert stated[name]["real_cells"] >= 0
        assert r["persistent_trend_share"] is None or r["persistent_trend_share"] <= 0.25


def test_the_time_null_over_the_api(client: TestClient) -> None:
    params = {"force": "cleveland", "res": 8, "draws": 2, "category": "asb"}
    r = client.get("/api/v1/hotspots/emerging/calibration", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["area"]["name"] == "Cleveland" and body["draws"] == 2 and body["category"] == "asb"
    assert [x["level"] for x in body["levels"]] == [0.1, 0.05]
    assert [c["class"] for c in body["classes"]] == list(CLASSES)
    again = client.get("/api/v1/hotspots/emerging/calibration", params=params).json()
    assert again["classes"] == body["classes"] and again["levels"] == body["levels"]  # seeded: the same shuffles
    short = client.get("/api/v1/hotspots/emerging/calibration", params={**params, "from": "2025-11", "to": "2025-12"})
    assert short.status_code == 422
