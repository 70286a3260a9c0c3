"""The annual strategic assessment (format=json): a district's year of ASB by category, source and ward, hot spots,
repeat places and concentration, problems and evaluations, patrol delivery, feeds, the change since the previous
year and its parts, suggested priorities, and the Case Review section."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import FiltersEcho, Period, Schema, absent
from api.http.models.case_reviews import PublicationFigures, ThresholdRuleShown
from api.http.models.problems import DATE, MOMENT
from api.http.models.status import Gap

NOT_COMPARABLE = "null when the previous year is not held for every source counted (comparable false)"


class District(Schema):
    """The local authority district assessed."""

    code: str
    name: str


class Partnership(Schema):
    """The community safety partnership the district belongs to."""

    code: str
    name: str
    lads: list[str] = Field(description="Its districts")


class AssessmentMonths(Schema):
    """The year's months and the months of it held."""

    from_: str = Field(alias="from", description="YYYY-MM")
    to: str = Field(description="YYYY-MM")
    held_from: str = Field(description="First month of the year held, YYYY-MM")
    held_to: str = Field(description="Last month of the year held, YYYY-MM")


class Level(Schema):
    """A level as /api/v1/trends gives it for the district: the year's total and its change against the year before."""

    total: int
    months_held: int = Field(description="Months of the year held for every source counted")
    comparable: bool = Field(description="Whether the previous year is held for every source counted")
    previous_total: int | None = Field(description=NOT_COMPARABLE)
    change: int | None = Field(description=NOT_COMPARABLE)
    change_pct: float | None
    p_value: float | None = Field(description="Two-sided conditional Poisson test")
    significant: bool | None


class CategoryLevel(Level):
    """One ASB category of a recorded type."""

    category: str
    label: str


class SourceLevel(Level):
    """One source."""

    source: str


class WardLevel(Schema):
    """One ward with records: its count and, where comparable, the movers' verdict."""

    code: str
    name: str
    count: int
    comparable: bool
    previous_count: int | None = Field(description=NOT_COMPARABLE)
    change: int | None
    change_pct: float | None
    expected: float | None = Field(description="The previous count scaled by the district's own change")
    excess: float | None = Field(description="The count above (below) that expectation")
    significant: bool | None = Field(description="Against the district's change, FDR across its wards")


class SeriesMonth(Schema):
    """One month of the year."""

    month: str
    count: int | None = Field(description="null when the month is not held for every source counted")
    held: bool


class Levels(Schema):
    """Levels and trends."""

    period: Period
    previous: Period
    total: Level
    series: list[SeriesMonth]
    categories: list[CategoryLevel]
    untyped_note: str
    sources: list[SourceLevel]
    wards: list[WardLevel]


class HotspotCell(Schema):
    """One of a group's busiest cells."""

    h3: str
    class_: str = Field(alias="class", description="Emerging hot spot class")
    ward: str | None
    ward_name: str | None
    incidents: int
    months_hot: int
    trend: str


class HotspotGroup(Schema):
    """Persistent, new, fading or intermittent hot spots."""

    group: Literal["persistent", "new", "fading", "intermittent"]
    meaning: str
    classes: list[str]
    cells: int = Field(description="The sum of its classes' hot cells in /api/v1/hotspots/emerging `patterns`")
    listed: list[HotspotCell]


class Hotspots(Schema):
    """The year's hot spots by group."""

    resolution: int
    k: int
    alpha: float
    cells_tested: int
    patterns: dict[str, int] = Field(description="Cells per class and side, as /api/v1/hotspots/emerging gives them")
    cold_cells: int
    groups: list[HotspotGroup]
    warnings: list[str]


class RepeatFigures(Schema):
    """The repeat figures of the 12 months to December (counts only)."""

    window_months: int
    repeat_at: int
    places_in_area: int
    from_: str = absent("First month of the window, YYYY-MM (absent: no month held)", alias="from")
    to: str = absent("December, YYYY-MM")
    complete: bool = absent("Whether every month of the window is held")
    incidents: int = absent("Incidents in the window")
    places: int = absent("Places with incidents in the window")
    repeat_places: int = absent("Places with `repeat_at` or more incidents in the window")
    repeat_incidents: int = absent("Incidents at those places")
    repeat_rate: float | None = absent("Share of incidents at repeat places")
    chance_rate: float | None = absent("The share chance alone gives")


class AssessmentConcentration(Schema):
    """The year's concentration over the district's places."""

    from_: str = Field(alias="from")
    to: str
    places: int
    incidents: int
    half: float | None
    quarter: float | None
    gini: float | None
    beyond_chance: float | None


class Places(Schema):
    """Repeat places and concentration, as counts."""

    repeat: RepeatFigures
    concentration: AssessmentConcentration | None


class AssessmentEvaluation(Schema):
    """The latest evaluation kept for an action."""

    action_id: int
    made_on: str = Field(description="YYYY-MM-DD")
    after: Period
    summary: str
    verdict: str | None
    target_met: bool | None


class OpenedProblem(Schema):
    """A problem opened in the year in the district's wards."""

    id: int
    title: str
    opened: str = Field(description="YYYY-MM-DD")
    status: str
    category_group: str
    wards: list[str]
    actions: int
    actions_done: int
    evaluations: list[AssessmentEvaluation]


class Problems(Schema):
    """Problems opened in the year and their evaluations."""

    opened: int
    closed: int
    evaluated: int
    targets_met: int
    targets_not_met: int
    problems: list[OpenedProblem]


class DeliveryTotals(Schema):
    """Minutes, visits and compliant visits."""

    minutes: int
    visits: int
    compliant_visits: int


class WardDeliveryTotals(DeliveryTotals):
    """A ward's delivery over the year."""

    ward: str
    ward_name: str | None


class MonthDeliveryTotals(DeliveryTotals):
    """A month's delivery across the district's wards."""

    month: str


class Delivery(Schema):
    """Patrol delivery where held."""

    held: bool
    note: str
    from_: str | None = Field(alias="from")
    to: str | None
    wards: list[WardDeliveryTotals]
    months: list[MonthDeliveryTotals]


class FeedYear(Schema):
    """A feed's coverage and gaps in the year."""

    feed: str
    source: str
    first_month: str | None
    latest_month: str | None
    months_loaded: int
    loaded: int
    quarantined: int
    gaps: list[Gap]
    status: str
    previous_loaded: int = Field(description="Records loaded in the previous year")
    previous_gaps: list[Gap] = Field(description="Months flagged as gaps in the previous year")


class Feeds(Schema):
    """The feeds of the sources holding the district's records."""

    sources: list[str]
    feeds: list[FeedYear]


class CaseReview(Schema):
    """The ASB Case Review's yearly figures, as /api/v1/case-reviews/publication gives them (held: false when the
    assessment was made without the cases: then only the note)."""

    held: bool
    note: str
    year: int = absent("The year the applications were received")
    body: None = absent("Always null: every relevant body")
    as_of: str = absent(DATE)
    generated_at: str = absent(MOMENT)
    threshold: ThresholdRuleShown = absent("The local threshold")
    procedure_url: str | None = absent("The published procedure")
    figures: list[PublicationFigures] = absent("The partnership first, then each relevant body")
    labels: dict[str, str] = absent("Each count's label")


class RepeatVictims(Schema):
    """Repeat victims as counts only, the partnership's (held: false when made without the cases)."""

    held: bool
    flagged: int = absent("Repeat-victim flags with records in the year")
    confirmed: int = absent("Confirmed by an analyst")
    awaiting: int = absent("Awaiting an analyst's decision")
    dismissed: int = absent("Dismissed")
    confirmed_high_risk: int = absent("Confirmed, whose case is assessed high risk")


class Part(Schema):
    """A part's change and its share of the total's change."""

    key: str
    label: str
    previous: int
    count: int
    change: int
    share_of_change: float | None


class Decomposition(Schema):
    """The parts' contributions, the drivers each way, and what the parts leave unexplained."""

    parts: list[Part]
    rising: list[Part]
    falling: list[Part]
    unexplained: int


class Recording(Schema):
    """What a feed sent in the two years."""

    feed: str
    source: str
    previous_loaded: int
    loaded: int
    change: int
    gaps: list[str] = Field(description="Months flagged as gaps in either year, YYYY-MM")


class Changes(Schema):
    """What changed since the previous year, and its parts."""

    previous: Period
    comparable: bool
    note: str
    total: int | None
    previous_total: int | None = Field(description=NOT_COMPARABLE)
    change: int | None = Field(description=NOT_COMPARABLE)
    change_pct: float | None
    significant: bool | None
    by_category: Decomposition | None
    by_source: Decomposition | None
    by_ward: Decomposition | None
    residual_note: str
    recording: list[Recording] | None = Field(description=NOT_COMPARABLE)
    recording_note: str


class Priority(Schema):
    """A priority suggested from a measured figure."""

    section: str
    suggestion: str
    because: str


class Assessment(Schema):
    """The annual strategic assessment of a district and year."""

    district: District
    partnership: Partnership | None
    year: int
    months: AssessmentMonths
    filters: FiltersEcho
    generated_at: str = Field(description="UTC, ISO 8601")
    store_version: int
    levels: Levels
    hotspots: Hotspots
    places: Places
    problems: Problems
    delivery: Delivery
    feeds: Feeds
    repeat_victims: RepeatVictims
    case_review: CaseReview
    changes: Changes
    priorities: list[Priority]
