"""Hotspots: top cells by count, Getis-Ord Gi* hot and cold spots, and emerging hotspots."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.http.answers import cached, layer_answer
from api.http.deps import WARD_HELP, CachesDep, Con, FiltersDep, StudyAreaDep
from api.http.formats import GIS, Answer, CrsQuery, FastJSONResponse, LayerFormat
from api.http.models.base import documented_as, plain
from api.http.models.hotspots import Calibration, EmergingLayer, GiCellLayer, GiWardLayer, TrendCalibration
from api.http.models.layers import TopCells
from api.http.params import GiAll, GiUnit, HotspotK, HotspotRes
from api.services.calibration import calibration
from api.services.errors import ParameterError
from api.services.hotspots import emerging_layer, gi_layer_of
from api.services.layers import top_cells
from api.services.trend_calibration import trend_calibration
from geo.trends import months_between

router = APIRouter(prefix="/api/v1", tags=["hotspots"])


@router.get("/hotspots", response_model=TopCells, **plain)
def hotspots(
    request: Request,
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    ward: Annotated[str | None, Query(description=WARD_HELP + "; the cells ranked by their incidents in it")] = None,
    res: Annotated[int, Query(ge=6, le=10, description="H3 resolution, 6 to 10")] = 9,
    top: Annotated[int, Query(ge=1, le=500, description="How many cells")] = 20,
) -> Response:
    """The `top` cells by incident count over the period, ranked, in a study area (`force`, `csp` or `lad`; default
    every area) or one ward (`ward`), each with the ward most of its incidents fall in and its commonest streets and
    places (`places`: the records' location text, police.uk's snapped "On or near" names without those words)."""

    def answer() -> Response:
        return FastJSONResponse(top_cells(con, filters, area, ward, res, top, caches.wards))

    return cached(request, con, answer)


@router.get(
    "/hotspots/gi",
    response_class=Response,
    response_model=GiCellLayer | GiWardLayer,
    responses=documented_as({"geojson": GiCellLayer | GiWardLayer}, *GIS),
)
def gi(
    request: Request,
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    res: HotspotRes = 9,
    k: HotspotK = 1,
    all_cells: GiAll = False,
    unit: GiUnit = "h3",
    format: LayerFormat = "geojson",  # noqa: A002
    crs: CrsQuery = "EPSG:4326",
) -> Response:
    """Getis-Ord Gi* hot and cold spots (flagged at FDR q ≤ 0.01, 0.05 or 0.10) over the study area's H3 cells or
    wards."""
    answer = Answer(
        geojson=lambda: gi_layer_of(unit, con, filters, area, res, k, caches.wards, caches.lattices, all_cells)
    )
    return layer_answer(request, con, answer, format, crs)


@router.get(
    "/hotspots/emerging",
    response_class=Response,
    response_model=EmergingLayer,
    responses=documented_as({"geojson": EmergingLayer}, *GIS),
)
def emerging(
    request: Request,
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    res: HotspotRes = 8,
    k: HotspotK = 1,
    alpha: Annotated[float, Query(gt=0, lt=0.5, description="False discovery rate for a significant slice")] = 0.1,
    interval: Annotated[
        Literal["month", "week"],
        Query(description="Time slices: months, or whole ISO weeks of incidents dated to the day (not police.uk)"),
    ] = "month",
    format: LayerFormat = "geojson",  # noqa: A002
    crs: CrsQuery = "EPSG:4326",
) -> Response:
    """Emerging hotspots: each cell's pattern over the monthly (or weekly) slices of the period, as GeoJSON."""
    f = filters.incident
    if interval == "month" and months_between(f.start, f.end) < 3:
        raise ParameterError("from", "emerging hotspots need at least 3 monthly slices (10 or more recommended)")
    answer = Answer(
        geojson=lambda: emerging_layer(con, filters, area, res, k, alpha, caches.wards, caches.lattices, interval)
    )
    return layer_answer(request, con, answer, format, crs)


@router.get("/hotspots/calibration", response_model=Calibration, **plain)
def calibrate(
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    res: HotspotRes = 9,
    k: HotspotK = 1,
    draws: Annotated[int, Query(ge=1, le=200, description="Shuffles of the counts across the cells")] = 20,
    seed: Annotated[int, Query(ge=0, le=2**31, description="Random seed (the same seed, the same shuffles)")] = 0,
) -> dict[str, Any]:
    """Is hotspot significance calibrated here? The study area's counts shuffled across its cells `draws` times:
    the share of cells called hot at 1/5/10% (expected a/2), beside the normal approximation, and FDR calls."""
    return calibration(con, filters, area, res, k, draws, seed, caches.wards, caches.lattices)


@router.get("/hotspots/emerging/calibration", response_model=TrendCalibration, **plain)
def calibrate_trends(
    con: Con,
    caches: CachesDep,
    filters: FiltersDep,
    area: StudyAreaDep,
    res: HotspotRes = 8,
    draws: Annotated[int, Query(ge=1, le=20, description="Shuffles of each cell's counts across the months")] = 5,
    seed: Annotated[int, Query(ge=0, le=2**31, description="Random seed (the same seed, the same shuffles)")] = 0,
) -> dict[str, Any]:
    """Do the emerging hotspots' trends and classes carry signal here? Each cell's monthly counts shuffled across
    the months `draws` times: the share of cells with a trend at 10% and 5% (at most the level when calibrated) and
    the hot cells of every class per shuffle, each beside the real counts' own."""
    f = filters.incident
    if months_between(f.start, f.end) < 3:
        raise ParameterError("from", "emerging hotspots need at least 3 monthly slices (10 or more recommended)")
    return trend_calibration(con, filters, area, res, draws, seed, caches.wards, caches.lattices)
