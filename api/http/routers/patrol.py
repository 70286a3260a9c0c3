"""Patrol plan for the tasking meeting: ranked cells for an area budget, as JSON, GeoJSON, PNG or PDF."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.http.answers import cached
from api.http.deps import CachesDep, Con, FiltersDep, SettingsDep, StudyAreaDep
from api.http.formats import GIS, Answer, CrsQuery, respond
from api.http.models.base import documented_as
from api.http.models.patrol import PatrolPlan, PatrolPlanCollection
from api.http.params import BudgetQuery, PlanRes
from api.render.patrol_print import render_plan
from api.services.cell_places import postcode_lookup
from api.services.errors import ParameterError
from api.services.patrol import patrol_plan, plan_geojson, public_plan

router = APIRouter(prefix="/api/v1", tags=["patrol"])


@router.get(
    "/patrol-plan",
    response_class=Response,
    response_model=PatrolPlan | PatrolPlanCollection,
    responses=documented_as({"json": PatrolPlan, "geojson": PatrolPlanCollection}, "png", "pdf", *GIS),
)
def plan(
    request: Request,
    con: Con,
    caches: CachesDep,
    settings: SettingsDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    budget_km2: BudgetQuery = None,
    cells: Annotated[int | None, Query(ge=1, le=500, description="Number of cells to patrol")] = None,
    res: PlanRes = 9,
    format: Annotated[  # noqa: A002
        Literal["json", "geojson", "png", "pdf", "gpkg", "shp"],
        Query(description="json, geojson, png, pdf, gpkg (GeoPackage) or shp (zipped Shapefile)"),
    ] = "json",
    crs: CrsQuery = "EPSG:4326",
) -> Response:
    """The cells that capture most expected incidents for the budget (`budget_km2` or `cells`), ranked, each with
    its ward, recent counts, trend, Gi* class and the reason it was picked. History: the period (`from`..`to`)."""
    if (budget_km2 is None) == (cells is None):
        raise ParameterError("budget_km2", "give exactly one of budget_km2 or cells")

    def answer() -> Response:
        postcodes = postcode_lookup(settings.postcodes)
        result = patrol_plan(con, filters, area, res, budget_km2, cells, caches.wards, caches.lattices, postcodes)

        def printed(fmt: str) -> tuple[bytes, str]:
            wards = caches.wards.get(con, filters.boundary_set)
            shaped = [(w, caches.wards.shape(filters.boundary_set, w.code)) for w in wards if w.lad_code in area.lads]
            name = f"aim-patrol-plan-{area.code or 'all'}-{filters.incident.end:%Y-%m}.{fmt}"
            return render_plan(result, shaped, fmt, request.app.state.print_basemap), name

        plan = Answer(
            json=lambda: public_plan(result),
            geojson=lambda: plan_geojson(result),
            printed=printed,
            rows=lambda: len(result["cells"]),
        )
        return respond(request, plan, format, crs=crs)

    return cached(request, con, answer) if format in ("json", "geojson") else answer()
