"""police.uk lags council feeds by a month or two: one warden month ahead of it (January 2026 on the demo store, whose
police.uk data ends in December 2025) must not move the defaults into a month without police data. The map, the API
and the trend CSV keep Jan-Dec 2025 and say why; police.uk is lagging, not stopped; the feed check says what a new
month does to the defaults; the tasking pack keeps its hotspots and names each section's months."""

from __future__ import annotations

import gzip
import io
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.database.tasking import TaskingStore
from api.http.app import create_app
from api.rules import gap_rule
from api.services.caches import Caches
from api.services.tasking_pack import PackOptions, tasking_pack
from api.settings import Settings
from ingest.pipeline import IngestOptions, run
from ingest.registry import resolve_feed
from ingest.store.connection import open_served_store
from tests.api.conftest import with_demo_problems
from tests.api.http.test_feeds_page import check, signed_in
from tests.conftest import police_file, sign_in

WARDEN_HEADER = [
    "Cleveland Community Wardens - Patrol Log Export",
    "Run 02/02/2026 09:14",
    "Case Ref,Date,Time,Officer,Incident Type,Location,Easting,Northing,Ward,Result",
]
MEETING = date(2026, 2, 10)  # January 2026 is complete; police.uk publishes it in late February


def warden_file(folder: Path, day: str) -> Path:
    """A wardens export of one fly-tipping report on `day` (DD/MM/YYYY), in Hemlington."""
    row = f"WDN/26/00001,{day},18:09,K. Patel,FLYTIP,Church Ln,449265,514732,Hemlington,Action taken"
    path = folder / f"wardens-{day.replace('/', '-')}.csv"
    path.write_text("\n".join([*WARDEN_HEADER, row]) + "\n", encoding="cp1252")
    return path


@pytest.fixture(scope="module")
def ahead(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store (its two problems opened) after one warden upload for January 2026."""
    folder = tmp_path_factory.mktemp("ahead")
    store = with_demo_problems(demo_store, folder)
    con = open_served_store(store, "1GB")
    try:
        assert run(resolve_feed("cleveland-wardens"), warden_file(folder, "05/01/2026"), con, IngestOptions()).loaded
    finally:
        con.close()
    return store


@pytest.fixture(scope="module")
def client(ahead: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=ahead, tile_url="none", cookie_secure=False))) as c:
        sign_in(c)
        yield c


def test_the_default_period_stays_with_police_and_says_why(client: TestClient) -> None:
    for path in ("/api/v1/wards", "/api/v1/hexes", "/api/v1/trends/movers"):
        period = client.get(path).json()["period"]
        assert (period["from"], period["to"]) == ("2025-01", "2025-12"), path
        assert "the latest month police holds" in period["note"] and "warden to 2026-01" in period["note"]
    warden_only = client.get("/api/v1/wards", params={"source": "warden"}).json()["period"]
    assert (warden_only["from"], warden_only["to"]) == ("2025-01", "2025-12")
    asked = client.get("/api/v1/wards", params={"to": "2026-01"}).json()["period"]
    assert asked == {"from": "2025-02", "to": "2026-01"}  # months asked for are answered as asked, with no note


def test_the_public_is_told_the_rule_without_the_council_sources(ahead: Path) -> None:
    with TestClient(create_app(Settings(store=ahead, tile_url="none"))) as public:
        period = public.get("/api/v1/wards", params={"source": "council"}).json()["period"]
    assert period["to"] == "2025-12" and "warden" not in period["note"] and "police" not in period["note"]
    assert period["note"] == (
        "default period: ends at 2025-12, the latest month every core source holds; later months of other sources are "
        "left out until then"
    )


def test_the_map_legend_names_the_period_and_the_rule(client: TestClient) -> None:
    page = client.get("/").text
    note = re.search(r'id="aim-period-note">([^<]*)<', page)
    assert note, "the legend says why the period ends where it does"
    assert note.group(1).startswith("2025: default period: ends at 2025-12, the latest month police holds")


def test_the_trend_csv_ends_with_the_last_police_month(client: TestClient) -> None:
    rows = client.get("/api/v1/trends", params={"format": "csv"}).text.strip().splitlines()
    assert rows[-1].startswith("2025-12,") and rows[-1].split(",")[1].isdigit() and int(rows[-1].split(",")[1]) > 100
    assert not any(r.startswith("2026-01") for r in rows)


def test_police_is_lagging_not_stopped(client: TestClient) -> None:
    report = client.get("/api/v1/sources").json()
    feeds = {f["feed"]: f for f in report["feeds"]}
    police = feeds["police.uk"]
    assert report["latest_month"] == "2026-01"
    assert police["status"] == "lagging" and police["gaps"] == []
    assert police["lagging"] == {"months": 1, "message": "no rows since 2025-12: 1 month behind the latest month held"}
    assert [m["gap"]["kind"] for m in police["months"] if m["month"] == "2026-01"] == ["lagging"]
    assert report["flagged"] == sum(len(f["gaps"]) for f in feeds.values())  # a lag is not counted as a gap
    page = client.get("/sources").text
    assert "lagging (a month or two behind, as police.uk is)" in page and "stopped sending" not in page


def _pack(store: Path) -> dict[str, Any]:
    settings = Settings(store=store)
    con = open_served_store(store, "1GB")
    tasking = TaskingStore.open(settings.tasking_url())
    try:
        options = PackOptions(cells=10, core=tuple(settings.core_sources))
        return tasking_pack(con, tasking, "Middlesbrough", MEETING, Caches(), gap_rule(settings), None, options)
    finally:
        tasking.close()
        con.close()


def test_the_tasking_pack_keeps_its_months_and_hotspots(client: TestClient, demo_store: Path, tmp_path: Path) -> None:
    before = _pack(with_demo_problems(demo_store, tmp_path))  # the demo as it was before the warden upload
    query = {"csp": "Middlesbrough", "date": MEETING.isoformat(), "cells": "10"}
    after = client.get("/api/v1/tasking/pack", params=query).json()
    assert (after["months"]["from"], after["months"]["to"]) == ("2025-01", "2025-12")
    assert "December 2025 is the latest month police holds" in after["months"]["note"]
    assert "warden holds January 2026, left out until police holds it" in after["months"]["note"]
    assert after["summary"]["hotspots"] == before["summary"]["hotspots"] > 0
    assert [c["h3"] for c in after["hotspots"]["cells"]] == [c["h3"] for c in before["hotspots"]["cells"]]
    assert after["section_months"]["hotspots"] == "Jan-Dec 2025: one slice a month, the latest Dec 2025"
    assert after["section_months"]["patrol"].startswith("Jan-Dec 2025")
    assert after["section_months"]["problems"].endswith("on the meeting date, 10 Feb 2026")
    assert after["section_months"]["evaluations"].endswith("where held (to Dec 2025)")
    police = next(f for f in after["sources"]["feeds"] if f["source"] == "police")
    assert police["status"] == "lagging" and police["gaps"] == []


def test_the_pack_page_and_pdf_name_each_sections_months(client: TestClient) -> None:
    page = client.get("/api/v1/tasking/pack", params={"csp": "Middlesbrough", "date": "2026-02-10", "format": "html"})
    assert page.status_code == 200
    assert page.text.count("Months used:") == 6  # each section's
    assert "Jan-Dec 2025: one slice a month, the latest Dec 2025" in page.text
    assert "repeat places over the 12 months to Dec 2025" in page.text
    pdf = client.get("/api/v1/tasking/pack", params={"csp": "Middlesbrough", "date": "2026-02-10", "format": "pdf"})
    printed = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert printed.count("Months used:") == 6 and "Jan-Dec 2025: one slice a month, the latest Dec 2025" in printed


def test_the_feed_check_says_what_a_new_month_does_to_the_defaults(client: TestClient, tmp_path: Path) -> None:
    february = warden_file(tmp_path, "05/02/2026")
    body = client.post(
        "/api/v1/ingest/cleveland-wardens",
        content=february.read_bytes(),
        params={"filename": february.name, "dry_run": "true"},
    ).json()
    assert body["defaults"] == (
        "adds 2026-02 for warden; the default period stays Jan-Dec 2025 until police holds 2026-02"
    )
    january = gzip.decompress(police_file("cleveland", "12").read_bytes()).decode().replace(",2025-12,", ",2026-01,")
    body = client.post(
        "/api/v1/ingest/police",
        content=january.encode(),
        params={"filename": "2026-01-cleveland-street.csv", "dry_run": "true"},
    ).json()
    assert body["status"] == "would load" and body["months_new"] == ["police:2026-01"] or body["loaded"] > 1000
    assert body["defaults"] == (
        "adds 2026-01 for police; the default period moves from Jan-Dec 2025 to Feb 2025-Jan 2026"
    )
    assert client.get("/api/v1/wards").json()["period"]["to"] == "2025-12"  # a check loads nothing


def test_the_feeds_page_check_says_it_too(ahead: Path, tmp_path: Path) -> None:
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(ahead, store)
    with TestClient(create_app(Settings(store=store, cookie_secure=False))) as c:
        token = signed_in(c)
        status, page, _ = check(c, token, "cleveland-wardens", warden_file(tmp_path, "05/02/2026"))
    assert status == 200
    found = re.search(r'id="aim-defaults">([^<]*)<', page)
    assert found and found.group(1) == (
        "Default period: adds 2026-02 for warden; the default period stays Jan-Dec 2025 until police holds 2026-02."
    )


def test_a_problem_opened_without_a_baseline_end_ends_it_with_police(client: TestClient) -> None:
    problem = {"title": "Fly-tipping in Hemlington", "owner": "CSP analyst team", "area": {"wards": ["Hemlington"]}}
    opened = client.post("/api/v1/problems", json=problem)
    assert opened.status_code == 201, opened.text
    assert opened.json()["profile"]["period"] == {"from": "2025-07", "to": "2025-12", "months": 6}
