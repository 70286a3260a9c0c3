"""The demo's Case Review log (data/cases/case-review-applications.csv): its messy rows read as the two applications
they are, one that met the threshold (reviewed, with recommendations) and one that did not; tied to the demo's cases
and their linked incidents; loaded once; its publication and watchlist; on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from api.database.case_reviews import CaseReviewStore
from api.rules import case_ladder, repeat_rule, risk_matrix
from api.services.case_demo import load_demo_case_reviews, load_demo_cases
from api.services.case_places import locator
from api.services.case_review_publication import publication
from api.services.case_review_threshold import ThresholdRule
from api.services.case_review_watchlist import watchlist
from api.settings import Settings
from ingest.geocode import load_postcodes
from ingest.store.connection import open_served_store

DATA = Path(__file__).resolve().parents[3] / "data"  # this checkout's shipped data


def test_the_demo_log_loads_one_application_met_and_one_not(
    demo_store: Path, database_url: str, tmp_path: Path
) -> None:
    store = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_store, store)
    settings = Settings(store=store)
    con = open_served_store(store, "1GB")
    cases = CaseReviewStore.open(database_url)
    try:
        locate = locator(load_postcodes([DATA / "postcodes"]))
        rule = ThresholdRule()
        assert load_demo_cases(
            con, cases, DATA, case_ladder(settings), risk_matrix(settings), locate, repeat_rule(settings)
        )
        lines = load_demo_case_reviews(cases, DATA, rule)
        assert lines == [
            "2 ASB Case Review applications loaded from case-review-applications.csv "
            "(CR-25-005: threshold not met; CR-25-007: recommendations made)"
        ]
        assert load_demo_case_reviews(cases, DATA, rule) == []  # held already: nothing added
        by_ref = {a["reference"]: a for a in cases.applications()}
        met, not_met = by_ref["CR-25-007"], by_ref["CR-25-005"]
        case_of = {c["reference"]: c["id"] for c in cases.cases()}
        assert met["case_id"] == case_of["ASB-25-0114"] and not_met["case_id"] == case_of["ASB-25-0131"]
        assert met["bodies"] == ["council", "police", "housing"] and met["postcode"] == "TS1 5JF"
        assert (str(met["decided"]), str(met["review_held"]), str(met["outcome_communicated"])) == (
            "2025-11-10",
            "2025-11-24",
            "2025-11-26",
        )
        assert [r["agency"] for r in met["recommendations"]] == ["housing", "police"]
        assert met["threshold"]["qualifying"] == 3 and not_met["threshold"]["qualifying"] == 2
        late = [c for c in not_met["threshold"]["complaints"] if not c["qualifies"]]
        assert [(c["ref"], c["why_not"]) for c in late] == [
            ("CRM-251089", "made more than 1 month(s) after the behaviour")
        ]
        complaints = cases.complaints(met["id"])
        assert len(complaints) == 3 and all(c["incident_id"] for c in complaints)  # the case's linked incidents
        assert len(cases.complaints(not_met["id"])) == 3  # the repeated row once

        published = publication(cases, 2025, rule, None, today=date(2026, 1, 6))["figures"][0]
        assert published == {
            "body": "the partnership",
            "received": 2,
            "threshold_not_met": 1,
            "reviews_carried_out": 1,
            "with_recommendations": 1,
            "withdrawn": 0,
            "pending": 0,
        }
        watched = {e["label"]: e for e in watchlist(cases, rule, date(2025, 10, 20))}
        assert watched["ASB-25-0114"]["threshold_reached"] and watched["ASB-25-0114"]["reports"] == 3
        assert watched["ASB-25-0131"]["applications"] == [not_met["id"]]
    finally:
        cases.close()
        con.close()
