"""Hotspot statistics: Getis-Ord Gi* over H3 cells or wards, and emerging hotspots."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import FiltersEcho, MultiPolygon, Period, Polygon, Schema, StudyAreaEcho

GI_CLASS = "hot-99, hot-95, hot-90, cold-90, cold-95, cold-99 or `not significant`"
LEVEL_KEYS = "keys 99, 95, 90: q ≤ 0.01, 0.05, 0.10"
CONFIDENCE = (
    "The false discovery rate the cell is flagged at, named by the class: 99 (FDR q ≤ 0.01), 95 (q ≤ 0.05), "
    "90 (q ≤ 0.10); 0 when not flagged. Not a per-cell confidence"
)


class GiFigures(Schema):
    """The Gi* figures of one cell or ward."""

    class_: str = Field(alias="class", description=GI_CLASS)
    confidence: int = Field(description=CONFIDENCE)
    z: float = Field(description="Gi* z-score")
    p: float = Field(
        description="Two-sided exact p-value (mid-p) of the local sum when counts are shuffled across the cells"
    )
    q: float = Field(description="Benjamini-Hochberg q-value across the cells tested")
    count: int = Field(description="Incidents in the cell or ward")
    neighbourhood_count: int = Field(description="Incidents in its neighbourhood, itself included")


class GiCellProperties(GiFigures):
    """A cell's Gi* figures and its ward."""

    h3: str = Field(description="H3 cell id")
    ward: str = Field(description="Code of the ward the cell belongs to in the study area's lattice")
    ward_name: str | None


class GiWardProperties(GiFigures):
    """A ward's Gi* figures."""

    code: str = Field(description="Ward code")
    name: str
    lad: str | None = Field(description="Local authority district code")
    neighbours: int = Field(description="Wards it touches (queen contiguity)")


class GiCellFeature(Schema):
    """One cell of a Gi* layer."""

    type: Literal["Feature"]
    geometry: Polygon
    properties: GiCellProperties
    id: str = Field(description="H3 cell id")


class GiWardFeature(Schema):
    """One ward of a Gi* layer."""

    type: Literal["Feature"]
    geometry: Polygon | MultiPolygon
    properties: GiWardProperties
    id: str = Field(description="Ward code")


class GiLegendItem(Schema):
    """A Gi* class as drawn."""

    class_: str = Field(alias="class")
    meaning: str
    colour: str = Field(description="CSS colour")


class GiSummary(Schema):
    """Members every Gi* layer carries."""

    type: Literal["FeatureCollection"]
    area: StudyAreaEcho
    period: Period
    filters: FiltersEcho
    cells_tested: int = Field(description="Cells (or wards) in the study area, every one of them tested")
    incidents: int = Field(description="Incidents counted over the study area")
    hot: dict[str, int] = Field(description=f"Hot cells flagged at each FDR level ({LEVEL_KEYS})")
    cold: dict[str, int] = Field(description=f"Cold cells flagged at each FDR level ({LEVEL_KEYS})")
    warnings: list[str] = Field(description="Plain-language reasons Gi* may not mean much on these counts")
    method: str
    legend: list[GiLegendItem]


class GiCellLayer(GiSummary):
    """Gi* hot and cold H3 cells (`unit=h3`): significant cells only unless `all=true`, hottest first."""

    features: list[GiCellFeature]
    resolution: int = Field(description="H3 resolution")
    k: int = Field(description="Neighbourhood: cells within k grid steps")


class GiWardLayer(GiSummary):
    """Gi* hot and cold wards (`unit=ward`): significant wards only unless `all=true`, hottest first."""

    features: list[GiWardFeature]
    unit: Literal["ward"]
    wards: str = Field(description="Boundary set")


class EmergingProperties(Schema):
    """A cell's emerging-hotspot pattern over the slices."""

    h3: str = Field(description="H3 cell id")
    pattern: str = Field(description="Class and side in words, e.g. `persistent hot spot`")
    class_: str = Field(
        alias="class",
        description="new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating or historical",
    )
    side: Literal["hot", "cold"]
    colour: str = Field(description="CSS colour of the class")
    trend_z: float = Field(
        description="Mann-Kendall z of the cell's neighbourhood share of the area's incidents, slice by slice "
        "(positive: rising against the area's own change)"
    )
    trend_p: float = Field(description="Mann-Kendall two-sided p-value (normal approximation, ties corrected)")
    trend: Literal["rising", "falling", "steady"] = Field(
        description="rising or falling where trend_p < alpha, else steady: the same word the patrol plan gives the cell"
    )
    slices_hot: int = Field(description="Slices in which the cell is a significant hot spot")
    slices_cold: int = Field(description="Slices in which the cell is a significant cold spot")
    counts: list[int] = Field(description="Incidents in each slice (as `slices`)")
    ward: str = Field(description="Code of the ward the cell belongs to in the study area's lattice")
    ward_name: str | None


class EmergingFeature(Schema):
    """One cell with an emerging-hotspot pattern."""

    type: Literal["Feature"]
    geometry: Polygon
    properties: EmergingProperties
    id: str = Field(description="H3 cell id")


class EmergingLegendItem(Schema):
    """An emerging-hotspot class as drawn."""

    class_: str = Field(alias="class")
    colour: str = Field(description="CSS colour")


class EmergingLayer(Schema):
    """Cells with an emerging-hotspot pattern, by class then count."""

    type: Literal["FeatureCollection"]
    features: list[EmergingFeature]
    area: StudyAreaEcho
    resolution: int = Field(description="H3 resolution")
    k: int = Field(description="Neighbourhood: cells within k grid steps")
    alpha: float = Field(description="False discovery rate for a significant slice")
    interval: Literal["month", "week"]
    slices: list[str] = Field(description="The slices: months YYYY-MM or ISO weeks YYYY-Www")
    filters: FiltersEcho
    cells_tested: int
    patterns: dict[str, int] = Field(description="Cells per pattern, keyed `<class>-<side>`")
    warnings: list[str]
    method: str
    legend: list[EmergingLegendItem]


class CalibrationLevel(Schema):
    """What shuffled counts are called at one nominal level."""

    level: float = Field(description="Nominal level a")
    hot_share: float = Field(description="Share of shuffled cells called hot (z > 0, p < a) by AIM's test")
    hot_share_expected: float = Field(description="a / 2: one side of a two-sided test")
    both_sides_share: float = Field(description="Share with p < a on either side (at most a)")
    normal_hot_share: float = Field(description="The same under the normal approximation, for comparison")
    normal_both_sides_share: float


class CalibrationFdr(Schema):
    """Hot calls after false-discovery control, observed and on shuffles."""

    confidence: int = Field(description="The FDR level: 99, 95 or 90 (q ≤ 0.01, 0.05, 0.10)")
    observed_cells: int = Field(description="Cells flagged hot at this FDR level or stricter on the real counts")
    shuffled_mean_cells: float | None
    shuffles_with_any: int = Field(description="Shuffles with at least one cell called hot")


class Calibration(Schema):
    """Hotspot significance checked on the study area's counts shuffled across its cells."""

    area: StudyAreaEcho
    resolution: int
    k: int
    period: Period
    filters: FiltersEcho
    cells: int
    incidents: int
    empty_share: float | None
    draws: int
    seed: int
    levels: list[CalibrationLevel]
    fdr_hot: list[CalibrationFdr]
    method: str


class TrendCalibrationLevel(Schema):
    """Trend calls at one level on shuffled months, beside the real counts'."""

    level: float = Field(description="Nominal level a")
    trend_share: float | None = Field(
        description="Mean share of active cells (an incident in their neighbourhood) whose trend has p < a on "
        "shuffled months (at most a when calibrated)"
    )
    dense_trend_share: float | None = Field(description="The same among cells with an incident around them every month")
    real_trend_share: float = Field(description="The share on the real counts")
    real_dense_trend_share: float


class TrendCalibrationClass(Schema):
    """Hot cells of one emerging class on shuffled months and on the real counts."""

    class_: str = Field(alias="class")
    implies_change: bool = Field(description="new, consecutive, intensifying and diminishing say something changed")
    shuffled_mean_cells: float | None = Field(description="Mean hot cells of the class per shuffle")
    shuffled_max_cells: int | None
    real_cells: int = Field(description="Hot cells of the class on the real counts")


class TrendCalibration(Schema):
    """The emerging hotspots' trends and classes on each cell's counts shuffled across the months."""

    area: StudyAreaEcho
    resolution: int
    category: str = Field(description="The crime types counted, as the filter gives them")
    period: Period
    months: int
    cells: int
    active_cells: int = Field(description="Cells with an incident in their neighbourhood in some month")
    dense_cells: int = Field(description="Cells with an incident in their neighbourhood every month")
    incidents: int
    draws: int
    seed: int
    alpha: float
    levels: list[TrendCalibrationLevel]
    classes: list[TrendCalibrationClass]
    persistent_trend_share: float | None = Field(
        description="Among cells hot in at least 90% of months including the last, on shuffled months: the share "
        "called intensifying or diminishing"
    )
    real_persistent_trend_share: float | None
    method: str
