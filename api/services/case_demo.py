"""The demo's cases: the sample case-management export (data/cases), loaded once, then a look for repeat victims;
the demo's analyst confirms the household at 149 Borough Rd as a repeat victim, and leaves the other flag for the
reader to confirm. Then the sample Case Review log: one application that met the threshold (reviewed, with
recommendations) and one that did not."""

from __future__ import annotations

from pathlib import Path

from api.database.case_reviews import CaseReviewStore
from api.database.cases import CaseStore
from api.services import repeat_victims
from api.services.case_export import load_export
from api.services.case_places import Locate
from api.services.case_review_export import load_log
from api.services.case_review_threshold import ThresholdRule
from api.services.case_risk import RiskMatrix
from ingest.store.connection import Connection

ACTOR = ("demo analyst", "analyst")
EXPORT = Path("cases") / "ecins-case-export.csv"
REVIEW_LOG = Path("cases") / "case-review-applications.csv"
CONFIRMED = "ASB-25-0114"  # the household at 149 Borough Rd, TS1 5JF


def load_demo_cases(
    con: Connection,
    store: CaseStore,
    data_dir: Path,
    ladder: tuple[str, ...],
    matrix: RiskMatrix,
    locate: Locate,
    rule: repeat_victims.RepeatRule,
) -> list[str]:
    """Load the sample export and flag repeat victims (nothing is added when its cases are held already); what was
    done, in lines."""
    report = load_export(con, store, data_dir / EXPORT, ACTOR, ladder, matrix, locate, rule.near_m)
    if not report["cases"]:
        return []
    new = repeat_victims.scan(con, store, rule, locate, ACTOR)
    by_ref = {c["reference"]: c["id"] for c in store.cases()}
    confirmed = by_ref.get(CONFIRMED)
    for flag in store.flags():
        if flag["id"] in new and confirmed and any(r["ref"] == "HSG/25/0412" for r in flag["records"]):
            repeat_victims.decide(
                store,
                flag["id"],
                "confirmed",
                confirmed,
                "two housing reports and a council complaint at the address in seven weeks",
                ACTOR,
            )
    return [
        f"{len(report['cases'])} cases loaded from {EXPORT.name} ({report['rows']} rows)",
        f"{len(new)} repeat victims flagged ({rule.describe()}); case {CONFIRMED} confirmed as one",
    ]


def load_demo_case_reviews(store: CaseReviewStore, data_dir: Path, rule: ThresholdRule) -> list[str]:
    """Load the sample Case Review log after the demo's cases (nothing is added when its applications are held
    already); what was done, in lines."""
    report = load_log(store, data_dir / REVIEW_LOG, ACTOR, rule)
    if not report["applications"]:
        return []
    by_ref = {a["reference"]: a["status"] for a in store.applications()}
    done = "; ".join(f"{ref}: {by_ref[ref]}" for ref in report["applications"])
    return [f"{len(report['applications'])} ASB Case Review applications loaded from {REVIEW_LOG.name} ({done})"]
