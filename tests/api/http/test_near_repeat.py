"""/api/v1/near-repeat over HTTP: police.uk alone refused with the reason, parameters checked, refused to the public."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_police_uk_alone_is_refused_because_it_has_months_only(client: TestClient) -> None:
    r = client.get("/api/v1/near-repeat", params={"lad": "Middlesbrough"})
    assert r.status_code == 422, r.text
    assert "dated to the day" in r.text and "month only" in r.text


def test_near_repeat_checks_its_parameters(client: TestClient) -> None:
    for bad in ({"distance_band": 0}, {"metric": "chebyshev"}, {"same_place": 60}, {"permutations": 5000}):
        assert client.get("/api/v1/near-repeat", params={"lad": "Middlesbrough", **bad}).status_code in (400, 422)
    r = client.get("/api/v1/near-repeat", params={"lad": "Middlesbrough", "same_place": 20, "distance_band": 10})
    assert r.status_code == 422 and "same_place" in r.text


def test_near_repeat_is_refused_to_the_public(client: TestClient) -> None:
    assert TestClient(client.app).get("/api/v1/near-repeat", params={"lad": "Middlesbrough"}).status_code in (401, 403)
