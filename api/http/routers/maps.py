"""The analyst map page at `/`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.http.csrf import page_token
from api.http.deps import CachesDep, CapabilitiesDep, Con, FiltersDep, NonceDep, SettingsDep, StudyAreaDep
from api.render.map_page import build_map
from api.rules import gap_rule
from api.services.errors import ParameterError
from api.services.map_view import map_view
from api.services.study_area import resolve_area_choice

router = APIRouter(tags=["map"])


@router.get("/", response_class=HTMLResponse)
def map_page(
    request: Request,
    con: Con,
    caches: CachesDep,
    settings: SettingsDep,
    caps: CapabilitiesDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    nonce: NonceDep,
    res: Annotated[int, Query(ge=6, le=10, description="H3 resolution of the hex layer")] = 8,
    choice: Annotated[
        str | None,
        Query(
            alias="area",
            max_length=160,
            description="Study area as the page's selector sends it: force:<code or name>, csp:<code or name> or "
            "lad:<code or name> (instead of force, csp or lad); empty for none",
        ),
    ] = None,
) -> HTMLResponse:
    """Ward choropleth, hex layer, Gi* hotspots, emerging hotspots and the patrol plan for the chosen period,
    categories, sources and study area (force, csp or lad), with filter controls, the rising and falling wards, a
    trend chart for a clicked ward or cell, and downloads of the view."""
    if choice:
        if area.kind != "all":
            raise ParameterError("area", "give one of area, force, csp or lad")
        area = resolve_area_choice(con, choice)
    rule = gap_rule(settings)
    view = map_view(con, filters, area, res, caches, rule, caps.analyses, caps.row_sources or (), caps.statistics)
    return HTMLResponse(build_map(view, filters, settings, caps, nonce, page_token(request)))
