"""Top H3 cells by count, each with its ward."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.deps import Con, FiltersDep
from api.services import hotspot_rows

router = APIRouter(prefix="/api/v1", tags=["hotspots"])


@router.get("/hotspots")
def hotspots(
    request: Request,
    con: Con,
    filters: FiltersDep,
    res: Annotated[int, Query(ge=6, le=10, description="H3 resolution, 6 to 10")] = 9,
    top: Annotated[int, Query(ge=1, le=500, description="How many cells")] = 20,
) -> dict[str, Any]:
    """The `top` cells by incident count over the period, ranked, with the ward most of each cell falls in."""
    rows = hotspot_rows(con, filters, res, top, request.app.state.wards)
    return {"resolution": res, "filters": filters.echo(), "hotspots": rows}
