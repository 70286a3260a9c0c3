"""Every Case Review answer is its operation's declared model, closed (no member left undeclared): the application
through its steps, the list, the watchlist, the publication, the audit, the erasure; the assessment with its Case
Review chapter held and the tasking pack with its worklist too."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from api.http.app import create_app
from api.settings import Settings
from tests.api.case_reviews.test_case_reviews import APPLICATION
from tests.api.cases.test_cases import CASE
from tests.api.http.test_models import Checked, Documented, as_role

OPERATIONS = {
    "GET /api/v1/case-reviews",
    "POST /api/v1/case-reviews",
    "GET /api/v1/case-reviews/{application_id}",
    "DELETE /api/v1/case-reviews/{application_id}",
    "POST /api/v1/case-reviews/{application_id}/decision",
    "POST /api/v1/case-reviews/{application_id}/review",
    "POST /api/v1/case-reviews/{application_id}/recommendations",
    "POST /api/v1/case-reviews/{application_id}/withdraw",
    "GET /api/v1/case-reviews/{application_id}/audit",
    "GET /api/v1/case-reviews/watchlist",
    "GET /api/v1/case-reviews/publication",
    "GET /api/v1/assessment",
    "GET /api/v1/tasking/pack",
    "GET /api/v1/cases/{case_id}/subject-access",
}


def test_case_review_answers_are_their_declared_models(demo_store: Path, tmp_path: Path) -> None:
    settings = Settings(
        store=demo_store, database_url=f"sqlite:///{tmp_path / 'cases.sqlite'}", access_db=tmp_path / "access.db"
    )
    with TestClient(create_app(settings)) as client:
        check = Checked(Documented(client.get("/openapi.json").json()))
        analyst, police = as_role(client, "analyst"), as_role(client, "partner", ("Cleveland Police",))
        case = analyst.post("/api/v1/cases", json=CASE).json()
        made = check(
            "POST /api/v1/case-reviews",
            analyst.post("/api/v1/case-reviews", json=APPLICATION | {"case_id": case["id"]}),
        )
        one = f"/api/v1/case-reviews/{made['id']}"
        check("GET /api/v1/case-reviews/{application_id}", police.get(one))
        decided = check(
            "POST /api/v1/case-reviews/{application_id}/decision",
            analyst.post(f"{one}/decision", json={"decided": "2025-05-20"}),
        )
        assert decided["threshold"]["decided_as"] == "met"
        check(
            "POST /api/v1/case-reviews/{application_id}/review",
            analyst.post(f"{one}/review", json={"held": "2025-06-01"}),
        )
        recs = {
            "recommendations": [{"text": "Visit", "agency": "police", "due": "2025-07-01"}],
            "communicated": "2025-06-02",
        }
        check(
            "POST /api/v1/case-reviews/{application_id}/recommendations",
            analyst.post(f"{one}/recommendations", json=recs),
        )
        other = analyst.post("/api/v1/case-reviews", json=APPLICATION).json()
        check(
            "POST /api/v1/case-reviews/{application_id}/withdraw",
            analyst.post(f"/api/v1/case-reviews/{other['id']}/withdraw", json={"on": "2025-05-13"}),
        )
        for who in (analyst, police):
            check("GET /api/v1/case-reviews", who.get("/api/v1/case-reviews"))
        check("GET /api/v1/case-reviews/watchlist", analyst.get("/api/v1/case-reviews/watchlist?on=2025-03-10"))
        check("GET /api/v1/case-reviews/publication", analyst.get("/api/v1/case-reviews/publication?year=2025"))
        check(
            "GET /api/v1/case-reviews/publication",
            analyst.get("/api/v1/case-reviews/publication", params={"year": 2025, "body": "Cleveland Police"}),
        )
        check("GET /api/v1/case-reviews/{application_id}/audit", analyst.get(f"{one}/audit"))
        report = check("GET /api/v1/assessment", analyst.get("/api/v1/assessment?lad=E06000002&year=2025"))
        assert report["case_review"]["held"] and report["repeat_victims"]["held"]
        meeting = (date.today() + timedelta(days=3)).isoformat()
        pack = check(
            "GET /api/v1/tasking/pack", analyst.get(f"/api/v1/tasking/pack?csp=Middlesbrough&date={meeting}&cells=3")
        )
        assert pack["worklist"]["held"] and pack["worklist"]["cases"] == 1
        export = check(
            "GET /api/v1/cases/{case_id}/subject-access", analyst.get(f"/api/v1/cases/{case['id']}/subject-access")
        )
        assert export["applications"][0]["recommendations"][0]["agency"] == "police"
        erased = analyst.request("DELETE", f"/api/v1/case-reviews/{other['id']}", json={"why": "asked"})
        assert check("DELETE /api/v1/case-reviews/{application_id}", erased) == {"erased": other["id"]}
    assert check.operations == OPERATIONS
