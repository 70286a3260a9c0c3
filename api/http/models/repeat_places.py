"""Repeat places: rolling repeat rates and the top repeat places."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import FiltersEcho, Period, Polygon, Schema, StudyAreaEcho


class RepeatWindow(Schema):
    """The repeat figures of the 12 months to a month."""

    from_: str = Field(alias="from")
    to: str
    complete: bool = Field(description="The store holds every month of the window")
    incidents: int
    places: int = Field(description="Places with incidents in the window")
    repeat_places: int = Field(description="Places with at least 2 incidents in the window")
    repeat_incidents: int
    repeat_rate: float | None = Field(description="Share of the window's incidents at repeat places")
    chance_rate: float | None = Field(description="The repeat rate one Poisson rate at every place gives")


class RepeatPlace(Schema):
    """One top repeat place."""

    rank: int
    count: int
    place: str = Field(description="Its commonest location text")
    streets: list[str]
    sources: list[str]
    by_source: dict[str, int]
    months: list[str]
    lon: float
    lat: float
    precision: str
    snapped: bool = Field(description="A police.uk anonymised snap point, not an address")


class TopRepeatPlaces(Schema):
    """The top repeat places of the 12 months to the period's end."""

    from_: str = Field(alias="from")
    to: str
    places: list[RepeatPlace]


class RepeatPlaceProperties(Schema):
    """A drawn repeat place."""

    h3: str
    rank: int
    place: str
    count: int
    sources: list[str]
    months: list[str]
    precision: str
    snapped: bool


class RepeatPlaceFeature(Schema):
    """The small cell around a top repeat place's point."""

    type: Literal["Feature"]
    geometry: Polygon
    properties: RepeatPlaceProperties
    id: str


class RepeatPlacesLayer(Schema):
    """The top repeat places drawn, with the rolling figures."""

    type: Literal["FeatureCollection"]
    features: list[RepeatPlaceFeature]
    area: StudyAreaEcho
    resolution: int
    period: Period
    filters: FiltersEcho
    warnings: list[str]
    window_months: int
    repeat_at: int
    places_in_area: int
    rolling: list[RepeatWindow]
    top: TopRepeatPlaces
    method: str
    note: str
