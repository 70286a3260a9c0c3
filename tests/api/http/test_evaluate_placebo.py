"""GET /api/v1/evaluate/placebo: the placebo audit of problem evaluations for analysts only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import sign_in

URL = "/api/v1/evaluate/placebo"


def test_the_placebo_audit_over_the_api(client: TestClient) -> None:
    r = client.get(URL, params={"force": "cleveland", "category": "asb", "per_size": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["area"]["name"] == "Cleveland" and body["category"] == "asb" and body["seed"] == 0
    rows = {row["group"]: row for row in body["rows"]}
    overall = rows["Cleveland, all"]
    assert overall["cases"] == 3 * 4 * 2 and {"1 cell", "7 cells", "19 cells", "ward"} <= set(rows)
    assert overall["called"] == overall["fell"] + overall["rose"] and overall["band_high"] > 0.05
    assert 0 <= overall["power_20"] <= overall["power_35"] + 0.25
    assert client.get(URL, params={"force": "cleveland", "category": "burglary"}).status_code == 422
    assert client.get(URL).status_code == 422  # no area named: the whole store is too much for a request


def test_only_analysts_may_run_it(client: TestClient) -> None:
    try:
        sign_in(client, "partner", ("police",))
        assert client.get(URL, params={"force": "cleveland"}).status_code == 403
    finally:
        sign_in(client)
