"""/api/v1/repeat-places over HTTP: the ranked places for analysts, refused to the public."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_repeat_places_answers_analysts_with_ranked_places_and_the_caveat(client: TestClient) -> None:
    r = client.get("/api/v1/repeat-places", params={"lad": "Middlesbrough", "category": "asb", "top": 3})
    assert r.status_code == 200, r.text
    layer = r.json()
    places = layer["top"]["places"]
    assert [p["rank"] for p in places] == [1, 2, 3] and places[0]["count"] >= places[-1]["count"]
    assert "anonymised" in layer["note"] and all(p["snapped"] for p in places)
    assert layer["rolling"][-1]["to"] == layer["period"]["to"]


def test_repeat_places_checks_its_parameters(client: TestClient) -> None:
    assert client.get("/api/v1/repeat-places", params={"top": 0}).status_code in (400, 422)


def test_repeat_places_are_refused_to_the_public(client: TestClient) -> None:
    public = TestClient(client.app).get("/api/v1/repeat-places", params={"lad": "Middlesbrough"})
    assert public.status_code in (401, 403)
