"""A case's situation (what its schedule is computed from) is the same whether its step records and events
are ORM objects (`load_for`, `load_many`) or the plain rows of `load_rows`, which
`record_states` and `event_times` unpack by position. On a real database (SQLite, or PostgreSQL with
CHECKLIST_APP_TEST_DB)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import literal, select
from support import open_case

from checklist_app.core.schedule import StepRecordState, StepStatus
from checklist_app.services import case_state as cs
from checklist_app.services import cases, records, steps
from checklist_app.store.models import Case, StepRecord

FLAG = {"cse_flag_reference": "CSE/2026/0001", "referral_source": "school"}


def _worked_case(world) -> int:  # type: ignore[no-untyped-def]
    """A case with a step done, one in progress, one not applicable, one blocked, an event and an episode."""
    case = open_case(world)
    world.clock.advance(minutes=10)
    steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", FLAG)
    open_steps = [
        s.step_id
        for s in cases.case_detail(world.ctx, world.supervisor, case.id).steps
        if s.status == "not_started" and s.role == "investigator"
    ]
    steps.save_progress(world.ctx, world.investigator, case.id, open_steps[0], {})
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, open_steps[1], "Referral came by phone")
    steps.mark_blocked(world.ctx, world.investigator, case.id, open_steps[2], "Waiting for the school")
    cases.record_event(world.ctx, world.investigator, case.id, "trial_date_fixed", world.clock.now - timedelta(hours=1))
    records.record_missing_episode(
        world.ctx, world.investigator, case.id, reported_at=world.clock.now - timedelta(minutes=30), risk_grade="high"
    )
    return case.id


def test_plain_rows_give_the_same_situation_and_schedule_as_orm_records(world):
    case_id = _worked_case(world)
    with world.ctx.db.read() as session:
        case = session.get_one(Case, case_id)
        (rows,) = cs.load_rows(session, world.ctx, [case_id])
        (orm,) = cs.load_many(session, world.ctx, [case])
        single = cs.load_for(session, world.ctx, case)
        # The read-only rows are the ones unpacked by position.
        assert cs._plain_rows(next(iter(rows.records.values())), cs._RECORD_ROW_FIELDS)
        assert cs._plain_rows(rows.events[0], cs._EVENT_ROW_FIELDS)
        plain = cs.situation(rows)
        assert plain == cs.situation(orm) == cs.situation(single)
        statuses = {s.status for s in plain.records.values()}
        assert {StepStatus.DONE, StepStatus.IN_PROGRESS, StepStatus.NOT_APPLICABLE, StepStatus.BLOCKED} <= statuses
        assert "trial_date_fixed" in plain.events and "child_reported_missing" in plain.events
        now = world.clock.now + timedelta(days=3)
        assert cs.schedule_of(world.ctx, rows, now) == cs.schedule_of(world.ctx, single, now)


def _rows(session, case_id: int, *columns):  # type: ignore[no-untyped-def]
    return {r.step_id: r for r in session.execute(select(*columns).where(StepRecord.case_id == case_id))}


def test_rows_read_otherwise_are_read_by_name_and_retired_or_unknown_rows_are_handled_alike(world):
    case_id = _worked_case(world)
    columns = cs.SCHEDULE_RECORD_COLUMNS
    with world.ctx.db.read() as session:
        expected = cs.record_states(_rows(session, case_id, *columns))
        assert len(expected) >= 4
        # Other columns or another order: not the read-only rows' layout, so read by name, the same states.
        other = _rows(session, case_id, *reversed(columns))
        assert not cs._plain_rows(next(iter(other.values())), cs._RECORD_ROW_FIELDS)
        assert cs.record_states(other) == expected
        retired = _rows(session, case_id, *columns[:-1], literal(True).label("retired"))
        assert cs.record_states(retired) == {}
        bogus = _rows(session, case_id, *columns[:3], literal("finished").label("status"), *columns[4:])
        with pytest.raises(ValueError, match="finished"):
            cs.record_states(bogus)


def test_orm_records_are_read_as_the_orm_reads_them(world):
    case_id = _worked_case(world)
    with world.ctx.db.read() as session:
        loaded = cs.load_for(session, world.ctx, session.get_one(Case, case_id))
        by_attribute = {k: cs.record_state(r) for k, r in loaded.records.items() if not r.retired}
        assert cs.record_states(loaded.records) == by_attribute and len(by_attribute) >= 4
        done = next(r for r in loaded.records.values() if r.status == "done")
        session.expire(done)  # its values unloaded: read through the ORM, which loads them again
        assert "status" not in done.__dict__
        assert cs.record_states(loaded.records) == by_attribute
        done.status, done.reason = "blocked", "Waiting for the school"  # changed in the session, not yet flushed
        changed = cs.record_states(loaded.records)[done.step_id]
        assert changed == StepRecordState(
            done.step_id, StepStatus.BLOCKED, done.completed_at, "Waiting for the school", done.completions
        )
        session.expunge(done)  # the change is the test's own: never written
