"""The tasking pack (format=json): a CSP's open problems and actions on a meeting date, evaluations due, the patrol
plan, new and intensifying hotspots and feed gaps."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from api.http.models.base import FiltersEcho, Schema, StudyAreaEcho, absent
from api.http.models.concentration import ConcentrationRow
from api.http.models.facility_risk import PackFacilities
from api.http.models.near_repeat import NearRepeatFigures
from api.http.models.patrol import PatrolPlan
from api.http.models.problems import Review
from api.http.models.repeat_places import RepeatWindow, TopRepeatPlaces
from api.http.models.status import Gap, GapRule

DATE = "YYYY-MM-DD"
MOMENT = "UTC, ISO 8601"


class PackMonths(Schema):
    """The months of data the pack counts, and why they end where they do."""

    from_: str = Field(alias="from", description="First month, YYYY-MM")
    to: str = Field(description="Latest month complete on the meeting date and held, YYYY-MM")
    note: str = Field(description="Which month, in words")


class PackSectionMonths(Schema):
    """The months each section of the pack uses, in words."""

    problems: str = Field(description="Problems and actions: those open on the meeting date")
    evaluations: str = Field(description="Each action's own measure period and the months before it")
    patrol: str = Field(description="The patrol plan's history")
    delivery: str = Field(description="The days of patrol delivery counted: those since the last meeting")
    hotspots: str = Field(description="The months of the emerging hot spot analysis")
    places: str = Field(description="The months of the concentration and repeat places")
    sources: str = Field(description="The months whose gap flags are listed")


class PackSummary(Schema):
    """What the pack holds, counted."""

    problems: int
    actions: int
    overdue: int
    due_in_fortnight: int
    done_since_last_meeting: int
    evaluations_due: int
    patrol_cells: int
    patrol_cells_visited: int = Field(description="Planned cells with delivery since the last meeting")
    hotspots: int
    places_holding_half: int = Field(description="Places holding half the partnership's incidents (first category)")
    repeat_places: int = Field(description="Top repeat places listed")
    near_repeat_recent: int = Field(description="Recent incidents whose near-repeat risk is still elevated")
    risky_facilities: int = Field(description="Facilities above their list's J-curve knee (0: no list held)")
    feeds_flagged: int


class PackAction(Schema):
    """An action of an open problem, with its status on the meeting date."""

    id: int
    problem_id: int
    what: str
    owner_agency: str
    start: str = Field(description=DATE)
    due: str = Field(description=DATE)
    progress: Literal["planned", "in progress", "done"] = Field(description="As last set")
    done_on: str | None = Field(description=DATE)
    measure: str
    target: dict[str, Any] | None = Field(description="{direction, percent, against, months}")
    created_by: str
    created_at: str = Field(description=MOMENT)
    updated_at: str = Field(description=MOMENT)
    status: Literal["planned", "in progress", "done", "overdue"] = Field(description="On the meeting date")
    flag: Literal["overdue", "due in the coming fortnight", "done since the last meeting"] | None
    target_text: str | None
    measure_end: str = Field(description="Last day of the measure period, " + DATE)


class PackProblem(Schema):
    """A problem open on the meeting date in the CSP's wards."""

    id: int
    title: str
    description: str
    category_group: str
    status: str
    owner: str
    partners: list[str]
    sources: list[str]
    opened: str = Field(description=DATE)
    baseline_start: str = Field(description=DATE)
    baseline_end: str = Field(description=DATE)
    closed: str | None = Field(description=DATE)
    created_at: str = Field(description=MOMENT)
    area: dict[str, Any] | None = Field(description="The problem's area as stored")
    wards: list[str] = Field(description="Names of the wards of its area")
    owner_agencies: list[str] = Field(description="Agencies owning its actions")
    actions: list[PackAction]
    reviews: list[Review] = Field(description="Latest review notes, newest first")


class Counts(Schema):
    """Incidents before and after."""

    before: int
    after: int


class PackEvaluation(Schema):
    """An action whose measure period ended by the meeting date, and its evaluation."""

    problem_id: int
    problem: str
    action_id: int
    action: str
    owner_agency: str
    measure: str
    target: str | None
    period_ended: str = Field(description=DATE)
    new: bool = Field(description="The period ended since the last meeting")
    evaluation: Literal["kept", "made for this pack", "not yet", "cannot be made"]
    made_on: str = absent("When the evaluation kept was made, " + DATE)
    why: str = absent("Why there is no evaluation")
    summary: str = absent("The result in words, with its numbers")
    before: dict[str, str] = absent("The before months {from, to}")
    after: dict[str, str] = absent("The after months {from, to}")
    response: Counts = absent("The response area's incidents")
    control: Counts = absent("The control area's incidents")
    wdd: dict[str, float] = absent("Weighted displacement difference {total, low, high, z}")
    target_met: bool | None = absent("Whether the target's change was reached (null: cannot be judged, or no target)")
    target_reading: str | None = absent(
        "The target read against comparable places: met, met but within what comparable places did, not met, "
        "cannot be judged (null: no target, or an evaluation made before placebo calibration)"
    )
    verdict: str | None = absent(
        "Against comparable places: fell more than, no different from, or rose more than comparable places "
        "(null: an evaluation made before placebo calibration)"
    )
    delivery_verdict: str | None = absent(
        "Not known: no delivery held; Not delivered; or Delivered, with the verdict against comparable places "
        "(null: an evaluation made before delivery was read)"
    )


class PackPatrol(Schema):
    """The CSP's patrol plan, as /api/v1/patrol-plan gives it for the same months and cells."""

    plan: PatrolPlan


class PackDeliveredCell(Schema):
    """One planned cell: the minutes and compliant visits planned and delivered since the last meeting."""

    rank: int = Field(description="Its number on the printed plan")
    h3: str
    ward: str | None
    planned_minutes: float = Field(description="Planned compliant visits times a compliant visit's minutes")
    minutes: float = Field(description="Minutes present in the cell's geofence (drive-bys apart)")
    planned_visits: float = Field(description="Compliant visits planned: the target a day times the days")
    compliant_visits: int = Field(description="Visits of at least a compliant visit's minutes")
    visits: int = Field(description="Visits of any length")
    share_delivered: float = Field(description="Compliant visits over those planned, at most 1")


class PackDeliveryTarget(Schema):
    """The patrol target the plan is held to."""

    compliant_visits_per_cell_day: float
    visit_minutes: float
    planned_visits_per_cell: float
    planned_minutes_per_cell: float


class PackDelivery(Schema):
    """Patrol delivery since the last meeting in the plan's cells (the same cells as the printed plan)."""

    from_: str = Field(alias="from", description=DATE)
    to: str = Field(description=DATE)
    days: int
    target: PackDeliveryTarget
    held: bool = Field(description="Whether delivery is held for any of these days")
    share_delivered: float | None = Field(description="The plan's share delivered, each cell up to its own plan")
    cells_visited: int
    minutes: float | None
    compliant_visits: int | None
    words: str = Field(description="The section in words, or that no delivery is held")
    cells: list[PackDeliveredCell]


class PackHotspot(Schema):
    """A new or intensifying hot spot cell, named by ward and place."""

    h3: str
    class_: Literal["intensifying", "new", "consecutive"] = Field(alias="class")
    ward: str
    ward_name: str | None
    places: list[str] = Field(description="Its commonest streets and places")
    grid_ref: str | None
    recent_counts: dict[str, int]
    period_count: int
    slices_hot: int = Field(description="Months hot")
    trend_z: float = Field(description="Mann-Kendall z of the cell's trend, as the emerging hotspots give it")
    trend: Literal["rising", "falling", "steady"] = Field(
        description="The cell's trend in a word, as the emerging hotspots and the patrol plan give it"
    )


class PackHotspots(Schema):
    """Emerging hot spot analysis over the pack's months."""

    resolution: int
    alpha: float
    slices: list[str]
    patterns: dict[str, int]
    shown: int
    found: int
    warnings: list[str]
    cells: list[PackHotspot]


class PackFeed(Schema):
    """A feed of a source holding the CSP's records, with the months flagged within the pack's months."""

    source: str
    feed: str
    latest_month: str | None
    last_loaded: str | None
    status: Literal["ok", "gaps", "lagging"] = Field(
        description="lagging: no month flagged, and a month or two behind the latest month held (as police.uk is)"
    )
    gaps: list[Gap]


class PackSources(Schema):
    """The source monitor's flags for the CSP's feeds."""

    sources: list[str]
    gap_rule: GapRule | None
    feeds: list[PackFeed]


class PackConcentration(Schema):
    """How concentrated the partnership's incidents are across its places, by district, category and year."""

    rows: list[ConcentrationRow]
    headline: str = Field(description="The partnership's first row in words")
    method: str
    note: str = Field(description="police.uk locations are anonymised snap points")


class PackRepeatPlaces(Schema):
    """The partnership's repeat rate month by month and its top repeat places."""

    window_months: int
    repeat_at: int
    places_in_area: int
    rolling: list[RepeatWindow]
    top: TopRepeatPlaces
    method: str
    note: str


class PackNearRepeat(NearRepeatFigures):
    """The Knox test of the partnership's incidents dated to the day (police.uk gives months only: never in it)."""

    headline: str = Field(description="The window of elevated risk in words")


class WorklistCase(Schema):
    """An open case in an agency's part of the worklist: no name or address."""

    id: int
    reference: str
    part: Literal["owner", "party"] = Field(description="Whether the agency owns the case or is party to it")
    owner_agency: str
    officer: str
    subject_role: Literal["victim", "perpetrator", "both"]
    risk_level: Literal["standard", "medium", "high"] | None
    repeat_victim: bool = Field(description="A confirmed repeat victim")
    first: bool = Field(description="A confirmed repeat victim with a high risk: shown first")
    opened: str = Field(description=DATE)
    days_open: int = Field(description="Days from opening to the meeting")


class WorklistPart(Schema):
    """One agency's part: the open cases it owns or is party to, in the order it should act on them."""

    agency: str
    cases: list[WorklistCase]


class PackWorklist(Schema):
    """The agencies' case worklist (held: false when the pack was made without the cases)."""

    held: bool
    cases: int = Field(description="Open cases")
    first: int = Field(description="Confirmed repeat victims with a high risk")
    parts: list[WorklistPart]
    note: str


class TaskingPack(Schema):
    """The tasking pack for a CSP's meeting."""

    csp: StudyAreaEcho
    date: str = Field(description="Meeting date, " + DATE)
    next_meeting: str = Field(description=DATE)
    months: PackMonths
    section_months: PackSectionMonths
    filters: FiltersEcho
    summary: PackSummary
    problems: list[PackProblem]
    evaluations: list[PackEvaluation]
    patrol: PackPatrol
    delivery: PackDelivery
    hotspots: PackHotspots
    concentration: PackConcentration
    repeat_places: PackRepeatPlaces
    near_repeat: PackNearRepeat
    risky_facilities: PackFacilities
    sources: PackSources
    worklist: PackWorklist
