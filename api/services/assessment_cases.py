"""The annual assessment's figures from cases, counts only: repeat victims (chapter 3) and the ASB Case Review's
yearly figures (chapter 7), the very counts /api/v1/case-reviews/publication gives for the year. Both are the
partnership's: cases and applications are not held by district, so a district's assessment gives its partnership's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from api.database.case_reviews import CaseReviewStore
from api.services.case_review_publication import publication
from api.services.case_review_threshold import ThresholdRule

NOT_HELD = (
    "not held here: the assessment was made without the deployment's cases, so the yearly figures (applications "
    "received, times the threshold was not met, reviews carried out, reviews resulting in recommendations) are not "
    "given"
)


@dataclass(frozen=True)
class CaseFigures:
    """Where the cases are, and the Case Review's local threshold and procedure link (settings, at the entry point)."""

    store: CaseReviewStore
    rule: ThresholdRule
    procedure_url: str | None


def repeat_victims(store: CaseReviewStore, year: int) -> dict[str, Any]:
    """Repeat-victim flags whose records fall (in part) in the year, by the analyst's decision, and the confirmed
    ones whose case is assessed high risk: counts only."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    flags = [f for f in store.flags() if f["first_on"] <= last and f["last_on"] >= first]
    risk = {c["id"]: (c.get("risk") or {}).get("level") for c in store.cases()}
    confirmed = [f for f in flags if f["status"] == "confirmed"]
    return {
        "held": True,
        "flagged": len(flags),
        "confirmed": len(confirmed),
        "awaiting": sum(f["status"] == "flagged" for f in flags),
        "dismissed": sum(f["status"] == "dismissed" for f in flags),
        "confirmed_high_risk": sum(risk.get(f["case_id"]) == "high" for f in confirmed),
    }


def case_review(figures: CaseFigures, year: int) -> dict[str, Any]:
    """The year's Case Review publication (the partnership and each relevant body), as the API gives it."""
    return {"held": True, **publication(figures.store, year, figures.rule, figures.procedure_url)}
