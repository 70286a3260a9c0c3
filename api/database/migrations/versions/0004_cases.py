"""Cases about people and households: linked incidents, interventions, SMART actions, repeat-victim flags, and the
audit of every read and change.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(60), nullable=True),
        sa.Column("subject_kind", sa.String(20), nullable=False),
        sa.Column("subject_role", sa.String(20), nullable=False),
        sa.Column("subject_name", sa.Text, nullable=True),
        sa.Column("date_of_birth", sa.Date, nullable=True),
        sa.Column("address", sa.Text, nullable=True),
        sa.Column("postcode", sa.String(10), nullable=True),
        sa.Column("uprn", sa.String(12), nullable=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("owner_agency", sa.String(200), nullable=False),
        sa.Column("officer", sa.String(200), nullable=False),
        sa.Column("agencies", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened", sa.Date, nullable=False),
        sa.Column("closed", sa.Date, nullable=True),
        sa.Column("risk", sa.JSON, nullable=True),
        sa.Column("problem_ids", sa.JSON, nullable=False),
        sa.Column("places", sa.JSON, nullable=False),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "case_incidents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("feed", sa.String(120), nullable=False),
        sa.Column("ref", sa.String(120), nullable=True),
        sa.Column("occurred_on", sa.Date, nullable=True),
        sa.Column("category", sa.String(120), nullable=True),
        sa.Column("address", sa.Text, nullable=True),
        sa.Column("uprn", sa.String(12), nullable=True),
        sa.Column("rule", sa.String(20), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("linked_by", sa.String(200), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "case_interventions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("step", sa.String(60), nullable=False),
        sa.Column("issued", sa.Date, nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("review_on", sa.Date, nullable=True),
        sa.Column("outcome", sa.String(200), nullable=True),
        sa.Column("outcome_on", sa.Date, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "case_actions",
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
    op.create_table(
        "repeat_flags",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("rule", sa.String(20), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("records", sa.JSON, nullable=False),
        sa.Column("feeds", sa.JSON, nullable=False),
        sa.Column("first_on", sa.Date, nullable=False),
        sa.Column("last_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="SET NULL"), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("rule", "key", name="uq_repeat_flags_rule_key"),
    )
    op.create_table(
        "case_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("change", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.Integer, nullable=True),
        sa.Column("case_id", sa.Integer, nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    for name in ("case_incidents", "case_interventions", "case_actions"):
        op.create_index(f"ix_{name}_case", name, ["case_id"])
    op.create_index("ix_case_audit_case", "case_audit", ["case_id", "at"])


def downgrade() -> None:
    for name in ("case_audit", "repeat_flags", "case_actions", "case_interventions", "case_incidents", "cases"):
        op.drop_table(name)
