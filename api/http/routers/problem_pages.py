"""The problem pages (HTML) and the problem profile as one printed page (PDF). Thin: who may see what is decided by
api/access/tasking.py exactly as for /api/v1/problems; the pages show that view and nothing more."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from api.access import tasking as access
from api.access.capabilities import Capabilities
from api.database.tasking import TaskingStore
from api.http.deps import CapabilitiesDep, Con, NonceDep, SettingsDep
from api.render.problem_charts import area_map, data_uri, lorenz_chart, monthly_chart
from api.render.problem_page import render_problem_list, render_problem_page
from api.render.problem_pdf import render_profile_pdf
from api.services import tasking as service
from api.services.errors import NotFoundError
from api.services.problem_area import area_cells, ward_shapes
from ingest.store.connection import Connection

router = APIRouter(tags=["tasking"])
ProblemId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Problem id")]


def _store(request: Request) -> TaskingStore:
    store: TaskingStore = request.app.state.tasking
    return store


def _seen(request: Request, caps: Capabilities, settings: SettingsDep, problem_id: int) -> dict[str, Any]:
    """The problem as the caller may see it (404 when the caller may not know of it)."""
    detail = access.visible_problem(_store(request), caps, problem_id)
    return access.problem_view(caps, detail, set(settings.sdc_open_sources), settings.delivery_below_analyst == "wards")


def _area_picture(con: Connection, view: dict[str, Any]) -> bytes:
    """The area's cells inside its wards' outlines, as PNG."""
    area = view["area"]
    _, cells = area_cells(con, area)
    codes = {str(n["code"]) for n in area.get("names") or []}
    shapes = ward_shapes(con, area["boundary_set"]).of(codes)
    return area_map(cells, list(zip(shapes.names, shapes.geometries, strict=True)))


@router.get("/problems", response_class=HTMLResponse)
def problems_page(request: Request, caps: CapabilitiesDep, settings: SettingsDep, nonce: NonceDep) -> HTMLResponse:
    """The problems the caller may see, with status, owner and overdue actions (as /api/v1/problems lists them)."""
    today = date.today()
    lines = []
    for p, read in access.visible_problems(_store(request), caps, with_actions=True):
        actions = [{**a, "status": service.action_status(a, today)} for a in read]
        line = access.list_view(caps, p)
        if caps.problem_details:
            line |= {"actions": len(actions), "overdue": sum(a["status"] == "overdue" for a in actions)}
        lines.append(line)
    return HTMLResponse(render_problem_list(lines, caps, nonce))


@router.get("/problems/{problem_id}", response_class=HTMLResponse)
def problem_page(
    request: Request,
    con: Con,
    caps: CapabilitiesDep,
    settings: SettingsDep,
    nonce: NonceDep,
    problem_id: ProblemId,
) -> HTMLResponse:
    """One problem as the caller may see it: in full with its audit trail (analysts); with the profile of the
    partner's own and the open sources (partners party to it); a summary without counts (councillors, in their
    wards); its published progress notes (the public)."""
    view = _seen(request, caps, settings, problem_id)
    pictures: dict[str, str] = {}
    if view.get("profile"):
        pictures = {
            "area": data_uri(_area_picture(con, view)),
            "chart": data_uri(monthly_chart(view["profile"]["monthly"])),
        }
        concentration = view["profile"].get("concentration") or {}
        if concentration.get("lorenz") and concentration.get("incidents"):
            pictures["lorenz"] = data_uri(lorenz_chart(concentration))
    audit = _store(request).audit(problem_id) if caps.audit else None
    return HTMLResponse(render_problem_page(view, pictures, audit, nonce))


@router.get(
    "/api/v1/problems/{problem_id}/profile.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The profile on one A4 page"}},
)
def problem_profile_pdf(
    request: Request, con: Con, caps: CapabilitiesDep, settings: SettingsDep, problem_id: ProblemId
) -> Response:
    """The problem's frozen profile on one A4 page (analysts; partners party to it, with their own and the open
    sources): counts, monthly chart and tests, streets and places, timing, linked records, feeds, actions and the
    latest evaluation."""
    view = _seen(request, caps, settings, problem_id)
    if not view.get("profile"):
        raise NotFoundError(f"problem {problem_id} has no profile")
    pdf = render_profile_pdf(view, monthly_chart(view["profile"]["monthly"], 5.0, 1.6, 200), _area_picture(con, view))
    headers = {"Content-Disposition": f'inline; filename="problem-{problem_id}-profile.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)
