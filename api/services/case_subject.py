"""A data subject's rights over cases: the subject access export (everything held about the person of a case: the
case, its linked incidents, interventions, actions, risk assessment, repeat-victim flags and the audit of who read and
changed it) and erasure. Each is audited."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api.database.cases import CaseStore
from api.services.cases import case_detail, case_row

Actor = tuple[str, str]


def cases_of(store: CaseStore, name: str, date_of_birth: str | None) -> list[int]:
    """The cases held about a person: the name as written (case and spacing aside) and, when given, the date of
    birth (a request names the person; the export is for the analyst to check before it is sent)."""
    wanted = " ".join(name.lower().split())
    return [
        c["id"]
        for c in store.cases()
        if c["subject_name"]
        and " ".join(c["subject_name"].lower().split()) == wanted
        and (date_of_birth is None or (c["date_of_birth"] and c["date_of_birth"].isoformat() == date_of_birth))
    ]


def subject_access(store: CaseStore, case_id: int, actor: Actor) -> dict[str, Any]:
    """Everything held about the subject of a case, audited as an export."""
    detail = case_detail(store, case_id)
    store.record_reads(actor, "exported", [case_id], {"what": "subject access export"})
    return {
        "made_at": datetime.now(UTC).isoformat(),
        "made_by": actor[0],
        "case": detail,
        "audit": store.case_audit(case_id),
        "note": "every record AIM holds about the subject of this case; other agencies' own systems hold their own",
    }


def erase(store: CaseStore, case_id: int, actor: Actor, why: str) -> None:
    """Erase a case (the right to erasure, or a case opened in error): the case, its links and its own repeat flags
    deleted, the audit kept with its personal details blanked and the erasure recorded."""
    case_row(store, case_id)
    store.erase_case(case_id, actor, why or "erasure")
