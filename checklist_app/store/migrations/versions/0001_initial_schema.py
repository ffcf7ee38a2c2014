"""Initial schema: accounts, districts, procedure versions, cases and their records, the audit chain.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 00:24:24.192286
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

GENESIS_HASH = "0" * 64

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("workstation", sa.String(length=128), nullable=False),
        sa.Column("operation", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=48), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("object_type", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=True),
        sa.Column("format_version", sa.Integer(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_case", ["case_id"], unique=False)
        batch_op.create_index("ix_audit_log_object", ["object_type", "object_id"], unique=False)

    op.create_table(
        "chain_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_state")),
    )
    op.create_table(
        "districts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_districts")),
        sa.UniqueConstraint("code", name=op.f("uq_districts_code")),
        sa.UniqueConstraint("name", name=op.f("uq_districts_name")),
    )
    op.create_table(
        "procedure_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procedure_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_versions")),
        sa.UniqueConstraint("procedure_id", "version", name="uq_procedure_versions_id_version"),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], name=op.f("fk_teams_district_id_districts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logons", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(), nullable=True),
        sa.Column("locked_at", sa.DateTime(), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_logon_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], name=op.f("fk_users_district_id_districts")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_users_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("procedure_version_id", sa.Integer(), nullable=False),
        sa.Column("referral_at", sa.DateTime(), nullable=False),
        sa.Column("referral_source", sa.String(length=64), nullable=False),
        sa.Column("subject_ref", sa.String(length=32), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("age_band", sa.String(length=16), nullable=True),
        sa.Column("circumstances", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closure_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], name=op.f("fk_cases_district_id_districts")),
        sa.ForeignKeyConstraint(["officer_id"], ["users.id"], name=op.f("fk_cases_officer_id_users")),
        sa.ForeignKeyConstraint(["opened_by"], ["users.id"], name=op.f("fk_cases_opened_by_users")),
        sa.ForeignKeyConstraint(
            ["procedure_version_id"],
            ["procedure_versions.id"],
            name=op.f("fk_cases_procedure_version_id_procedure_versions"),
        ),
        sa.ForeignKeyConstraint(["supervisor_id"], ["users.id"], name=op.f("fk_cases_supervisor_id_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_cases_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("reference", name=op.f("uq_cases_reference")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_district_id"), ["district_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_officer_id"), ["officer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_subject_ref"), ["subject_ref"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_supervisor_id"), ["supervisor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_team_id"), ["team_id"], unique=False)

    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_case_events_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index("ix_case_events_case_type", ["case_id", "event_type"], unique=False)

    op.create_table(
        "case_summaries",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("phase_number", sa.Integer(), nullable=False),
        sa.Column("phase_title", sa.String(length=120), nullable=False),
        sa.Column("next_due_step", sa.String(length=16), nullable=False),
        sa.Column("next_due_title", sa.String(length=200), nullable=False),
        sa.Column("next_due_at", sa.DateTime(), nullable=True),
        sa.Column("open_due", sa.Text(), nullable=False),
        sa.Column("steps_required", sa.Integer(), nullable=False),
        sa.Column("steps_done", sa.Integer(), nullable=False),
        sa.Column("risk_category", sa.Integer(), nullable=False),
        sa.Column("complex_case", sa.Boolean(), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(), nullable=True),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_summaries_case_id_cases")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_summaries")),
    )
    with op.batch_alter_table("case_summaries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_summaries_next_due_at"), ["next_due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_summaries_risk_category"), ["risk_category"], unique=False)

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_decisions_author_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_decisions_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_case_id"), ["case_id"], unique=False)

    op.create_table(
        "intelligence_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("scheme", sa.String(length=8), nullable=False),
        sa.Column("source_evaluation", sa.String(length=4), nullable=False),
        sa.Column("intelligence_assessment", sa.String(length=4), nullable=False),
        sa.Column("handling_code", sa.String(length=4), nullable=False),
        sa.Column("handling_conditions", sa.Text(), nullable=False),
        sa.Column("protective_marking", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("sanitised", sa.Boolean(), nullable=False),
        sa.Column("routed_to", sa.Integer(), nullable=True),
        sa.Column("routed_at", sa.DateTime(), nullable=True),
        sa.Column("reroute_count", sa.Integer(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(), nullable=True),
        sa.Column("assessed_by", sa.Integer(), nullable=True),
        sa.Column("assessment_outcome", sa.String(length=16), nullable=False),
        sa.Column("assessment_rationale", sa.Text(), nullable=False),
        sa.Column("actioned_at", sa.DateTime(), nullable=True),
        sa.Column("actioned_by", sa.Integer(), nullable=True),
        sa.Column("action_taken", sa.Text(), nullable=False),
        sa.Column("regrade_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["actioned_by"], ["users.id"], name=op.f("fk_intelligence_items_actioned_by_users")),
        sa.ForeignKeyConstraint(["assessed_by"], ["users.id"], name=op.f("fk_intelligence_items_assessed_by_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_intelligence_items_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_intelligence_items_district_id_districts")
        ),
        sa.ForeignKeyConstraint(["routed_to"], ["users.id"], name=op.f("fk_intelligence_items_routed_to_users")),
        sa.ForeignKeyConstraint(["submitted_by"], ["users.id"], name=op.f("fk_intelligence_items_submitted_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intelligence_items")),
        sa.UniqueConstraint("reference", name=op.f("uq_intelligence_items_reference")),
    )
    with op.batch_alter_table("intelligence_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intelligence_items_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intelligence_items_district_id"), ["district_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intelligence_items_routed_to"), ["routed_to"], unique=False)

    op.create_table(
        "missing_episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=True),
        sa.Column("risk_grade", sa.String(length=8), nullable=False),
        sa.Column("safe_well_at", sa.DateTime(), nullable=True),
        sa.Column("safe_well_by", sa.Integer(), nullable=True),
        sa.Column("rhi_offered_at", sa.DateTime(), nullable=True),
        sa.Column("rhi_held_at", sa.DateTime(), nullable=True),
        sa.Column("rhi_declined", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_missing_episodes_case_id_cases")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_missing_episodes_recorded_by_users")),
        sa.ForeignKeyConstraint(["safe_well_by"], ["users.id"], name=op.f("fk_missing_episodes_safe_well_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_missing_episodes")),
    )
    with op.batch_alter_table("missing_episodes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_missing_episodes_case_id"), ["case_id"], unique=False)

    op.create_table(
        "risk_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("tool_id", sa.String(length=64), nullable=False),
        sa.Column("tool_version", sa.String(length=32), nullable=False),
        sa.Column("assessed_at", sa.DateTime(), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("triggers", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("calculated_category", sa.Integer(), nullable=False),
        sa.Column("final_category", sa.Integer(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("countersigned_by", sa.Integer(), nullable=True),
        sa.Column("countersigned_at", sa.DateTime(), nullable=True),
        sa.Column("next_review_at", sa.DateTime(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["assessor_id"], ["users.id"], name=op.f("fk_risk_assessments_assessor_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_risk_assessments_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["countersigned_by"], ["users.id"], name=op.f("fk_risk_assessments_countersigned_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_assessments")),
    )
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_risk_assessments_case_id"), ["case_id"], unique=False)

    op.create_table(
        "step_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("completed_by", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("completions", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_step_records_case_id_cases")),
        sa.ForeignKeyConstraint(["completed_by"], ["users.id"], name=op.f("fk_step_records_completed_by_users")),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_step_records_updated_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_records")),
        sa.UniqueConstraint("case_id", "step_id", name="uq_step_records_case_step"),
    )
    with op.batch_alter_table("step_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_records_case_id"), ["case_id"], unique=False)

    op.bulk_insert(
        sa.table("chain_state", sa.column("id"), sa.column("seq"), sa.column("head_hash")),
        [{"id": 1, "seq": 0, "head_hash": GENESIS_HASH}],
    )
    _create_audit_triggers()


# Triggers stop accidental edits of the audit log; they are not a defence against someone with write
# access (that is what the hash chain and an externally kept head hash are for), and `verify` reports
# their absence.
def _create_audit_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END"
        )
    else:
        op.execute(
            "CREATE FUNCTION audit_log_immutable() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'audit entries cannot be changed or deleted'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_immutable()"
        )


def _drop_audit_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_immutable()")


def downgrade() -> None:
    _drop_audit_triggers()
    with op.batch_alter_table("step_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_records_case_id"))

    op.drop_table("step_records")
    with op.batch_alter_table("risk_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risk_assessments_case_id"))

    op.drop_table("risk_assessments")
    with op.batch_alter_table("missing_episodes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_missing_episodes_case_id"))

    op.drop_table("missing_episodes")
    with op.batch_alter_table("intelligence_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intelligence_items_routed_to"))
        batch_op.drop_index(batch_op.f("ix_intelligence_items_district_id"))
        batch_op.drop_index(batch_op.f("ix_intelligence_items_case_id"))

    op.drop_table("intelligence_items")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_case_id"))

    op.drop_table("decisions")
    with op.batch_alter_table("case_summaries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_summaries_risk_category"))
        batch_op.drop_index(batch_op.f("ix_case_summaries_next_due_at"))

    op.drop_table("case_summaries")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index("ix_case_events_case_type")

    op.drop_table("case_events")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_team_id"))
        batch_op.drop_index(batch_op.f("ix_cases_supervisor_id"))
        batch_op.drop_index(batch_op.f("ix_cases_subject_ref"))
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.drop_index(batch_op.f("ix_cases_officer_id"))
        batch_op.drop_index(batch_op.f("ix_cases_district_id"))

    op.drop_table("cases")
    op.drop_table("users")
    op.drop_table("teams")
    op.drop_table("procedure_versions")
    op.drop_table("districts")
    op.drop_table("chain_state")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_object")
        batch_op.drop_index("ix_audit_log_case")

    op.drop_table("audit_log")
