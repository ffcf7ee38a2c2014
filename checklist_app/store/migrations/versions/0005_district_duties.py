"""District duties: duties held by a district rather than a team (the intelligence officer's problem-profile
themes), recorded once per district per period.

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
        "district_duty_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("duty_id", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("procedure_version_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_district_duty_records_district_id_districts")
        ),
        sa.ForeignKeyConstraint(
            ["procedure_version_id"],
            ["procedure_versions.id"],
            name=op.f("fk_district_duty_records_procedure_version_id_procedure_versions"),
        ),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_district_duty_records_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district_duty_records")),
        sa.UniqueConstraint("district_id", "duty_id", "period", name="uq_district_duty_records_district_duty_period"),
    )


def downgrade() -> None:
    op.drop_table("district_duty_records")
