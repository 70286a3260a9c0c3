"""Plan against delivery (analysts) and delivery as monthly ward totals (every role, unless turned off)."""

from __future__ import annotations

from pydantic import Field

from api.http.models.base import Period, Schema, StudyAreaEcho


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
