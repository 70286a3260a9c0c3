"""The tasking pack for a CSP's meeting (analysts): JSON, PDF or HTML from /api/v1/tasking/pack, and the page at
/tasking. Thin: parse, call api/services/tasking_pack.py, render."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, Response

from api.access.cases import actor
from api.database.cases import CaseStore
from api.database.tasking import TaskingStore
from api.http.deps import CachesDep, CapabilitiesDep, Con, NonceDep, SettingsDep
from api.http.formats import Answer, respond
from api.http.models.base import documented_as
from api.http.models.tasking_pack import TaskingPack
from api.render.tasking_pack_page import render_choice_page, render_pack_page
from api.render.tasking_pack_pdf import render_pack_pdf
from api.rules import gap_rule
from api.services.cell_places import postcode_lookup
from api.services.tasking_pack import PackOptions, held_partnerships, public_pack, tasking_pack
from api.services.tasking_pack_cases import listed_ids, pack_worklist

router = APIRouter(tags=["tasking"])
CspQuery = Annotated[str, Query(max_length=120, description="Community safety partnership: code or name")]
DateQuery = Annotated[date | None, Query(alias="date", description="Meeting date, YYYY-MM-DD (default: today)")]
CellsQuery = Annotated[int, Query(ge=1, le=100, description="Cells in the patrol plan")]
DOCUMENTED = documented_as({"json": TaskingPack}, "pdf")[200]
PACK_FORMATS = {"content": {**DOCUMENTED["content"], "text/html": {}}, "description": "json, pdf or html"}


def _pack(
    request: Request,
    con: Con,
    caches: CachesDep,
    settings: SettingsDep,
    caps: CapabilitiesDep,
    csp: str,
    when: date | None,
    cells: int,
) -> dict[str, Any]:
    tasking: TaskingStore = request.app.state.tasking
    options = PackOptions(
        cells=cells,
        months=settings.default_months,
        core=tuple(settings.core_sources),
        visit_minutes=settings.delivery_compliant_s / 60,
    )
    postcodes = postcode_lookup(settings.postcodes)
    meeting = when or date.today()
    worklist = _worklist(request, caps, meeting)
    return tasking_pack(con, tasking, csp, meeting, caches, gap_rule(settings), postcodes, options, worklist)


def _worklist(request: Request, caps: CapabilitiesDep, meeting: date) -> dict[str, Any]:
    """The agencies' case worklist, each case shown audited as listed (the pack is the analysts' route)."""
    store: CaseStore = request.app.state.cases
    found = pack_worklist(store, meeting)
    store.record_reads(actor(caps.principal), "listed", listed_ids(found), {"route": request.url.path})
    return found


@router.get(
    "/api/v1/tasking/pack",
    response_class=Response,
    response_model=TaskingPack,
    responses={200: PACK_FORMATS},
)
def pack(
    request: Request,
    con: Con,
    caches: CachesDep,
    settings: SettingsDep,
    caps: CapabilitiesDep,
    nonce: NonceDep,
    csp: CspQuery,
    when: DateQuery = None,
    cells: CellsQuery = 20,
    format: Annotated[Literal["json", "pdf", "html"], Query(description="json, pdf or html")] = "json",  # noqa: A002
) -> Response:
    """The pack for the CSP's fortnightly tasking meeting on the date: open problems with their actions (due in the
    coming fortnight, overdue, done since the last meeting) and latest review notes, evaluations due, the patrol
    plan, new and intensifying hotspots and source-gap flags, over the latest months complete on the date."""
    found = _pack(request, con, caches, settings, caps, csp, when, cells)
    if format == "html":
        return HTMLResponse(render_pack_page(found, nonce))
    name = f"aim-tasking-pack-{found['csp']['code']}-{found['date']:%Y-%m-%d}.pdf"
    answer = Answer(
        json=lambda: jsonable_encoder(public_pack(found)),
        printed=lambda fmt: (render_pack_pdf(found), name),
        rows=lambda: found["summary"]["problems"],
    )
    return respond(request, answer, format)


@router.get("/tasking", response_class=HTMLResponse, tags=["map"])
def pack_page(
    request: Request,
    con: Con,
    caches: CachesDep,
    settings: SettingsDep,
    caps: CapabilitiesDep,
    nonce: NonceDep,
    csp: Annotated[str | None, Query(max_length=120, description="Partnership: code or name (none: choose)")] = None,
    when: DateQuery = None,
    cells: CellsQuery = 20,
) -> HTMLResponse:
    """The tasking pack as a page for analysts, with a Download PDF link (without csp, a form to choose one)."""
    if csp is None:
        return HTMLResponse(render_choice_page(held_partnerships(con), when or date.today(), nonce))
    return HTMLResponse(render_pack_page(_pack(request, con, caches, settings, caps, csp, when, cells), nonce))
