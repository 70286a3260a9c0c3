"""ASB Case Review applications (the "community trigger") and the complaints each cites.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_review_applications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("reference", sa.String(60), nullable=True),
        sa.Column("received", sa.Date, nullable=False),
        sa.Column("applicant_kind", sa.String(20), nullable=False),
        sa.Column("applicant_name", sa.Text, nullable=True),
        sa.Column("on_behalf_of", sa.Text, nullable=True),
        sa.Column("address", sa.Text, nullable=True),
        sa.Column("postcode", sa.String(10), nullable=True),
        sa.Column("bodies", sa.JSON, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=True),
        sa.Column("flag_ids", sa.JSON, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("threshold", sa.JSON, nullable=True),
        sa.Column("decided", sa.Date, nullable=True),
        sa.Column("review_held", sa.Date, nullable=True),
        sa.Column("recommendations", sa.JSON, nullable=False),
        sa.Column("outcome_communicated", sa.Date, nullable=True),
        sa.Column("withdrawn", sa.Date, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "case_review_complaints",
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
    op.create_index("ix_case_review_complaints_application", "case_review_complaints", ["application_id"])


def downgrade() -> None:
    op.drop_table("case_review_complaints")
    op.drop_table("case_review_applications")
