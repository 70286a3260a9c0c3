"""Helpers of the disclosure tests: the council table's year and a ward layer's counts."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

COUNCIL_YEAR = {"source": "council", "from": "2025-01", "to": "2025-12"}


def wards(c: TestClient, **params: Any) -> dict[str, int | None]:
    response = c.get("/api/v1/wards", params=params)
    assert response.status_code == 200, response.text
    return {f["properties"]["code"]: f["properties"]["count"] for f in response.json()["features"]}
