"""The analyst map page at `/`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.access.principals import Role
from api.access.scope import visible_sources
from api.http.deps import CachesDep, Con, FiltersDep, NonceDep, PrincipalDep, SettingsDep, StudyAreaDep
from api.render.map_page import build_map
from api.rules import gap_rule
from api.services.map_view import map_view

router = APIRouter(tags=["map"])


@router.get("/", response_class=HTMLResponse)
def map_page(
    con: Con,
    caches: CachesDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    nonce: NonceDep,
    res: Annotated[int, Query(ge=6, le=10, description="H3 resolution of the hex layer")] = 8,
) -> HTMLResponse:
    """Ward choropleth, hex layer, Gi* hotspots, emerging hotspots and the patrol plan for the chosen period,
    categories, sources and study area (force, csp or lad), with filter controls."""
    analyses = principal.role in (Role.ANALYST, Role.PARTNER)
    view = map_view(con, filters, area, res, caches, gap_rule(settings), analyses, visible_sources(principal) or ())
    return HTMLResponse(build_map(view, filters, settings, principal, nonce))
