"""GET /api/v1/tasking/pack and /tasking over the demo store with its two problems: the formats, the patrol plan as
the patrol-plan route gives it, errors, and who may have the pack (analysts only)."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.http.app import create_app
from api.services import tasking as service
from api.settings import Settings
from tests.api.http.test_models import Documented
from tests.conftest import sign_in

MEETING = (date.today() + timedelta(days=3)).isoformat()


@pytest.fixture(scope="module")
def analyst(pack_demo: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=pack_demo))) as c:
        sign_in(c)
        yield c


def test_the_json_pack_and_the_patrol_plan_route_agree(analyst: TestClient) -> None:
    r = analyst.get("/api/v1/tasking/pack", params={"csp": "Middlesbrough", "date": MEETING, "cells": 15})
    assert r.status_code == 200, r.text
    pack = r.json()
    assert pack["csp"] == {"type": "csp", "code": "E22000029", "name": "Middlesbrough"}
    assert [p["title"] for p in pack["problems"]] == ["ASB hotspot in Central"]
    assert pack["summary"]["evaluations_due"] == 1 and pack["evaluations"][0]["evaluation"] == "kept"
    assert pack["months"]["from"] == "2025-01" and pack["months"]["to"] == "2025-12"
    assert not any(key.startswith("_") for key in pack["patrol"]) and "_lattice" not in pack["patrol"]["plan"]
    months = {"from": pack["months"]["from"], "to": pack["months"]["to"]}
    plan = analyst.get("/api/v1/patrol-plan", params={"csp": "E22000029", "cells": 15, **months})
    assert plan.status_code == 200, plan.text
    assert pack["patrol"]["plan"]["cells"] == plan.json()["cells"]
    assert len(plan.json()["cells"]) == 15
    Documented(analyst.app.openapi()).check("/api/v1/tasking/pack", "get", r)  # every member named, and typed


def test_a_pack_with_every_kind_of_evaluation_is_its_documented_model(pack_demo: Path, tmp_path: Path) -> None:
    """Actions of each kind (overdue, an evaluation made for the pack, one not yet measurable), on a copy."""
    shutil.copyfile(pack_demo, tmp_path / "aim.duckdb")
    shutil.copyfile(pack_demo.with_name("aim-tasking.sqlite"), tmp_path / "aim-tasking.sqlite")
    with TestClient(create_app(Settings(store=tmp_path / "aim.duckdb"))) as analyst:
        sign_in(analyst)
        _every_kind(analyst)


def _every_kind(analyst: TestClient) -> None:
    store = analyst.app.state.tasking
    pid = next(p["id"] for p in store.problems() if p["title"] == "ASB hotspot in Central")
    today = date.today()
    for what, start, due, target in (
        ("measured on 2025 data", date(2025, 7, 1), today, "down 10% against baseline over 3 months"),
        ("not yet measurable", today - timedelta(days=30), today + timedelta(days=1), None),
    ):
        values = {
            "what": what,
            "owner_agency": "warden",
            "start": start,
            "due": due,
            "measure": "ASB",
            "target": target,
        }
        service.add_action(store, pid, values, ("test", "analyst"))
    r = analyst.get("/api/v1/tasking/pack", params={"csp": "Middlesbrough", "date": MEETING, "cells": 3})
    assert r.status_code == 200, r.text
    kinds = {e["action"]: e["evaluation"] for e in r.json()["evaluations"]}
    assert kinds["measured on 2025 data"] == "made for this pack" and kinds["not yet measurable"] == "not yet"
    flags = {a["what"]: a["flag"] for a in r.json()["problems"][0]["actions"]}
    assert flags["measured on 2025 data"] == "overdue" and flags["not yet measurable"] == "overdue"
    Documented(analyst.app.openapi()).check("/api/v1/tasking/pack", "get", r)


def test_the_pack_as_pdf_and_as_html(analyst: TestClient) -> None:
    params = {"csp": "stockton-on-tees", "date": MEETING}
    r = analyst.get("/api/v1/tasking/pack", params=params | {"format": "pdf"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert f"aim-tasking-pack-E22000030-{MEETING}.pdf" in r.headers["content-disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert "Tasking pack: Stockton-on-Tees" in text and "ASB across Stockton Town Centre ward" in text
    page = analyst.get("/tasking", params=params)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Download PDF" in page.text and "ASB across Stockton Town Centre ward" in page.text
    assert "script-src 'self' 'nonce-" in page.headers["content-security-policy"]
    html = analyst.get("/api/v1/tasking/pack", params=params | {"format": "html"})
    assert html.status_code == 200 and "Tasking pack: Stockton-on-Tees" in html.text


def test_unknown_partnerships_and_bad_dates(analyst: TestClient) -> None:
    r = analyst.get("/api/v1/tasking/pack", params={"csp": "Gotham", "date": MEETING})
    assert r.status_code == 422 and "no community safety partnership" in r.text and "Middlesbrough" in r.text
    early = analyst.get("/tasking", params={"csp": "Middlesbrough", "date": "2020-01-01"})
    assert early.status_code == 422 and "no complete month" in early.text
    assert analyst.get("/api/v1/tasking/pack", params={"csp": "Middlesbrough", "date": "2026-02-30"}).status_code == 422
    assert analyst.get("/api/v1/tasking/pack", params={"date": MEETING}).status_code == 422
    for extreme in ("9999-12-31", "0001-01-01"):
        r = analyst.get("/api/v1/tasking/pack", params={"csp": "Middlesbrough", "date": extreme})
        assert r.status_code == 422 and "1900 to 2199" in r.text
    assert analyst.get("/api/v1/tasking/pack", params={"csp": "E22000029", "format": "png"}).status_code == 422


@pytest.mark.parametrize(
    ("role", "sources", "status"),
    [("partner", ("police", "warden"), 403), ("councillor", (), 403), ("public", (), 401)],
)
def test_only_analysts_get_the_pack(analyst: TestClient, role: str, sources: tuple[str, ...], status: int) -> None:
    client = TestClient(analyst.app)
    if role != "public":
        sign_in(client, role, sources)
    for path, fmt in (("/api/v1/tasking/pack", "json"), ("/api/v1/tasking/pack", "pdf"), ("/tasking", "html")):
        r = client.get(
            path,
            params={"csp": "Middlesbrough", "date": MEETING, "format": fmt}
            if fmt != "html"
            else {"csp": "Middlesbrough"},
        )
        assert r.status_code == status, (path, fmt, r.text)
        assert "ASB hotspot" not in r.text
