"""The deployment database's tables (SQLAlchemy Core): tasking, and the access store's tokens, sessions and audit.
The migrations in migrations/versions build the same tables."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

problems = sa.Table(
    "problems",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("category_group", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("partners", sa.JSON, nullable=False),  # sources or agencies party to the problem
    sa.Column("sources", sa.JSON, nullable=False),  # sources counted in the profile and evaluation ([] = all)
    sa.Column("opened", sa.Date, nullable=False),
    sa.Column("baseline_start", sa.Date, nullable=False),  # first month of the baseline period
    sa.Column("baseline_end", sa.Date, nullable=False),  # last month of the baseline period
    sa.Column("closed", sa.Date, nullable=True),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

problem_areas = sa.Table(
    "problem_areas",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("problem_id", sa.Integer, sa.ForeignKey("problems.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),  # cells, wards or polygon
    sa.Column("res", sa.Integer, nullable=True),  # cells: their resolution
    sa.Column("boundary_set", sa.String(120), nullable=True),  # wards: the boundary set
    sa.Column("value", sa.JSON, nullable=False),  # H3 cells, ward codes, or a GeoJSON geometry
    sa.Column("names", sa.JSON, nullable=False),  # ward names (or the wards a polygon or cells touch)
)

problem_profiles = sa.Table(
    "problem_profiles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("problem_id", sa.Integer, sa.ForeignKey("problems.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # baseline (frozen at opening)
    sa.Column("profile", sa.JSON, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("problem_id", "kind", name="uq_problem_profiles_kind"),
)

actions = sa.Table(
    "actions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("problem_id", sa.Integer, sa.ForeignKey("problems.id", ondelete="CASCADE"), nullable=False),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("owner_agency", sa.String(200), nullable=False),
    sa.Column("start", sa.Date, nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("progress", sa.String(20), nullable=False),  # planned, in progress or done, as last set
    sa.Column("done_on", sa.Date, nullable=True),
    sa.Column("measure", sa.Text, nullable=False),
    sa.Column("target", sa.JSON, nullable=True),  # {direction, percent, against, months}
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("problem_id", sa.Integer, sa.ForeignKey("problems.id", ondelete="CASCADE"), nullable=False),
    sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id", ondelete="SET NULL"), nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("published", sa.Boolean, nullable=False, default=False),  # a progress note the public may read
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

evaluations = sa.Table(
    "evaluations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("problem_id", sa.Integer, sa.ForeignKey("problems.id", ondelete="CASCADE"), nullable=False),
    sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id", ondelete="SET NULL"), nullable=True),
    sa.Column("before_start", sa.Date, nullable=False),
    sa.Column("before_end", sa.Date, nullable=False),
    sa.Column("after_start", sa.Date, nullable=False),
    sa.Column("after_end", sa.Date, nullable=False),
    sa.Column("result", sa.JSON, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

councillor_wards = sa.Table(
    "councillor_wards",
    metadata,
    sa.Column("token_id", sa.Integer, primary_key=True),  # the councillor's token (api/access/store.py)
    sa.Column("ward_code", sa.String(20), primary_key=True),
)

tasking_audit = sa.Table(
    "tasking_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("change", sa.String(40), nullable=False),  # created, updated, ...
    sa.Column("entity", sa.String(20), nullable=False),  # problem, action, review, evaluation, profile
    sa.Column("entity_id", sa.Integer, nullable=True),
    sa.Column("problem_id", sa.Integer, nullable=True),
    sa.Column("detail", sa.JSON, nullable=False),  # the fields as changed
)

for _table in (problem_areas, problem_profiles, actions, reviews, evaluations):
    sa.Index(f"ix_{_table.name}_problem", _table.c.problem_id)
sa.Index("ix_tasking_audit_problem", tasking_audit.c.problem_id, tasking_audit.c.at)

# A client's Idempotency-Key for a create: a retry with the same key (from the same caller, with the same request)
# answers with what the first request made instead of making it again.
idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("request", sa.String(64), nullable=False),  # SHA-256 of the request (route and body)
    sa.Column("entity", sa.String(20), nullable=False),  # problem, action, review, evaluation
    sa.Column("entity_id", sa.Integer, nullable=False),
    sa.Column("problem_id", sa.Integer, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("who", "key", name="uq_idempotency_keys_who_key"),
)

# cases (api/database/cases.py): people and households, special category data -------------------------------------

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("reference", sa.String(60), nullable=True),  # the case-management system's own reference
    sa.Column("subject_kind", sa.String(20), nullable=False),  # person or household
    sa.Column("subject_role", sa.String(20), nullable=False),  # victim, perpetrator or both
    sa.Column("subject_name", sa.Text, nullable=True),  # None once anonymised
    sa.Column("date_of_birth", sa.Date, nullable=True),
    sa.Column("address", sa.Text, nullable=True),
    sa.Column("postcode", sa.String(10), nullable=True),
    sa.Column("uprn", sa.String(12), nullable=True),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("owner_agency", sa.String(200), nullable=False),
    sa.Column("officer", sa.String(200), nullable=False),
    sa.Column("agencies", sa.JSON, nullable=False),  # the agencies party to the case (beside the owner)
    sa.Column("status", sa.String(20), nullable=False),  # open or closed
    sa.Column("opened", sa.Date, nullable=False),
    sa.Column("closed", sa.Date, nullable=True),
    sa.Column("risk", sa.JSON, nullable=True),  # {answers, score, level, matrix, assessed_on}
    sa.Column("problem_ids", sa.JSON, nullable=False),  # tasking problems the case belongs to
    sa.Column("places", sa.JSON, nullable=False),  # location texts or H3 cells of the places it concerns
    sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

case_incidents = sa.Table(
    "case_incidents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    sa.Column("feed", sa.String(120), nullable=False),  # the feed (or agency system) that recorded it
    sa.Column("ref", sa.String(120), nullable=True),  # the feed's own reference
    sa.Column("occurred_on", sa.Date, nullable=True),
    sa.Column("category", sa.String(120), nullable=True),
    sa.Column("address", sa.Text, nullable=True),
    sa.Column("uprn", sa.String(12), nullable=True),
    sa.Column("rule", sa.String(20), nullable=False),  # reference, uprn, address or hand: what linked it
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("linked_by", sa.String(200), nullable=False),
    sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
)

case_interventions = sa.Table(
    "case_interventions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    sa.Column("step", sa.String(60), nullable=False),  # a step of the escalation ladder (warning letter, ABC, ...)
    sa.Column("issued", sa.Date, nullable=False),
    sa.Column("agency", sa.String(200), nullable=False),
    sa.Column("review_on", sa.Date, nullable=True),
    sa.Column("outcome", sa.String(200), nullable=True),  # complied, breached, ...
    sa.Column("outcome_on", sa.Date, nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

case_actions = sa.Table(  # a case's SMART actions: the columns of a problem's actions
    "case_actions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("owner_agency", sa.String(200), nullable=False),
    sa.Column("start", sa.Date, nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("progress", sa.String(20), nullable=False),
    sa.Column("done_on", sa.Date, nullable=True),
    sa.Column("measure", sa.Text, nullable=False),
    sa.Column("target", sa.JSON, nullable=True),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

repeat_flags = sa.Table(  # records at one address, UPRN or reference across feeds, for an analyst to confirm
    "repeat_flags",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("rule", sa.String(20), nullable=False),  # uprn, reference or address
    sa.Column("key", sa.String(300), nullable=False),  # the UPRN, reference or normalised address matched
    sa.Column("records", sa.JSON, nullable=False),  # the records matched: feed, ref, date
    sa.Column("feeds", sa.JSON, nullable=False),
    sa.Column("first_on", sa.Date, nullable=False),
    sa.Column("last_on", sa.Date, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # flagged, confirmed or dismissed
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="SET NULL"), nullable=True),
    sa.Column("decided_by", sa.String(200), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("rule", "key", name="uq_repeat_flags_rule_key"),
)

case_audit = sa.Table(  # every read and change of a case, a victim or a repeat flag (kept when a case is erased)
    "case_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("change", sa.String(40), nullable=False),  # read, listed, created, updated, exported, erased, ...
    sa.Column("entity", sa.String(20), nullable=False),  # case, incident, intervention, action, risk, flag
    sa.Column("entity_id", sa.Integer, nullable=True),
    sa.Column("case_id", sa.Integer, nullable=True),  # no foreign key: the record of an erased case stays
    sa.Column("detail", sa.JSON, nullable=False),
)

case_review_applications = sa.Table(  # ASB Case Review applications (the "community trigger", ASBCPA 2014 s.104)
    "case_review_applications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("reference", sa.String(60), nullable=True),  # the partnership's own reference
    sa.Column("received", sa.Date, nullable=False),
    sa.Column("applicant_kind", sa.String(20), nullable=False),  # victim or on behalf
    sa.Column("applicant_name", sa.Text, nullable=True),  # None once anonymised
    sa.Column("on_behalf_of", sa.Text, nullable=True),  # the victim, when another applies for them
    sa.Column("address", sa.Text, nullable=True),
    sa.Column("postcode", sa.String(10), nullable=True),
    sa.Column("bodies", sa.JSON, nullable=False),  # the relevant bodies the application is made to
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=True),
    sa.Column("flag_ids", sa.JSON, nullable=False),  # repeat-victim flags it rests on (a victim with no case)
    sa.Column("status", sa.String(30), nullable=False),  # received, threshold met, threshold not met, ...
    sa.Column("threshold", sa.JSON, nullable=True),  # the check as decided: rule, qualifying complaints, reasons
    sa.Column("decided", sa.Date, nullable=True),
    sa.Column("review_held", sa.Date, nullable=True),
    sa.Column("recommendations", sa.JSON, nullable=False),  # [{text, agency, due}]
    sa.Column("outcome_communicated", sa.Date, nullable=True),
    sa.Column("withdrawn", sa.Date, nullable=True),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

case_review_complaints = sa.Table(  # the complaints an application cites
    "case_review_complaints",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "application_id",
        sa.Integer,
        sa.ForeignKey("case_review_applications.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("complained_on", sa.Date, nullable=False),
    sa.Column("behaviour_on", sa.Date, nullable=False),
    sa.Column("agency", sa.String(200), nullable=False),
    sa.Column("ref", sa.String(120), nullable=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("case_incidents.id", ondelete="SET NULL"), nullable=True),
    sa.Column("note", sa.Text, nullable=False),
)

for _table in (case_incidents, case_interventions, case_actions):
    sa.Index(f"ix_{_table.name}_case", _table.c.case_id)
sa.Index("ix_case_audit_case", case_audit.c.case_id, case_audit.c.at)
sa.Index("ix_case_review_complaints_application", case_review_complaints.c.application_id)

# access (api/access/store.py): who may use AIM and what they read ---------------------------------------------------

tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("token_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("sources", sa.JSON, nullable=False),  # the sources a partner's agreement covers
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # SHA-256 of the token, shown once
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("session_hash", sa.String(64), primary_key=True),  # SHA-256 of the cookie's secret
    sa.Column("token_id", sa.Integer, sa.ForeignKey("tokens.token_id"), nullable=False, index=True),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
)

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("audit_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("action", sa.Text, nullable=False),  # the route, e.g. GET /api/v1/incidents
    sa.Column("filters", sa.JSON, nullable=False),  # the request's query parameters
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("format", sa.Text, nullable=False),
)
