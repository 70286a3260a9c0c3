"""Patrol plan for the tasking meeting: ranked cells for an area budget, as JSON, GeoJSON, PNG or PDF."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.audit import record_access
from api.deps import Con, FiltersDep
from api.errors import ParameterError
from api.patrol import patrol_plan, plan_geojson, public_plan
from api.patrol_print import render_plan
from api.responses import FastJSONResponse, GeoJSONResponse
from api.study_area import StudyAreaDep

router = APIRouter(prefix="/api/v1", tags=["patrol"])
MEDIA = {"png": "image/png", "pdf": "application/pdf"}


@router.get(
    "/patrol-plan",
    response_model=None,
    responses={
        200: {
            "content": {"application/json": {}, "application/geo+json": {}, "image/png": {}, "application/pdf": {}},
            "description": "JSON, GeoJSON, PNG or PDF",
        }
    },
)
def plan(
    request: Request,
    con: Con,
    filters: FiltersDep,
    area: StudyAreaDep,
    budget_km2: Annotated[float | None, Query(gt=0, le=5000, description="Area to patrol, km2")] = None,
    cells: Annotated[int | None, Query(ge=1, le=500, description="Number of cells to patrol")] = None,
    res: Annotated[int, Query(ge=8, le=10, description="H3 resolution, 8 to 10")] = 9,
    format: Annotated[
        Literal["json", "geojson", "png", "pdf"], Query(description="json, geojson, png or pdf")
    ] = "json",
) -> dict[str, Any] | Response:
    """The cells that capture most expected incidents for the budget (`budget_km2` or `cells`), ranked, each with
    its ward, recent counts, trend, Gi* class and the reason it was picked. History: the period (`from`..`to`)."""
    if (budget_km2 is None) == (cells is None):
        raise ParameterError("budget_km2", "give exactly one of budget_km2 or cells")
    state = request.app.state
    result = patrol_plan(con, filters, area, res, budget_km2, cells, state.wards, state.lattices)
    if format == "geojson":
        return GeoJSONResponse(plan_geojson(result))
    if format in MEDIA:
        wards = state.wards.get(con, filters.boundary_set)
        shaped = [(w, state.wards.shape(filters.boundary_set, w.code)) for w in wards if w.lad_code in area.lads]
        name = f"aim-patrol-plan-{area.code or 'all'}-{filters.incident.end:%Y-%m}.{format}"
        record_access(request, len(result["cells"]), format)
        return Response(
            render_plan(result, shaped, format),
            media_type=MEDIA[format],
            headers={"Content-Disposition": f'inline; filename="{name}"'},
        )
    return FastJSONResponse(public_plan(result))
