"""Weekly series and weekly emerging hotspots on the demo store (council feeds are dated; police.uk is not)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from ingest.store.connection import open_served_store
from tests.conftest import sign_in

MIDDLESBROUGH = "E06000002"


@pytest.fixture(scope="module")
def demo_client(demo_store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=demo_store))) as c:
        yield c


@pytest.fixture
def analyst(demo_client: TestClient) -> TestClient:
    return sign_in(demo_client)  # type: ignore[return-value]


def test_weekly_counts_equal_the_dated_incidents_of_each_week(analyst: TestClient, demo_store: Path) -> None:
    r = analyst.get("/api/v1/trends", params={"interval": "week", "lad": MIDDLESBROUGH})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["interval"] == "week" and body["weeks"] == {"from": "2025-W02", "to": "2025-W52", "count": 51}
    series = {s["week_start"]: s["count"] for s in body["series"]}
    con = open_served_store(demo_store, Settings().memory_limit)  # the same instance the app holds
    try:
        rows = con.execute(
            """SELECT strftime(date_trunc('week', occurred_at), '%Y-%m-%d'), count(*) FROM incidents
               WHERE lad_code = ? AND category IN (SELECT unnest(?)) AND duplicate_of IS NULL
                 AND occurred_at >= DATE '2025-01-06' AND occurred_at < DATE '2025-12-29' GROUP BY 1""",
            [MIDDLESBROUGH, list(_asb_leaves())],
        ).fetchall()
        month_only = con.execute(
            """SELECT count(*) FROM incidents WHERE lad_code = ? AND category IN (SELECT unnest(?))
               AND duplicate_of IS NULL AND occurred_at IS NULL AND month BETWEEN DATE '2025-01-01' AND '2025-12-01'""",
            [MIDDLESBROUGH, list(_asb_leaves())],
        ).fetchall()[0][0]
    finally:
        con.close()
    expected = dict(rows)
    assert sum(expected.values()) > 300  # the wardens, casework and CRM samples are dated
    assert series == {week: expected.get(week, 0) for week in series}
    assert body["total"] == sum(expected.values())
    assert body["month_only"] == month_only > 0 and "month only" in body["warnings"][-1]
    profile = body["seasonality"]["index"]
    assert list(profile) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert sum(profile.values()) == pytest.approx(7, abs=0.01)
    # no dated data a year before: the change against it is flagged rather than trusted
    assert body["compared"]["last_year"]["held"] is False
    assert any("same weeks last year" in w for w in body["warnings"])


def _asb_leaves() -> tuple[str, ...]:
    from ingest.taxonomy import GROUPS

    return GROUPS["asb"]


def test_weekly_csv_and_police_only(analyst: TestClient) -> None:
    r = analyst.get("/api/v1/trends", params={"interval": "week", "from": "2025-10", "to": "2025-12", "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["week", "week_start", "count", "held", "area"] and rows[1][1] == "2025-10-06"
    assert {tuple(row[3:]) for row in rows[1:]} == {("true", "all")}
    assert rows[1][0] == "2025-W41" and rows[-1][0] == "2025-W52" and len(rows) == 13
    police = analyst.get("/api/v1/trends", params={"interval": "week", "source": "police"}).json()
    assert police["total"] == 0 and police["month_only"] > 0  # police.uk gives months only
    # no police incident is dated to the day: no week is held, so no week reads as a zero
    assert {(s["count"], s["held"]) for s in police["series"]} == {(None, False)}


def test_weekly_emerging_hotspots_warn_when_short(analyst: TestClient) -> None:
    params = {"interval": "week", "force": "cleveland", "res": 8, "from": "2025-07", "to": "2025-12"}
    r = analyst.get("/api/v1/hotspots/emerging", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["interval"] == "week" and body["slices"][0] == "2025-W28" and len(body["slices"]) == 25
    assert body["features"], "dated council records make weekly patterns"
    assert all(len(f["properties"]["counts"]) == 25 for f in body["features"])
    assert any("month only" in w for w in body["warnings"])
    short = analyst.get("/api/v1/hotspots/emerging", params={**params, "from": "2025-12", "to": "2025-12"})
    assert short.status_code == 200 and short.json()["slices"] == ["2025-W49", "2025-W50", "2025-W51", "2025-W52"]
    assert any("only 4 weekly slices" in w for w in short.json()["warnings"])


def test_published_series_stay_monthly(demo_client: TestClient) -> None:
    sign_in(demo_client, "councillor")
    r = demo_client.get("/api/v1/trends", params={"interval": "week", "source": "council"})
    assert r.status_code == 422 and "monthly" in r.text
