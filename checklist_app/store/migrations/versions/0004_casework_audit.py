"""Casework audit: audit rounds with their frame and draw, case audits, remedial actions, addenda and
moderation.

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
        "audit_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("period_first", sa.Date(), nullable=False),
        sa.Column("period_last", sa.Date(), nullable=False),
        sa.Column("districts", sa.Text(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=True),
        sa.Column("auditor_id", sa.Integer(), nullable=False),
        sa.Column("procedure_version_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("frame", sa.Text(), nullable=False),
        sa.Column("skipped", sa.Text(), nullable=False),
        sa.Column("allocations", sa.Text(), nullable=False),
        sa.Column("sampled", sa.Text(), nullable=False),
        sa.Column("moderation", sa.Text(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["auditor_id"], ["users.id"], name=op.f("fk_audit_rounds_auditor_id_users")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_audit_rounds_created_by_users")),
        sa.ForeignKeyConstraint(
            ["procedure_version_id"],
            ["procedure_versions.id"],
            name=op.f("fk_audit_rounds_procedure_version_id_procedure_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_rounds")),
    )
    op.create_index(op.f("ix_audit_rounds_auditor_id"), "audit_rounds", ["auditor_id"], unique=False)
    op.create_table(
        "case_audits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("auditor_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.String(length=32), nullable=False),
        sa.Column("grades", sa.Text(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("overall_grade", sa.String(length=32), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("score", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["auditor_id"], ["users.id"], name=op.f("fk_case_audits_auditor_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_audits_case_id_cases")),
        sa.ForeignKeyConstraint(["round_id"], ["audit_rounds.id"], name=op.f("fk_case_audits_round_id_audit_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_audits")),
        sa.UniqueConstraint("round_id", "case_id", name="uq_case_audits_round_case"),
    )
    op.create_index(op.f("ix_case_audits_case_id"), "case_audits", ["case_id"], unique=False)
    op.create_index(op.f("ix_case_audits_round_id"), "case_audits", ["round_id"], unique=False)
    op.create_table(
        "audit_addenda",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("revised_grade", sa.String(length=32), nullable=False),
        sa.Column("revised_rationale", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["case_audits.id"], name=op.f("fk_audit_addenda_audit_id_case_audits")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_audit_addenda_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_addenda")),
    )
    op.create_index(op.f("ix_audit_addenda_audit_id"), "audit_addenda", ["audit_id"], unique=False)
    op.create_table(
        "audit_moderations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("overall_grade", sa.String(length=32), nullable=False),
        sa.Column("differences", sa.Text(), nullable=False),
        sa.Column("agrees", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["case_audits.id"], name=op.f("fk_audit_moderations_audit_id_case_audits")
        ),
        sa.ForeignKeyConstraint(["moderator_id"], ["users.id"], name=op.f("fk_audit_moderations_moderator_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_moderations")),
    )
    op.create_index(op.f("ix_audit_moderations_audit_id"), "audit_moderations", ["audit_id"], unique=False)
    op.create_table(
        "remedial_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("raised_by", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("completed_by", sa.Integer(), nullable=True),
        sa.Column("completion_note", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.String(length=16), nullable=False),
        sa.Column("followed_up_at", sa.DateTime(), nullable=True),
        sa.Column("followed_up_by", sa.Integer(), nullable=True),
        sa.Column("follow_up_note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"], ["case_audits.id"], name=op.f("fk_remedial_actions_audit_id_case_audits")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_remedial_actions_case_id_cases")),
        sa.ForeignKeyConstraint(["completed_by"], ["users.id"], name=op.f("fk_remedial_actions_completed_by_users")),
        sa.ForeignKeyConstraint(
            ["followed_up_by"], ["users.id"], name=op.f("fk_remedial_actions_followed_up_by_users")
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_remedial_actions_owner_id_users")),
        sa.ForeignKeyConstraint(["raised_by"], ["users.id"], name=op.f("fk_remedial_actions_raised_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remedial_actions")),
    )
    op.create_index(op.f("ix_remedial_actions_audit_id"), "remedial_actions", ["audit_id"], unique=False)
    op.create_index(op.f("ix_remedial_actions_case_id"), "remedial_actions", ["case_id"], unique=False)
    op.create_index("ix_remedial_actions_owner_status", "remedial_actions", ["owner_id", "status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_remedial_actions_owner_status", table_name="remedial_actions")
    op.drop_index(op.f("ix_remedial_actions_case_id"), table_name="remedial_actions")
    op.drop_index(op.f("ix_remedial_actions_audit_id"), table_name="remedial_actions")
    op.drop_table("remedial_actions")
    op.drop_index(op.f("ix_audit_moderations_audit_id"), table_name="audit_moderations")
    op.drop_table("audit_moderations")
    op.drop_index(op.f("ix_audit_addenda_audit_id"), table_name="audit_addenda")
    op.drop_table("audit_addenda")
    op.drop_index(op.f("ix_case_audits_round_id"), table_name="case_audits")
    op.drop_index(op.f("ix_case_audits_case_id"), table_name="case_audits")
    op.drop_table("case_audits")
    op.drop_index(op.f("ix_audit_rounds_auditor_id"), table_name="audit_rounds")
    op.drop_table("audit_rounds")
