"""Repeat places: the places where incidents keep coming back, with their streets, sources and months."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.http.answers import layer_answer
from api.http.deps import Con, FiltersDep, StudyAreaDep
from api.http.formats import GIS, Answer, CrsQuery, LayerFormat
from api.http.models.base import documented_as
from api.http.models.repeat_places import RepeatPlacesLayer
from api.services.repeat_places import repeat_places_layer

router = APIRouter(prefix="/api/v1", tags=["hotspots"])


@router.get(
    "/repeat-places",
    response_class=Response,
    response_model=RepeatPlacesLayer,
    responses=documented_as({"geojson": RepeatPlacesLayer}, *GIS),
)
def repeat_places(
    request: Request,
    con: Con,
    filters: FiltersDep,
    area: StudyAreaDep,
    top: Annotated[int, Query(ge=1, le=200, description="How many repeat places")] = 20,
    format: LayerFormat = "geojson",  # noqa: A002
    crs: CrsQuery = "EPSG:4326",
) -> Response:
    """Each month's repeat rate over the 12 months to it (the share of incidents at places with another incident in
    the window, beside chance), and the top repeat places of the 12 months to the period's end with their streets,
    sources and months. police.uk locations are anonymised snap points: a ranked police.uk place stands for the
    streets around its point, never an address."""
    answer = Answer(geojson=lambda: repeat_places_layer(con, filters, area, top))
    return layer_answer(request, con, answer, format, crs)
