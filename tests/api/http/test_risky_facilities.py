"""/api/v1/risky-facilities over HTTP: a CSV sent as a multipart file, the ranked facilities; bad files and the
public refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

CSV = b"name,longitude,latitude\nA,-1.2345,54.5742\nB,-1.2301,54.5760\nC,-1.2400,54.5700\n"


def test_facilities_are_ranked_with_their_incidents(client: TestClient) -> None:
    r = client.post(
        "/api/v1/risky-facilities",
        params={"lad": "Middlesbrough", "within": 200},
        files={"file": ("pubs.csv", CSV, "text/csv")},
    )
    assert r.status_code == 200, r.text
    layer = r.json()
    assert layer["file"] == {"kind": "CSV", "facilities": 3, "size": None} and layer["within_m"] == 200
    counts = [ft["properties"]["count"] for ft in layer["features"]]
    assert counts == sorted(counts, reverse=True) and sum(counts) == layer["attributed"] <= layer["incidents"]


def test_a_file_without_locations_is_refused(client: TestClient) -> None:
    r = client.post("/api/v1/risky-facilities", params={"lad": "Middlesbrough"}, content=b"name\nA\n")
    assert r.status_code == 422 and "longitude" in r.text
    assert client.post("/api/v1/risky-facilities", params={"within": 1}, content=CSV).status_code == 422


def test_risky_facilities_are_refused_to_the_public(client: TestClient) -> None:
    public = TestClient(client.app).post("/api/v1/risky-facilities", content=CSV)
    assert public.status_code in (401, 403)
