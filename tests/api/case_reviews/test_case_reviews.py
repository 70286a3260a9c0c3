"""ASB Case Review applications end to end on the demo store: recorded with the complaints they cite, the threshold
decided, reviewed, with recommendations, or withdrawn; the watchlist; the yearly publication as JSON, CSV and PDF,
whose counts add up; the audit, subject access and erasure; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient

from tests.api.cases.test_cases import client, open_case

BODIES = ["Middlesbrough Council", "Cleveland Police", "Thirteen Housing"]
MET = [
    {"complained_on": "2025-02-03", "behaviour_on": "2025-02-01", "agency": "Thirteen Housing", "ref": "HSG-1"},
    {"complained_on": "2025-03-10", "behaviour_on": "2025-03-09", "agency": "Cleveland Police", "ref": "CLE-2"},
    {"complained_on": "2025-04-20", "behaviour_on": "2025-04-19", "agency": "Middlesbrough Council", "ref": "=1+1"},
]
APPLICATION = {
    "reference": "CR-25-001",
    "received": "2025-05-12",
    "applicant_kind": "victim",
    "applicant_name": "Mrs A. Example",
    "address": "149 Borough Road",
    "postcode": "ts1 5jf",
    "bodies": BODIES,
    "summary": "Three reports since February; nothing has changed",
    "complaints": MET,
}


def apply(c: TestClient, **extra: Any) -> dict[str, Any]:
    """Record the test's application (with any fields changed) and return it as the caller sees it."""
    response = c.post("/api/v1/case-reviews", json={**APPLICATION, **extra})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_an_application_from_receipt_to_recommendations(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    case = open_case(analyst)
    made = apply(analyst, case_id=case["id"])
    aid = made["id"]
    assert made["status"] == "received" and made["postcode"] == "TS1 5JF" and made["threshold"] is None
    assert made["threshold_now"]["met"] is True and made["threshold_now"]["qualifying"] == 3
    assert [s["step"] for s in made["steps"]] == ["received"]

    early = analyst.post(f"/api/v1/case-reviews/{aid}/review", json={"held": "2025-06-01"})
    assert early.status_code == 422  # a review follows a threshold met
    backwards = analyst.post(f"/api/v1/case-reviews/{aid}/decision", json={"decided": "2025-05-01"})
    assert backwards.status_code == 422  # decided before it was received
    decided = analyst.post(f"/api/v1/case-reviews/{aid}/decision", json={"decided": "2025-05-20"}).json()
    assert decided["status"] == "threshold met" and decided["threshold"]["decided_as"] == "met"
    reviewed = analyst.post(f"/api/v1/case-reviews/{aid}/review", json={"held": "2025-06-10"}).json()
    assert reviewed["status"] == "review carried out" and reviewed["review_held"] == "2025-06-10"
    recs = {
        "recommendations": [{"text": "Joint visit", "agency": "Cleveland Police", "due": "2025-07-01"}],
        "communicated": "2025-06-12",
    }
    done = analyst.post(f"/api/v1/case-reviews/{aid}/recommendations", json=recs).json()
    assert done["status"] == "recommendations made" and done["recommendations"][0]["agency"] == "Cleveland Police"
    assert [s["step"] for s in done["steps"]] == ["received", "decided", "review held", "outcome communicated"]
    late = analyst.post(f"/api/v1/case-reviews/{aid}/withdraw", json={"on": "2025-06-20"})
    assert late.status_code == 422  # reviewed already

    audit = analyst.get(f"/api/v1/case-reviews/{aid}/audit").json()["audit"]
    changes = [a["change"] for a in audit if a["entity"] == "application"]
    assert changes[0] == "created" and {"decided", "reviewed", "recommended", "read"} <= set(changes)
    assert all(a["case_id"] == case["id"] for a in audit)  # with the case's own audit
    case_audit = analyst.get(f"/api/v1/cases/{case['id']}/audit").json()["audit"]
    assert any(a["entity"] == "application" for a in case_audit)


def test_the_threshold_not_met_and_the_bodies_deciding_otherwise(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    two = apply(
        analyst, complaints=MET[:2] + [{**MET[2], "complained_on": "2025-06-01", "behaviour_on": "2025-05-20"}]
    )  # after the application
    assert two["threshold_now"]["qualifying"] == 2
    judged = {c["ref"]: c["why_not"] for c in two["threshold_now"]["complaints"]}
    assert judged["=1+1"] == "made after the application"
    aid = two["id"]
    against = analyst.post(f"/api/v1/case-reviews/{aid}/decision", json={"decided": "2025-05-20", "met": True})
    assert against.status_code == 422  # a decision other than the check's says why
    decided = analyst.post(f"/api/v1/case-reviews/{aid}/decision", json={"decided": "2025-05-20"}).json()
    assert decided["status"] == "threshold not met" and decided["threshold"]["qualifying"] == 2
    other = apply(analyst, complaints=MET[:2])["id"]
    why = {"decided": "2025-05-21", "met": True, "note": "a hate incident: the bodies review it"}
    assert analyst.post(f"/api/v1/case-reviews/{other}/decision", json=why).json()["status"] == "threshold met"
    third = apply(analyst)["id"]
    gone = analyst.post(f"/api/v1/case-reviews/{third}/withdraw", json={"on": "2025-05-13"}).json()
    assert gone["status"] == "withdrawn" and gone["withdrawn"] == "2025-05-13"


def test_the_publication_adds_up_and_matches_every_format(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    ids = [apply(analyst)["id"] for _ in range(5)]
    apply(analyst, received="2024-12-30", bodies=["Cleveland Police"])  # another year
    analyst.post(f"/api/v1/case-reviews/{ids[0]}/decision", json={"decided": "2025-05-20", "met": False, "note": "x"})
    for aid in ids[1:3]:
        analyst.post(f"/api/v1/case-reviews/{aid}/decision", json={"decided": "2025-05-20"})
        analyst.post(f"/api/v1/case-reviews/{aid}/review", json={"held": "2025-06-01"})
    recs = {"recommendations": [{"text": "Mediation", "agency": "Thirteen Housing"}]}
    analyst.post(f"/api/v1/case-reviews/{ids[1]}/recommendations", json=recs)
    analyst.post(f"/api/v1/case-reviews/{ids[3]}/withdraw", json={"on": "2025-05-30"})
    found = analyst.get("/api/v1/case-reviews/publication?year=2025").json()
    whole = found["figures"][0]
    assert whole == {
        "body": "the partnership",
        "received": 5,
        "threshold_not_met": 1,
        "reviews_carried_out": 2,
        "with_recommendations": 1,
        "withdrawn": 1,
        "pending": 1,
    }
    assert [r["body"] for r in found["figures"][1:]] == sorted(BODIES, key=str.lower)
    for r in found["figures"]:
        assert r["threshold_not_met"] + r["reviews_carried_out"] + r["withdrawn"] + r["pending"] == r["received"]
        assert r["with_recommendations"] <= r["reviews_carried_out"]
    assert found["threshold"]["count"] == 3 and found["procedure_url"] is None
    police = analyst.get("/api/v1/case-reviews/publication?year=2024&body=cleveland police").json()
    assert [(r["body"], r["received"], r["pending"]) for r in police["figures"]] == [("Cleveland Police", 1, 1)]
    unknown = analyst.get("/api/v1/case-reviews/publication?year=2025&body=Nobody")
    assert unknown.status_code == 422 and "bodies named" in unknown.text

    table = analyst.get("/api/v1/case-reviews/publication?year=2025&format=csv")
    assert table.status_code == 200 and "attachment" in table.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(table.text)))
    assert rows[0][0] == "Relevant body" and rows[1] == ["the partnership", "5", "1", "2", "1", "1", "1"]
    pdf = analyst.get("/api/v1/case-reviews/publication?year=2025&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = analyst.get("/case-reviews/publication?year=2025")
    assert page.status_code == 200 and "Times the threshold was not met" in page.text
    assert "format=csv" in page.text and "<td>5</td>" in page.text


def test_hostile_text_is_escaped_and_formulas_made_inert(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    hostile = '<script>alert("x")</script>'
    apply(analyst, applicant_name=hostile, bodies=['=HYPERLINK("http://x")', hostile])
    listing = analyst.get("/case-reviews")
    assert hostile not in listing.text and "&lt;script&gt;" in listing.text
    page = analyst.get("/case-reviews/publication?year=2025")
    assert hostile not in page.text
    table = analyst.get("/api/v1/case-reviews/publication?year=2025&format=csv").text
    assert "'=HYPERLINK" in table and "\n=HYPERLINK" not in table
    pdf = analyst.get("/api/v1/case-reviews/publication?year=2025&format=pdf")
    assert pdf.status_code == 200


def test_creates_take_an_idempotency_key(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    key = {"Idempotency-Key": "cr-1"}
    first = analyst.post("/api/v1/case-reviews", json=APPLICATION, headers=key)
    retry = analyst.post("/api/v1/case-reviews", json=APPLICATION, headers=key)
    assert first.status_code == retry.status_code == 201 and first.json()["id"] == retry.json()["id"]
    assert analyst.get("/api/v1/case-reviews").json()["count"] == 1
    other = analyst.post("/api/v1/case-reviews", json={**APPLICATION, "applicant_name": "B"}, headers=key)
    assert other.status_code == 422


def test_the_watchlist_tells_at_the_second_report_and_flags_the_threshold(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    reports = [
        {"feed": "housing", "ref": "H-1", "occurred_on": "2025-01-15", "address": "1 A Street"},
        {"feed": "police", "ref": "P-1", "occurred_on": "2025-05-02", "address": "1 A Street"},
        {"feed": "housing", "ref": "H-2", "occurred_on": "2025-07-14", "address": "1 A Street"},
    ]
    cid = open_case(analyst, incidents=reports)["id"]
    open_case(analyst, subject_role="perpetrator", incidents=reports)  # not a victim: never on the watchlist

    def entry(on: str) -> dict[str, Any] | None:
        found = analyst.get("/api/v1/case-reviews/watchlist", params={"on": on}).json()
        return next((e for e in found["entries"] if e["kind"] == "case" and e["id"] == cid), None)

    assert entry("2025-05-01") is None  # one report in the six months
    second = entry("2025-05-02")
    assert second is not None and second["reports"] == 2 and second["tell"] and second["one_more_reaches"]
    assert not second["threshold_reached"] and second["oldest_leaves_window"] == "2025-07-15"
    third = entry("2025-07-14")  # the six months from 15 January end on 14 July: all three count
    assert third is not None and third["reports"] == 3 and third["threshold_reached"]
    after = entry("2025-07-15")  # 15 January no longer counts
    assert after is not None and after["reports"] == 2 and not after["threshold_reached"]
    audit = analyst.get(f"/api/v1/cases/{cid}/audit").json()["audit"]
    assert any(a["change"] == "listed" and a["detail"]["route"] == "/api/v1/case-reviews/watchlist" for a in audit)
