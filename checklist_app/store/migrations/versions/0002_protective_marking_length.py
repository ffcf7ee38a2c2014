"""Protective marking holds "OFFICIAL-SENSITIVE" (18 characters): widen it from 16 to 32.

SQLite never enforced the length; PostgreSQL refused the longer markings.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("intelligence_items") as batch_op:
        batch_op.alter_column(
            "protective_marking",
            existing_type=sa.String(length=16),
            type_=sa.String(length=32),
            existing_nullable=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("intelligence_items") as batch_op:
        batch_op.alter_column(
            "protective_marking",
            existing_type=sa.String(length=32),
            type_=sa.String(length=16),
            existing_nullable=False,
        )
