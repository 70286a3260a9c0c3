"""Plan against delivery (analysts) and delivery as monthly ward totals (every role, unless turned off)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import Period, Polygon, Schema, StudyAreaEcho, absent


class DeliveredCell(Schema):
    """What one cell got over the days delivered."""

    rank: int = Field(description="Its rank in the plan (0: a comparable cell outside the plan)")
    h3: str = Field(description="H3 cell id")
    ward: str | None
    minutes: float = Field(description="Minutes present in the cell's geofence (drive-bys apart)")
    minutes_per_day: float
    driveby_minutes: float = Field(description="Minutes passing faster than walking pace")
    visits: int = Field(description="Visits: presence separated by more than the merge gap")
    compliant_visits: int = Field(description="Visits of at least the compliant length (10 minutes, Koper)")
    days_present: int
    visited: bool


class DeliverySummary(Schema):
    """Totals over a set of cells."""

    cells: int
    cells_visited: int
    share_visited: float | None
    minutes: float
    minutes_per_cell_day: float | None
    visits: int
    compliant_visits: int
    driveby_minutes: float
    target_compliant_visits: float | None = None
    share_of_target: float | None = None
    cells_meeting_target: int | None = None


class Background(DeliverySummary):
    """Presence in comparable cells outside the plan, and in the rest of the area."""

    comparable: str = Field(description="How the comparable cells were chosen")
    other_cells_in_area_minutes: float
    other_cells_in_area_visited: int


class DeliveredDays(Schema):
    """The days delivery was counted over (Europe/London days)."""

    from_: str = Field(alias="from")
    to: str
    days: int


class PlanDelivery(Schema):
    """The patrol plan's cells against what was delivered in them, and background presence outside the plan."""

    area: StudyAreaEcho
    resolution: int
    plan_period: Period
    delivered: DeliveredDays
    agencies: list[str]
    target: dict[str, float]
    plan: DeliverySummary
    background: Background
    cells: list[DeliveredCell]
    comparable_cells: list[DeliveredCell]


class WardMonth(Schema):
    """Delivery in one ward in one month (every agency together)."""

    ward: str
    ward_name: str | None
    month: str
    minutes: int
    visits: int
    compliant_visits: int


class WardDelivery(Schema):
    """Delivery as monthly ward totals: no cell, day or time."""

    area: StudyAreaEcho
    wards: str
    from_: str = Field(alias="from")
    to: str
    totals: list[WardMonth]


class RefusedRow(Schema):
    """A row refused, as an example."""

    line: int = Field(description="The line of the file (GPX), or the point's position in it (MF-JSON)")
    reason: str


class DeliveryLoaded(Schema):
    """What loading one movement file did: only its dosage is kept, never its pings."""

    agency: str
    file: str
    format: str
    dry_run: bool
    pings_read: int
    pings_kept: int
    quarantined: int
    reasons: dict[str, int] = Field(description="Refused rows by kind of reason")
    examples: list[RefusedRow]
    days: list[str] = Field(description="The days (YYYY-MM-DD) the load replaced, for its agency")
    cell_days: int
    minutes: float
    visits: int
    compliant_visits: int


class DoseCell(Schema):
    """One planned cell: its dose and its incidents before and after."""

    rank: int
    h3: str
    ward: str | None
    minutes_per_day: float = Field(description="The dose: minutes present a day over the days delivered")
    compliant_visits: int
    before: int = Field(description="Incidents in the before-period")
    after: int = Field(description="Incidents in the after-period")
    change: float = Field(description="log((after + 0.5) / (before + 0.5)), before scaled to the after's months")


class DoseEstimate(Schema):
    """The slope of the change on the dose, adjusted for the before-level, and its permutation p-value."""

    cells: int
    slope: float
    rate_ratio_per_unit: float = Field(description="exp(slope): the after/before ratio's multiple per unit of dose")
    unit: str
    p_value: float = Field(description="Two-sided, by permutation (Freedman-Lane)")
    permutations: int
    alpha: float
    spearman: float = Field(description="Rank correlation of dose and change, unadjusted")


class DoseCalibration(Schema):
    """The test on null data: the dose shuffled across the cells."""

    runs: int
    permutations: int
    alpha: float
    significant: int
    rate: float = Field(description="Share called significant: should stay near alpha")
    interval: list[float] = Field(description="95% Wilson interval of the rate")


class DoseMonths(Schema):
    """A period of months."""

    from_: str = Field(alias="from")
    to: str


class DoseResponseAnswer(Schema):
    """Dose and response across the patrol plan's cells."""

    area: StudyAreaEcho
    resolution: int
    plan_period: Period
    delivered: DeliveredDays
    before: DoseMonths
    after: DoseMonths
    cells: list[DoseCell]
    estimate: DoseEstimate | None
    calibration: DoseCalibration | None
    verdict: str
    method: str
    caveats: list[str]


class DeliveryCellProperties(Schema):
    """A cell of the patrol delivery layer: what it got over the days delivered (as /api/v1/delivery/plan)."""

    h3: str = Field(description="H3 cell id")
    rank: int = Field(description="Its number on the printed plan (0: outside the plan)")
    ward: str | None
    minutes: float
    minutes_per_day: float
    driveby_minutes: float
    visits: int
    compliant_visits: int
    days_present: int
    visited: bool
    planned: bool = Field(description="One of the plan's cells")
    band: str = Field(description="Minutes present a day: none, under 5, 5 to 10, 10 or more")
    target_compliant_visits: float = absent("Planned cells: compliant visits planned over the days delivered")
    comparable: bool = absent("Cells outside the plan: one of the plan's comparable cells")


class DeliveryFeature(Schema):
    """One cell's delivery."""

    type: Literal["Feature"]
    geometry: Polygon
    properties: DeliveryCellProperties
    id: str = Field(description="H3 cell id")


class DeliveryLayer(Schema):
    """The plan's cells in rank order, then the cells outside it with delivery, most minutes first."""

    type: Literal["FeatureCollection"]
    features: list[DeliveryFeature]
    area: StudyAreaEcho
    resolution: int
    held: bool = Field(description="Whether any delivery is held")
    note: str = absent("Without delivery held: why the layer is empty")
    delivered: DeliveredDays = absent("The days delivered")
    plan_period: Period = absent("The plan's history")
    cells: int = absent("Cells in the plan")
    cells_visited: int = absent("Planned cells with presence")
    compliant_visits: int = absent("Compliant visits in the plan's cells")
    target_compliant_visits: float = absent("Compliant visits planned over the days delivered")
    minutes_in_plan: float = absent("Minutes present in the plan's cells")
    minutes_outside_plan: float = absent("Minutes present in the area's other cells")
