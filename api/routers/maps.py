"""The analyst map page at `/`."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.access_store import Role
from api.auth import principal_of
from api.deps import Con, FiltersDep
from api.hotspot_layers import emerging_layer, gi_layer
from api.map_page import build_map
from api.patrol import patrol_plan, plan_geojson
from api.services import hex_layer, wards_layer
from api.sources import gap_rule
from api.study_area import StudyArea, StudyAreaDep
from geo.features import features_bounds
from ingest.store.areas import forces
from ingest.store.boundaries import boundary_set_names
from ingest.store.queries import data_bounds, distinct_values, lads_with_incidents, lads_with_wards

router = APIRouter(tags=["map"])
PLAN_CELLS = 20


@router.get("/", response_class=HTMLResponse)
def map_page(
    request: Request,
    con: Con,
    filters: FiltersDep,
    area: StudyAreaDep,
    res: Annotated[int, Query(ge=6, le=10, description="H3 resolution of the hex layer")] = 8,
) -> HTMLResponse:
    """Ward choropleth, hex layer, Gi* hotspots, emerging hotspots and the patrol plan for the chosen period,
    categories, sources and study area (force, csp or lad), with filter controls."""
    state = request.app.state
    principal = principal_of(request)
    if filters.disclosure is not None:
        res = min(res, filters.disclosure.max_res)
    wards_fc = wards_layer(con, filters, state.wards, precision=True)
    hexes_fc = hex_layer(con, filters, res, None, precision=True)
    held_sources = distinct_values(con, "source")
    shown = list(filters.incident.sources) or held_sources
    by_source = (
        {
            s: hex_layer(con, replace(filters, incident=replace(filters.incident, sources=(s,))), res, None, True)
            for s in shown
        }
        if len(shown) > 1
        else {}
    )
    analyses = principal.role in (Role.ANALYST, Role.PARTNER) and filters.disclosure is None
    own = principal.sources if principal.role == Role.PARTNER else ()
    flagged = state.reports.get(con, gap_rule(state.settings), own)["flagged"] if analyses else None
    with_counts = [f for f in wards_fc["features"] if (f["properties"]["count"] or 0) > 0]
    bounds = features_bounds(with_counts) or data_bounds(con)
    # draw the authorities that have incidents in either period, not every ward the boundary set holds
    active = {
        f["properties"]["lad"]
        for f in wards_fc["features"]
        if f["properties"]["count"] or f["properties"]["previous_count"]
    }
    if active:
        wards_fc = {**wards_fc, "features": [f for f in wards_fc["features"] if f["properties"]["lad"] in active]}
    held, mapped = set(lads_with_incidents(con)), set(lads_with_wards(con, filters.boundary_set))
    choices = [f for f in forces(con) if held & set(f.lads) and set(f.lads) <= mapped]
    if area.kind == "all" and len(choices) == 1:  # one force held (the demo): its statistics without asking
        area = StudyArea("force", choices[0].code, choices[0].name, choices[0].lads)
    statistics = None
    if area.lads and area.kind != "all" and analyses:
        stat_res = min(max(res, 7), 9)
        gi_fc = gi_layer(con, filters, area, stat_res, 1, state.wards, state.lattices)
        emerging_fc = emerging_layer(con, filters, area, min(stat_res, 8), 1, 0.1, state.wards, state.lattices)
        plan_fc = plan_geojson(patrol_plan(con, filters, area, 9, None, PLAN_CELLS, state.wards, state.lattices))
        statistics = (gi_fc, emerging_fc, plan_fc)
        in_area = [f for f in wards_fc["features"] if f["properties"]["lad"] in set(area.lads)]
        bounds = features_bounds(in_area) or bounds
    areas = ([(f.slug, f.name) for f in choices], next((f.slug for f in choices if f.code == area.code), ""))
    page = build_map(
        wards_fc,
        hexes_fc,
        filters,
        res,
        boundary_set_names(con),
        bounds,
        state.settings,
        statistics,
        areas,
        held_sources,
        by_source,
        flagged,
        principal,
    )
    return HTMLResponse(page)
