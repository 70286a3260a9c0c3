"""Delivery inside an evaluation: the dosage before and after, the verdict that tells "not delivered" from
"delivered, no different from comparable places", the dose-response across cells; below analyst, ward totals only."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import Schema, absent
from api.http.models.delivery import DoseCalibration, DoseEstimate, WardMonth

DeliveryVerdict = Literal[
    "Not known: no delivery held",
    "Not delivered",
    "Delivered, fell more than comparable places",
    "Delivered, no different from comparable places",
    "Delivered, rose more than comparable places",
]


class HeldDays(Schema):
    """A period's days and how many of them any delivery is held for."""

    from_: str = Field(alias="from", description="First day, YYYY-MM-DD")
    to: str = Field(description="Last day, YYYY-MM-DD")
    days: int
    days_held: int = Field(description="Days with any delivery held (0: none held, which is not none delivered)")
    words: str = absent("`no delivery held for these dates`, or how many of the days are held")


class Dosage(Schema):
    """Delivery in an area over a period (every agency together)."""

    minutes: float = Field(description="Minutes present")
    minutes_per_day_held: float
    visits: int
    compliant_visits: int = Field(description="Visits of 10 minutes or more (AIM_DELIVERY_COMPLIANT_S)")
    cells_visited: int


class WardDosage(Schema):
    """Delivery in wards over a period, from their monthly totals."""

    minutes: int
    visits: int
    compliant_visits: int


class DosageArea(Schema):
    """An area's delivery before and after (null: no delivery held for those dates)."""

    cells: int
    before: Dosage | None
    after: Dosage | None


class ControlDosage(Schema):
    """The control wards' delivery before and after (null: no delivery held for those dates)."""

    wards: int
    before: WardDosage | None
    after: WardDosage | None


class DosageAreas(Schema):
    """The response area and its buffer (their cells), and the control wards (their monthly totals)."""

    response: DosageArea
    buffer: DosageArea
    control: ControlDosage


class DoseResponseCell(Schema):
    """One cell's dose and incidents."""

    h3: str
    minutes_per_day: float = Field(description="Minutes present a day held, after")
    before: int
    after: int
    change: float = Field(description="log((after + 0.5) / (before + 0.5))")


class CellsDoseResponse(Schema):
    """The dose-response across the area's cells, its calibration on shuffled dosage, or why there is none."""

    cells: int
    method: str
    estimate: DoseEstimate | None
    calibration: DoseCalibration | None = Field(description="The test on the dose shuffled across the cells")
    reading: str = absent("The estimate in words")
    why_not: str = absent("Why there is no estimate")
    cells_detail: list[DoseResponseCell] = Field(description="Each cell's dose and incidents")
    caveat: str


class EvaluationDelivery(Schema):
    """Delivery in a problem's evaluation (analysts)."""

    resolution: int = Field(description="H3 resolution dosage is counted at")
    cells_note: str | None = Field(description="How the area's cells are read at that resolution (null: as they are)")
    before: HeldDays
    after: HeldDays
    areas: DosageAreas
    verdict: DeliveryVerdict
    words: str
    dose_response: CellsDoseResponse
    wards: list[WardMonth] = Field(description="The problem's wards' monthly totals (what is shown below analyst)")


class WardsOnlyDelivery(Schema):
    """Delivery in an evaluation below analyst: monthly ward totals, or none (AIM_DELIVERY_BELOW_ANALYST)."""

    wards: list[WardMonth]
    note: str


class SelectionPlan(Dosage):
    """Delivery in the selection's cells over the test months, against one compliant visit a cell a day held."""

    share_visited: float | None
    target_compliant_visits: int = Field(description="Cells x days held (one compliant visit a cell a day)")
    share_delivered: float | None = Field(description="Compliant visits, each cell counted up to its own plan")


class SelectionBackground(Schema):
    """Delivery in the next-ranked cells outside the selection (background presence)."""

    cells: int
    minutes: float = absent("Minutes present")
    minutes_per_day_held: float = absent("Minutes present a day held")
    visits: int = absent("Visits")
    compliant_visits: int = absent("Visits of 10 minutes or more")
    cells_visited: int = absent("Cells with any presence")


class SelectionDoseResponse(Schema):
    """The dose-response across the selection's cells, with its calibration on shuffled dosage, or why none."""

    cells: int
    method: str
    estimate: DoseEstimate | None
    calibration: DoseCalibration | None
    reading: str = absent("The estimate in words")
    why_not: str = absent("Why there is no estimate")
    caveat: str


class SelectionDelivery(Schema):
    """What the patrols delivered in AIM's selected cells over the test months (analysts)."""

    verdict: Literal["Not known: no delivery held", "Not delivered", "Delivered"]
    why_not: str = absent("Why delivery cannot be read at this resolution")
    resolution: int = absent("H3 resolution dosage is counted at")
    period: HeldDays = absent("The test months' days and the days held")
    cells: int = absent("Cells selected")
    plan: SelectionPlan | None = absent("Delivery in the selected cells (null: none held)")
    background: SelectionBackground | None = absent("Delivery in as many next-ranked cells outside the selection")
    dose_response: SelectionDoseResponse | None = absent("Across the selected cells (null: no delivery held)")
