"""Cases about people and households (special category data): a case with its linked incidents, risk assessment,
interventions and SMART actions; the list of cases; the partnership's case settings; repeat-victim flags; the audit of
every read and change; the subject access export; an erasure."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from api.http.models.base import Schema
from api.http.models.case_reviews import ApplicationRecord
from api.http.models.problems import DATE, MOMENT, PROGRESS, STATUS, Target

ANSWER = Literal["yes", "no", "unknown"]
LEVEL = Literal["standard", "medium", "high"]
FLAG_RULE = Literal["uprn", "address", "reference"]
FLAG_STATUS = Literal["flagged", "confirmed", "dismissed"]


class MatrixUsed(Schema):
    """The risk matrix an assessment was scored against."""

    name: str
    medium: int = Field(description="Lowest score that is medium risk")
    high: int = Field(description="Lowest score that is high risk")


class CaseRisk(Schema):
    """A victim risk assessment, scored against the partnership's matrix."""

    answers: dict[str, ANSWER] = Field(description="Each question's answer, by question id (unanswered: unknown)")
    score: int = Field(description="The weights of the questions answered yes, summed")
    level: LEVEL = Field(description="A critical question answered yes is high whatever the score")
    reasons: list[str] = Field(description="The questions answered yes")
    matrix: MatrixUsed
    assessed_on: str = Field(description=DATE)
    assessed_by: str


class CaseIncident(Schema):
    """An incident linked to a case, and the rule that linked it."""

    id: int
    case_id: int
    feed: str = Field(description="The feed or agency system that recorded it")
    ref: str | None = Field(description="The feed's own reference")
    occurred_on: str | None = Field(description=DATE)
    category: str | None
    address: str | None
    uprn: str | None = Field(description="Unique Property Reference Number")
    rule: Literal["reference", "uprn", "address", "hand"] = Field(description="What linked it (hand: by hand)")
    note: str
    linked_by: str
    linked_at: str = Field(description=MOMENT)


class CaseIntervention(Schema):
    """A step of the escalation ladder taken on a case."""

    id: int
    case_id: int
    step: str = Field(description="A step of the partnership's ladder (warning letter, ABC, CPW, CPN, ...)")
    issued: str = Field(description=DATE)
    agency: str = Field(description="The agency that issued it")
    review_on: str | None = Field(description=DATE)
    outcome: str | None = Field(description="complied, breached, ...")
    outcome_on: str | None = Field(description=DATE)
    note: str
    created_by: str
    created_at: str = Field(description=MOMENT)


class CaseAction(Schema):
    """A case's SMART action (the fields of a problem's), with its status today."""

    id: int
    case_id: int
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


class FlagRecord(Schema):
    """A record a repeat-victim flag matched."""

    feed: str
    ref: str | None = Field(description="The feed's own reference")
    occurred_on: str = Field(description=DATE)
    address: str | None


class RepeatFlag(Schema):
    """Records from different feeds at one UPRN, address or case, enough within the rule's window: a possible repeat
    victim for an analyst to confirm or dismiss."""

    id: int
    rule: FLAG_RULE = Field(description="What the records share: a UPRN, an address or a case")
    key: str = Field(description="The UPRN, normalised address or case reference matched")
    records: list[FlagRecord] = Field(description="The records of the busiest window that meets the rule")
    feeds: list[str] = Field(description="The feeds the records come from")
    first_on: str = Field(description="Date of the first record, " + DATE)
    last_on: str = Field(description="Date of the last record, " + DATE)
    status: FLAG_STATUS
    case_id: int | None = Field(description="The victim's case, once confirmed with one")
    decided_by: str | None
    decided_at: str | None = Field(description=MOMENT)
    note: str = Field(description="The analyst's note on the decision")
    created_at: str = Field(description=MOMENT)
    updated_at: str = Field(description=MOMENT)


class FlagShown(RepeatFlag):
    """A repeat-victim flag with why it was raised, in words."""

    why: str = Field(description="The records, feeds, what they share and the rule, in words")


class FlagSummary(Schema):
    """A case's repeat-victim flag as a party agency sees it: the other agencies' records are the analyst's."""

    id: int
    rule: FLAG_RULE
    status: FLAG_STATUS
    feeds: list[str]
    first_on: str = Field(description=DATE)
    last_on: str = Field(description=DATE)
    records: int = Field(description="How many records it matched")


class CaseDetail(Schema):
    """A case in full: the subject, the agencies, its risk, linked incidents, interventions, actions and the repeat
    flags confirmed as its own (a party agency gets the flags without their records)."""

    id: int
    reference: str | None = Field(description="The case-management system's own reference")
    subject_kind: Literal["person", "household"]
    subject_role: Literal["victim", "perpetrator", "both"]
    subject_name: str | None = Field(description="Null once anonymised")
    date_of_birth: str | None = Field(description=DATE)
    address: str | None
    postcode: str | None
    uprn: str | None = Field(description="Unique Property Reference Number")
    summary: str
    owner_agency: str
    officer: str
    agencies: list[str] = Field(description="The agencies party to the case, beside the owner")
    status: Literal["open", "closed"]
    opened: str = Field(description=DATE)
    closed: str | None = Field(description=DATE)
    risk: CaseRisk | None = Field(description="The latest risk assessment (null: not assessed)")
    problem_ids: list[int] = Field(description="Tasking problems the case belongs to")
    places: list[str] = Field(description="Location texts or H3 cells of the places it concerns")
    anonymised_at: str | None = Field(description="When the retention rule anonymised it, " + MOMENT)
    created_by: str
    created_at: str = Field(description=MOMENT)
    updated_at: str = Field(description=MOMENT)
    incidents: list[CaseIncident] = Field(description="In order of linking")
    interventions: list[CaseIntervention] = Field(description="In date order")
    actions: list[CaseAction]
    repeat_flags: list[RepeatFlag | FlagSummary] = Field(description="The flags confirmed as this case's")


class CaseLine(Schema):
    """A case's line in a list."""

    id: int
    reference: str | None
    subject_kind: Literal["person", "household"]
    subject_role: Literal["victim", "perpetrator", "both"]
    subject_name: str | None = Field(description="Null once anonymised")
    owner_agency: str
    officer: str
    status: Literal["open", "closed"]
    opened: str = Field(description=DATE)
    closed: str | None = Field(description=DATE)
    repeat_victim: bool = Field(description="A repeat-victim flag is confirmed as this case's")
    risk_level: LEVEL | None = Field(description="Of the latest risk assessment (null: not assessed)")


class CaseList(Schema):
    """The cases the caller may see: open ones first, in the order the owning agencies should act on them."""

    cases: list[CaseLine]
    count: int


class CasesLinked(Schema):
    """The incidents the case's rules linked, and the case after."""

    linked: int = Field(description="Incidents newly linked")
    case: CaseDetail


class RiskQuestion(Schema):
    """A question of the risk matrix."""

    id: str
    text: str
    weight: int = Field(description="Added to the score when answered yes")
    critical: bool = Field(description="Answered yes, the risk is high whatever the score")


class RiskMatrixShown(MatrixUsed):
    """The partnership's victim risk matrix."""

    questions: list[RiskQuestion]


class RepeatRuleShown(Schema):
    """The repeat-victim rule."""

    count: int = Field(description="Records needed")
    months: int = Field(description="Within this many months")
    feeds: int = Field(description="From at least this many different feeds")
    in_words: str


class CaseSettings(Schema):
    """The partnership's risk matrix, ladder of interventions and repeat-victim rule."""

    risk_matrix: RiskMatrixShown
    ladder: list[str] = Field(description="The steps of the escalation ladder, in order")
    repeat_rule: RepeatRuleShown


class CaseErased(Schema):
    """A case erased: the audit keeps that it was, who erased it and why."""

    erased: int = Field(description="The erased case's id")


class CaseAuditEntry(Schema):
    """One read or change of a case, a linked record or a repeat flag, as audited."""

    id: int
    at: str = Field(description=MOMENT)
    who: str
    role: str
    change: str = Field(description="read, listed, created, updated, exported, erased, ...")
    entity: str = Field(description="case, incident, intervention, action, risk, flag or audit")
    entity_id: int | None
    case_id: int | None
    detail: dict[str, Any] = Field(description="The fields as changed, or the route read (blanked once erased)")


class ApplicationAudit(Schema):
    """Every read and change of a Case Review application, oldest first."""

    audit: list[CaseAuditEntry]


class ApplicationExport(ApplicationRecord):
    """A Case Review application as a subject access export gives it: as recorded, with its audit."""

    audit: list[CaseAuditEntry]


class CaseAudit(Schema):
    """Every read and change of a case, oldest first."""

    audit: list[CaseAuditEntry]


class SubjectAccessExport(Schema):
    """Everything held about the subject of a case, for a subject access request."""

    made_at: str = Field(description=MOMENT)
    made_by: str
    case: CaseDetail
    applications: list[ApplicationExport] = Field(description="The ASB Case Review applications about the case")
    audit: list[CaseAuditEntry] = Field(description="Every read and change of the case, oldest first")
    note: str


class FlagList(Schema):
    """Repeat-victim flags, with the rule in words."""

    flags: list[FlagShown]
    count: int
    rule: str = Field(description="The repeat-victim rule, in words")


class FlagsFound(Schema):
    """A scan for repeat victims."""

    new_flags: list[int] = Field(description="Ids of the flags the scan raised (a decided flag stays as decided)")
