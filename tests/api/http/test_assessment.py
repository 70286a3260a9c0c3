"""GET /api/v1/assessment and /assessment over the demo store with its problems: the assessment's numbers are the ones
the API gives for the same questions, its formats (JSON as documented, PDF, page, CSV files in a zip), errors, and who
may have it (analysts only)."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.http.app import create_app
from api.rules import PLAN_RES
from api.services.assessment import resolve_district
from api.services.assessment_coverage import delivery
from api.services.assessment_levels import period_filters, year_months
from api.services.caches import Caches
from api.settings import Settings
from ingest.delivery import DeliveryOptions, load_delivery
from ingest.registry import MOVEMENT
from ingest.store.connection import open_served_store
from tests.api.http.test_models import Documented
from tests.conftest import sign_in

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "delivery"
LAD = "E06000002"
YEAR = {"from": "2025-01", "to": "2025-12"}
ASKED = {"lad": LAD, "year": 2025}


@pytest.fixture(scope="module")
def analyst(pack_demo: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=pack_demo, tile_url="none"))) as c:
        sign_in(c)
        yield c


@pytest.fixture(scope="module")
def report(analyst: TestClient) -> dict[str, Any]:
    r = analyst.get("/api/v1/assessment", params=ASKED)
    assert r.status_code == 200, r.text
    Documented(analyst.app.openapi()).check("/api/v1/assessment", "get", r)  # every member named, and typed
    return r.json()  # type: ignore[no-any-return]


def get(client: TestClient, path: str, **params: object) -> Any:
    r = client.get(path, params=params)
    assert r.status_code == 200, (path, params, r.text)
    return r.json()


def test_the_levels_are_the_trend_routes_numbers(analyst: TestClient, report: dict[str, Any]) -> None:
    levels = report["levels"]
    trend = get(analyst, "/api/v1/trends", lad=LAD, **YEAR)
    assert levels["total"]["total"] == trend["total"] and levels["series"] == trend["series"]
    assert trend["compared"]["previous_period"]["comparable"] is False is levels["total"]["comparable"]
    category = next(r for r in levels["categories"] if r["category"] == "noise")
    assert category["total"] == get(analyst, "/api/v1/trends", lad=LAD, category="noise", **YEAR)["total"]
    for source in ("warden", "police"):
        found = next(r for r in levels["sources"] if r["source"] == source)
        assert found["total"] == get(analyst, "/api/v1/trends", lad=LAD, source=source, **YEAR)["total"]
    for ward in levels["wards"][:3]:
        assert ward["count"] == get(analyst, "/api/v1/trends", ward=ward["code"], **YEAR)["total"], ward["name"]
    movers = get(analyst, "/api/v1/trends/movers", lad=LAD, **YEAR)
    assert movers["comparable"] is False is report["changes"]["comparable"]


def test_the_places_feeds_and_hotspots_are_their_routes_numbers(analyst: TestClient, report: dict[str, Any]) -> None:
    emerging = get(analyst, "/api/v1/hotspots/emerging", lad=LAD, **YEAR)
    assert report["hotspots"]["patterns"] == emerging["patterns"]
    groups = {g["group"]: g["cells"] for g in report["hotspots"]["groups"]}
    hot = [f["properties"]["class"] for f in emerging["features"] if f["properties"]["side"] == "hot"]
    assert groups["persistent"] == sum(c in ("persistent", "intensifying") for c in hot) > 0
    assert groups["new"] == sum(c in ("new", "consecutive") for c in hot)
    repeats = get(analyst, "/api/v1/repeat-places", lad=LAD, **YEAR)
    window = repeats["rolling"][-1]
    repeat = report["places"]["repeat"]
    assert repeat["places_in_area"] == repeats["places_in_area"]
    for key in ("incidents", "repeat_places", "repeat_incidents", "repeat_rate", "chance_rate"):
        assert repeat[key] == window[key], key
    concentration = get(analyst, "/api/v1/concentration", lad=LAD, **YEAR)["concentration"][0]
    for key in ("places", "incidents", "half", "quarter", "gini", "beyond_chance"):
        assert report["places"]["concentration"][key] == concentration[key], key
    monitor = {f["feed"]: f for f in get(analyst, "/api/v1/sources")["feeds"]}
    for feed in report["feeds"]["feeds"]:
        months = [m for m in monitor[feed["feed"]]["months"] if YEAR["from"] <= m["month"] <= YEAR["to"]]
        assert feed["loaded"] == sum(m["loaded"] for m in months) > 0, feed["feed"]
        assert feed["gaps"] == [g for g in monitor[feed["feed"]]["gaps"] if g["month"][:4] == "2025"]
    problems = get(analyst, "/api/v1/problems")
    listed = problems["problems"] if isinstance(problems, dict) else problems
    central = next(p for p in listed if p["title"] == "ASB hotspot in Central")
    assert [p["id"] for p in report["problems"]["problems"]] == [central["id"]]


def test_the_assessment_as_pdf_page_and_csv_files(analyst: TestClient, report: dict[str, Any]) -> None:
    pdf = analyst.get("/api/v1/assessment", params=ASKED | {"format": "pdf"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "aim-assessment-E06000002-2025.pdf" in pdf.headers["content-disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for heading in ("Annual strategic assessment: Middlesbrough, 2025", "7. Case Review", "9. Suggested priorities"):
        assert heading in text
    assert "ASB Case Review applications received in 2025" in text and "not comparable" in text
    page = analyst.get("/assessment", params=ASKED)
    assert page.status_code == 200 and "Download PDF" in page.text and "Case Review" in page.text
    assert "script-src 'self' 'nonce-" in page.headers["content-security-policy"]
    choose = analyst.get("/assessment")
    assert choose.status_code == 200 and f'value="{LAD}"' in choose.text
    zipped = analyst.get("/api/v1/assessment", params=ASKED | {"format": "zip"})
    assert zipped.status_code == 200 and zipped.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        wards = archive.read("aim-assessment-E06000002-2025/wards.csv").decode()
        names = archive.namelist()
    assert "aim-assessment-E06000002-2025/case_review.csv" in names
    logged = analyst.app.state.access.audit_log(limit=5)  # type: ignore[attr-defined]
    exported = next(e for e in logged if e["format"] == "zip")
    assert exported["action"] == "GET /api/v1/assessment" and exported["rows"] > len(report["levels"]["wards"])
    assert any(e["format"] == "pdf" and e["action"] == "GET /api/v1/assessment" for e in logged)
    rows = list(csv.reader(io.StringIO(wards)))
    first = report["levels"]["wards"][0]
    assert rows[1][:3] == [first["name"], first["code"], str(first["count"])]


def test_unknown_districts_and_years(analyst: TestClient) -> None:
    r = analyst.get("/api/v1/assessment", params={"lad": "Gotham", "year": 2025})
    assert r.status_code == 422 and "Middlesbrough (E06000002)" in r.text
    r = analyst.get("/api/v1/assessment", params={"lad": LAD, "year": 2020})
    assert r.status_code == 422 and "no month of 2020" in r.text
    assert analyst.get("/api/v1/assessment", params={"lad": LAD, "year": 99999}).status_code == 422
    assert analyst.get("/api/v1/assessment", params={"lad": LAD}).status_code == 422
    assert analyst.get("/api/v1/assessment", params=ASKED | {"format": "png"}).status_code == 422


@pytest.mark.parametrize(
    ("role", "sources", "status"),
    [("partner", ("police", "warden"), 403), ("councillor", (), 403), ("public", (), 401)],
)
def test_only_analysts_get_the_assessment(
    analyst: TestClient, role: str, sources: tuple[str, ...], status: int
) -> None:
    """Below analyst nothing: the assessment joins analyses, problems and feed quality (api/access/policy.py)."""
    client = TestClient(analyst.app)
    if role != "public":
        sign_in(client, role, sources)
    for path, fmt in (
        ("/api/v1/assessment", "json"),
        ("/api/v1/assessment", "pdf"),
        ("/api/v1/assessment", "zip"),
        ("/api/v1/assessment", "html"),
        ("/assessment", None),
    ):
        params = ASKED | ({"format": fmt} if fmt else {})
        r = client.get(path, params=params)
        assert r.status_code == status, (path, fmt, r.text)
        assert "Central" not in r.text and "ASB hotspot" not in r.text
    assert client.get("/assessment").status_code == status  # nor the form listing the districts


def test_the_delivery_section_is_the_ward_delivery_routes_numbers(demo_store: Path, tmp_path: Path) -> None:
    """The demo's sample patrols (January 2026) loaded: the year's delivery by ward and month as
    /api/v1/delivery/wards gives it for the same months."""
    store = tmp_path / "aim.duckdb"
    shutil.copyfile(demo_store, store)
    files = [(s, p) for s in MOVEMENT.values() for p in s.files([SAMPLES])]
    con = open_served_store(store, "1GB")
    try:
        load_delivery(con, files, "police", DeliveryOptions())
    finally:
        con.close()
    with TestClient(create_app(Settings(store=store, tile_url="none"))) as client:
        sign_in(client)
        held = client.app.state.con  # type: ignore[attr-defined]
        area = resolve_district(held, LAD)
        found = delivery(held, period_filters(held, year_months(2026)), area, 2026, Caches(), PLAN_RES)
        served = get(client, "/api/v1/delivery/wards", lad=LAD, delivered_from="2026-01", delivered_to="2026-12")
        none = delivery(held, period_filters(held, year_months(2025)), area, 2025, Caches(), PLAN_RES)
    assert found["held"] and found["wards"]
    by_ward: dict[str, int] = {}
    for row in served["totals"]:
        by_ward[row["ward"]] = by_ward.get(row["ward"], 0) + row["compliant_visits"]
    assert {w["ward"]: w["compliant_visits"] for w in found["wards"]} == by_ward
    assert sum(m["minutes"] for m in found["months"]) == sum(r["minutes"] for r in served["totals"])
    assert none["held"] is False and none["wards"] == [] and "aim delivery load" in none["note"]
