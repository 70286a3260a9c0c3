"""Tasking (SARA): problems with their area and baseline profile, SMART actions, reviews, evaluations and the audit
of every change; the views each role gets; and a problem's area read from a GIS file."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from api.http.models.base import Schema, absent
from api.http.models.problem_evaluation import KeptEvaluation, WithheldEvaluation
from api.http.models.problem_profile import ProblemProfile

DATE = "YYYY-MM-DD"
MOMENT = "UTC, ISO 8601"
PROGRESS = Literal["planned", "in progress", "done"]
STATUS = Literal["planned", "in progress", "done", "overdue"]


class WardName(Schema):
    """A ward the area lies in."""

    code: str
    name: str


class ProblemArea(Schema):
    """A problem's area as stored: H3 cells, wards or a polygon, and the wards it lies in."""

    id: int
    problem_id: int
    kind: Literal["cells", "wards", "polygon"]
    res: int | None = Field(description="H3 resolution its counts are taken at")
    boundary_set: str | None
    value: list[str] | dict[str, Any] = Field(description="H3 cells, ward codes, or a GeoJSON geometry (WGS84)")
    names: list[WardName] = Field(description="The wards it lies in")


class Target(Schema):
    """An action's target."""

    direction: Literal["down", "up"]
    percent: float
    against: Literal["control", "baseline"]
    months: int | None = Field(description="Months the measure runs over (null: the action's own dates)")


class Action(Schema):
    """A SMART action, with its status today."""

    id: int
    problem_id: int
    what: str
    owner_agency: str
    start: str = Field(description=DATE)
    due: str = Field(description=DATE)
    progress: PROGRESS = Field(description="As last set")
    done_on: str | None = Field(description=DATE)
    measure: str
    target: Target | None
    created_by: str
    created_at: str = Field(description=MOMENT)
    updated_at: str = Field(description=MOMENT)
    status: STATUS = Field(description="Today")
    target_text: str | None = Field(description="The target in words")


class Review(Schema):
    """A review note; a published one is a progress note the public may read."""

    id: int
    problem_id: int
    action_id: int | None
    note: str
    published: bool
    author: str
    created_at: str = Field(description=MOMENT)


class ProblemDetail(Schema):
    """A problem in full (analysts; partners party to it, with the profile and evaluations of their own sources and
    the open ones)."""

    id: int
    title: str
    description: str
    category_group: str
    status: str = Field(description="scanning, analysis, response, assessment or closed")
    owner: str
    partners: list[str] = Field(description="Sources or agencies party to the problem")
    sources: list[str] = Field(description="Sources counted in its profile and evaluations (empty: every source)")
    opened: str = Field(description=DATE)
    baseline_start: str = Field(description="First month of the baseline, " + DATE)
    baseline_end: str = Field(description="Last month of the baseline, " + DATE)
    closed: str | None = Field(description=DATE)
    created_by: str
    created_at: str = Field(description=MOMENT)
    updated_at: str = Field(description=MOMENT)
    area: ProblemArea | None
    profile: ProblemProfile | None = Field(description="The baseline profile, frozen at opening")
    actions: list[Action]
    reviews: list[Review]
    evaluations: list[KeptEvaluation | WithheldEvaluation]


class ProgressNote(Schema):
    """A published progress note."""

    note: str
    created_at: str = Field(description=MOMENT)


class SummaryAction(Schema):
    """An action as a councillor sees it."""

    what: str
    owner_agency: str
    start: str = Field(description=DATE)
    due: str = Field(description=DATE)
    status: STATUS
    target: str | None = Field(description="The target in words")


class ProblemSummary(Schema):
    """A problem without counts: councillors (in their wards) get its title, owner, partners and actions; the public
    (once a progress note is published) its status, wards and progress notes."""

    id: int
    category_group: str
    status: str
    wards: list[str] = Field(description="Names of the wards of its area")
    opened: str = Field(description=DATE)
    closed: str | None = Field(description=DATE)
    progress_notes: list[ProgressNote]
    title: str = absent("Councillors only")
    owner: str = absent("Councillors only")
    partners: list[str] = absent("Councillors only")
    actions: list[SummaryAction] = absent("Councillors only")
    note: str = absent("What the summary leaves out (councillors)")


class ProblemLine(Schema):
    """A problem's line in a list (the public get no title, owner or partners)."""

    id: int
    category_group: str
    status: str
    wards: list[str] = Field(description="Names of the wards of its area")
    opened: str = Field(description=DATE)
    closed: str | None = Field(description=DATE)
    title: str = absent("Not for the public")
    owner: str = absent("Not for the public")
    partners: list[str] = absent("Not for the public")


class ProblemList(Schema):
    """The problems the caller may see."""

    problems: list[ProblemLine]
    count: int


class Change(Schema):
    """One change to a problem, as audited."""

    id: int
    at: str = Field(description=MOMENT)
    who: str
    role: str
    change: str = Field(description="created, updated, frozen...")
    entity: Literal["problem", "profile", "action", "review", "evaluation"]
    entity_id: int | None
    problem_id: int | None
    detail: dict[str, Any] = Field(description="The fields as changed")


class ProblemAudit(Schema):
    """Every change to a problem, oldest first."""

    changes: list[Change]


class AreaFromFile(Schema):
    """A problem's area read from a GeoJSON or GeoPackage file."""

    polygon: dict[str, Any] = Field(description="GeoJSON Polygon or MultiPolygon (WGS84): send it as `area.polygon`")
    cells: int = Field(description="Res-9 H3 cells it covers")
    kind: Literal["GeoJSON", "GeoPackage"] = Field(description="What the file was read as")
    layer: str | None = Field(description="The GeoPackage layer read (null: GeoJSON)")
    features: int = Field(description="Polygon features read")
    crs: str = Field(description="The file's CRS, e.g. EPSG:27700 (a GeoJSON without one: WGS84)")


class AreaAround(Schema):
    """A problem's area given as a grid reference and a radius."""

    polygon: dict[str, Any] = Field(description="GeoJSON Polygon (WGS84): send it as `area.polygon`")
    cells: int = Field(description="Res-9 H3 cells it covers")
    grid_ref: str = Field(description="The grid reference, as given")
    radius_m: float = Field(description="The circle's radius in metres")
