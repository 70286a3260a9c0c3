"""Trend series (monthly and weekly, exact or published) and the ward movers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import FiltersEcho, Period, Schema, absent

PUBLISHED = "null: suppressed by disclosure control"
HELD = (
    "Whether every source counted holds this month; false: the store has no data for it, so its count is null "
    "(unknown), not 0"
)


class AllArea(Schema):
    """The whole filtered area."""

    type: Literal["all"]


class WardArea(Schema):
    """One ward."""

    type: Literal["ward"]
    code: str
    name: str
    lad: str | None = Field(description="Local authority district code")
    wards: str = Field(description="Boundary set")


class LadArea(Schema):
    """One local authority district."""

    type: Literal["lad"]
    code: str
    name: str


class CellArea(Schema):
    """One H3 cell."""

    type: Literal["h3"]
    code: str = Field(description="H3 cell id")
    resolution: int


TrendArea = AllArea | WardArea | LadArea | CellArea


class MonthCount(Schema):
    """One month of a series."""

    month: str = Field(description="YYYY-MM")
    count: int | None = Field(
        description=f"Incidents in the month; null when the month is not held (held false) or {PUBLISHED[6:]}"
    )
    held: bool = Field(description=HELD)


class WeekCount(Schema):
    """One whole ISO week of a series."""

    week: str = Field(description="ISO week, YYYY-Www")
    week_start: str = Field(description="Its Monday, YYYY-MM-DD")
    count: int | None = Field(description="Incidents dated to the day in the week; null when the week is not held")
    held: bool = Field(description="False when the week lies wholly outside the dated incidents held: no count, not 0")


class NotComparable(Schema):
    """A comparison with months (weeks) the store does not hold for every source counted: no total, no test."""

    from_: str = Field(alias="from")
    to: str
    held: Literal[False]
    comparable: Literal[False]
    total: None
    change: None
    change_pct: None
    p_value: None
    significant: None
    note: str


class Tested(Schema):
    """This period's total against another's, with the conditional Poisson test (exact figures)."""

    from_: str = Field(alias="from", description="First month (YYYY-MM) or week (YYYY-Www) compared with")
    to: str
    held: Literal[True] = Field(description="The store holds data for all of the period compared with")
    comparable: Literal[True]
    total: int = Field(description="Incidents in the period compared with")
    change: int = Field(description="This total minus that total")
    change_pct: float | None = Field(description="Change in per cent (null when that total is 0)")
    p_value: float = Field(description="Two-sided conditional Poisson test (exact binomial)")
    significant: bool = Field(description="p_value below alpha")


class VerdictArea(Schema):
    """The area whose wards a ward's change is tested among."""

    type: Literal["force", "csp", "lad", "all"]
    code: str | None = Field(description="Force, CSP or LAD code; null for every ward held")
    name: str


class MonthTested(Tested):
    """A monthly comparison with its series. For a ward, `p_value` and `significant` are the movers' verdict on it
    (/api/v1/trends/movers with the same `area`): its change against its study area's own change, with FDR control
    across the area's wards; for a district, the same among the area's districts."""

    p_value: float | None = Field(  # type: ignore[assignment]
        description="Two-sided conditional Poisson test (exact binomial); for a ward or district, the binomial test "
        "of its share against the area's own change (null when it has no incident in either period or the area none)"
    )
    significant: bool = Field(description="p_value below alpha; for a ward or district, q_value below alpha")
    series: list[MonthCount]
    against: VerdictArea | None = absent(
        "Ward or district only: the study area whose wards (districts) it is tested among"
    )
    alpha: float = absent("Ward or district only: the false discovery rate")
    expected: float | None = absent("Ward or district only: its previous count scaled by the area's own change")
    q_value: float | None = absent("Ward or district only: Benjamini-Hochberg q-value across the area's wards")
    area_total: int = absent("Ward or district only: the area's incidents this period (the places tested)")
    area_previous_total: int = absent("Ward or district only: the area's incidents in the period compared with")
    area_change_pct: float | None = absent(
        "Ward or district only: the area's own change in per cent, beside this place's `change_pct`"
    )


class WeekTested(Tested):
    """A weekly comparison with its series."""

    series: list[WeekCount]


class PublishedComparison(Schema):
    """This period's published total against another's (no tests under disclosure control)."""

    from_: str = Field(alias="from")
    to: str
    held: Literal[True]
    comparable: Literal[True]
    total: int | None = Field(description=f"Published total of the period compared with ({PUBLISHED})")
    change: int | None = Field(description="Difference of the published totals (null when either is)")


class MonthComparisons(Schema):
    """Against the previous period of the same length and the same months a year earlier."""

    previous_period: MonthTested | NotComparable
    last_year: MonthTested | NotComparable


class WeekComparisons(Schema):
    """Against the weeks just before and the same weeks a year earlier."""

    previous_period: WeekTested | NotComparable
    last_year: WeekTested | NotComparable


class PublishedComparisons(Schema):
    """Published comparisons."""

    previous_period: PublishedComparison | NotComparable
    last_year: PublishedComparison | NotComparable


class Seasonality(Schema):
    """Mean count in each calendar month over every month held, against the mean of all months."""

    index: dict[str, float | None] = Field(description="Per calendar month (Jan..Dec): 1 = average")
    years: int = Field(description="Full years held for every calendar month")
    from_: str = absent("First month held (absent when nothing is held)", alias="from")
    to: str = absent("Last month held (absent when nothing is held)")
    note: str


class SeasonNote(Schema):
    """Whether the change against the previous period can be told from a season."""

    told_apart: bool = Field(
        description="False: under two years held and a period shorter than a year, so the change against the "
        "previous period may be the season"
    )
    note: str


class WeekdayProfile(Schema):
    """Mean count on each weekday over the weeks, against the mean of all days."""

    index: dict[str, float | None] = Field(description="Per weekday (Mon..Sun): 1 = average")
    weeks: int
    note: str


class WeekSpan(Schema):
    """The whole weeks inside the period."""

    from_: str = Field(alias="from", description="ISO week, YYYY-Www")
    to: str
    count: int


class CellTrend(Schema):
    """An H3 cell's trend over the months among its study area's cells (as the emerging hotspots and the plan)."""

    trend: Literal["rising", "falling", "steady"]
    trend_z: float = Field(description="Mann-Kendall z of the cell's neighbourhood share of the area's incidents")
    trend_p: float = Field(description="Mann-Kendall two-sided p-value (normal approximation, ties corrected)")
    alpha: float
    area: VerdictArea = Field(description="The study area whose cells it is among (`area`)")
    method: str


class MonthlyTrend(Schema):
    """A monthly series with exact figures: changes tested, and the seasonal profile."""

    area: TrendArea
    interval: Literal["month"]
    filters: FiltersEcho
    series: list[MonthCount]
    total: int
    previous_total: int | None = Field(description="Total of the previous period (null: not comparable)")
    change: int | None = Field(description="total - previous_total (null: not comparable)")
    change_pct: float | None
    compared: MonthComparisons
    test: str = Field(description="The change test in words")
    seasonality: Seasonality
    season: SeasonNote
    cell_trend: CellTrend = absent(
        "An H3 cell with `area` only (absent outside the area or under 4 months): its trend over the months, the "
        "word the patrol plan and the emerging hotspots give it"
    )


class WeeklyTrend(Schema):
    """A weekly series (incidents dated to the day; exact figures only)."""

    area: TrendArea
    interval: Literal["week"]
    filters: FiltersEcho
    weeks: WeekSpan
    series: list[WeekCount]
    total: int
    month_only: int = Field(description="Incidents in these months with a month only (not in weekly series)")
    previous_total: int | None
    change: int | None
    change_pct: float | None
    compared: WeekComparisons
    test: str
    seasonality: WeekdayProfile
    warnings: list[str]


class PublishedTrend(Schema):
    """A monthly series under disclosure control: counts may be null, no tests, no seasonal profile."""

    area: TrendArea
    interval: Literal["month"]
    filters: FiltersEcho
    series: list[MonthCount]
    total: int | None = Field(description=f"Published total ({PUBLISHED})")
    previous_total: int | None
    change: int | None
    compared: PublishedComparisons
    note: str = Field(description="What a reader of published counts must know")


Trend = MonthlyTrend | WeeklyTrend | PublishedTrend


class Mover(Schema):
    """A ward's change against the comparison period."""

    code: str = Field(description="Ward code")
    name: str
    lad: str | None
    count: int
    previous_count: int = Field(description="Count in the comparison period")
    change: int
    change_pct: float | None = absent("Change in per cent, null when previous_count is 0 (exact figures only)")
    expected: float | None = absent(
        "The previous count scaled by the area's own change (exact figures only; null when the area had none)"
    )
    excess: float = absent("count - expected: what the ranking uses (exact figures only)")
    p_value: float | None = absent("Binomial test of the ward's share against the area's change (exact figures only)")
    q_value: float | None = absent("Benjamini-Hochberg q-value across the wards tested (exact figures only)")
    significant: bool = absent("q_value below alpha (exact figures only)")


class Movers(Schema):
    """Rising and falling wards."""

    period: Period
    compare: Literal["previous", "last_year"]
    previous_period: Period = Field(description="The period compared with")
    filters: FiltersEcho
    lad: str | None = Field(description="Only wards of this LAD (null: every ward of the study area)")
    area: VerdictArea | None = Field(description="The study area whose wards are listed and tested (null: every ward)")
    comparable: bool = Field(description="False: the comparison months are not held, so no ward is listed")
    alpha: float = absent("False discovery rate (exact figures only)")
    wards_tested: int = absent("Wards with a count in either period (exact figures only)")
    area_total: int = absent("Incidents in the wards tested this period (exact figures only)")
    area_previous_total: int = absent("The same in the comparison period (exact figures only)")
    area_change_pct: float | None = absent("The area's own change in per cent (exact figures only)")
    test: str = absent("The test in words (exact figures only)")
    note: str = absent("Why nothing is listed, or what a reader of published counts must know")
    rising: list[Mover]
    falling: list[Mover]
