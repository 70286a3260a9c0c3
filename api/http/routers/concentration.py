"""Concentration: how few places hold the study area's incidents, by area, category and year."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.http.answers import layer_answer
from api.http.deps import CachesDep, Con, FiltersDep, StudyAreaDep
from api.http.formats import GIS, Answer, CrsQuery, LayerFormat
from api.http.models.base import documented_as
from api.http.models.concentration import ConcentrationLayer
from api.services.concentration import concentration_layer

router = APIRouter(prefix="/api/v1", tags=["hotspots"])


@router.get(
    "/concentration",
    response_class=Response,
    response_model=ConcentrationLayer,
    responses=documented_as({"geojson": ConcentrationLayer}, *GIS),
)
def concentration(
    request: Request,
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    res: Annotated[int, Query(ge=7, le=10, description="H3 resolution of the cells drawn, 7 to 10")] = 9,
    by_lad: Annotated[bool, Query(description="Figures for each local authority district of the area too")] = False,
    draws: Annotated[int, Query(ge=0, le=2000, description="Bootstrap draws for the intervals (0: none)")] = 200,
    seed: Annotated[int, Query(ge=0, le=2**31, description="Random seed (the same seed, the same intervals)")] = 0,
    format: LayerFormat = "geojson",  # noqa: A002
    crs: CrsQuery = "EPSG:4326",
) -> Response:
    """How concentrated the incidents are across the area's places (police.uk snap points, council feeds' points):
    the Lorenz curve, the share of places holding 50% and 25% of the incidents, the Gini, the generalized Gini for
    sparse data and its unbiased form, the Poisson-baseline Gini and the share beyond chance, per area, category and
    year with bootstrap intervals; features: the cells holding the busiest places, together half the incidents.
    police.uk places are anonymised snap points, never addresses."""
    answer = Answer(geojson=lambda: concentration_layer(con, filters, area, res, by_lad, draws, seed))
    return layer_answer(request, con, answer, format, crs)
