"""Source coverage: per feed and month, rows held, quarantine by reason, precision shares and gap flags."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from tests.conftest import sign_in


@pytest.fixture(scope="module")
def demo(demo_store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=demo_store))) as c:
        sign_in(c)
        yield c


def held(client: TestClient, sql: str) -> list[tuple[object, ...]]:
    """Rows from the served store (through the app's own connection)."""
    cursor = client.app.state.con.cursor()  # type: ignore[attr-defined]
    try:
        return cursor.execute(sql).fetchall()
    finally:
        cursor.close()


def test_every_feed_is_reported_month_by_month_with_totals_that_match_the_store(demo: TestClient) -> None:
    body = demo.get("/api/v1/sources").json()
    feeds = {f["feed"]: f for f in body["feeds"]}
    assert set(feeds) == {"police.uk", "cleveland-wardens", "cleveland-council-crm", "cleveland-councillor-casework"}
    stored = dict(held(demo, "SELECT feed, count(*) FROM incidents GROUP BY feed"))
    quarantined = dict(
        held(demo, "SELECT r.feed, count(*) FROM quarantine q JOIN ingest_runs r USING (run_id) GROUP BY 1")
    )
    for name, feed in feeds.items():
        assert feed["loaded"] == stored[name] == sum(m["loaded"] for m in feed["months"])
        assert feed["quarantined"] == quarantined.get(name, 0)
        assert feed["quarantined"] == sum(m["quarantined"] for m in feed["months"]) + feed["quarantined_month_unknown"]
        assert sum(feed["quarantine_reasons"].values()) == feed["quarantined"]
        for month in feed["months"]:
            if month["loaded"]:
                assert sum(month["precision"].values()) == pytest.approx(1, abs=1e-3)
    wardens = feeds["cleveland-wardens"]
    assert wardens["quarantine_reasons"]["category '…' is not mapped in profile cleveland-wardens"] == 50
    assert wardens["quarantined_month_unknown"] == 8  # rows whose date could not be read
    assert set(wardens["precision"]) == {"point", "ward"}
    assert feeds["police.uk"]["precision"] == {"snap-point": 1.0}


def test_the_crm_outage_is_flagged_and_the_steady_feeds_are_not(demo: TestClient) -> None:
    body = demo.get("/api/v1/sources").json()
    feeds = {f["feed"]: f for f in body["feeds"]}
    crm = feeds["cleveland-council-crm"]
    assert crm["status"] == "gaps"
    assert [(g["month"], g["kind"]) for g in crm["gaps"]] == [("2025-10", "low")]
    october = next(m for m in crm["months"] if m["month"] == "2025-10")
    assert october["gap"]["count"] == october["loaded"] and october["loaded"] < 0.5 * october["gap"]["expected"]
    assert all(f["status"] == "ok" for name, f in feeds.items() if name != "cleveland-council-crm")
    assert body["flagged"] == 1


def test_a_source_filter_narrows_the_report_and_unknown_sources_are_refused(demo: TestClient) -> None:
    body = demo.get("/api/v1/sources", params={"source": "warden"}).json()
    assert [f["feed"] for f in body["feeds"]] == ["cleveland-wardens"]
    bad = demo.get("/api/v1/sources", params={"source": "fax"})
    assert bad.status_code == 422 and "fax" in bad.json()["detail"]


def test_the_sources_page_shows_the_flag(demo: TestClient) -> None:
    page = demo.get("/sources")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "1 month(s) flagged" in page.text and "aim-gap-low" in page.text
    assert page.text.count('<section class="aim-feed"') == 4


def test_layers_say_how_precisely_their_incidents_are_located(demo: TestClient) -> None:
    hexes = demo.get("/api/v1/hexes", params={"precision": "true", "source": ["complaint", "warden"]}).json()
    for ft in hexes["features"]:
        assert sum(ft["properties"]["located"].values()) == ft["properties"]["count"]
        assert set(ft["properties"]["located"]) <= {"point", "postcode"}
    wards = demo.get("/api/v1/wards", params={"precision": "true", "source": "councillor"}).json()
    located = [ft["properties"]["located"] for ft in wards["features"]]
    assert sum(loc.get("ward", 0) for loc in located) > 0  # casework located by ward name only
    counts = [ft["properties"]["count"] for ft in wards["features"]]
    assert [sum(loc.values()) for loc in located] == counts
    assert "located" not in demo.get("/api/v1/hexes").json()["features"][0]["properties"]


def test_the_map_has_a_layer_per_source_and_links_to_the_flagged_report(demo: TestClient) -> None:
    page = demo.get("/").text
    for source in ("police", "warden", "councillor", "complaint"):
        assert f"Hexagons: {source} only" in page
    assert "Hexagons, all sources" in page
    assert "1 source month(s) flagged" in page and 'href="/sources"' in page
    assert "postcode centroid" in page  # tooltips say how cells are located
