"""Concentration across places: figures per area, category and year, the Lorenz curve, and the cells drawn."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import FiltersEcho, Period, Polygon, Schema, StudyAreaEcho


class ConcentrationFigures(Schema):
    """The concentration figures of a set of places over some months."""

    from_: str = Field(alias="from")
    to: str
    places: int = Field(description="Places: mapped points of the area any source counted recorded an incident at")
    incidents: int
    places_with_incidents: int
    half: float | None = Field(description="Smallest share of places (busiest first) holding 50% of the incidents")
    places_half: int | None = Field(description="How many places that is")
    quarter: float | None = Field(description="... holding 25% of the incidents")
    gini: float | None = Field(description="Gini coefficient (biased, as DescTools::Gini)")
    generalized: float | None = Field(description="Generalized Gini for sparse data (Bernasco & Steenbeek 2017)")
    generalized_unbiased: float | None = Field(
        description="Its unbiased form: times m/(m-1), m = min(places, incidents)"
    )
    poisson_gini: float | None = Field(description="Mean Gini of counts drawn from one Poisson rate at every place")
    beyond_chance: float | None = Field(description="(G - G_Poisson) / (1 - G_Poisson)")
    intervals: dict[str, list[float]] = Field(description="95% bootstrap percentile intervals [low, high] by figure")


class ConcentrationRow(ConcentrationFigures):
    """The concentration figures of one area, category and year."""

    area: str | None = Field(description="Area code (the study area, or one of its LADs)")
    area_name: str
    category: str
    year: int


class LorenzPoint(Schema):
    """One point of the Lorenz curve, places ranked busiest first."""

    places: float = Field(description="Share of places")
    incidents: float = Field(description="Share of incidents they hold")


class ConcentrationProperties(Schema):
    """A cell holding some of the busiest places."""

    h3: str
    places: int = Field(description="The busiest places (together half the incidents) in the cell")
    count: int = Field(description="Incidents at those places")


class ConcentrationFeature(Schema):
    """One cell of the concentration layer."""

    type: Literal["Feature"]
    geometry: Polygon
    properties: ConcentrationProperties
    id: str = Field(description="H3 cell id")


class ConcentrationLayer(Schema):
    """The cells where half the incidents are, with the concentration figures."""

    type: Literal["FeatureCollection"]
    features: list[ConcentrationFeature]
    area: StudyAreaEcho
    resolution: int
    period: Period
    filters: FiltersEcho
    places: int
    incidents: int
    lorenz: list[LorenzPoint]
    concentration: list[ConcentrationRow]
    warnings: list[str]
    method: str
    note: str = Field(description="police.uk locations are anonymised snap points")
