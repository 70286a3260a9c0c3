"""Invalid parameters get a 422 with a readable message, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

CASES = [
    ("/api/v1/wards?from=2025-13", "from", "YYYY-MM"),
    ("/api/v1/wards?to=last%20month", "to", "YYYY-MM"),
    ("/api/v1/wards?from=2025-06&to=2025-01", "from", "after to"),
    ("/api/v1/wards?category=loudness", "category", "unknown category 'loudness'"),
    ("/api/v1/wards?source=twitter", "source", "unknown source 'twitter'"),
    ("/api/v1/wards?wards=wards-1999", "wards", "unknown boundary set 'wards-1999'"),
    ("/api/v1/hexes?res=5", "res", "greater than or equal to 6"),
    ("/api/v1/hexes?res=eleven", "res", "integer"),
    ("/api/v1/hexes?bbox=1,2,3", "bbox", "four numbers"),
    ("/api/v1/hexes?bbox=-1,54,-2,55", "bbox", "smaller than max"),
    ("/api/v1/hexes?bbox=-1,54,-0.5,95", "bbox", "latitudes"),
    ("/api/v1/trends?ward=E05000000", "ward", "no ward 'E05000000'"),
    ("/api/v1/trends?lad=E99999999", "lad", "no local authority district"),
    ("/api/v1/trends?lad=E06000001&ward=E05013039", "ward", "give one of"),
    ("/api/v1/trends?interval=day", "interval", "week"),
    ("/api/v1/trends?interval=week&from=2025-02&to=2025-01", "from", "after to"),
    ("/api/v1/trends?format=xlsx", "format", "csv"),
    ("/api/v1/hotspots?top=0", "top", "greater than or equal to 1"),
    ("/?res=99", "res", "less than or equal to 10"),
]


@pytest.mark.parametrize(("url", "parameter", "text"), CASES)
def test_invalid_parameters_are_422_with_a_message(client: TestClient, url: str, parameter: str, text: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, r.text
    body = r.json()
    assert text in body["detail"]
    assert body["errors"][0]["parameter"] == parameter
