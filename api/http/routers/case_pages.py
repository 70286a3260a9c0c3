"""The case pages (HTML). Thin: who may see what is decided by api/access/cases.py exactly as for /api/v1/cases;
every page shown is audited as a read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse

from api.access import cases as access
from api.access.policy import Grant
from api.http.deps import CapabilitiesDep, NonceDep, SettingsDep
from api.http.routers.cases import cases_store
from api.render.case_page import render_case_list, render_case_page
from api.rules import repeat_rule
from api.services import repeat_victims

router = APIRouter(tags=["cases"])
CaseId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Case id")]


@router.get("/cases", response_class=HTMLResponse)
def cases_page(request: Request, caps: CapabilitiesDep, settings: SettingsDep, nonce: NonceDep) -> HTMLResponse:
    """The cases the caller may see, open ones in priority order; for analysts, the repeat-victim flags too."""
    store = cases_store(request)
    seen = access.visible_cases(store, caps)
    ordered = repeat_victims.priority(store, seen)
    store.record_reads(access.actor(caps.principal), "listed", [c["id"] for c in seen], {"route": "/cases"})
    rule = repeat_rule(settings)
    flags = [repeat_victims.flag_view(f, rule) for f in store.flags()] if caps.case_audit else None
    store.record_flag_reads(access.actor(caps.principal), flags or [], {"route": "/cases"})
    lines = [access.list_view(c) for c in ordered]
    return HTMLResponse(render_case_list(lines, caps.cases == Grant.FULL, flags, rule.describe(), nonce))


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, caps: CapabilitiesDep, nonce: NonceDep, case_id: CaseId) -> HTMLResponse:
    """One case as the caller may see it (404 when the caller may not know of it); its audit for analysts."""
    store = cases_store(request)
    view = access.case_view(caps, access.visible_case(store, caps, case_id))
    store.record_reads(access.actor(caps.principal), "read", [case_id], {"route": f"/cases/{case_id}"})
    audit = store.case_audit(case_id) if caps.case_audit else None
    return HTMLResponse(render_case_page(jsonable_encoder(view), audit, nonce))
