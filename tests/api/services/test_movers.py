"""Rising and falling wards with a significance flag, on the real Cleveland data."""

from __future__ import annotations

from math import comb

import pytest
from fastapi.testclient import TestClient

CLEVELAND = {"E06000001", "E06000002", "E06000003", "E06000004"}


def _exact_p(k: int, n: int) -> float:
    return min(1.0, 2 * sum(comb(n, i) for i in range(0, min(k, n - k) + 1)) / 2**n)


def test_movers_rank_and_test_ward_changes(client: TestClient) -> None:
    body = client.get("/api/v1/trends/movers", params={"from": "2025-10", "to": "2025-12", "top": 5}).json()
    assert body["previous_period"] == {"from": "2025-07", "to": "2025-09"}
    rising, falling = body["rising"], body["falling"]
    assert all(m["change"] > 0 for m in rising) and all(m["change"] < 0 for m in falling)
    assert [m["change"] for m in falling] == sorted(m["change"] for m in falling)
    assert [m["change"] for m in rising] == sorted((m["change"] for m in rising), reverse=True)
    for m in rising + falling:
        assert m["change"] == m["count"] - m["previous_count"]
        assert m["q_value"] >= m["p_value"] * 0.999
        if abs(m["q_value"] - 0.05) > 1e-3:  # q is reported to 3 significant figures
            assert m["significant"] == (m["q_value"] < 0.05)
        assert m["p_value"] == pytest.approx(_exact_p(m["count"], m["count"] + m["previous_count"]), rel=1e-2, abs=1e-9)
    # ASB falls from summer to winter in every force (README): the biggest faller is a large, significant drop
    assert falling[0]["significant"] and falling[0]["change"] <= -50


def test_movers_within_one_authority_and_bad_parameters(client: TestClient) -> None:
    body = client.get("/api/v1/trends/movers", params={"lad": "E06000001", "top": 50}).json()
    assert {m["lad"] for m in body["rising"] + body["falling"]} <= {"E06000001"}
    assert 0 < body["wards_tested"] <= 36
    everywhere = client.get("/api/v1/trends/movers", params={"top": 200}).json()
    assert everywhere["wards_tested"] > body["wards_tested"]
    assert client.get("/api/v1/trends/movers", params={"alpha": 1.5}).status_code == 422
    r = client.get("/api/v1/trends/movers", params={"lad": "E99999999"})
    assert r.status_code == 422 and "unknown LAD" in r.json()["detail"]
