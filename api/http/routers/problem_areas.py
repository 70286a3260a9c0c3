"""A problem's area from a GIS file: POST a GeoJSON or GeoPackage (multipart field `file`, or the file as the body);
or, without drawing, a circle around a grid reference (GET /problem-areas/around); the answer is the polygon to send
as `area.polygon` when opening the problem. Thin: take the file or the reference, call the service."""

from __future__ import annotations

from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from api.http.models.base import plain
from api.http.models.problems import AreaAround, AreaFromFile
from api.services.errors import ParameterError
from api.services.problem_area import area_around, area_from_file

router = APIRouter(prefix="/api/v1", tags=["tasking"])
FIELD = "file"


def file_part(content_type: str, body: bytes) -> bytes:
    """The file sent: the multipart/form-data part named `file`, or else the whole body."""
    if not content_type.lower().startswith("multipart/form-data"):
        return body
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise ParameterError(FIELD, "the multipart body could not be read")
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == FIELD:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    raise ParameterError(FIELD, "send the file in a multipart field named `file`")


@router.post(
    "/problem-areas",
    response_model=AreaFromFile,
    **plain,
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": {FIELD: {"type": "string", "format": "binary"}}}
                },
                "application/geo+json": {"schema": {"type": "object"}},
                "application/geopackage+sqlite3": {"schema": {"type": "string", "format": "binary"}},
            }
        }
    },
)
async def read_problem_area(request: Request) -> dict[str, Any]:
    """Read a problem's area from a GeoJSON or GeoPackage file (analysts; up to AIM_MAX_AREA_FILE_BYTES, at most
    1,000 polygon features, any CRS): its polygons reprojected to WGS84 and merged. The answer's `polygon` is what
    POST /api/v1/problems takes as `area.polygon`; `cells` counts the res-9 cells it covers; `kind`, `layer`,
    `features` and `crs` say what was read (a GeoJSON without a CRS is WGS84)."""
    data = file_part(request.headers.get("content-type", ""), await request.body())
    if not data:
        raise ParameterError(FIELD, "the file is empty")
    return await run_in_threadpool(area_from_file, data)


@router.get("/problem-areas/around", response_model=AreaAround, **plain)
def problem_area_around(
    grid_ref: str = Query(max_length=30, description="An OS grid reference, e.g. NZ 4953 1970 (2 to 10 figures)"),
    radius_m: float = Query(ge=25, le=3000, description="The circle's radius in metres"),
) -> dict[str, Any]:
    """A problem's area without drawing (analysts): a circle of `radius_m` metres around the point of an OS grid
    reference (the centre of the square it names), as the polygon POST /api/v1/problems takes as `area.polygon`;
    `cells` counts the res-9 cells it covers."""
    return area_around(grid_ref, radius_m)
