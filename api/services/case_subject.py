"""A data subject's rights over cases: the subject access export (everything held about the person of a case: the
case, its linked incidents, interventions, actions, risk assessment, repeat-victim flags, the ASB Case Review
applications made about it and the audit of who read and changed it) and erasure. Each is audited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api.database.case_reviews import CaseReviewStore
from api.services.case_review_threshold import ThresholdRule
from api.services.case_reviews import application_detail
from api.services.cases import case_detail, case_row

Actor = tuple[str, str]


def _same(name: str | None, wanted: str) -> bool:
    return bool(name) and " ".join(str(name).lower().split()) == wanted


def cases_of(store: CaseReviewStore, name: str, date_of_birth: str | None) -> list[int]:
    """The cases held about a person: the name as written (case and spacing aside) and, when given, the date of
    birth (a request names the person; the export is for the analyst to check before it is sent)."""
    wanted = " ".join(name.lower().split())
    return [
        c["id"]
        for c in store.cases()
        if _same(c["subject_name"], wanted)
        and (date_of_birth is None or (c["date_of_birth"] and c["date_of_birth"].isoformat() == date_of_birth))
    ]


def applications_of(store: CaseReviewStore, name: str, case_ids: list[int]) -> list[int]:
    """The Case Review applications held about a person: made by them or on their behalf (the name as written), or
    about one of their cases."""
    wanted = " ".join(name.lower().split())
    return [
        a["id"]
        for a in store.applications()
        if a["case_id"] in case_ids or _same(a["applicant_name"], wanted) or _same(a["on_behalf_of"], wanted)
    ]


def application_export(store: CaseReviewStore, application_id: int, actor: Actor) -> dict[str, Any]:
    """An application with its complaints, steps and audit, audited as an export."""
    detail = application_detail(store, application_id, ThresholdRule())
    detail.pop("threshold_now")  # the export holds what was recorded and decided, not a check made for it
    store.record_application_reads(actor, "exported", [application_id], {"what": "subject access export"})
    return {**detail, "audit": store.application_audit(application_id)}


def subject_access(store: CaseReviewStore, case_id: int, actor: Actor) -> dict[str, Any]:
    """Everything held about the subject of a case, audited as an export."""
    detail = case_detail(store, case_id)
    applications = [application_export(store, a, actor) for a in applications_of(store, "", [case_id])]
    store.record_reads(actor, "exported", [case_id], {"what": "subject access export"})
    return {
        "made_at": datetime.now(UTC).isoformat(),
        "made_by": actor[0],
        "case": detail,
        "applications": applications,
        "audit": store.case_audit(case_id),
        "note": "every record AIM holds about the subject of this case; other agencies' own systems hold their own",
    }


def erase(store: CaseReviewStore, case_id: int, actor: Actor, why: str) -> None:
    """Erase a case (the right to erasure, or a case opened in error): the case, its links, its Case Review
    applications and its own repeat flags deleted, the audit kept with its personal details blanked and the erasure
    recorded."""
    case_row(store, case_id)
    store.erase_case(case_id, actor, why or "erasure")
