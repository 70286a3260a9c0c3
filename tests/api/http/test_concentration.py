"""/api/v1/concentration over HTTP: the layer for analysts, refused to the public."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_concentration_answers_analysts_with_the_figures_and_the_cells(client: TestClient) -> None:
    r = client.get("/api/v1/concentration", params={"lad": "Middlesbrough", "category": "asb", "draws": 20})
    assert r.status_code == 200, r.text
    layer = r.json()
    assert layer["type"] == "FeatureCollection" and layer["features"]
    (row,) = layer["concentration"]
    assert row["area_name"] == "Middlesbrough" and row["category"] == "asb" and row["gini"] > 0
    assert "snap point" in layer["note"]


def test_concentration_checks_its_parameters(client: TestClient) -> None:
    assert client.get("/api/v1/concentration", params={"res": 11}).status_code in (400, 422)


def test_concentration_is_refused_to_the_public(client: TestClient) -> None:
    assert TestClient(client.app).get("/api/v1/concentration", params={"lad": "Middlesbrough"}).status_code in (
        401,
        403,
    )
