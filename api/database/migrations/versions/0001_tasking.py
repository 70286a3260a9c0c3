"""Tasking: problems, their areas and baseline profiles, actions, reviews, evaluations, councillors' wards, audit.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def _problem_fk(ondelete: str = "CASCADE") -> sa.Column:
    return sa.Column("problem_id", sa.Integer, sa.ForeignKey("problems.id", ondelete=ondelete), nullable=False)


def upgrade() -> None:
    op.create_table(
        "problems",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("category_group", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("partners", sa.JSON, nullable=False),
        sa.Column("sources", sa.JSON, nullable=False),
        sa.Column("opened", sa.Date, nullable=False),
        sa.Column("baseline_start", sa.Date, nullable=False),
        sa.Column("baseline_end", sa.Date, nullable=False),
        sa.Column("closed", sa.Date, nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "problem_areas",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _problem_fk(),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("res", sa.Integer, nullable=True),
        sa.Column("boundary_set", sa.String(120), nullable=True),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("names", sa.JSON, nullable=False),
    )
    op.create_table(
        "problem_profiles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _problem_fk(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("profile", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.UniqueConstraint("problem_id", "kind", name="uq_problem_profiles_kind"),
    )
    op.create_table(
        "actions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _problem_fk(),
        sa.Column("what", sa.Text, nullable=False),
        sa.Column("owner_agency", sa.String(200), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("progress", sa.String(20), nullable=False),
        sa.Column("done_on", sa.Date, nullable=True),
        sa.Column("measure", sa.Text, nullable=False),
        sa.Column("target", sa.JSON, nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _problem_fk(),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id", ondelete="SET NULL"), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("published", sa.Boolean, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _problem_fk(),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id", ondelete="SET NULL"), nullable=True),
        sa.Column("before_start", sa.Date, nullable=False),
        sa.Column("before_end", sa.Date, nullable=False),
        sa.Column("after_start", sa.Date, nullable=False),
        sa.Column("after_end", sa.Date, nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "councillor_wards",
        sa.Column("token_id", sa.Integer, primary_key=True),
        sa.Column("ward_code", sa.String(20), primary_key=True),
    )
    op.create_table(
        "tasking_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("change", sa.String(40), nullable=False),
        sa.Column("entity", sa.String(20), nullable=False),
        sa.Column("entity_id", sa.Integer, nullable=True),
        sa.Column("problem_id", sa.Integer, nullable=True),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    for table in ("problem_areas", "problem_profiles", "actions", "reviews", "evaluations"):
        op.create_index(f"ix_{table}_problem", table, ["problem_id"])
    op.create_index("ix_tasking_audit_problem", "tasking_audit", ["problem_id", "at"])


def downgrade() -> None:
    for table in (
        "tasking_audit",
        "councillor_wards",
        "evaluations",
        "reviews",
        "actions",
        "problem_profiles",
        "problem_areas",
        "problems",
    ):
        op.drop_table(table)
