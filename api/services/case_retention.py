"""Retention of cases: a case closed longer ago than the partnership's period (default 24 months) is anonymised (its
subject's name, date of birth, address, UPRN and summary blanked, the postcode cut to its district, the audit's
details blanked) or deleted with everything linked to it (its ASB Case Review applications go with it). An application
with no case is done the same way once its last step (outcome told, withdrawn, threshold not met) is that long ago.
Each case and application done is audited."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from typing import Literal

from api.database.case_reviews import CaseReviewStore

Actor = tuple[str, str]


@dataclass(frozen=True)
class RetentionRule:
    """How many months a closed case is kept, and what is done then."""

    months: int = 24
    action: Literal["anonymise", "delete"] = "anonymise"


def cutoff(rule: RetentionRule, today: date) -> date:
    """Cases closed before this day are due: the same day of the month, rule.months before (the month's last day
    when it is shorter)."""
    year, month = divmod(today.year * 12 + today.month - 1 - rule.months, 12)
    return date(year, month + 1, min(today.day, monthrange(year, month + 1)[1]))


def district(postcode: str | None) -> str | None:
    """A postcode's district (its outward code): TS1 2AB -> TS1."""
    return postcode.split()[0] if postcode and " " in postcode else None


def apply_retention(
    store: CaseReviewStore, rule: RetentionRule, actor: Actor, today: date | None = None
) -> dict[str, object]:
    """Anonymise or delete the closed cases and finished applications past the period; what was done to which."""
    day = cutoff(rule, today or date.today())
    why = f"retention: closed before {day.isoformat()}"
    due = store.closed_before(day, include_anonymised=rule.action == "delete")
    for case in due:
        if rule.action == "delete":
            store.erase_case(case["id"], actor, why)
        else:
            store.anonymise_case(case["id"], actor, district(case["postcode"]))
    finished = store.applications_finished_before(day, include_anonymised=rule.action == "delete")
    for application in finished:
        if rule.action == "delete":
            store.erase_application(application["id"], actor, why)
        else:
            store.anonymise_application(application["id"], actor, district(application["postcode"]))
    return {
        "action": rule.action,
        "closed_before": day.isoformat(),
        "cases": [c["id"] for c in due],
        "applications": [a["id"] for a in finished],
    }
