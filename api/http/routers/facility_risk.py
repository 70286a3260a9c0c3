"""Risky facilities over the facility lists kept in the store (analysts only): the lists kept, an upload of one, and
the statistic over them. Thin: parse, call api/services/facility_risk.py and ingest.facilities."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.http.deps import Con, FiltersDep, StudyAreaDep
from api.http.formats import GIS, Answer, CrsQuery, LayerFormat, respond
from api.http.models.base import documented_as, plain
from api.http.models.facility_risk import FacilityListLoaded, FacilityLists, FacilityRiskLayer
from api.http.routers.problem_areas import FIELD, file_part
from api.services.errors import ParameterError
from api.services.facility_risk import WITHIN, facility_risk_layer
from ingest.errors import IngestError
from ingest.facilities import KINDS, FacilityLoadReport, load_facility_list
from ingest.store.read.facilities import facility_lists

router = APIRouter(prefix="/api/v1", tags=["hotspots"])


def _kept(kept: dict[str, Any]) -> dict[str, Any]:
    return {**kept, "loaded_at": kept["loaded_at"].isoformat(timespec="seconds")}


@router.get("/facility-lists", response_model=FacilityLists, **plain)
def lists(con: Con) -> dict[str, Any]:
    """The facility lists kept in the store, oldest first: kind, name, the file each came from, when it was loaded,
    how many facilities it keeps and how many rows its load refused."""
    return {"lists": [_kept(k) for k in facility_lists(con)]}


def _load(
    request: Request, data: bytes, filename: str, kind: str, name: str | None, size: str | None, dry_run: bool
) -> FacilityLoadReport:
    """Keep the list through the store's one writer; call it on a worker thread."""
    try:
        with request.app.state.store.writing() as cursor:
            return load_facility_list(cursor, data, filename, kind, name, size, dry_run)
    except IngestError as exc:
        raise ParameterError(FIELD, str(exc)) from exc


@router.post(
    "/facility-lists",
    response_model=FacilityListLoaded,
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
async def upload(
    request: Request,
    kind: Annotated[
        str, Query(min_length=1, max_length=60, description=f"{', '.join(KINDS)}, or a kind in your own words")
    ],
    filename: Annotated[str, Query(min_length=1, max_length=200, description="The file's name")] = "upload.csv",
    name: Annotated[str | None, Query(max_length=120, description="The list's name (default: the file's name)")] = None,
    size: Annotated[str | None, Query(max_length=100, description="The file's column giving each one's size")] = None,
    dry_run: Annotated[bool, Query(description="Read and report, keep nothing")] = False,
) -> dict[str, Any]:
    """Keep a list of facilities of one kind (CSV with longitude and latitude, or easting and northing, columns and
    an optional name column; or a GeoJSON or GeoPackage of points or shapes, any CRS; multipart field `file`, or the
    file as the body): it replaces any list kept under the same name; rows without a usable location are refused
    with their line and reason. The risky facilities statistic (/api/v1/facility-risk) is computed over the lists
    kept."""
    data = file_part(request.headers.get("content-type", ""), await request.body())
    if not data:
        raise ParameterError(FIELD, "the file is empty")
    report = await run_in_threadpool(partial(_load, request, data, filename, kind, name, size, dry_run))
    # not written to the audit log beyond the route: the file's name may name a person
    return {
        "list_id": report.list_id or 0,
        "kind": report.kind,
        "name": report.name,
        "source_file": report.source_file,
        "file_format": report.file_format,
        "size_column": report.size_column,
        "loaded_at": report.loaded_at.isoformat(timespec="seconds") if report.loaded_at else "",
        "facilities": report.facilities,
        "quarantined": len(report.refused),
        "dry_run": dry_run,
        "refused": [{"line": line, "reason": reason} for line, reason in report.refused],
    }


@router.get(
    "/facility-risk",
    response_class=Response,
    response_model=FacilityRiskLayer,
    responses=documented_as({"geojson": FacilityRiskLayer}, *GIS),
)
def facility_risk(
    request: Request,
    con: Con,
    filters: FiltersDep,
    area: StudyAreaDep,
    within: Annotated[float, Query(ge=5, le=500, description="Greatest distance to a facility, metres")] = WITHIN,
    list_id: Annotated[int | None, Query(ge=1, description="Only this kept list (default: every list)")] = None,
    format: LayerFormat = "geojson",  # noqa: A002
    crs: CrsQuery = "EPSG:4326",
) -> Response:
    """Risky facilities (Clarke & Eck) over the facility lists kept in the store: each list's facilities inside the
    study area, the area's incidents in the period attributed to the nearest within `within` metres, each facility's
    count and rate per unit of size, and the facilities above its list's J-curve knee; `held` false: no facility
    list held. police.uk locations are anonymised snap points."""
    answer = Answer(geojson=lambda: facility_risk_layer(con, filters, area, within, list_id))
    # built each time, never kept per store version: keeping a facility list adds no ingest run (no new version)
    return respond(request, answer, format, crs=crs)
