"""Hotspot significance holds its nominal level on Cleveland's real counts shuffled across the force's cells."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from api.services.caches import Caches
from api.services.calibration import calibration
from api.services.evaluation import force_areas
from api.services.filters import resolve_filters
from ingest.store.connection import open_served_store


@pytest.mark.parametrize("res", [8, 9])
def test_shuffled_cleveland_counts_are_called_hot_at_the_nominal_rate(cleveland_store: Path, res: int) -> None:
    con = open_served_store(cleveland_store)
    try:
        filters = resolve_filters(con, start=date(2025, 1, 1), end=date(2025, 12, 1), categories=("asb",), sources=())
        (area,) = force_areas(con, ["cleveland"], filters.boundary_set)
        caches = Caches()
        body = calibration(con, filters, area, res, 1, 20, 0, caches.wards, caches.lattices)
    finally:
        con.close()
    assert body["cells"] > 900 and body["incidents"] > 15000 and body["draws"] == 20
    for level in body["levels"]:
        expected = level["hot_share_expected"]
        noise = 4 * (expected / (body["cells"] * body["draws"])) ** 0.5 * 3  # neighbouring cells share draws
        assert abs(level["hot_share"] - expected) <= noise + 0.1 * expected, level
    one = body["levels"][0]
    assert one["normal_hot_share"] > 4 * one["hot_share"]  # the normal approximation over-calls at 1%
    fdr = body["fdr_hot"][-1]
    assert fdr["shuffles_with_any"] <= 6 and fdr["observed_cells"] > 20


def test_calibration_over_the_api(client: object) -> None:
    r = client.get("/api/v1/hotspots/calibration", params={"force": "cleveland", "res": 8, "draws": 5})  # type: ignore[attr-defined]
    assert r.status_code == 200
    body = r.json()
    assert body["area"]["name"] == "Cleveland" and body["draws"] == 5 and body["cells"] > 900
    assert [x["level"] for x in body["levels"]] == [0.01, 0.05, 0.1]
    again = client.get("/api/v1/hotspots/calibration", params={"force": "cleveland", "res": 8, "draws": 5})  # type: ignore[attr-defined]
    assert again.json()["levels"] == body["levels"]  # seeded: the same shuffles
