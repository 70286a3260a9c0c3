"""Trends (JSON and CSV), hotspots and healthz over HTTP."""

from __future__ import annotations

from fastapi.testclient import TestClient
from scipy.stats import binomtest


def test_lad_trend_is_zero_filled_and_matches_wards(client: TestClient) -> None:
    r = client.get("/api/v1/trends", params={"lad": "E06000002"})
    body = r.json()
    assert r.status_code == 200 and body["area"]["name"] == "Middlesbrough"
    assert [p["month"] for p in body["series"]] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert body["total"] == sum(p["count"] for p in body["series"]) > 4000


def test_ward_trend_sums_to_the_ward_count(client: TestClient) -> None:
    wards = client.get("/api/v1/wards").json()["features"]
    top = max(wards, key=lambda f: f["properties"]["count"])["properties"]
    body = client.get("/api/v1/trends", params={"ward": top["code"]}).json()
    assert body["area"]["name"] == top["name"] and body["total"] == top["count"]


def test_trend_csv(client: TestClient) -> None:
    r = client.get("/api/v1/trends", params={"lad": "E06000001", "format": "csv", "from": "2025-01", "to": "2025-03"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.strip().splitlines()
    assert lines[0] == "month,count,held,area" and [ln.split(",")[0] for ln in lines[1:]] == [
        "2025-01",
        "2025-02",
        "2025-03",
    ]
    assert all(ln.split(",")[2:] == ["true", "E06000001"] and int(ln.split(",")[1]) > 0 for ln in lines[1:])


def test_months_not_held_are_marked_not_counted_as_zero(client: TestClient) -> None:
    # the store holds 2025 only: October to December 2024 are not held, so they have no count (not 0)
    params = {"lad": "E06000002", "from": "2024-10", "to": "2025-03"}
    body = client.get("/api/v1/trends", params=params).json()
    series = body["series"]
    assert [(s["month"], s["count"], s["held"]) for s in series[:3]] == [
        ("2024-10", None, False),
        ("2024-11", None, False),
        ("2024-12", None, False),
    ]
    assert all(s["held"] is True and s["count"] > 0 for s in series[3:])
    assert body["total"] == sum(s["count"] for s in series[3:])
    lines = client.get("/api/v1/trends", params={**params, "format": "csv"}).text.strip().splitlines()
    assert lines[1:4] == ["2024-10,,false,E06000002", "2024-11,,false,E06000002", "2024-12,,false,E06000002"]
    assert lines[4].startswith("2025-01,") and lines[4].endswith(",true,E06000002")
    whole = client.get("/api/v1/trends", params={"from": "2024-10", "to": "2025-03", "format": "csv"}).text.splitlines()
    assert whole[1] == "2024-10,,false,all"


def test_whole_area_trend_follows_the_readme_months(client: TestClient) -> None:
    # Cleveland ASB by month from the README; Nottinghamshire contributes January only.
    cleveland = [1061, 1181, 1621, 1703, 1749, 1672, 1668, 1773, 1442, 1585, 1185, 964]
    body = client.get("/api/v1/trends", params={"from": "2025-02", "to": "2025-12"}).json()
    assert [p["count"] for p in body["series"]] == cleveland[1:]


def test_hotspots_ranked_with_wards(client: TestClient) -> None:
    body = client.get("/api/v1/hotspots", params={"res": 9, "top": 5}).json()
    rows = body["hotspots"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    assert [r["count"] for r in rows] == sorted((r["count"] for r in rows), reverse=True)
    assert all(r["ward"] and r["ward_name"] for r in rows)
    hexes = client.get("/api/v1/hexes", params={"res": 9}).json()["features"]
    assert rows[0]["count"] == max(f["properties"]["count"] for f in hexes)


def test_healthz_reports_freshness(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["sources"]["police"]["latest_month"] == "2025-12"
    assert body["sources"]["police"]["incidents"] == 89391 + 9548  # Cleveland year + Nottinghamshire January rows
    assert [b["name"] for b in body["boundary_sets"]] == ["wards-2024", "wards-2022"]


def test_trend_compares_with_the_previous_period_and_last_year_with_a_test(client: TestClient) -> None:
    # Cleveland ASB (README): Q4 2025 = 1585 + 1185 + 964 = 3734 against Q3 = 1668 + 1773 + 1442 = 4883
    body = client.get("/api/v1/trends", params={"from": "2025-10", "to": "2025-12", "lad": "E06000002"}).json()
    prev = body["compared"]["previous_period"]
    assert prev["from"] == "2025-07" and prev["held"] is True
    assert body["total"] < prev["total"]
    # a district is tested against its area's own change (here every district held): Q4 fell with the season
    # everywhere, so what equal rates call a significant fall (p < 0.001) is tested against the area's fall instead
    assert prev["against"] == {"type": "all", "code": None, "name": "every district held"}
    assert binomtest(body["total"], body["total"] + prev["total"], 0.5).pvalue < 0.001
    share = prev["area_total"] / (prev["area_total"] + prev["area_previous_total"])
    assert prev["p_value"] == float(f"{binomtest(body['total'], body['total'] + prev['total'], share).pvalue:.3g}")
    assert prev["area_change_pct"] < -20 and body["season"]["told_apart"] is False
    last_year = body["compared"]["last_year"]
    assert last_year["from"] == "2024-10" and last_year["held"] is False and last_year["comparable"] is False
    # 2024 is not held: no total, no change, no test (an empty year would make every ward "significantly rising")
    assert last_year["total"] is None and last_year["change"] is None
    assert last_year["p_value"] is None and last_year["significant"] is None
    whole = client.get("/api/v1/trends", params={"from": "2025-10", "to": "2025-12"}).json()
    assert whole["total"] == 3734 and whole["compared"]["previous_period"]["total"] == 4883
    # the whole area has no area around it to compare with: equal rates, and the season cannot be told apart
    assert whole["compared"]["previous_period"]["significant"] is True
    assert whole["compared"]["previous_period"]["p_value"] < 0.001 and whole["season"]["told_apart"] is False


def test_trend_of_one_hex_cell_and_its_seasonality(client: TestClient) -> None:
    top = client.get("/api/v1/hotspots", params={"res": 9, "top": 1}).json()["hotspots"][0]
    body = client.get("/api/v1/trends", params={"h3": top["h3"]}).json()
    assert body["area"] == {"type": "h3", "code": top["h3"], "resolution": 9}
    assert body["total"] == top["count"]
    season = body["seasonality"]
    assert len(season["index"]) == 12 and season["years"] == 1 and "cannot be told apart" in season["note"]
    assert sum(season["index"].values()) == __import__("pytest").approx(12, abs=0.01)
    bad = client.get("/api/v1/trends", params={"h3": "89194654e33fff0"})
    assert bad.status_code == 422 and "h3" in bad.text


def test_movers_against_last_year_say_what_they_compare(client: TestClient) -> None:
    body = client.get(
        "/api/v1/trends/movers", params={"compare": "last_year", "from": "2025-10", "to": "2025-12"}
    ).json()
    assert body["compare"] == "last_year" and body["previous_period"] == {"from": "2024-10", "to": "2024-12"}


def test_a_cell_trend_is_the_word_the_patrol_plan_gives_the_cell(client: TestClient) -> None:
    period = {"from": "2025-01", "to": "2025-12"}
    plan = client.get("/api/v1/patrol-plan", params={**period, "force": "cleveland", "cells": 8}).json()
    assert len(plan["cells"]) == 8
    for row in plan["cells"]:
        body = client.get("/api/v1/trends", params={**period, "h3": row["h3"], "area": "force:cleveland"}).json()
        assert body["cell_trend"]["trend"] == row["trend"] and body["cell_trend"]["area"]["name"] == "Cleveland"
    alone = client.get("/api/v1/trends", params={**period, "h3": plan["cells"][0]["h3"]}).json()
    assert "cell_trend" not in alone  # no study area: no cells to be among
