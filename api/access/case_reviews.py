"""Who may see and work on ASB Case Review applications (special category data, as cases): analysts every one; a
partner those made to its agency (one of the token's sources among the application's relevant bodies) or about a
case it is party to; nobody else. An application a caller may not see answers 404, as one that does not exist."""

from __future__ import annotations

from typing import Any

from api.access.capabilities import Capabilities
from api.access.cases import party_to, require_cases
from api.access.policy import Grant
from api.access.principals import AuthError
from api.database.case_reviews import CaseReviewStore
from api.services.case_reviews import application_row
from api.services.errors import NotFoundError


def may_see(caps: Capabilities, store: CaseReviewStore, application: dict[str, Any]) -> bool:
    """Whether the caller may know of the application at all."""
    if caps.cases == Grant.FULL:
        return True
    if caps.cases != Grant.CASE:
        return False
    if set(caps.principal.sources) & set(application["bodies"]):
        return True
    case = store.case(application["case_id"]) if application["case_id"] is not None else None
    return case is not None and party_to(caps.principal, case)


def visible_applications(store: CaseReviewStore, caps: Capabilities) -> list[dict[str, Any]]:
    """The applications the caller may know of, oldest first."""
    require_cases(caps)
    return [a for a in store.applications() if may_see(caps, store, a)]


def visible_application(store: CaseReviewStore, caps: Capabilities, application_id: int) -> dict[str, Any]:
    """The application when the caller may know of it (NotFoundError otherwise: its existence is not told)."""
    require_cases(caps)
    row = store.application(application_id)
    if row is None or not may_see(caps, store, row):
        raise NotFoundError(f"no Case Review application {application_id}")
    return application_row(store, application_id)


def require_recording(caps: Capabilities, store: CaseReviewStore, fields: dict[str, Any]) -> None:
    """Analysts record any application; a partner one made to its own agency only, about no case it is not party to
    (so it cannot put a person's application before an agency that has not received it)."""
    require_cases(caps)
    if caps.cases == Grant.FULL:
        return
    bodies = set(fields.get("bodies") or [])
    if not bodies or not bodies <= set(caps.principal.sources):
        raise AuthError(403, "a partner records applications made to its own agency: bodies are its agencies")
    if fields.get("flag_ids"):
        raise AuthError(403, "only an analyst links an application to repeat-victim flags")
    case_id = fields.get("case_id")
    if case_id is not None:
        case = store.case(case_id)
        if case is None or not party_to(caps.principal, case):
            raise NotFoundError(f"no case {case_id}")


def line(application: dict[str, Any]) -> dict[str, Any]:
    """An application's line in a list."""
    keys = ("id", "reference", "received", "applicant_kind", "applicant_name", "bodies", "case_id", "status")
    return {k: application.get(k) for k in keys} | {"decided": application["decided"]}
