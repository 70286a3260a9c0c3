"""A problem evaluation's delivery, role by role, on the demo store with its sample patrols loaded (and a January
2026 of incidents, so that the sample fortnight's month is held and the evaluation can be made): analysts see the
dosage by area and cell and the delivery verdict; a partner party to the problem sees monthly ward totals only (or
nothing, AIM_DELIVERY_BELOW_ANALYST=none), in the API, on the page and in the PDF; councillors and the public see no
evaluation at all."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.access.tasking import NO_DELIVERY, WARD_TOTALS_ONLY
from api.http.app import create_app
from api.rules import ingest_options
from api.services.loading import load_files
from api.settings import Settings
from ingest.registry import resolve_feed
from ingest.store.connection import open_store
from tests.conftest import sign_in

EVALUATION = {"before_from": "2025-12", "before_to": "2025-12", "after_from": "2026-01", "after_to": "2026-01"}
CELL_OR_DAY = ("h3", "cells_detail", "days_held", "2026-01-0", "2026-01-1", "minutes_per_day", "Not delivered")


DEMO = Path(__file__).resolve().parents[3] / "data" / "demo"


@pytest.fixture(scope="module")
def delivered_store(delivered_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The delivered demo store with January 2026 held: December 2025's police.uk rows again, as January's."""
    folder = tmp_path_factory.mktemp("january")
    store, month = folder / "aim.duckdb", folder / "2026-01-cleveland-street.csv"
    shutil.copyfile(delivered_store, store)
    with (
        gzip.open(DEMO / "2025-12-cleveland-street.csv.gz", "rt", newline="") as src,
        month.open("w", newline="") as out,
    ):
        rows = csv.reader(src)
        writer = csv.writer(out)
        writer.writerow(next(rows))
        for row in rows:
            writer.writerow([row[0][::-1], "2026-01", *row[2:]])
    con = open_store(store)
    try:
        reports, errors = load_files(con, resolve_feed("police"), [month], ingest_options(Settings(store=store)))
    finally:
        con.close()
    assert not errors and reports[0].loaded > 5000
    return store


def _as(client: TestClient, role: str, sources: tuple[str, ...] = ()) -> TestClient:
    other = TestClient(client.app)
    return other if role == "public" else sign_in(other, role, sources)  # type: ignore[return-value]


def _evaluated(client: TestClient) -> tuple[str, dict[str, Any]]:
    """A police problem over the plan's first ten cells (some got delivery in January 2026), evaluated by an analyst."""
    analyst = _as(client, "analyst")
    plan = analyst.get("/api/v1/delivery/plan", params={"force": "cleveland"}).json()
    cells = [c["h3"] for c in plan["cells"][:10]]
    assert len(cells) == 10 and any(c["minutes"] > 0 for c in plan["cells"][:10])
    problem = {
        "title": "Patrolled hot spots",
        "description": "Cells of the patrol plan",
        "category_group": "asb",
        "owner": "CSP analyst team",
        "partners": ["police"],
        "sources": ["police"],
        "baseline_from": "2025-01",
        "baseline_to": "2025-06",
        "area": {"cells": cells},
    }
    made = analyst.post("/api/v1/problems", json=problem)
    assert made.status_code == 201, made.text
    one = f"/api/v1/problems/{made.json()['id']}"
    evaluated = analyst.post(f"{one}/evaluation", json=EVALUATION)
    assert evaluated.status_code == 201, evaluated.text
    note = {"note": "Patrols ran through January.", "published": True}
    assert analyst.post(f"{one}/reviews", json=note).status_code == 201
    return one, evaluated.json()


def _app(store: Path, tmp_path: Path, below: str = "wards") -> TestClient:
    settings = Settings(
        store=store,
        database_url=f"sqlite:///{tmp_path / 'tasking.sqlite'}",
        access_db=tmp_path / "access.sqlite",
        tile_url="none",
        delivery_below_analyst=below,  # type: ignore[arg-type]
    )
    return TestClient(create_app(settings))


def test_only_analysts_see_an_evaluations_cell_and_day_dosage(delivered_store: Path, tmp_path: Path) -> None:
    with _app(delivered_store, tmp_path) as client:
        one, made = _evaluated(client)
        delivery = made["delivery"]
        assert made["delivery_verdict"] == delivery["verdict"] and delivery["verdict"].startswith("Delivered, ")
        assert delivery["after"]["days_held"] >= 14 and delivery["areas"]["response"]["after"]["minutes"] > 0
        assert len(delivery["dose_response"]["cells_detail"]) == 10
        page = _as(client, "analyst").get(f"/problems/{one.rsplit('/', 1)[1]}").text
        assert "Delivery in the response area, after" in page and "Dose-response across 10 cells" in page

        partner = _as(client, "partner", ("police",))
        seen = partner.get(one).json()["evaluations"][0]["result"]
        assert "delivery_verdict" not in seen and set(seen["delivery"]) == {"wards", "note"}
        assert seen["delivery"]["note"] == WARD_TOTALS_ONLY
        wards = seen["delivery"]["wards"]
        assert wards and {w["month"] for w in wards} <= {"2025-12", "2026-01"}
        assert {w["ward"] for w in wards} == {w["ward"] for w in delivery["wards"]}
        text = json.dumps(seen)
        assert not [word for word in CELL_OR_DAY if word in text]
        assert "Delivered, " not in seen["summary"] and "minutes present" not in seen["summary"]
        page = partner.get(f"/problems/{one.rsplit('/', 1)[1]}").text
        assert f"Delivery in {wards[0]['ward_name']}, {wards[0]['month']}" in page
        assert "Delivery in the response area" not in page and "Dose-response" not in page
        pdf = partner.get(f"{one}/profile.pdf")
        assert pdf.status_code == 200
        printed = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "response area, after" not in printed and "Dose-response" not in printed
        analyst_pdf = _as(client, "analyst").get(f"{one}/profile.pdf").content
        assert "Dose-response" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(analyst_pdf)).pages)

        councillor = _as(client, "councillor")
        token = client.app.state.access.by_token(councillor.headers["Authorization"].split()[1])  # type: ignore[attr-defined]
        codes = [n["code"] for n in _as(client, "analyst").get(one).json()["area"]["names"]]
        client.app.state.tasking.set_councillor_wards(token.token_id, codes, ("admin", "analyst"))  # type: ignore[attr-defined]
        for reader in (councillor, _as(client, "public")):
            shown = reader.get(one)
            assert shown.status_code == 200
            assert "evaluations" not in shown.json() and "delivery" not in shown.text and "minutes" not in shown.text


@pytest.mark.parametrize("below", ["none"])
def test_no_delivery_below_analyst_when_so_configured(delivered_store: Path, tmp_path: Path, below: str) -> None:
    with _app(delivered_store, tmp_path, below) as client:
        one, made = _evaluated(client)
        assert made["delivery"]["areas"]["response"]["after"] is not None
        seen = _as(client, "partner", ("police",)).get(one).json()["evaluations"][0]["result"]
        assert seen["delivery"] == {"wards": [], "note": NO_DELIVERY} and "delivery_verdict" not in seen


def test_a_selections_evaluation_shows_delivery_to_analysts_only(delivered_store: Path, tmp_path: Path) -> None:
    with _app(delivered_store, tmp_path) as client:
        params = {"force": "cleveland", "train": "2025-01:2025-09", "test": "2025-10:2025-12"}
        analyst = _as(client, "analyst").get("/api/v1/evaluate", params=params)
        assert analyst.status_code == 200 and analyst.json()["delivery"]["verdict"] == "Not known: no delivery held"
        partner = _as(client, "partner", ("police",)).get("/api/v1/evaluate", params=params)
        assert partner.status_code == 200 and "delivery" not in partner.json()
