"""Map layers: the ward choropleth, H3 hexagons and the top cells by count."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import (
    FiltersEcho,
    HeldPeriod,
    MultiPolygon,
    Period,
    Polygon,
    Schema,
    StudyAreaEcho,
    absent,
)
from api.http.models.patrol import CellPlace

LOCATED = (
    "Counts at each location precision (point, postcode, snap-point, lsoa, ward, none; non-zero only); only with "
    "`precision=true` and exact figures"
)


class WardProperties(Schema):
    """A ward's counts over the period and the previous period of the same length."""

    code: str = Field(description="Ward code")
    name: str
    lad: str | None = Field(description="Local authority district code")
    lad_name: str | None
    count: int | None = Field(description="Incidents in the period (null: suppressed by disclosure control)")
    previous_count: int | None = Field(description="Incidents in the previous period (null: suppressed)")
    change: int | None = Field(description="count - previous_count (null when either is suppressed)")
    change_pct: float | None = Field(description="Change in per cent (null when previous_count is 0 or suppressed)")
    located: dict[str, int] = absent(LOCATED)


class WardFeature(Schema):
    """One ward."""

    type: Literal["Feature"]
    geometry: Polygon | MultiPolygon
    properties: WardProperties
    id: str = Field(description="Ward code")


class WardLayer(Schema):
    """Ward FeatureCollection with counts, and the periods and filters they are for."""

    type: Literal["FeatureCollection"]
    features: list[WardFeature]
    period: Period
    previous_period: HeldPeriod = Field(description="The period of the same length just before, for previous_count")
    filters: FiltersEcho


class HexProperties(Schema):
    """An H3 cell's count of incidents that have a point."""

    h3: str = Field(description="H3 cell id")
    count: int = Field(description="Incidents in the cell (cells whose count is not published are left out)")
    located: dict[str, int] = absent(LOCATED)


class HexFeature(Schema):
    """One H3 cell."""

    type: Literal["Feature"]
    geometry: Polygon
    properties: HexProperties
    id: str = Field(description="H3 cell id")


class HexLayer(Schema):
    """H3 hexagon FeatureCollection."""

    type: Literal["FeatureCollection"]
    features: list[HexFeature]
    resolution: int = Field(description="H3 resolution")
    period: Period
    filters: FiltersEcho


class TopCell(Schema):
    """One of the busiest cells."""

    rank: int
    h3: str = Field(description="H3 cell id")
    count: int
    ward: str | None = Field(description="Code of the ward most of the cell's incidents fall in")
    ward_name: str | None
    places: list[CellPlace] = Field(
        description="Its commonest streets and places (the records' location text), commonest first, at most three"
    )


class WardEcho(Schema):
    """The ward asked for."""

    code: str
    name: str
    lad: str | None = Field(description="Local authority district code")


class TopCells(Schema):
    """The top cells by count over the period, in the study area (or ward) asked for."""

    resolution: int = Field(description="H3 resolution")
    area: StudyAreaEcho
    ward: WardEcho | None = Field(description="The ward the cells were ranked in (null: the whole area)")
    filters: FiltersEcho
    hotspots: list[TopCell]
