"""The analyst map page at `/`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import Con, FiltersDep
from api.map_page import build_map
from api.services import hex_layer, wards_layer
from geo.features import features_bounds
from ingest.store.boundaries import boundary_set_names
from ingest.store.queries import data_bounds

router = APIRouter(tags=["map"])


@router.get("/", response_class=HTMLResponse)
def map_page(
    request: Request,
    con: Con,
    filters: FiltersDep,
    res: Annotated[int, Query(ge=6, le=10, description="H3 resolution of the hex layer")] = 8,
) -> HTMLResponse:
    """Ward choropleth and hex layer for the chosen period, categories and sources, with filter controls."""
    wards_fc = wards_layer(con, filters, request.app.state.wards)
    hexes_fc = hex_layer(con, filters, res, None)
    with_counts = [f for f in wards_fc["features"] if f["properties"]["count"] > 0]
    bounds = features_bounds(with_counts) or data_bounds(con)
    # draw the authorities that have incidents in either period, not every ward the boundary set holds
    active = {
        f["properties"]["lad"]
        for f in wards_fc["features"]
        if f["properties"]["count"] or f["properties"]["previous_count"]
    }
    if active:
        wards_fc = {**wards_fc, "features": [f for f in wards_fc["features"] if f["properties"]["lad"] in active]}
    page = build_map(wards_fc, hexes_fc, filters, res, boundary_set_names(con), bounds, request.app.state.settings)
    return HTMLResponse(page)
