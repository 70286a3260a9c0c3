"""Rising and falling wards tested against their area's own change, on the real Cleveland data."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from scipy.stats import binomtest

Q4 = {"from": "2025-10", "to": "2025-12"}


def test_movers_test_each_ward_against_the_area_change(client: TestClient) -> None:
    body = client.get("/api/v1/trends/movers", params={**Q4, "top": 200}).json()
    assert body["previous_period"] == {"from": "2025-07", "to": "2025-09"} and body["comparable"] is True
    total, previous = body["area_total"], body["area_previous_total"]
    assert total < previous and body["area_change_pct"] == pytest.approx(100 * (total / previous - 1), abs=0.05)
    movers = body["rising"] + body["falling"]
    assert len(movers) == body["wards_tested"] > 80
    assert sum(m["count"] for m in movers) == total  # every ward with incidents in either period is listed
    share = total / (total + previous)
    for m in movers:
        assert m["change"] == m["count"] - m["previous_count"]  # the raw change is still shown
        assert m["expected"] == pytest.approx(m["previous_count"] * total / previous, abs=0.05)
        assert m["excess"] == pytest.approx(m["count"] - m["previous_count"] * total / previous, abs=0.05)
        reference = binomtest(m["count"], m["count"] + m["previous_count"], share).pvalue
        assert m["p_value"] == pytest.approx(reference, rel=1e-2, abs=1e-9)
        assert m["q_value"] >= m["p_value"] * 0.999
        if abs(m["q_value"] - 0.05) > 1e-3:  # q is reported to 3 significant figures
            assert m["significant"] == (m["q_value"] < 0.05)
    rising, falling = body["rising"], body["falling"]
    assert [m["excess"] for m in rising] == sorted((m["excess"] for m in rising), reverse=True)
    assert [m["excess"] for m in falling] == sorted(m["excess"] for m in falling)
    # ASB falls from summer to winter in every force: against equal rates most wards would "fall significantly";
    # against the force's own fall only a few wards differ
    equal_rates = sum(binomtest(m["count"], m["count"] + m["previous_count"], 0.5).pvalue < 0.05 for m in movers)
    flagged = sum(m["significant"] for m in movers)
    assert flagged < equal_rates / 2


def test_movers_against_months_not_held_are_not_comparable(client: TestClient) -> None:
    body = client.get("/api/v1/trends/movers", params={**Q4, "compare": "last_year"}).json()
    assert body["comparable"] is False and body["rising"] == [] and body["falling"] == []
    assert "not comparable" in body["note"]
    default = client.get("/api/v1/trends/movers").json()  # the latest 12 months against the 12 before: not held
    assert default["comparable"] is False


def test_movers_within_one_authority_and_bad_parameters(client: TestClient) -> None:
    body = client.get("/api/v1/trends/movers", params={**Q4, "lad": "E06000001", "top": 50}).json()
    assert {m["lad"] for m in body["rising"] + body["falling"]} <= {"E06000001"}
    assert 0 < body["wards_tested"] <= 36
    everywhere = client.get("/api/v1/trends/movers", params={**Q4, "top": 200}).json()
    assert everywhere["wards_tested"] > body["wards_tested"]
    assert client.get("/api/v1/trends/movers", params={"alpha": 1.5}).status_code == 422
    r = client.get("/api/v1/trends/movers", params={"lad": "E99999999"})
    assert r.status_code == 422 and "no local authority district" in r.json()["detail"]
