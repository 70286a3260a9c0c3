"""The annual strategic assessment of a district and year (analysts): JSON, PDF, HTML or its data as CSV files in a
zip from /api/v1/assessment, and the page at /assessment. Thin: parse, call api/services/assessment.py, render."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, Response

from api.database.tasking import TaskingStore
from api.http.audit import record_access
from api.http.deps import CachesDep, Con, NonceDep, SettingsDep
from api.http.formats import Answer, respond
from api.http.models.assessment import Assessment
from api.http.models.base import documented_as
from api.render.assessment_csv import assessment_zip, file_stem, table_rows
from api.render.assessment_page import render_assessment_page, render_choice_page
from api.render.assessment_pdf import render_assessment_pdf
from api.rules import PLAN_RES, case_review_rule, gap_rule
from api.services.assessment import AssessmentOptions, assessment, held_districts
from api.services.assessment_cases import CaseFigures

router = APIRouter(tags=["tasking"])
LadQuery = Annotated[str, Query(max_length=120, description="Local authority district: code or name")]
YearQuery = Annotated[int, Query(ge=1900, le=2199, description="Calendar year, YYYY")]
DOCUMENTED = documented_as({"json": Assessment}, "pdf")[200]
FORMATS = {
    "content": {**DOCUMENTED["content"], "text/html": {}, "application/zip": {}},
    "description": "json, pdf, html or zip (one CSV file per table)",
}


def _assessment(request: Request, con: Con, caches: CachesDep, settings: SettingsDep, lad: str, year: int) -> Any:
    tasking: TaskingStore = request.app.state.tasking
    options = AssessmentOptions(delivery_res=PLAN_RES)
    cases = CaseFigures(request.app.state.cases, case_review_rule(settings), settings.case_review_procedure_url)
    return assessment(con, tasking, lad, year, caches, gap_rule(settings), options, cases)


@router.get("/api/v1/assessment", response_class=Response, response_model=Assessment, responses={200: FORMATS})
def assessment_answer(
    request: Request,
    con: Con,
    caches: CachesDep,
    settings: SettingsDep,
    nonce: NonceDep,
    lad: LadQuery,
    year: YearQuery,
    format: Annotated[  # noqa: A002
        Literal["json", "pdf", "html", "zip"], Query(description="json, pdf, html or zip (CSV files)")
    ] = "json",
) -> Response:
    """The partnership's annual strategic assessment (Crime and Disorder Act 1998 s.6; SI 2007/1830) for a district
    and year: levels and trends by category, source and ward, persistent, new and fading hot spots, repeat places and
    concentration (counts), problems opened and their evaluations, patrol delivery where held, the feeds' coverage
    and gaps, the Case Review section, what changed since the previous year and its parts (not comparable where the
    previous year is not held), and priorities suggested from the figures. Each figure is the one the API gives for
    the same question."""
    found = _assessment(request, con, caches, settings, lad, year)
    if format == "html":
        return HTMLResponse(render_assessment_page(found, nonce))
    stem = file_stem(found)
    if format == "zip":
        record_access(request, table_rows(found), "zip")
        headers = {"Content-Disposition": f'attachment; filename="{stem}.zip"'}
        return Response(assessment_zip(found), media_type="application/zip", headers=headers)
    answer = Answer(
        json=lambda: jsonable_encoder(found), printed=lambda fmt: (render_assessment_pdf(found), f"{stem}.pdf")
    )
    return respond(request, answer, format)


@router.get("/assessment", response_class=HTMLResponse, tags=["map"])
def assessment_page(
    request: Request,
    con: Con,
    caches: CachesDep,
    settings: SettingsDep,
    nonce: NonceDep,
    lad: Annotated[str | None, Query(max_length=120, description="District: code or name (none: choose)")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2199, description="Calendar year (default: last year)")] = None,
) -> HTMLResponse:
    """The annual assessment as a page for analysts, with PDF and CSV downloads (without lad, a form to choose)."""
    chosen = year or date.today().year - 1
    if lad is None:
        return HTMLResponse(render_choice_page(held_districts(con), chosen, nonce))
    return HTMLResponse(render_assessment_page(_assessment(request, con, caches, settings, lad, chosen), nonce))
