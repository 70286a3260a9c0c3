"""A problem's evaluation: its response area before and after against a control area, with a displacement buffer
(weighted displacement difference and quotient, rate ratios, and the result in words against the target)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import Schema, absent
from api.http.models.evaluation_delivery import DeliveryVerdict, EvaluationDelivery, WardsOnlyDelivery
from api.http.models.problem_profile import Months

MAYBE = "null: not defined on these counts"


class ResponseArea(Schema):
    """The problem's own cells."""

    cells: int
    res: int = Field(description="H3 resolution")
    before: int = Field(description="Incidents in the before period")
    after: int = Field(description="Incidents in the after period")


class BufferArea(Schema):
    """The displacement buffer: a ring of cells around the response cells."""

    cells: int
    metres: float = Field(description="Width of the buffer")
    before: int
    after: int
    cell_ids: list[str] = Field(description="Its H3 cells")


class NamedWard(Schema):
    """A ward."""

    code: str
    name: str


class ControlArea(Schema):
    """Wards compared with."""

    wards: list[NamedWard]
    before: int
    after: int


class EvaluationAreas(Schema):
    """The areas counted."""

    response: ResponseArea
    buffer: BufferArea
    control: ControlArea = Field(description="The control for the response area")
    buffer_control: ControlArea = Field(description="The control for the buffer (other wards)")


class Wdd(Schema):
    """Weighted displacement difference (Wheeler & Ratcliffe 2018), with its 95% interval."""

    local: float = Field(description="Response change minus control change")
    displacement: float = Field(description="Buffer change minus its control's change")
    total: float
    variance: float
    se: float
    z: float
    p: float
    low: float
    high: float


class Wdq(Schema):
    """Weighted displacement quotient (Bowers & Johnson 2003) and total net effect."""

    success: float | None = Field(description=f"Response against control ({MAYBE})")
    buffer_measure: float | None = Field(description=f"Buffer against control: + displacement ({MAYBE})")
    wdq: float | None = Field(description=f"The quotient ({MAYBE})")
    reading: str
    total_net_effect: float | None = Field(description=f"Incidents prevented, negative: added ({MAYBE})")


class RateRatio(Schema):
    """An incidence rate ratio with its 95% interval and two-sided p-value."""

    ratio: float | None
    low: float | None
    high: float | None
    p: float | None
    method: str


class OverdispersedRatio(Schema):
    """A rate ratio from monthly counts with its quasi-Poisson 95% interval and p-value."""

    ratio: float | None
    low: float | None
    high: float | None
    p: float | None
    dispersion: float | None = Field(description="Pearson chi-square over residual df (the interval floors it at 1)")
    method: str


class PlaceboStatistic(Schema):
    """A statistic read against the same statistic over the placebo areas."""

    value: float = Field(description="The problem's statistic")
    placebo_median: float | None = Field(description="The placebo areas' median (null: no placebo area)")
    effect: float | None = Field(description="The statistic less the placebo median")
    low: float | None = Field(description="Placebo 95% interval of the effect: the statistic less the 97.5% quantile")
    high: float | None = Field(description="... less the 2.5% quantile")
    p: float = Field(description="Two-sided placebo p-value (mid-rank among the placebo areas)")


class PlaceboRate(Schema):
    """The response area's rate ratio (after over before) against comparable places'."""

    ratio: float | None = Field(description="exp(the log rate ratio less the placebos' median; null: no placebo)")
    low: float | None = Field(description="Placebo 95% interval")
    high: float | None
    p: float = Field(description="Two-sided placebo p-value: the verdict's")


class BeforeLevel(Schema):
    """Before-period counts of the response area and of the placebo areas matched to it."""

    response: int
    placebo_median: float | None
    placebo_low: int | None
    placebo_high: int | None


class Placebo(Schema):
    """The evaluation read against placebo areas where nothing was done."""

    method: str = Field(description="How the placebo areas were drawn and read")
    seed: int = Field(description="Seed of the draw (from the problem and the evaluation's inputs)")
    control: str = Field(description="How the controls are made comparable to the areas they control")
    areas: int = Field(description="Placebo areas drawn")
    candidates: int = Field(description="Candidate patches they were matched from")
    before_level: BeforeLevel
    rate_ratio: PlaceboRate
    wdd: PlaceboStatistic = Field(description="The WDD against the placebo areas' WDDs (rescaled to its level)")
    wdd_scaled_control: PlaceboStatistic = Field(description="The WDD with controls scaled, against the placebos'")
    verdict: Literal[
        "fell more than comparable places", "no different from comparable places", "rose more than comparable places"
    ]


class TargetResult(Schema):
    """The action's target and whether it was met."""

    direction: Literal["down", "up"]
    percent: float
    against: Literal["control", "baseline"]
    months: int | None
    change: float | None = Field(description="The change judged, as a fraction (null: cannot be judged)")
    met: bool | None = Field(description="The change reached the target (null: cannot be judged)")
    reading: Literal["met", "met, but within what comparable places did", "not met", "cannot be judged"] | None = (
        absent("The target read against comparable places: `met` only when the change also beat them")
    )


class EvaluationResult(Schema):
    """The result of an evaluation, as kept with the problem."""

    before: Months
    after: Months
    category: str = Field(description="Category group")
    sources: list[str] = Field(description="Sources counted (`all`: every source)")
    areas: EvaluationAreas
    wdd: Wdd
    wdq: Wdq
    rate_ratio: RateRatio = Field(description="Response area, after over before")
    rate_ratio_against_control: RateRatio
    control_selection: str = Field(description="How the control wards were chosen")
    rate_ratio_overdispersed: OverdispersedRatio | None = absent("Response area, after over before, quasi-Poisson")
    rate_ratio_against_control_overdispersed: OverdispersedRatio | None = absent(
        "Against the control, quasi-Poisson on monthly counts"
    )
    placebo: Placebo | None = absent("The result read against placebo areas (evaluations made since)")
    verdict: (
        Literal[
            "fell more than comparable places",
            "no different from comparable places",
            "rose more than comparable places",
        ]
        | None
    ) = absent("The result in three phrases: the placebo rate ratio's reading at the 5% level")
    target: TargetResult | None = Field(description="null: no action's target was named")
    summary: str = Field(description="The result in words")
    delivery: EvaluationDelivery | WardsOnlyDelivery | None = absent(
        "The delivery the area got before and after and the dose-response (evaluations made since); below analyst, "
        "monthly ward totals or none"
    )
    delivery_verdict: DeliveryVerdict | None = absent(
        "Not known (no delivery held), not delivered, or delivered with the verdict against comparable places"
    )


class Identified(Schema):
    """A member `id` first."""

    id: int = Field(description="The evaluation's id")


class EvaluationMade(EvaluationResult, Identified):
    """A new evaluation, kept with the problem under its id (the id first)."""


class KeptEvaluation(Schema):
    """An evaluation kept with a problem."""

    id: int
    problem_id: int
    action_id: int | None
    before_start: str = Field(description="YYYY-MM-DD, first day of the first month")
    before_end: str = Field(description="YYYY-MM-DD, first day of the last month")
    after_start: str
    after_end: str
    result: EvaluationResult
    created_by: str
    created_at: str = Field(description="UTC, ISO 8601")


class WithheldEvaluation(Schema):
    """An evaluation a partner may not read: it counts other agencies' records."""

    id: int
    before_start: str
    before_end: str
    after_start: str
    after_end: str
    created_at: str
    withheld: str = Field(description="Why the figures are not shown")
