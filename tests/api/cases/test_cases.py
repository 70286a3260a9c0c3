"""Cases end to end on the demo store: open a case (with an incident linked by hand), link the feeds' records by
reference and address, assess the risk, climb the ladder of interventions, add SMART actions, read the audit;
Idempotency-Key on creates; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import sign_in

# "149 Borough Rd" has four council CRM complaints in the demo's sample feed, in four places: one at TS1 5JF
# (CRM-251118, September 2025), the others (CRM-250171, -250209, -250437) 3.9 to 4.4 km away
CASE = {
    "reference": "ASB/25/0001",
    "subject_kind": "household",
    "subject_role": "victim",
    "subject_name": "Mrs A. Example",
    "date_of_birth": "1948-05-02",
    "address": "149 Borough Road",
    "postcode": " ts1 5jf ",
    "uprn": "100110012345",
    "summary": "Youths gathering outside, eggs thrown at the windows",
    "owner_agency": "housing",
    "officer": "J. Officer",
    "agencies": ["police"],
    "incidents": [
        {"feed": "housing", "ref": "HSG-1", "occurred_on": "2025-03-02", "address": "149 Borough Rd", "note": "phoned"}
    ],
}


def client(c: TestClient, role: str, sources: tuple[str, ...] = ()) -> TestClient:
    """Another client of the same app, signed in with a fresh token of the role (none for the public)."""
    other = TestClient(c.app)
    if role != "public":
        sign_in(other, role, sources)
    return other


def open_case(analyst: TestClient, **extra: Any) -> dict[str, Any]:
    """Open the test's case (with any fields changed) and return it as the analyst sees it."""
    response = analyst.post("/api/v1/cases", json={**CASE, **extra})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_case_with_its_links_risk_ladder_and_actions(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    case = open_case(analyst)
    cid = case["id"]
    assert case["postcode"] == "TS1 5JF" and case["status"] == "open"
    assert [(i["feed"], i["ref"], i["rule"]) for i in case["incidents"]] == [("housing", "HSG-1", "hand")]

    linked = analyst.post(f"/api/v1/cases/{cid}/links", json={"refs": ["wdn/25/00001"], "since": "2025-01-01"})
    assert linked.status_code == 201, linked.text
    incidents = linked.json()["case"]["incidents"]
    by_rule = {i["rule"]: [x for x in incidents if x["rule"] == i["rule"]] for i in incidents}
    assert [i["ref"] for i in by_rule["reference"]] == ["WDN/25/00001"]
    assert by_rule["reference"][0]["feed"] == "cleveland-wardens"
    (at_address,) = by_rule["address"]  # the same address text 4 km away is another address
    assert linked.json()["linked"] == 2
    assert (at_address["feed"], at_address["ref"], at_address["address"]) == (
        "cleveland-council-crm",
        "CRM-251118",
        "149 Borough Rd",
    )
    assert at_address["note"] == "recorded at 149 Borough Rd, the case's address within 500 m of TS1 5JF"
    again = analyst.post(f"/api/v1/cases/{cid}/links", json={"refs": ["WDN/25/00001"], "since": "2025-01-01"})
    assert again.json()["linked"] == 0  # each record once

    risk = analyst.post(f"/api/v1/cases/{cid}/risk", json={"answers": {"repeat": "yes", "vulnerable": "yes"}})
    assert risk.json()["risk"]["score"] == 4 and risk.json()["risk"]["level"] == "standard"
    risk = analyst.post(f"/api/v1/cases/{cid}/risk", json={"answers": {"repeat": "yes", "threats": "yes"}})
    assert risk.json()["risk"]["level"] == "high"  # a threat of violence is critical on its own
    assert analyst.post(f"/api/v1/cases/{cid}/risk", json={"answers": {"shoe size": "yes"}}).status_code == 422

    ladder = analyst.get("/api/v1/cases/settings").json()["ladder"]
    assert ladder[0] == "warning letter" and "closure order" in ladder
    first = {"step": "warning letter", "issued": "2025-04-01", "agency": "housing", "review_on": "2025-05-01"}
    detail = analyst.post(f"/api/v1/cases/{cid}/interventions", json=first).json()
    abc = {"step": "acceptable behaviour contract", "issued": "2025-05-10", "agency": "housing"}
    detail = analyst.post(f"/api/v1/cases/{cid}/interventions", json=abc).json()
    assert [i["step"] for i in detail["interventions"]] == ["warning letter", "acceptable behaviour contract"]
    letter = detail["interventions"][0]
    done = {"outcome": "breached", "outcome_on": "2025-05-08"}
    detail = analyst.patch(f"/api/v1/cases/{cid}/interventions/{letter['id']}", json=done).json()
    assert detail["interventions"][0]["outcome"] == "breached"
    bad = analyst.post(f"/api/v1/cases/{cid}/interventions", json={**first, "step": "stern look"})
    assert bad.status_code == 422

    action = {
        "what": "Weekly welfare call",
        "owner_agency": "housing",
        "start": "2025-04-01",
        "due": "2025-06-30",
        "measure": "calls made",
        "target": "down 20% against baseline",
    }
    detail = analyst.post(f"/api/v1/cases/{cid}/actions", json=action).json()
    (made,) = detail["actions"]
    assert made["status"] == "overdue" and made["target_text"] == "down 20% against baseline"
    detail = analyst.patch(f"/api/v1/cases/{cid}/actions/{made['id']}", json={"progress": "done"}).json()
    assert detail["actions"][0]["status"] == "done"
    backwards = analyst.post(f"/api/v1/cases/{cid}/actions", json={**action, "due": "2025-03-01"})
    assert backwards.status_code == 422

    closed = analyst.patch(f"/api/v1/cases/{cid}", json={"status": "closed", "problem_ids": [4], "places": ["x"]})
    assert closed.json()["status"] == "closed" and closed.json()["closed"] and closed.json()["problem_ids"] == [4]

    audit = analyst.get(f"/api/v1/cases/{cid}/audit").json()["audit"]
    changes = [(a["change"], a["entity"]) for a in audit]
    assert changes[:2] == [("created", "case"), ("linked", "incident")]
    assert ("updated", "risk") in changes and ("created", "intervention") in changes
    assert ("updated", "action") in changes and changes.count(("read", "case")) >= 10  # every answer shown is a read
    assert all(a["who"] == "test analyst" and a["role"] == "analyst" for a in audit)


def test_creates_take_an_idempotency_key(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    key = {"Idempotency-Key": "3f1b0c0e-case"}
    first = analyst.post("/api/v1/cases", json=CASE, headers=key)
    retry = analyst.post("/api/v1/cases", json=CASE, headers=key)
    assert first.status_code == retry.status_code == 201 and first.json()["id"] == retry.json()["id"]
    assert analyst.get("/api/v1/cases").json()["count"] == 1
    other = analyst.post("/api/v1/cases", json={**CASE, "subject_name": "Someone else"}, headers=key)
    assert other.status_code == 422
    cid = first.json()["id"]
    step = {"step": "warning letter", "issued": "2025-04-01", "agency": "housing"}
    for _ in range(2):
        made = analyst.post(f"/api/v1/cases/{cid}/interventions", json=step, headers={"Idempotency-Key": "step-1"})
        assert made.status_code == 201
    assert len(made.json()["interventions"]) == 1


def test_the_pages_show_what_the_api_gives(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    cid = open_case(analyst)["id"]
    listing = analyst.get("/cases")
    assert (
        listing.status_code == 200 and "Mrs A. Example" in listing.text and "Repeat victims to confirm" in listing.text
    )
    page = analyst.get(f"/cases/{cid}")
    assert page.status_code == 200 and "ASB/25/0001" in page.text and "by hand" in page.text and "Audit" in page.text
    partner = client(tasking_client, "partner", ("housing",))
    seen = partner.get(f"/cases/{cid}")
    assert seen.status_code == 200 and "Mrs A. Example" in seen.text and "<h2>Audit</h2>" not in seen.text
    assert "Repeat victims to confirm" not in partner.get("/cases").text
    reads = [a for a in analyst.get(f"/api/v1/cases/{cid}/audit").json()["audit"] if a["change"] in ("read", "listed")]
    assert {(a["who"], a["detail"]["route"]) for a in reads} >= {
        ("test analyst", "/cases"),
        ("test analyst", f"/cases/{cid}"),
        ("test partner", f"/cases/{cid}"),
        ("test partner", "/cases"),
    }


def test_subject_access_and_erasure_over_the_api_are_audited(tasking_client: TestClient) -> None:
    analyst = client(tasking_client, "analyst")
    cid = open_case(analyst)["id"]
    analyst.post(
        f"/api/v1/cases/{cid}/interventions",
        json={"step": "warning letter", "issued": "2025-04-01", "agency": "housing"},
    )
    export = analyst.get(f"/api/v1/cases/{cid}/subject-access").json()
    assert export["case"]["subject_name"] == CASE["subject_name"] and len(export["case"]["interventions"]) == 1
    assert [a["change"] for a in export["audit"]][-1] == "exported"
    erased = analyst.request("DELETE", f"/api/v1/cases/{cid}", json={"why": "opened in error"})
    assert erased.status_code == 200 and erased.json() == {"erased": cid}
    assert analyst.get(f"/api/v1/cases/{cid}").status_code == 404
    assert analyst.get("/api/v1/cases").json()["count"] == 0
    trail = tasking_client.app.state.cases.case_audit(cid)  # type: ignore[attr-defined]
    assert trail[-1]["change"] == "erased" and trail[-1]["detail"]["why"] == "opened in error"
    assert not [a for a in trail[:-1] if a["detail"] != {"erased": "personal data removed"}]


def test_retention_deletes_when_the_partnership_says_so(tasking_client: TestClient) -> None:
    from datetime import date

    from api.services.case_retention import RetentionRule, apply_retention

    analyst = client(tasking_client, "analyst")
    old = open_case(analyst, opened="2023-01-01")["id"]
    analyst.patch(f"/api/v1/cases/{old}", json={"status": "closed", "closed": "2023-03-30"})
    recent = open_case(analyst)["id"]
    analyst.patch(f"/api/v1/cases/{recent}", json={"status": "closed", "closed": "2024-03-31"})  # the day itself: kept
    still_open = open_case(analyst, opened="2020-01-01")["id"]
    store = tasking_client.app.state.cases  # type: ignore[attr-defined]
    done = apply_retention(
        store, RetentionRule(months=24, action="delete"), ("retention", "analyst"), date(2026, 3, 31)
    )
    assert done == {"action": "delete", "closed_before": "2024-03-31", "cases": [old], "applications": []}
    assert analyst.get(f"/api/v1/cases/{old}").status_code == 404
    assert {c["id"] for c in analyst.get("/api/v1/cases").json()["cases"]} == {recent, still_open}
    assert store.case_audit(old)[-1]["detail"]["why"] == "retention: closed before 2024-03-31"
