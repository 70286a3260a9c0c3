"""ASB Case Review applications (special category data, as cases): an application with the complaints it cites and
the threshold checked; the list; the watchlist; the yearly publication of the statutory counts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from api.http.models.base import Schema
from api.http.models.problems import DATE, MOMENT

STATUS = Literal[
    "received", "threshold met", "threshold not met", "review carried out", "recommendations made", "withdrawn"
]


class ReviewComplaint(Schema):
    """A complaint an application cites."""

    id: int
    application_id: int
    complained_on: str = Field(description=DATE)
    behaviour_on: str = Field(description="The day of the behaviour complained of, " + DATE)
    agency: str = Field(description="The agency the complaint was made to")
    ref: str | None = Field(description="The agency's reference")
    incident_id: int | None = Field(description="The case's linked incident it is, when it is one")
    note: str


class JudgedComplaint(Schema):
    """A cited complaint as the threshold judges it."""

    id: int
    complained_on: str = Field(description=DATE)
    behaviour_on: str = Field(description=DATE)
    agency: str
    ref: str | None
    incident_id: int | None
    qualifies: bool
    why_not: str | None = Field(description="Why it does not qualify (null: it qualifies)")


class ThresholdRuleShown(Schema):
    """The threshold: the local number and windows (the statutory defaults: 3, 1 month, 6 months)."""

    count: int
    complaint_months: int
    window_months: int
    in_words: str


class ThresholdCheck(Schema):
    """The threshold checked for an application."""

    met: bool
    qualifying: int
    cited: int
    window_from: str = Field(description=DATE)
    window_to: str = Field(description=DATE)
    rule: ThresholdRuleShown
    complaints: list[JudgedComplaint]
    decided_as: Literal["met", "not met"] | None = Field(None, description="As the relevant bodies decided it")


class Recommendation(Schema):
    """A recommendation of a review."""

    text: str
    agency: str
    due: str | None = Field(description=DATE)


class Step(Schema):
    """A dated step of the procedure."""

    step: Literal["received", "decided", "review held", "outcome communicated", "withdrawn"]
    on: str = Field(description=DATE)


class ApplicationLine(Schema):
    """An application's line in a list."""

    id: int
    reference: str | None
    received: str = Field(description=DATE)
    applicant_kind: Literal["victim", "on behalf"]
    applicant_name: str | None
    bodies: list[str] = Field(description="The relevant bodies it was made to")
    case_id: int | None
    status: STATUS
    decided: str | None = Field(description=DATE)


class ApplicationList(Schema):
    """The applications the caller may see, newest first."""

    applications: list[ApplicationLine]
    count: int


class ApplicationRecord(Schema):
    """A Case Review application as recorded: its complaints, the threshold as decided and its steps."""

    id: int
    reference: str | None
    received: str = Field(description=DATE)
    applicant_kind: Literal["victim", "on behalf"]
    applicant_name: str | None = Field(description="Null once anonymised")
    on_behalf_of: str | None
    address: str | None
    postcode: str | None
    bodies: list[str]
    summary: str
    case_id: int | None
    flag_ids: list[int]
    status: STATUS
    threshold: ThresholdCheck | None = Field(description="The check as decided (null until the decision)")
    decided: str | None = Field(description=DATE)
    review_held: str | None = Field(description=DATE)
    recommendations: list[Recommendation]
    outcome_communicated: str | None = Field(description=DATE)
    withdrawn: str | None = Field(description=DATE)
    note: str
    anonymised_at: str | None = Field(description=MOMENT)
    created_by: str
    created_at: str = Field(description=MOMENT)
    updated_at: str = Field(description=MOMENT)
    complaints: list[ReviewComplaint]
    steps: list[Step]


class ApplicationDetail(ApplicationRecord):
    """A Case Review application with its complaints, the threshold (as decided, and as it stands) and its steps."""

    threshold_now: ThresholdCheck = Field(description="The threshold as it stands under the local rule")


class WatchRecord(Schema):
    """A report in the threshold's window."""

    feed: str
    ref: str | None
    occurred_on: str = Field(description=DATE)


class WatchEntry(Schema):
    """A victim (a case) or an address (a repeat-victim flag with no case) near the threshold."""

    kind: Literal["case", "flag"]
    id: int
    label: str = Field(description="The case's reference, or the flag's key")
    agencies: list[str]
    reports: int = Field(description="Reports in the window ending on the day")
    first_on: str = Field(description=DATE)
    last_on: str = Field(description=DATE)
    threshold_reached: bool
    one_more_reaches: bool
    tell: bool = Field(description="A second report or more in the window: tell them about the Case Review")
    oldest_leaves_window: str = Field(description="The day the oldest report stops counting, " + DATE)
    records: list[WatchRecord]
    applications: list[int] = Field(description="Applications made for them")


class Watchlist(Schema):
    """The victims and addresses near the threshold on the day."""

    on: str = Field(description=DATE)
    window_from: str = Field(description=DATE)
    rule: ThresholdRuleShown
    entries: list[WatchEntry]
    count: int


class PublicationFigures(Schema):
    """The statutory counts for the partnership or one relevant body."""

    body: str
    received: int
    threshold_not_met: int
    reviews_carried_out: int
    with_recommendations: int
    withdrawn: int
    pending: int


class Publication(Schema):
    """The yearly publication of ASB Case Review figures."""

    year: int
    body: str | None
    as_of: str = Field(description=DATE)
    generated_at: str = Field(description=MOMENT)
    threshold: ThresholdRuleShown
    procedure_url: str | None
    figures: list[PublicationFigures]
    labels: dict[str, str]
    note: str


class ApplicationErased(Schema):
    """An application erased."""

    erased: int
