"""Near-repeats: the Knox test over the incidents dated to the day of an area and period."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.http.answers import layer_answer
from api.http.deps import Con, FiltersDep, StudyAreaDep
from api.http.formats import GIS, Answer, CrsQuery, LayerFormat
from api.http.models.base import documented_as
from api.http.models.near_repeat import NearRepeatLayer
from api.services.near_repeat import near_repeat_layer
from api.services.statistics.near_repeat import NEAR_REPEAT

router = APIRouter(prefix="/api/v1", tags=["hotspots"])


@router.get(
    "/near-repeat",
    response_class=Response,
    response_model=NearRepeatLayer,
    responses=documented_as({"geojson": NearRepeatLayer}, *GIS),
)
def near_repeat(
    request: Request,
    con: Con,
    filters: FiltersDep,
    area: StudyAreaDep,
    distance_band: Annotated[float, Query(gt=0, le=5000, description="Width of each distance band, metres")] = 100.0,
    distance_bands: Annotated[int, Query(ge=1, le=10, description="How many distance bands (then farther)")] = 3,
    same_place: Annotated[float, Query(ge=0, le=50, description="A first band [0, this) m (0: none)")] = 1.0,
    day_band: Annotated[int, Query(ge=1, le=90, description="Width of each day band, days")] = 7,
    day_bands: Annotated[int, Query(ge=1, le=10, description="How many day bands (then later)")] = 3,
    metric: Annotated[Literal["euclidean", "manhattan"], Query(description="Distance")] = "euclidean",
    closed: Annotated[Literal["left", "right"], Query(description="Bands [a, b) (left) or (a, b] (right)")] = "left",
    permutations: Annotated[int, Query(ge=0, le=999, description="Permutations of the dates")] = 99,
    seed: Annotated[int, Query(ge=0, le=2**31, description="Random seed (the same seed, the same p-values)")] = 0,
    alpha: Annotated[float, Query(gt=0, lt=0.5, description="p-value at or under which a band is elevated")] = 0.05,
    format: LayerFormat = "geojson",  # noqa: A002
    crs: CrsQuery = "EPSG:4326",
) -> Response:
    """The Knox test for near-repeats over the area's incidents dated to the day (council feeds): pairs of incidents
    by distance band x day band, labelled exactly as counted, with the exact expectation, the permutations' mean,
    both Knox ratios and Monte Carlo p-values from seeded permutations of the dates; features: the cells near each
    recent incident while the risk after it stays elevated. police.uk gives months only and is never counted: an area
    and period with fewer than two incidents dated to the day is refused (422)."""
    options = NEAR_REPEAT.arguments(
        {
            "distance_band": distance_band,
            "distance_bands": distance_bands,
            "same_place": same_place,
            "day_band": day_band,
            "day_bands": day_bands,
            "metric": metric,
            "closed": closed,
            "permutations": permutations,
            "seed": seed,
            "alpha": alpha,
        }
    )
    answer = Answer(geojson=lambda: near_repeat_layer(con, filters, area, options, refuse=True))
    return layer_answer(request, con, answer, format, crs)
