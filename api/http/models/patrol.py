"""Patrol plans (JSON and GeoJSON) and the evaluation of patrol selection on held-out months."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import FiltersEcho, Period, Polygon, Schema, StudyAreaEcho, absent
from api.http.models.evaluation_delivery import SelectionDelivery


class CellPlace(Schema):
    """A street or place named in the location text of a cell's incidents."""

    place: str = Field(description="As recorded (police.uk's 'On or near' dropped)")
    count: int = Field(description="Incidents with this location text in the period")


class NearestPostcode(Schema):
    """The nearest postcode to a point."""

    postcode: str
    distance_m: int


class PatrolCell(Schema):
    """A selected cell, ranked, with why it was picked."""

    rank: int
    h3: str = Field(description="H3 cell id")
    ward: str = Field(description="Code of the ward the cell belongs to in the study area's lattice")
    ward_name: str | None
    expected_per_month: float = Field(description="Forecast incidents per month")
    recent_counts: dict[str, int] = Field(description="Incidents in each of the latest (up to 3) months, by month")
    period_count: int = Field(description="Incidents over the period")
    other_crime_count: int | None = Field(
        description="Other crime recorded in the cell over the period (null when the filter leaves no crime out)"
    )
    trend: Literal["rising", "falling", "steady"] = Field(
        description="The cell's trend as the emerging hotspots give it: Mann-Kendall on its neighbourhood's share of "
        "the area's incidents month by month, rising or falling at p < 0.1, else steady"
    )
    gi_class: str = Field(description="hot-99, hot-95, hot-90, cold or `not significant` (Gi*, k=1)")
    area_km2: float
    reason: str = Field(description="Why the cell was picked, in words")
    places: list[CellPlace] | None = Field(
        default=None, description="The commonest streets and places of its incidents (location text), commonest first"
    )
    grid_ref: str | None = Field(default=None, description="OS National Grid reference of its centre (8 figures)")
    nearest_postcode: NearestPostcode | None = Field(
        default=None, description="The postcode unit centroid nearest its centre (Code-Point Open), within 2 km"
    )


class Forecast(Schema):
    """How expected incidents were forecast."""

    method: str
    fitted: str = Field(description="The model fitted for this area, in words")


class PlanMembers(Schema):
    """What a patrol plan says about its selection as a whole."""

    area: StudyAreaEcho
    resolution: int = Field(description="H3 resolution")
    budget_km2: float | None = Field(description="Area budget asked for (null when `cells` was given)")
    cells_requested: int | None = Field(description="Number of cells asked for (null when `budget_km2` was given)")
    period: Period = Field(description="The history the forecast was fitted on")
    filters: FiltersEcho
    selected_area_km2: float
    area_share: float = Field(description="Share of the study area selected")
    expected_per_month: float = Field(description="Forecast incidents per month in the selected cells")
    expected_share: float = Field(description="Share of the area's forecast incidents in the selected cells")
    forecast: Forecast


class PatrolPlan(PlanMembers):
    """The ranked patrol cells (format=json)."""

    cells: list[PatrolCell]


class PatrolFeature(Schema):
    """A selected cell (format=geojson)."""

    type: Literal["Feature"]
    geometry: Polygon
    properties: PatrolCell
    id: str = Field(description="H3 cell id")


class PatrolPlanCollection(PlanMembers):
    """The patrol plan as a FeatureCollection, one hexagon per selected cell in rank order (format=geojson)."""

    type: Literal["FeatureCollection"]
    features: list[PatrolFeature]


class MethodScore(Schema):
    """How well one method's pick anticipated the test months."""

    cells: int = Field(description="Cells picked")
    area_share: float = Field(description="Share of the area picked")
    hit_rate: float = Field(description="Share of test incidents in the cells picked")
    pai: float = Field(description="Predictive Accuracy Index: hit rate / area share")
    rri: float | None = Field(description="Recapture Rate Index (null when it is undefined)")
    how: str


class Evaluation(Schema):
    """AIM's patrol selection and the baselines scored on held-out months."""

    area: StudyAreaEcho
    resolution: int
    train: Period
    test: Period
    coverage: float = Field(description="Share of the area each method picks")
    filters: FiltersEcho
    cells: int = Field(description="Cells in the study area")
    area_km2: float
    train_incidents: int
    test_incidents: int
    aim_model: str = Field(description="The forecast fitted on the training months, in words")
    methods: dict[str, MethodScore] = Field(
        description="Scores by method: aim, training_window, last_3_months, previous_period, kde, random"
    )
    best_baseline: Literal["training_window", "last_3_months", "previous_period", "kde"] = Field(
        description="The baseline with the highest PAI on the test months"
    )
    aim_vs_best_baseline_pai: float | None = Field(description="AIM's PAI / the best baseline's (null when it is 0)")
    delivery: SelectionDelivery | None = absent(
        "Analysts: what the patrols delivered in AIM's cells over the test months, and the dose-response across them"
    )
