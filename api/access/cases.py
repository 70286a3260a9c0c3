"""Who may see and change cases about people (special category data), by the caller's grant on cases
(api/access/capabilities.py): full, every case (analysts); case, the cases its agency owns or is party to (partners:
one of the token's sources or agencies is the owner agency or among the agencies); denied to everyone else, and a
case's existence is not told to a caller who may not see it (404, as for a case that does not exist)."""

from __future__ import annotations

from typing import Any

from api.access.capabilities import Capabilities
from api.access.policy import Grant
from api.access.principals import AuthError, Principal
from api.database.cases import CaseStore
from api.services import cases as service
from api.services.errors import NotFoundError

PARTNER_CASE_FIELDS = {"status", "closed", "summary", "officer", "places", "problem_ids"}


def actor(principal: Principal) -> tuple[str, str]:
    """Who acts, for the audit: the token's name and role."""
    return principal.name, principal.role.value


def party_to(principal: Principal, case: dict[str, Any]) -> bool:
    """A partner is party to a case its agency owns or is named among the case's agencies."""
    named = {case["owner_agency"], *(case.get("agencies") or [])}
    return bool(set(principal.sources) & named)


def may_see(caps: Capabilities, case: dict[str, Any]) -> bool:
    """Whether the caller may know of the case at all."""
    if caps.cases == Grant.FULL:
        return True
    return caps.cases == Grant.CASE and party_to(caps.principal, case)


def require_cases(caps: Capabilities) -> None:
    """Refuse a caller with no grant on cases (the policy refuses it on every case route already)."""
    if caps.cases in (Grant.FULL, Grant.CASE):
        return
    if not caps.signed_in:
        raise AuthError(*caps.refusal())
    raise AuthError(403, f"the {caps.principal.role} role may not use cases")


def require_opening(caps: Capabilities, fields: dict[str, Any]) -> None:
    """Analysts open any case; a partner opens a case only its own agency owns, naming no other agency (so it cannot
    hand a person's record to an agency that has not taken it on: only analysts bring other agencies in)."""
    require_cases(caps)
    if caps.cases == Grant.FULL:
        return
    if fields.get("owner_agency") not in caps.principal.sources:
        raise AuthError(403, "a partner opens cases its own agency owns: owner_agency is one of its agencies")
    others = set(fields.get("agencies") or []) - set(caps.principal.sources)
    if others:
        raise AuthError(403, "only an analyst brings other agencies into a case: ask the CSP analyst")


def check_partner_fields(caps: Capabilities, fields: set[str]) -> None:
    """A party to a case (a partner) changes its status, summary, officer and links; the subject, owner and
    agencies are the analyst's (who brings new parties in)."""
    if caps.cases == Grant.CASE and not fields <= PARTNER_CASE_FIELDS:
        allowed = ", ".join(sorted(PARTNER_CASE_FIELDS))
        raise AuthError(403, f"a partner may change a case's {allowed} only")


def visible_cases(store: CaseStore, caps: Capabilities) -> list[dict[str, Any]]:
    """The cases the caller may know of, oldest first."""
    require_cases(caps)
    return [c for c in store.cases() if may_see(caps, c)]


def visible_case(store: CaseStore, caps: Capabilities, case_id: int) -> dict[str, Any]:
    """The case's detail when the caller may know of it (NotFoundError otherwise: its existence is not told)."""
    require_cases(caps)
    row = store.case(case_id)
    if row is None or not may_see(caps, row):
        raise NotFoundError(f"no case {case_id}")
    return service.case_detail(store, case_id)


def case_view(caps: Capabilities, detail: dict[str, Any]) -> dict[str, Any]:
    """What the caller sees of a case it may see: analysts every part; a party agency the case without the
    repeat-victim flags' records from other agencies (their feeds and dates stay; the records are the analyst's)."""
    if caps.cases == Grant.FULL:
        return detail
    flags = [
        {k: f[k] for k in ("id", "rule", "status", "feeds", "first_on", "last_on")} | {"records": len(f["records"])}
        for f in detail.get("repeat_flags") or []
    ]
    return {**detail, "repeat_flags": flags}


def list_view(case: dict[str, Any]) -> dict[str, Any]:
    """A case's line in a list."""
    keys = (
        "id",
        "reference",
        "subject_kind",
        "subject_role",
        "subject_name",
        "owner_agency",
        "officer",
        "status",
        "opened",
        "closed",
        "repeat_victim",
        "risk_level",
    )
    return {k: case.get(k) for k in keys}
