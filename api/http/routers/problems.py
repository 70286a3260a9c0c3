"""Tasking over HTTP: problems (SARA) with their area and frozen baseline profile, SMART actions, reviews and
evaluations. Thin: parse, check who may, call api/services/tasking.py, shape the view by role."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Request
from fastapi.encoders import jsonable_encoder
from pydantic import BaseModel, ConfigDict, Field

from api.access import tasking as access
from api.access.capabilities import Capabilities
from api.access.principals import AuthError, Principal
from api.database.tasking import Once, TaskingStore
from api.http.deps import CapabilitiesDep, Con, SettingsDep
from api.http.models.base import plain
from api.http.models.problem_evaluation import EvaluationMade
from api.http.models.problems import ProblemAudit, ProblemDetail, ProblemList, ProblemSummary
from api.rules import gap_rule
from api.services import tasking as service
from api.services.filters import month_of
from api.services.problem_evaluation import evaluate

BAD_BODY: dict[int | str, dict[str, Any]] = {400: {"description": "The request body is not JSON"}}
router = APIRouter(prefix="/api/v1", tags=["tasking"], responses=BAD_BODY)
ProblemId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Problem id")]
ActionId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Action id")]
MONTH = r"^(19|20|21)\d{2}-(0[1-9]|1[0-2])$"
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="A key of the client's choosing (a UUID): a retry with the same key and the same request answers "
        "with what the first one made instead of making it again; the same key with another request is refused (422)",
    ),
]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Area(Body):
    """One of: H3 cells at one resolution, ward codes or names, or a GeoJSON Polygon/MultiPolygon (WGS84)."""

    cells: list[Annotated[str, Field(max_length=16)]] | None = Field(None, max_length=2000)
    wards: list[Annotated[str, Field(max_length=120)]] | None = Field(None, max_length=50)
    polygon: dict[str, Any] | None = None


class ProblemIn(Body):
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    category_group: str = Field("asb", max_length=40)
    status: str = Field("scanning", max_length=20)
    owner: str = Field(max_length=200)
    partners: list[Annotated[str, Field(max_length=120)]] = Field(default_factory=list, max_length=50)
    sources: list[Annotated[str, Field(max_length=60)]] = Field(default_factory=list, max_length=20)
    area: Area
    baseline_from: str | None = Field(None, pattern=MONTH)
    baseline_to: str | None = Field(None, pattern=MONTH)
    wards_set: str | None = Field(None, max_length=120)
    opened: date | None = None


class ProblemChange(Body):
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    status: str | None = Field(None, max_length=20)
    owner: str | None = Field(None, max_length=200)
    partners: list[Annotated[str, Field(max_length=120)]] | None = Field(None, max_length=50)
    closed: date | None = None


class Target(Body):
    direction: Literal["down", "up"]
    percent: float = Field(gt=0, le=100)
    against: Literal["control", "baseline"] = "control"
    months: int | None = Field(None, ge=1, le=36)


class ActionIn(Body):
    what: str = Field(max_length=2000)
    owner_agency: str = Field(max_length=200)
    start: date
    due: date
    measure: str = Field(max_length=2000)
    target: str | Target | None = Field(None, description='"down 20% against control over 3 months" or its parts')
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


class ReviewIn(Body):
    note: str = Field(max_length=5000)
    action_id: int | None = Field(None, ge=1, le=2**31 - 1)
    published: bool = False


class EvaluationIn(Body):
    before_from: str = Field(pattern=MONTH)
    before_to: str = Field(pattern=MONTH)
    after_from: str = Field(pattern=MONTH)
    after_to: str = Field(pattern=MONTH)
    buffer_m: float = Field(250.0, gt=0, le=2000)
    control: list[Annotated[str, Field(max_length=20)]] | None = Field(None, max_length=50)
    action_id: int | None = Field(None, ge=1, le=2**31 - 1)


def _tasking(request: Request) -> TaskingStore:
    store: TaskingStore = request.app.state.tasking
    return store


def _actor(principal: Principal) -> tuple[str, str]:
    return principal.name, principal.role.value


def _once(caps: Capabilities, key: str | None, request: Request, body: BaseModel) -> Once | None:
    """The client's idempotency key for this create: its caller, the key, and a fingerprint of the request."""
    if key is None:
        return None
    who = f"{caps.principal.token_id or 0}:{caps.principal.name}"
    what = f"{request.method} {request.url.path}\n{body.model_dump_json()}"
    return Once(who[:200], key, hashlib.sha256(what.encode()).hexdigest())


def _values(body: BaseModel) -> dict[str, Any]:
    return {k: (v.model_dump() if isinstance(v, BaseModel) else v) for k, v in body if k in body.model_fields_set}


def _visible(request: Request, caps: Capabilities, problem_id: int) -> dict[str, Any]:
    """The problem's detail, when the caller may know of it (404 otherwise: its existence is not told)."""
    return access.visible_problem(_tasking(request), caps, problem_id)


def _view(caps: Capabilities, detail: dict[str, Any], settings: SettingsDep) -> dict[str, Any]:
    return jsonable_encoder(
        access.problem_view(caps, detail, set(settings.sdc_open_sources), settings.delivery_below_analyst == "wards")
    )


@router.get("/problems", response_model=ProblemList, **plain)
def list_problems(request: Request, caps: CapabilitiesDep) -> dict[str, Any]:
    """The problems the caller may see: analysts every one; partners those they are party to; councillors those in
    their wards; the public those with a published progress note."""
    lines = [access.list_view(caps, p) for p, _ in access.visible_problems(_tasking(request), caps)]
    return jsonable_encoder({"problems": lines, "count": len(lines)})


@router.post("/problems", status_code=201, response_model=ProblemDetail, **plain)
def create_problem(
    request: Request,
    con: Con,
    caps: CapabilitiesDep,
    settings: SettingsDep,
    body: ProblemIn,
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Open a problem (analysts): its area, owner, partners and baseline period; the baseline profile is generated
    from the store and frozen, in the same write as the problem."""
    access.require_change(caps)
    once = _once(caps, key, request, body)
    made = _tasking(request).made(once) if once else None
    pid = made or service.open_problem(
        con,
        _tasking(request),
        _values(body) | {"area": body.area.model_dump()},
        _actor(caps.principal),
        gap_rule(settings),
        once=once,
        core=tuple(settings.core_sources),
    )
    return jsonable_encoder(service.problem_detail(_tasking(request), pid))


@router.get("/problems/{problem_id}", response_model=ProblemDetail | ProblemSummary, **plain)
def get_problem(
    request: Request, caps: CapabilitiesDep, settings: SettingsDep, problem_id: ProblemId
) -> dict[str, Any]:
    """A problem as the caller may see it: in full (analysts; partners party to it, with the profile of their own
    sources and the open ones), a summary without counts (councillors, in their wards), or its published progress
    notes (the public)."""
    return _view(caps, _visible(request, caps, problem_id), settings)


@router.patch("/problems/{problem_id}", response_model=ProblemDetail, **plain)
def change_problem(
    request: Request, caps: CapabilitiesDep, settings: SettingsDep, problem_id: ProblemId, body: ProblemChange
) -> dict[str, Any]:
    """Change a problem (analysts; partners party to it: status and description)."""
    detail = _visible(request, caps, problem_id)
    access.require_change(caps, detail, detail["actions"])
    values = _values(body)
    access.check_partner_fields(caps, set(values))
    service.update_problem(_tasking(request), problem_id, values, _actor(caps.principal))
    return _view(caps, service.problem_detail(_tasking(request), problem_id), settings)


@router.post("/problems/{problem_id}/actions", status_code=201, response_model=ProblemDetail, **plain)
def create_action(
    request: Request,
    caps: CapabilitiesDep,
    settings: SettingsDep,
    problem_id: ProblemId,
    body: ActionIn,
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Add a SMART action: what, owner agency, start, due, measure and target."""
    detail = _visible(request, caps, problem_id)
    access.require_change(caps, detail, detail["actions"])
    access.check_action_owner(caps, detail, detail["actions"], body.owner_agency)
    once = _once(caps, key, request, body)
    service.add_action(_tasking(request), problem_id, _values(body), _actor(caps.principal), once)
    return _view(caps, service.problem_detail(_tasking(request), problem_id), settings)


@router.patch("/problems/{problem_id}/actions/{action_id}", response_model=ProblemDetail, **plain)
def change_action(
    request: Request,
    caps: CapabilitiesDep,
    settings: SettingsDep,
    problem_id: ProblemId,
    action_id: ActionId,
    body: ActionChange,
) -> dict[str, Any]:
    """Change an action (its progress, dates, measure or target)."""
    detail = _visible(request, caps, problem_id)
    access.require_change(caps, detail, detail["actions"])
    access.check_action_owner(caps, detail, detail["actions"], body.owner_agency)
    service.update_action(_tasking(request), problem_id, action_id, _values(body), _actor(caps.principal))
    return _view(caps, service.problem_detail(_tasking(request), problem_id), settings)


@router.post("/problems/{problem_id}/reviews", status_code=201, response_model=ProblemDetail, **plain)
def create_review(
    request: Request,
    caps: CapabilitiesDep,
    settings: SettingsDep,
    problem_id: ProblemId,
    body: ReviewIn,
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Add a review note; `published` (analysts only) makes it a progress note the public may read."""
    detail = _visible(request, caps, problem_id)
    access.require_change(caps, detail, detail["actions"])
    if body.published and not caps.publishes_notes:
        raise AuthError(403, "only an analyst may publish a progress note")
    once = _once(caps, key, request, body)
    service.add_review(_tasking(request), problem_id, _values(body), _actor(caps.principal), once)
    return _view(caps, service.problem_detail(_tasking(request), problem_id), settings)


@router.post("/problems/{problem_id}/evaluation", status_code=201, response_model=EvaluationMade, **plain)
def create_evaluation(
    request: Request,
    con: Con,
    caps: CapabilitiesDep,
    problem_id: ProblemId,
    body: EvaluationIn,
    key: IdempotencyKey = None,
) -> dict[str, Any]:
    """Evaluate the response (analysts): WDD with its interval, WDQ and total net effect, rate ratios (Poisson and
    quasi-Poisson), against a suggested control area and a displacement buffer, all read against placebo areas where
    nothing was done (the verdict: fell more than, no different from, or rose more than comparable places), and the
    action's target read the same way; kept with the problem."""
    store = _tasking(request)
    problem = service.problem_row(store, problem_id)
    once = _once(caps, key, request, body)
    made = store.made(once) if once else None
    kept = store.evaluation(problem_id, made) if made else None
    if kept is not None:
        return jsonable_encoder({"id": made, **kept["result"]})
    target = None
    if body.action_id is not None:
        target = service.find_action(store, problem_id, body.action_id)["target"]
    before = (month_of(body.before_from), month_of(body.before_to))
    after = (month_of(body.after_from), month_of(body.after_to))
    others = store.problems()  # their live areas are no placebo
    result = evaluate(con, problem, before, after, body.buffer_m, body.control, target, others)  # type: ignore[arg-type]
    fields = {
        "action_id": body.action_id,
        "before_start": before[0],
        "before_end": before[1],
        "after_start": after[0],
        "after_end": after[1],
        "result": result,
    }
    eid = store.add_evaluation(problem_id, fields, _actor(caps.principal), once)
    return jsonable_encoder({"id": eid, **result})


@router.get("/problems/{problem_id}/audit", response_model=ProblemAudit, **plain)
def problem_audit(request: Request, problem_id: ProblemId) -> dict[str, Any]:
    """Every change to the problem: who, role, when, what (analysts)."""
    service.problem_row(_tasking(request), problem_id)
    return jsonable_encoder({"changes": _tasking(request).audit(problem_id)})
