"""Supervision and electronic signatures: signatures, supervisory reviews, directed actions, team duties.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_duty_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("duty_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("procedure_version_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["procedure_version_id"],
            ["procedure_versions.id"],
            name=op.f("fk_team_duty_records_procedure_version_id_procedure_versions"),
        ),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_team_duty_records_recorded_by_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_team_duty_records_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_duty_records")),
        sa.UniqueConstraint("team_id", "duty_id", "period", name="uq_team_duty_records_team_duty_period"),
    )
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("meaning", sa.String(length=32), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("content_format", sa.Integer(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(length=120), nullable=False),
        sa.Column("signer_role", sa.String(length=32), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_signatures_case_id_cases")),
        sa.ForeignKeyConstraint(["signer_id"], ["users.id"], name=op.f("fk_signatures_signer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatures")),
    )
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signatures_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_signatures_object", ["object_type", "object_id"], unique=False)

    op.create_table(
        "supervisory_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("procedure_version_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("checklist", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("completes_steps", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_supervisory_reviews_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["procedure_version_id"],
            ["procedure_versions.id"],
            name=op.f("fk_supervisory_reviews_procedure_version_id_procedure_versions"),
        ),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name=op.f("fk_supervisory_reviews_reviewer_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisory_reviews")),
    )
    with op.batch_alter_table("supervisory_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_supervisory_reviews_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supervisory_reviews_signed_at"), ["signed_at"], unique=False)

    op.create_table(
        "directed_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("directed_at", sa.DateTime(), nullable=False),
        sa.Column("directed_by", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("completed_by", sa.Integer(), nullable=True),
        sa.Column("completion_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_directed_actions_case_id_cases")),
        sa.ForeignKeyConstraint(["completed_by"], ["users.id"], name=op.f("fk_directed_actions_completed_by_users")),
        sa.ForeignKeyConstraint(["directed_by"], ["users.id"], name=op.f("fk_directed_actions_directed_by_users")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_directed_actions_owner_id_users")),
        sa.ForeignKeyConstraint(
            ["review_id"], ["supervisory_reviews.id"], name=op.f("fk_directed_actions_review_id_supervisory_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directed_actions")),
    )
    with op.batch_alter_table("directed_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_directed_actions_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_directed_actions_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_directed_actions_review_id"), ["review_id"], unique=False)
        batch_op.create_index("ix_directed_actions_status_due", ["status", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("directed_actions", schema=None) as batch_op:
        batch_op.drop_index("ix_directed_actions_status_due")
        batch_op.drop_index(batch_op.f("ix_directed_actions_review_id"))
        batch_op.drop_index(batch_op.f("ix_directed_actions_owner_id"))
        batch_op.drop_index(batch_op.f("ix_directed_actions_case_id"))

    op.drop_table("directed_actions")
    with op.batch_alter_table("supervisory_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervisory_reviews_signed_at"))
        batch_op.drop_index(batch_op.f("ix_supervisory_reviews_case_id"))

    op.drop_table("supervisory_reviews")
    with op.batch_alter_table("signatures", schema=None) as batch_op:
        batch_op.drop_index("ix_signatures_object")
        batch_op.drop_index(batch_op.f("ix_signatures_case_id"))

    op.drop_table("signatures")
    op.drop_table("team_duty_records")
