"""The tasking pack's case worklist: each agency's open cases in the order it should act on them, a confirmed repeat
victim with a high risk first, with no name or address; each case listed is audited; the pack stays the analysts'
(partners, councillors and the public are refused it); on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date, timedelta

from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.api.cases.test_cases import CASE, client, open_case

ASKED = {"csp": "Middlesbrough", "date": (date.today() + timedelta(days=3)).isoformat(), "cells": 3}
REPORTS = [
    {"feed": "housing", "ref": "HSG-9", "occurred_on": "2025-08-28", "address": "149, Borough Road"},
    {"feed": "housing", "ref": "HSG-10", "occurred_on": "2025-10-14", "address": "149 Borough Rd."},
]


def test_a_confirmed_repeat_victim_at_high_risk_comes_first_for_its_agencies(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    older = open_case(analyst, reference="ASB/OLD", opened="2024-01-01", subject_name="Mr Older")["id"]
    analyst.post(f"/api/v1/cases/{older}/risk", json={"answers": {"threats": "yes"}})  # high, not a repeat victim
    victim = open_case(analyst, reference="ASB/RV", incidents=REPORTS)["id"]
    analyst.post(f"/api/v1/cases/{victim}/risk", json={"answers": {"threats": "yes"}})
    analyst.post(f"/api/v1/cases/{victim}/links", json={"refs": [], "since": "2025-01-01"})
    analyst.post("/api/v1/repeat-victims/scan")
    flag = next(f for f in analyst.get("/api/v1/repeat-victims").json()["flags"] if "borough" in f["key"])
    analyst.patch(f"/api/v1/repeat-victims/{flag['id']}", json={"status": "confirmed", "case_id": victim})
    open_case(analyst, reference="ASB/POL", owner_agency="police", agencies=[], subject_name="Ms Police")

    pack = analyst.get("/api/v1/tasking/pack", params=ASKED).json()
    w = pack["worklist"]
    assert w["held"] and w["cases"] == 3 and w["first"] == 1
    parts = {p["agency"]: p["cases"] for p in w["parts"]}
    assert set(parts) == {"housing", "police"}
    assert [c["reference"] for c in parts["housing"]] == ["ASB/RV", "ASB/OLD"]
    assert parts["housing"][0]["first"] and not parts["housing"][1]["first"]
    assert [(c["reference"], c["part"]) for c in parts["police"]] == [
        ("ASB/RV", "party"),
        ("ASB/OLD", "party"),
        ("ASB/POL", "owner"),
    ]
    assert CASE["subject_name"] not in str(pack) and CASE["address"] not in str(pack)  # no names or addresses

    page = analyst.get("/tasking", params=ASKED).text
    assert "7. The agencies' case worklists" in page and "FIRST: ASB/RV" in page and "Mrs A. Example" not in page
    pdf = analyst.get("/api/v1/tasking/pack", params=ASKED | {"format": "pdf"})
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "FIRST: ASB/RV" in text and "Mrs A. Example" not in text

    audit = analyst.get(f"/api/v1/cases/{victim}/audit").json()["audit"]
    assert any(a["change"] == "listed" and a["detail"]["route"] == "/api/v1/tasking/pack" for a in audit)
    for role, sources, refused in (("partner", ("housing",), 403), ("councillor", (), 403), ("public", (), 401)):
        other = client(tasking_client, role, sources)
        assert other.get("/api/v1/tasking/pack", params=ASKED).status_code == refused
        assert other.get("/tasking", params=ASKED).status_code == refused
