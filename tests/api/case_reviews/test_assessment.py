"""The annual assessment's chapter 7 is the Case Review publication for the year, number for number, and chapter 3
gives the repeat victims as counts; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import zipfile

from fastapi.testclient import TestClient
from pypdf import PdfReader

from tests.api.case_reviews.test_case_reviews import apply
from tests.api.cases.test_cases import client, open_case

ASKED = {"lad": "E06000002", "year": 2025}


def test_chapter_seven_is_the_publication_and_chapter_three_counts_repeat_victims(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    ids = [apply(analyst)["id"] for _ in range(3)]
    analyst.post(f"/api/v1/case-reviews/{ids[0]}/decision", json={"decided": "2025-05-20"})
    analyst.post(f"/api/v1/case-reviews/{ids[0]}/review", json={"held": "2025-06-01"})
    analyst.post(f"/api/v1/case-reviews/{ids[1]}/decision", json={"decided": "2025-05-20", "met": False, "note": "x"})
    reports = [
        {"feed": "housing", "ref": "HSG-9", "occurred_on": "2025-08-28", "address": "149, Borough Road"},
        {"feed": "housing", "ref": "HSG-10", "occurred_on": "2025-10-14", "address": "149 Borough Rd."},
    ]
    case = open_case(analyst, incidents=reports)
    assert analyst.post("/api/v1/repeat-victims/scan").status_code == 201
    flags = analyst.get("/api/v1/repeat-victims").json()["flags"]
    analyst.patch(f"/api/v1/repeat-victims/{flags[0]['id']}", json={"status": "confirmed", "case_id": case["id"]})

    report = analyst.get("/api/v1/assessment", params=ASKED).json()
    published = analyst.get("/api/v1/case-reviews/publication", params={"year": 2025}).json()
    chapter = report["case_review"]
    assert chapter["held"] is True
    assert chapter["figures"] == published["figures"] and chapter["threshold"] == published["threshold"]
    assert chapter["figures"][0]["received"] == 3 and chapter["figures"][0]["threshold_not_met"] == 1
    victims = report["repeat_victims"]
    in_2025 = [f for f in flags if f["first_on"] <= "2025-12-31" and f["last_on"] >= "2025-01-01"]
    assert victims["flagged"] == len(in_2025) and victims["confirmed"] == 1
    assert victims["awaiting"] == len(in_2025) - 1 and victims["dismissed"] == 0

    pdf = analyst.get("/api/v1/assessment", params=ASKED | {"format": "pdf"})
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "3 received, the threshold not met 1 times, 1 reviews carried out" in " ".join(text.split())
    zipped = analyst.get("/api/v1/assessment", params=ASKED | {"format": "zip"})
    with zipfile.ZipFile(io.BytesIO(zipped.content)) as archive:
        rows = archive.read("aim-assessment-E06000002-2025/case_review.csv").decode().splitlines()
        victim_rows = archive.read("aim-assessment-E06000002-2025/repeat_victims.csv").decode().splitlines()
    table = analyst.get("/api/v1/case-reviews/publication", params={"year": 2025, "format": "csv"}).text.splitlines()
    assert rows == table
    assert victim_rows[2] == "Confirmed as repeat victims by an analyst,1"
    page = analyst.get("/assessment", params=ASKED)
    assert "Times the threshold was not met" in page.text and "Confirmed as repeat victims" in page.text
