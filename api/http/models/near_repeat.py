"""Near-repeats: the Knox table of incidents dated to the day and the cells of elevated risk after recent ones."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import FiltersEcho, Period, Polygon, Schema, StudyAreaEcho, absent


class KnoxCell(Schema):
    """One distance band x day band of the Knox table."""

    distance: str = Field(description="The distance band (metres) in interval notation, exactly as counted")
    days: str = Field(description="The day band in interval notation, exactly as counted")
    observed: int = Field(description="Pairs of incidents in both bands")
    expected: float | None = Field(description="Row total x column total / pairs: the mean over every permutation")
    permuted_mean: float | None = Field(description="The mean over the permutations drawn (null: none drawn)")
    ratio_expected: float | None = Field(description="Knox ratio: observed / expected")
    ratio_mean: float | None = Field(description="Knox ratio as the Near Repeat Calculator: observed / permuted mean")
    p_value: float | None = Field(description="(1 + permutations with at least the observed) / (1 + permutations)")
    p_family: float | None = absent(
        "Family-wise adjusted p-value over the finite band pairs (max-T, Westfall & Young 1993); null: an open band "
        "or nothing expected (absent from profiles frozen before it was given)"
    )


class RiskWindow(Schema):
    """How far and for how long risk is elevated after an incident."""

    metres: float = Field(description="Upper edge of the farthest distance band with an elevated band pair")
    days: float = Field(description="Upper edge of the latest day band with an elevated band pair")


class NearRepeatFigures(Schema):
    """The Knox test of the incidents dated to the day."""

    events: int = Field(description="Incidents dated to the day with a point")
    pairs: int = Field(description="Pairs of those incidents")
    month_only: int = Field(description="Incidents with a point but a month only (police.uk): never counted")
    first_day: str | None
    last_day: str | None
    metric: Literal["euclidean", "manhattan"]
    closed: Literal["left", "right"] = Field(description="left: bands [a, b); right: (a, b], the first [0, b]")
    distance_bands: list[str]
    day_bands: list[str]
    permutations: int
    seed: int
    alpha: float
    table: list[KnoxCell] = Field(description="Row by row: each distance band with every day band")
    window: RiskWindow | None = Field(description="null: no band pair elevated")
    family_p: float | None = absent(
        "The smallest family-wise p-value of the band pairs above expectation: how often dates shuffled among the "
        "incidents give some band pair as far above chance (absent from profiles frozen before it was given)"
    )
    recent: int = Field(description="Incidents whose window is still open on the last day")
    warnings: list[str]
    method: str
    note: str = Field(description="police.uk gives months only: never in the test")


class NearRepeatProperties(Schema):
    """A cell of elevated risk."""

    h3: str
    until: str = Field(description="The last day the risk stays elevated, YYYY-MM-DD")
    latest: str = Field(description="The latest incident near it, YYYY-MM-DD")
    incidents: int = Field(description="Recent incidents it is near")


class NearRepeatFeature(Schema):
    """A cell (res 10) of elevated near-repeat risk."""

    type: Literal["Feature"]
    geometry: Polygon
    properties: NearRepeatProperties
    id: str


class NearRepeatLayer(NearRepeatFigures):
    """The cells of elevated risk after recent incidents, with the Knox table."""

    type: Literal["FeatureCollection"]
    features: list[NearRepeatFeature]
    area: StudyAreaEcho
    resolution: int
    period: Period
    filters: FiltersEcho
