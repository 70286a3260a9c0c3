"""Cases about people and households over HTTP: open, list, read and change cases; linked incidents, the risk
assessment, interventions and SMART actions; the audit, subject access export and erasure; repeat-victim flags.
Thin: parse, check who may (api/access/cases.py), call api/services/cases.py, audit the read, shape the view.

Special category data: analysts and the case's agencies only; every read and change is audited."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from fastapi.encoders import jsonable_encoder
from pydantic import Field

from api.access import cases as access
from api.access.capabilities import Capabilities
from api.access.principals import AuthError
from api.database.case_reviews import CaseReviewStore
from api.http.deps import CapabilitiesDep, Con, SettingsDep
from api.http.models.base import plain
from api.http.models.cases import (
    CaseAudit,
    CaseDetail,
    CaseErased,
    CaseList,
    CaseSettings,
    CasesLinked,
    FlagList,
    FlagsFound,
    FlagShown,
    SubjectAccessExport,
)
from api.http.routers.problems import BAD_BODY, Body, IdempotencyKey, Target, _once, _values
from api.rules import case_ladder, repeat_rule, risk_matrix
from api.services import case_subject, repeat_victims
from api.services import cases as service
from api.services.case_places import Locate, locator
from api.services.case_risk import describe
from api.services.errors import NotFoundError
from api.settings import Settings
from ingest.geocode import load_postcodes

router = APIRouter(prefix="/api/v1", tags=["cases"], responses=BAD_BODY)
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Case id")]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Id of the case's record")]
FlagId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Repeat-victim flag id")]
Names = list[Annotated[str, Field(max_length=200)]]


class IncidentIn(Body):
    feed: str = Field(max_length=120, description="The feed or agency system that recorded it")
    ref: str | None = Field(None, max_length=120)
    occurred_on: date | None = None
    category: str | None = Field(None, max_length=120)
    address: str | None = Field(None, max_length=300)
    uprn: str | None = Field(None, max_length=12)
    note: str | None = Field(None, max_length=2000)


class CaseIn(Body):
    reference: str | None = Field(None, max_length=60)
    subject_kind: Literal["person", "household"] = "person"
    subject_role: Literal["victim", "perpetrator", "both"] = "victim"
    subject_name: str = Field(max_length=200)
    date_of_birth: date | None = None
    address: str | None = Field(None, max_length=300)
    postcode: str | None = Field(None, max_length=10)
    uprn: str | None = Field(None, max_length=12)
    summary: str = Field("", max_length=5000)
    owner_agency: str = Field(max_length=200)
    officer: str = Field(max_length=200)
    agencies: Names = Field(default_factory=list, max_length=20)
    opened: date | None = None
    problem_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(default_factory=list, max_length=50)
    places: Names = Field(default_factory=list, max_length=50)
    incidents: list[IncidentIn] = Field(default_factory=list, max_length=200)


class CaseChange(Body):
    reference: str | None = Field(None, max_length=60)
    subject_kind: Literal["person", "household"] | None = None
    subject_role: Literal["victim", "perpetrator", "both"] | None = None
    subject_name: str | None = Field(None, max_length=200)
    date_of_birth: date | None = None
    address: str | None = Field(None, max_length=300)
    postcode: str | None = Field(None, max_length=10)
    uprn: str | None = Field(None, max_length=12)
    summary: str | None = Field(None, max_length=5000)
    owner_agency: str | None = Field(None, max_length=200)
    officer: str | None = Field(None, max_length=200)
    agencies: Names | None = Field(None, max_length=20)
    status: Literal["open", "closed"] | None = None
    closed: date | None = None
    problem_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] | None = Field(None, max_length=50)
    places: Names | None = Field(None, max_length=50)


class LinksIn(Body):
    refs: list[Annotated[str, Field(max_length=120)]] = Field(default_factory=list, max_length=200)
    since: date | None = None


class RiskIn(Body):
    answers: dict[Annotated[str, Field(max_length=40)], Literal["yes", "no", "unknown"]] = Field(max_length=60)


class InterventionIn(Body):
    step: str = Field(max_length=60)
    issued: date
    agency: str = Field(max_length=200)
    review_on: date | None = None
    outcome: str | None = Field(None, max_length=200)
    outcome_on: date | None = None
    note: str | None = Field(None, max_length=2000)


class InterventionChange(Body):
    step: str | None = Field(None, max_length=60)
    issued: date | None = None
    agency: str | None = Field(None, max_length=200)
    review_on: date | None = None
    outcome: str | None = Field(None, max_length=200)
    outcome_on: date | None = None
    note: str | None = Field(None, max_length=2000)


class CaseActionIn(Body):
    what: str = Field(max_length=2000)
    owner_agency: str = Field(max_length=200)
    start: date
    due: date
    measure: str = Field(max_length=2000)
    target: str | Target | None = None
    progress: Literal["planned", "in progress", "done"] = "planned"
    done_on: date | None = None


class ActionChange(Body):
    what: str | None = Field(None, max_length=2000)
    owner_agency: str | None = Field(None, max_length=200)
    start: date | None = None
    due: date | None = None
    measure: str | None = Field(None, max_length=2000)
    target: str | Target | None = None
    progress: Literal["planned", "in progress", "done"] | None = None
    done_on: date | None = None


class FlagDecision(Body):
    status: Literal["confirmed", "dismissed", "flagged"]
    case_id: int | None = Field(None, ge=1, le=2**31 - 1)
    note: str = Field("", max_length=2000)


ERASURE = "erasure requested by the data subject"


class ErasureIn(Body):
    why: str = Field(ERASURE, max_length=500)


def cases_store(request: Request) -> CaseReviewStore:
    """The app's case store (on the deployment database's engine; it holds the Case Review applications too)."""
    store: CaseReviewStore = request.app.state.cases
    return store


def case_locate(request: Request) -> Locate:
    """Postcodes' centroids for placing cases' addresses (the postcode files in settings, read once per app)."""
    located: Locate | None = getattr(request.app.state, "case_locate", None)
    if located is None:
        settings: Settings = request.app.state.settings
        located = locator(load_postcodes(list(settings.postcodes)))
        request.app.state.case_locate = located
    return located


def _shown(request: Request, caps: Capabilities, case_id: int, change: str = "read") -> dict[str, Any]:
    """The case as the caller may see it, its read audited (404 when the caller may not know of it)."""
    store = cases_store(request)
    detail = access.visible_case(store, caps, case_id)
    store.record_reads(access.actor(caps.principal), change, [case_id], {"route": request.url.path})
    return jsonable_encoder(access.case_view(caps, detail))


def _workable(request: Request, caps: Capabilities, case_id: int) -> CaseReviewStore:
    """The store, once the caller is known to see the case (its agencies and analysts work on what they see)."""
    store = cases_store(request)
    access.visible_case(store, caps, case_id)
    return store


@router.get("/cases", response_model=CaseList, **plain)
def list_cases(request: Request, caps: CapabilitiesDep) -> dict[str, Any]:
    """The cases the caller may see, open ones first in the order the owning agencies should act on them (a
    confirmed repeat victim with a high risk first), then the closed; every case listed is audited as read."""
    store = cases_store(request)
    seen = access.visible_cases(store, caps)
    lines = [access.list_view(c) for c in repeat_victims.priority(store, seen)]
    store.record_reads(access.actor(caps.principal), "listed", [c["id"] for c in seen], {"route": request.url.path})
    return jsonable_encoder({"cases": lines, "count": len(lines)})


@router.get("/cases/settings", response_model=CaseSettings, **plain)
def case_settings(caps: CapabilitiesDep, settings: SettingsDep) -> dict[str, Any]:
    """The partnership's risk matrix, ladder of interventions and repeat-victim rule."""
    access.require_cases(caps)
    rule = repeat_rule(settings)
    return {
        "risk_matrix": describe(risk_matrix(settings)),
        "ladder": list(case_ladder(settings)),
        "repeat_rule": {"count": rule.count, "months": rule.months, "feeds": rule.feeds, "in_words": rule.describe()},
    }


@router.post("/cases", status_code=201, response_model=CaseDetail, **plain)
def create_case(request: Request, caps: CapabilitiesDep, body: CaseIn, key: IdempotencyKey = None) -> dict[str, Any]:
    """Open a case about a person or household (analysts; a partner for its own agency), with incidents linked by
    hand at opening."""
    access.require_opening(caps, {"owner_agency": body.owner_agency, "agencies": body.agencies})
    values = _values(body) | {"incidents": [_values(i) for i in body.incidents]}
    store = cases_store(request)
    once = _once(caps, key, request, body)
    made = store.made(once) if once else None
    case_id = made or service.open_case(store, values, access.actor(caps.principal), once)
    return _shown(request, caps, case_id)


@router.get("/cases/{case_id}", response_model=CaseDetail, **plain)
def get_case(request: Request, caps: CapabilitiesDep, case_id: CaseId) -> dict[str, Any]:
    """A case with its incidents, risk, interventions, actions and repeat flags (analysts; its agencies)."""
    return _shown(request, caps, case_id)


@router.patch("/cases/{case_id}", response_model=CaseDetail, **plain)
def change_case(request: Request, caps: CapabilitiesDep, case_id: CaseId, body: CaseChange) -> dict[str, Any]:
    """Change a case (analysts; its agencies: status, summary, officer and links)."""
    store = _workable(request, caps, case_id)
    values = _values(body)
    access.check_partner_fields(caps, set(values))
    service.update_case(store, case_id, values, access.actor(caps.principal))
    return _shown(request, caps, case_id)


@router.delete("/cases/{case_id}", response_model=CaseErased, **plain)
def erase_case(
    request: Request, caps: CapabilitiesDep, case_id: CaseId, body: ErasureIn | None = None
) -> dict[str, Any]:
    """Erase a case (analysts): the case and everything linked to it; the audit keeps that it was, and who erased
    it and why, without the personal data."""
    store = _workable(request, caps, case_id)
    if not caps.case_audit:
        raise AuthError(403, "only an analyst may erase a case")
    case_subject.erase(store, case_id, access.actor(caps.principal), body.why if body else ERASURE)
    return {"erased": case_id}


@router.post("/cases/{case_id}/incidents", status_code=201, response_model=CaseDetail, **plain)
def link_incident(request: Request, caps: CapabilitiesDep, case_id: CaseId, body: IncidentIn) -> dict[str, Any]:
    """Link an incident to the case by hand (its feed, reference, date, address or UPRN)."""
    store = _workable(request, caps, case_id)
    service.link_by_hand(store, case_id, _values(body), access.actor(caps.principal))
    return _shown(request, caps, case_id)


@router.delete("/cases/{case_id}/incidents/{incident_id}", response_model=CaseDetail, **plain)
def unlink_incident(request: Request, caps: CapabilitiesDep, case_id: CaseId, incident_id: ItemId) -> dict[str, Any]:
    """Take a linked incident off the case."""
    store = _workable(request, caps, case_id)
    if not store.unlink_incident(case_id, incident_id, access.actor(caps.principal)):
        raise NotFoundError(f"no incident {incident_id} linked to case {case_id}")
    return _shown(request, caps, case_id)


@router.post("/cases/{case_id}/links", status_code=201, response_model=CasesLinked, **plain)
def link_by_rules(
    request: Request, con: Con, caps: CapabilitiesDep, settings: SettingsDep, case_id: CaseId, body: LinksIn
) -> dict[str, Any]:
    """Link every feed's records the case's rules find (analysts): by the references given, the case's address and
    its UPRN; each linked incident says which rule linked it."""
    store = _workable(request, caps, case_id)
    rule = repeat_rule(settings)
    actor = access.actor(caps.principal)
    made = service.link_by_rules(con, store, case_id, actor, body.refs, case_locate(request), body.since, rule.near_m)
    return {"linked": len(made), "case": _shown(request, caps, case_id)}


@router.post("/cases/{case_id}/risk", status_code=201, response_model=CaseDetail, **plain)
def assess_risk(
    request: Request, caps: CapabilitiesDep, settings: SettingsDep, case_id: CaseId, body: RiskIn
) -> dict[str, Any]:
    """Score the victim risk assessment against the partnership's matrix (standard, medium or high)."""
    store = _workable(request, caps, case_id)
    service.assess_risk(store, case_id, dict(body.answers), risk_matrix(settings), access.actor(caps.principal))
    return _shown(request, caps, case_id)


@router.post("/cases/{case_id}/interventions", status_code=201, response_model=CaseDetail, **plain)
def add_intervention(
    request: Request,
    caps: CapabilitiesDep,
    settings: SettingsDep,
    case_id: CaseId,
    body: InterventionIn,
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Record a step of the escalation ladder (warning letter, ABC, CPW, CPN, breach, FPN, injunction, closure)."""
    store = _workable(request, caps, case_id)
    once = _once(caps, key, request, body)
    if not (once and store.made(once)):
        service.add_intervention(
            store, case_id, _values(body), case_ladder(settings), access.actor(caps.principal), once
        )
    return _shown(request, caps, case_id)


@router.patch("/cases/{case_id}/interventions/{intervention_id}", response_model=CaseDetail, **plain)
def change_intervention(
    request: Request,
    caps: CapabilitiesDep,
    settings: SettingsDep,
    case_id: CaseId,
    intervention_id: ItemId,
    body: InterventionChange,
) -> dict[str, Any]:
    """Record an intervention's outcome, or change its dates."""
    store = _workable(request, caps, case_id)
    service.update_intervention(
        store, case_id, intervention_id, _values(body), case_ladder(settings), access.actor(caps.principal)
    )
    return _shown(request, caps, case_id)


@router.post("/cases/{case_id}/actions", status_code=201, response_model=CaseDetail, **plain)
def add_action(
    request: Request, caps: CapabilitiesDep, case_id: CaseId, body: CaseActionIn, key: IdempotencyKey = None
) -> dict[str, Any]:
    """Add a SMART action (as a problem's): what, owner agency, start, due, measure and target."""
    store = _workable(request, caps, case_id)
    once = _once(caps, key, request, body)
    if not (once and store.made(once)):
        service.add_action(store, case_id, _values(body), access.actor(caps.principal), once)
    return _shown(request, caps, case_id)


@router.patch("/cases/{case_id}/actions/{action_id}", response_model=CaseDetail, **plain)
def change_action(
    request: Request, caps: CapabilitiesDep, case_id: CaseId, action_id: ItemId, body: ActionChange
) -> dict[str, Any]:
    """Change a case's action (its progress, dates, measure or target)."""
    store = _workable(request, caps, case_id)
    service.update_action(store, case_id, action_id, _values(body), access.actor(caps.principal))
    return _shown(request, caps, case_id)


@router.get("/cases/{case_id}/audit", response_model=CaseAudit, **plain)
def case_audit(request: Request, caps: CapabilitiesDep, case_id: CaseId) -> dict[str, Any]:
    """Every read and change of the case: who, role, when, what (analysts)."""
    store = _workable(request, caps, case_id)
    trail = store.case_audit(case_id)
    store.record_reads(access.actor(caps.principal), "read", [case_id], {"route": request.url.path}, entity="audit")
    return jsonable_encoder({"audit": trail})


@router.get("/cases/{case_id}/subject-access", response_model=SubjectAccessExport, **plain)
def subject_access(request: Request, caps: CapabilitiesDep, case_id: CaseId) -> dict[str, Any]:
    """Everything held about the case's subject, for a subject access request (analysts; audited as an export)."""
    store = _workable(request, caps, case_id)
    return jsonable_encoder(case_subject.subject_access(store, case_id, access.actor(caps.principal)))


@router.get("/repeat-victims", response_model=FlagList, **plain)
def list_flags(
    request: Request,
    caps: CapabilitiesDep,
    settings: SettingsDep,
    status: Literal["flagged", "confirmed", "dismissed"] | None = None,
) -> dict[str, Any]:
    """Repeat-victim flags for the analyst to confirm (analysts): the records matched and the rule, in words."""
    rule = repeat_rule(settings)
    store = cases_store(request)
    flags = [repeat_victims.flag_view(f, rule) for f in store.flags() if status in (None, f["status"])]
    store.record_flag_reads(access.actor(caps.principal), flags, {"route": request.url.path})
    return jsonable_encoder({"flags": flags, "count": len(flags), "rule": rule.describe()})


@router.post("/repeat-victims/scan", status_code=201, response_model=FlagsFound, **plain)
def scan_flags(request: Request, con: Con, caps: CapabilitiesDep, settings: SettingsDep) -> dict[str, Any]:
    """Look for repeat victims across the feeds and cases now; new matches are flagged (analysts)."""
    actor = access.actor(caps.principal)
    made = repeat_victims.scan(con, cases_store(request), repeat_rule(settings), case_locate(request), actor)
    return {"new_flags": made}


@router.patch("/repeat-victims/{flag_id}", response_model=FlagShown, **plain)
def decide_flag(
    request: Request, caps: CapabilitiesDep, settings: SettingsDep, flag_id: FlagId, body: FlagDecision
) -> dict[str, Any]:
    """Confirm a flag as a repeat victim (with the victim's case) or dismiss it (analysts)."""
    store = cases_store(request)
    repeat_victims.decide(store, flag_id, body.status, body.case_id, body.note, access.actor(caps.principal))
    flag = store.flag(flag_id)
    assert flag is not None
    return jsonable_encoder(repeat_victims.flag_view(flag, repeat_rule(settings)))
