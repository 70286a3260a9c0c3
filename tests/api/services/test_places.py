"""Places by code or name: LADs and wards, with ambiguous ward names asked to be made precise."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_a_district_by_name_or_code_gives_the_same_answer(client: TestClient) -> None:
    by_code = client.get("/api/v1/trends", params={"lad": "E06000002"}).json()
    by_name = client.get("/api/v1/trends", params={"lad": "middlesbrough"}).json()
    assert by_code["area"] == by_name["area"] == {"type": "lad", "code": "E06000002", "name": "Middlesbrough"}
    assert by_code["series"] == by_name["series"]
    movers = client.get("/api/v1/trends/movers", params={"lad": "Middlesbrough", "from": "2025-10", "to": "2025-12"})
    assert movers.status_code == 200 and movers.json()["lad"] == "E06000002"
    gi = client.get("/api/v1/hotspots/gi", params={"lad": "Middlesbrough", "res": 8})
    assert gi.status_code == 200 and gi.json()["area"]["code"] == "E06000002"
    unknown = client.get("/api/v1/trends", params={"lad": "Atlantis"})
    assert unknown.status_code == 422 and "Atlantis" in unknown.text


def test_a_ward_by_name_code_or_name_and_district(client: TestClient) -> None:
    wards = client.get("/api/v1/wards", params={"from": "2025-12", "to": "2025-12"}).json()["features"]
    names: dict[str, list[dict]] = {}
    for f in wards:
        names.setdefault(f["properties"]["name"], []).append(f["properties"])
    unique = next(p[0] for n, p in names.items() if len(p) == 1 and p[0]["lad_name"] == "Middlesbrough")
    by_code = client.get("/api/v1/trends", params={"ward": unique["code"]}).json()
    by_name = client.get("/api/v1/trends", params={"ward": unique["name"].upper()}).json()
    assert by_code["area"]["code"] == by_name["area"]["code"] == unique["code"]
    assert by_code["series"] == by_name["series"]
    shared = next((n, p) for n, p in names.items() if len(p) > 1)
    refused = client.get("/api/v1/trends", params={"ward": shared[0]})
    assert refused.status_code == 422 and all(p["code"] in refused.text for p in shared[1][:10])
    precise = client.get("/api/v1/trends", params={"ward": f"{shared[0]}, {shared[1][0]['lad_name']}"})
    assert precise.status_code == 200 and precise.json()["area"]["code"] == shared[1][0]["code"]
