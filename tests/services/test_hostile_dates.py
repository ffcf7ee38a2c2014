"""A date or date-and-time column holding a value of the wrong type, written outside the app (`UPDATE
step_records SET due_at = 'garbage'` in sqlite3): the case list, a case, the team dashboard and the reports,
read through their services, either do not read it or refuse with the store's own error naming the table,
column and row, never a bare ValueError or TypeError; `verify` names the row and column too.

SQLite only: PostgreSQL refuses such values itself."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from support import intelligence_form, open_case
from world_support import PASSWORD

from checklist_app.services import (
    audit_rounds,
    audit_signing,
    case_audits,
    case_list,
    cases,
    dashboard,
    intelligence,
    records,
    report_data,
    reviews,
    risk,
    steps,
    summary_check,
)
from checklist_app.services.errors import StoreError
from checklist_app.store.models import Base
from checklist_app.store.types import StoredDate, UTCDateTime
from checklist_app.store.verify import verify_database

# The tables behind the screens named above; each of their date and date-and-time columns is spoiled in turn.
MAIN_TABLES = (
    "cases",
    "case_summaries",
    "step_records",
    "case_events",
    "decisions",
    "missing_episodes",
    "intelligence_items",
    "risk_assessments",
    "supervisory_reviews",
    "directed_actions",
    "signatures",
    "case_audits",
    "remedial_actions",
)
GRADES = dict.fromkeys(("audit.referral.flagged", "audit.risk.assessed", "audit.investigation.devices"), "compliant")
BAD_VALUES = ("garbage", 12345)  # text that is no date, and a number where SQLAlchemy keeps ISO text

pytestmark = pytest.mark.usefixtures("sqlite_only")


@pytest.fixture
def sqlite_only(world):  # type: ignore[no-untyped-def]
    if not world.ctx.db.is_sqlite:
        pytest.skip("PostgreSQL refuses a value of the wrong type itself")


def _date_columns() -> list[tuple[str, str]]:
    return [
        (name, column.name)
        for name in MAIN_TABLES
        for column in Base.metadata.tables[name].columns
        if isinstance(column.type, UTCDateTime | StoredDate)
    ]


def _busy_case(world):  # type: ignore[no-untyped-def]
    """A case with a row in every main table: a step done, an event, a decision, a returned child, an item of
    intelligence, a risk assessment, a signed review with a directed action and a signed audit with a remedial
    action."""
    case = open_case(world, date_of_birth=date(2011, 5, 1))
    steps.complete_step(
        world.ctx,
        world.investigator,
        case.id,
        "referral.record-details",
        {"cse_flag_reference": "CSE/1", "referral_source": "school"},
    )
    cases.record_event(
        world.ctx, world.investigator, case.id, "trial_date_fixed", world.clock.now - timedelta(minutes=5)
    )
    records.add_decision(world.ctx, world.investigator, case.id, decision="Visit", rationale="Risk to the child")
    episode = records.record_missing_episode(
        world.ctx, world.investigator, case.id, reported_at=world.clock.now - timedelta(hours=3), risk_grade="high"
    )
    now = world.clock.now
    records.update_missing_episode(
        world.ctx,
        world.investigator,
        episode,
        records.MissingUpdate(found_at=now - timedelta(hours=2), safe_well_at=now, rhi_offered_at=now, rhi_held_at=now),
    )
    item = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world))
    intelligence.route(world.ctx, world.intel, item.id, world.intel.user_id)
    risk.record_assessment(world.ctx, world.investigator, case.id, risk.RiskForm(answers={}, triggers=["disclosure"]))
    review = reviews.start_review(world.ctx, world.supervisor, case.id)
    reviews.save_review(
        world.ctx, world.supervisor, review.id, {k: ("yes", "") for k in ("plan", "risk", "overdue")}, "On track."
    )
    reviews.direct_action(
        world.ctx, world.supervisor, review.id, "Visit the school", world.investigator.user_id, now + timedelta(days=2)
    )
    reviews.sign_review(world.ctx, world.supervisor, review.id, PASSWORD)
    detail = audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", sample_size=1, seed=1)
    audit_id = detail.sampled[0].audit_id
    assert audit_id is not None
    case_audits.save_audit(
        world.ctx, world.auditor, audit_id, grades=GRADES, comments={}, overall_grade="good", rationale="Ok."
    )
    case_audits.raise_remedial_action(
        world.ctx, world.auditor, audit_id, description="Record it.", owner_id=world.investigator.user_id
    )
    audit_signing.sign_audit(world.ctx, world.auditor, audit_id, PASSWORD)
    return case


def _screens(world, case_ids: list[int], references: list[str]):  # type: ignore[no-untyped-def]
    today = world.clock.now.date()
    yield "case list", lambda: case_list.list_cases(world.ctx, world.supervisor)
    for case_id in case_ids:
        yield f"case {case_id}", lambda c=case_id: cases.case_detail(world.ctx, world.supervisor, c)
    yield "dashboard", lambda: dashboard.team_dashboard(world.ctx, world.supervisor, world.procedure_id)
    yield (
        "compliance report",
        lambda: report_data.compliance(world.ctx, world.supervisor, date(today.year, 1, 1), today),
    )
    for reference in references:
        yield f"casework report {reference}", lambda r=reference: report_data.casework(world.ctx, world.auditor, r)


def test_every_date_column_of_the_main_tables_is_refused_clearly(world):
    _busy_case(world)
    open_case(world, subject_ref="SC-900")
    listed = case_list.list_cases(world.ctx, world.supervisor)
    ids, references = [r.id for r in listed], [r.reference for r in listed]
    path = world.ctx.db.path
    unread: list[str] = []
    for table, column in _date_columns():
        conn = sqlite3.connect(path)
        try:
            # The first row of the busy case's data, whether the column was set or empty (NULL).
            key = "case_id" if table == "case_summaries" else "id"
            row = conn.execute(f"SELECT {key}, {column} FROM {table} ORDER BY {key}").fetchone()
            assert row is not None, f"the test data has no row in {table}: add one"
            row_id, good = row
            for bad in BAD_VALUES:
                conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (bad, row_id))
                conn.commit()
                refused = []
                for screen, call in _screens(world, ids, references):
                    try:
                        call()
                    except StoreError as exc:
                        message = str(exc)
                        assert f"table {table}, column {column}, row {row_id}" in message, (screen, message)
                        assert "Traceback" not in message and "isoformat" not in message
                        refused.append(screen)
                    # Anything else (ValueError, TypeError) fails the test here, as it would reach the user.
                if not refused:
                    unread.append(f"{table}.{column}")
                # What `checklist-app verify` reports: the store's checks and the case list's summaries.
                found = [*verify_database(world.ctx.db).problems, *summary_check.summary_problems(world.ctx)]
                named = [p for p in found if (p.table, p.record_id) == (table, row_id) and column in p.message]
                assert named, (table, column, [str(p) for p in found])
        finally:
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (good, row_id))
            conn.commit()
            conn.close()
    # The summary's bookkeeping times are read by `verify` only (named there, as asserted above).
    assert sorted(set(unread)) == ["case_summaries.computed_at", "case_summaries.last_activity_at"]
