"""Risky facilities: POST a list of facilities of one kind (CSV, GeoJSON or GeoPackage; multipart field `file`, or
the file as the body) and get each facility's incidents in the area and period, the J-curve and its knee."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from api.http.deps import Con, FiltersDep, StudyAreaDep
from api.http.models.base import plain
from api.http.models.risky_facilities import RiskyFacilitiesLayer
from api.http.routers.problem_areas import FIELD, file_part
from api.services.errors import ParameterError
from api.services.risky_facilities import WITHIN, risky_facilities_layer

router = APIRouter(prefix="/api/v1", tags=["hotspots"])


@router.post(
    "/risky-facilities",
    response_model=RiskyFacilitiesLayer,
    **plain,
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {FIELD: {"type": "string", "format": "binary"}}}
                },
                "text/csv": {"schema": {"type": "string"}},
                "application/geo+json": {"schema": {"type": "object"}},
                "application/geopackage+sqlite3": {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
async def risky_facilities(
    request: Request,
    con: Con,
    filters: FiltersDep,
    area: StudyAreaDep,
    within: Annotated[float, Query(ge=5, le=500, description="Greatest distance to a facility, metres")] = WITHIN,
    size: Annotated[str | None, Query(max_length=100, description="The file's column giving each one's size")] = None,
) -> dict[str, Any]:
    """Risky facilities (Clarke & Eck): a list of facilities of one kind (CSV with longitude and latitude, or easting
    and northing, columns and an optional name column; or a GeoJSON or GeoPackage of points or shapes, any CRS), the
    area's incidents in the period attributed to the nearest facility no farther than `within` metres, each
    facility's count and its rate per unit of `size`, the J-curve and the facilities above its knee. police.uk
    locations are anonymised snap points: a police.uk incident is attributed from its snap point, not its address."""
    data = file_part(request.headers.get("content-type", ""), await request.body())
    if not data:
        raise ParameterError(FIELD, "the file is empty")
    return await run_in_threadpool(risky_facilities_layer, con, filters, area, data, within, size)
