"""The yearly publication of ASB Case Review figures (Anti-social Behaviour, Crime and Policing Act 2014 s.104(10)
and the statutory guidance): for the applications received in a year, per relevant body and for the partnership,
the number received, the times the threshold was not met, the reviews carried out and the reviews resulting in
recommendations, with the local threshold and the link to the procedure.

Each application counts once, in the year it was received, by the furthest step it has reached when the figures
are made: so the threshold not met, the reviews carried out, the withdrawn and the pending (received but not decided,
or met and awaiting its review) add up to the applications received, and the reviews with recommendations are among
those carried out. The figures are counts of applications, not of people, and are meant to be published: none is
suppressed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from api.database.case_reviews import CaseReviewStore
from api.services.case_review_threshold import ThresholdRule
from api.services.case_reviews import MET, NOT_MET, RECEIVED, RECOMMENDED, REVIEWED, WITHDRAWN
from api.services.errors import ParameterError

PARTNERSHIP = "the partnership"
COUNTS = (
    ("received", "Applications for an ASB Case Review received"),
    ("threshold_not_met", "Times the threshold was not met"),
    ("reviews_carried_out", "ASB Case Reviews carried out"),
    ("with_recommendations", "ASB Case Reviews resulting in recommendations"),
    ("withdrawn", "Applications withdrawn before a decision or review"),
    ("pending", "Applications still awaiting a decision or review"),
)


def counts(applications: list[dict[str, Any]]) -> dict[str, int]:
    """The statutory counts of the applications and the remainder (withdrawn, pending), each application once by
    the furthest step it has reached."""
    status = [a["status"] for a in applications]
    found = {
        "received": len(status),
        "threshold_not_met": status.count(NOT_MET),
        "reviews_carried_out": status.count(REVIEWED) + status.count(RECOMMENDED),
        "with_recommendations": status.count(RECOMMENDED),
        "withdrawn": status.count(WITHDRAWN),
        "pending": status.count(RECEIVED) + status.count(MET),
    }
    parts = found["threshold_not_met"] + found["reviews_carried_out"] + found["withdrawn"] + found["pending"]
    if parts != found["received"] or found["with_recommendations"] > found["reviews_carried_out"]:
        raise ValueError(f"Case Review counts do not add up: {found}")  # an unknown status in the store
    return found


def bodies_named(applications: list[dict[str, Any]]) -> list[str]:
    """Every relevant body named by the applications, in order of name."""
    return sorted({b for a in applications for b in a["bodies"]}, key=str.lower)


def publication(
    store: CaseReviewStore,
    year: int,
    rule: ThresholdRule,
    procedure_url: str | None,
    body: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """The year's figures for the partnership and each relevant body (only the body's, when one is named)."""
    if not 1900 <= year <= 2199:
        raise ParameterError("year", "a year from 1900 to 2199")
    made = today or date.today()
    received = [a for a in store.applications() if a["received"].year == year]
    named = bodies_named(received)
    if body is not None and body.lower() not in {b.lower() for b in named}:
        held = ", ".join(named) or "none"
        raise ParameterError("body", f"no application of {year} was made to {body!r}; bodies named: {held}")
    rows = [{"body": PARTNERSHIP, **counts(received)}] if body is None else []
    for name in named:
        if body is None or name.lower() == body.lower():
            rows.append({"body": name, **counts([a for a in received if name in a["bodies"]])})
    return {
        "year": year,
        "body": body,
        "as_of": made,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "threshold": rule.as_dict(),
        "procedure_url": procedure_url,
        "figures": rows,
        "labels": dict(COUNTS),
        "note": (
            "Counts of applications received in the year, each by the furthest step it has reached on "
            f"{made.isoformat()}; withdrawn and pending applications are shown, not left out. Counts of applications, "
            "not of people: statutory publication figures, not suppressed."
        ),
    }


def publication_rows(found: dict[str, Any]) -> list[list[object]]:
    """The publication as rows (body, then each count), for the CSV and the PDF."""
    return [[r["body"], *(r[k] for k, _ in COUNTS)] for r in found["figures"]]


PUBLICATION_HEADER = ["Relevant body", *(label for _, label in COUNTS)]
