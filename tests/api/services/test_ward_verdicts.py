"""One verdict per ward: the movers list and a ward's trend read the same test, over the same study area."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from scipy.stats import binomtest

from api.http.app import create_app
from api.settings import Settings
from tests.conftest import sign_in

Q4 = {"from": "2025-10", "to": "2025-12"}


@pytest.fixture(scope="module")
def demo(demo_store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=demo_store, tile_url="none"))) as c:
        sign_in(c)
        yield c


def _movers(client: TestClient, **params: str) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/api/v1/trends/movers", params={**params, "top": "200"}).json()
    return body


def _trend_verdicts(client: TestClient, codes: list[str], **params: str) -> dict[str, dict[str, Any]]:
    out = {}
    for code in codes:
        answer = client.get("/api/v1/trends", params={**params, "ward": code})
        assert answer.status_code == 200, answer.text
        out[code] = answer.json()
    return out


@pytest.mark.parametrize("area", ["force:cleveland", "lad:E06000002"])
def test_every_ward_of_the_demo_gets_one_verdict_from_the_movers_and_its_trend(demo: TestClient, area: str) -> None:
    params = {**Q4, **({"area": area} if area else {})}
    movers = _movers(demo, **params)
    assert movers["comparable"] is True
    listed = {m["code"]: m for m in movers["rising"] + movers["falling"]}
    wards = [f["properties"] for f in demo.get("/api/v1/wards", params=Q4).json()["features"]]
    chosen = [w["code"] for w in wards if area != "lad:E06000002" or w["lad"] == "E06000002"]
    assert len(chosen) >= 20 and {m["lad"] for m in listed.values()} <= {w["lad"] for w in wards}
    trends = _trend_verdicts(demo, chosen, **params)
    disagreements = []
    for code, trend in trends.items():
        verdict = trend["compared"]["previous_period"]
        mover = listed.get(code)
        if mover is None:  # not listed: no incident in either period, or exactly as expected
            assert verdict["significant"] is False, code
            continue
        assert (trend["total"], verdict["total"]) == (mover["count"], mover["previous_count"])
        assert (verdict["p_value"], verdict["q_value"]) == (mover["p_value"], mover["q_value"])
        if verdict["significant"] != mover["significant"]:
            disagreements.append(code)
    assert disagreements == []
    assert any(m["significant"] for m in listed.values()) and not all(m["significant"] for m in listed.values())
    first = next(iter(trends.values()))
    assert first["test"] == movers["test"] and "area's own change" in first["test"]


def test_a_ward_the_equal_rates_test_calls_significant_is_not_when_its_area_moved_as_much(demo: TestClient) -> None:
    """The disagreement that was: a ward falling with the season reads 'significant' against equal rates alone."""
    movers = _movers(demo, **Q4, area="force:cleveland")
    falls = [
        m
        for m in movers["falling"] + movers["rising"]
        if not m["significant"]
        and (m["change_pct"] or 0) < -15
        and binomtest(m["count"], m["count"] + m["previous_count"], 0.5).pvalue < 0.05  # equal rates: "significant"
    ]
    assert falls, "a ward falling by more than 15% with its area: significant against equal rates, not against it"
    trend = demo.get("/api/v1/trends", params={**Q4, "ward": falls[0]["code"], "area": "force:cleveland"}).json()
    verdict = trend["compared"]["previous_period"]
    assert verdict["significant"] is False and verdict["against"]["name"] == "Cleveland"


def test_the_movers_keep_to_the_chosen_study_area(client: TestClient) -> None:
    # February against January: Nottinghamshire is held in January only, so its wards fell to nothing
    feb = {"from": "2025-02", "to": "2025-02"}
    everywhere = _movers(client, **feb)
    cleveland = _movers(client, **feb, area="force:cleveland")
    lads = {"E06000001", "E06000002", "E06000003", "E06000004"}  # Hartlepool, Middlesbrough, Redcar, Stockton
    assert {m["lad"] for m in everywhere["falling"]} - lads, "Nottinghamshire's wards are among every ward"
    assert {m["lad"] for m in cleveland["rising"] + cleveland["falling"]} <= lads
    assert cleveland["area"] == {"type": "force", "code": "E23000013", "name": "Cleveland"}
    assert cleveland["wards_tested"] < everywhere["wards_tested"]
    one = _movers(client, **feb, area="lad:E06000001")
    assert one["wards_tested"] == _movers(client, **feb, lad="E06000001")["wards_tested"]
    both = client.get("/api/v1/trends/movers", params={**feb, "area": "force:cleveland", "lad": "E06000001"})
    assert both.status_code == 422
    page = client.get("/", params={**feb, "area": "force:cleveland"}).text
    assert "/api/v1/trends/movers?" in page and "area=force%3Acleveland" in page
    assert 'data-area="force:cleveland"' in page  # the trend panel asks for a ward's verdict in the same area


def test_a_ward_outside_the_study_area_is_tested_among_its_own_authority(client: TestClient) -> None:
    hartlepool = {m["code"]: m for m in _movers(client, **Q4, area="lad:E06000001")["rising"]}
    code, mover = next(iter(hartlepool.items()))
    trend = client.get("/api/v1/trends", params={**Q4, "ward": code, "area": "lad:E06000002"}).json()
    verdict = trend["compared"]["previous_period"]
    assert verdict["against"]["code"] == "E06000001" and verdict["against"]["type"] == "lad"
    assert (verdict["q_value"], verdict["significant"]) == (mover["q_value"], mover["significant"])


def test_a_ward_trend_shows_its_area_change_beside_its_own(demo: TestClient) -> None:
    movers = _movers(demo, **Q4, area="force:cleveland")
    mover = movers["falling"][0]
    trend = demo.get("/api/v1/trends", params={**Q4, "ward": mover["code"], "area": "force:cleveland"}).json()
    verdict = trend["compared"]["previous_period"]
    assert (verdict["area_total"], verdict["area_previous_total"]) == (
        movers["area_total"],
        movers["area_previous_total"],
    )
    assert verdict["area_change_pct"] == movers["area_change_pct"] and verdict["change_pct"] == mover["change_pct"]


def test_a_district_trend_is_tested_against_its_area_change(demo: TestClient) -> None:
    lads = ("E06000001", "E06000002", "E06000003", "E06000004")  # Cleveland's four districts
    bodies = {
        lad: demo.get("/api/v1/trends", params={**Q4, "lad": lad, "area": "force:cleveland"}).json() for lad in lads
    }
    verdicts = {lad: b["compared"]["previous_period"] for lad, b in bodies.items()}
    first = verdicts[lads[0]]
    assert first["against"] == {"type": "force", "code": "E23000013", "name": "Cleveland"}
    assert first["area_total"] == sum(b["total"] for b in bodies.values())  # the area: its districts together
    assert first["area_previous_total"] == sum(v["total"] for v in verdicts.values())
    share = first["area_total"] / (first["area_total"] + first["area_previous_total"])
    raw = []
    for lad, body in bodies.items():
        v = verdicts[lad]
        p = binomtest(body["total"], body["total"] + v["total"], share).pvalue
        assert v["p_value"] == float(f"{p:.3g}") and v["area_change_pct"] == first["area_change_pct"]
        assert v["expected"] == round(v["total"] * first["area_total"] / first["area_previous_total"], 1)
        assert body["test"].startswith("the district against its area's own change")
        raw.append(binomtest(body["total"], body["total"] + v["total"], 0.5).pvalue)
    # the season: the area fell, so equal rates call districts significant that its own change does not
    assert first["area_change_pct"] < -10
    assert sum(p < 0.05 for p in raw) > sum(v["significant"] for v in verdicts.values())
    alone = demo.get("/api/v1/trends", params={**Q4, "lad": lads[0]}).json()["compared"]["previous_period"]
    assert alone["against"]["type"] == "all" and alone["against"]["name"] == "every district held"


def test_a_trend_within_one_year_held_says_a_season_cannot_be_told_from_it(demo: TestClient) -> None:
    quarter = demo.get("/api/v1/trends", params={**Q4, "lad": "E06000002"}).json()
    assert quarter["seasonality"]["years"] < 2
    assert (
        quarter["season"]["told_apart"] is False and "a season cannot be told from a trend" in quarter["season"]["note"]
    )
    assert "area's own change" in quarter["season"]["note"]
    everywhere = demo.get("/api/v1/trends", params=Q4).json()
    assert everywhere["season"]["told_apart"] is False and "equal rates" in everywhere["season"]["note"]
    year = demo.get("/api/v1/trends", params={"from": "2025-01", "to": "2025-12"}).json()
    assert year["season"]["told_apart"] is True
