"""Working steps: evidence, completion, not applicable, blocked, reopen, dependencies and events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from support import open_case

from checklist_app.services import cases, steps
from checklist_app.services.errors import Conflict, InvalidInput, PermissionDenied
from checklist_app.store.models import AuditEntry, StepRecord

FLAG = {"cse_flag_reference": "CSE/2026/0001", "referral_source": "school"}


def _records(world, case_id):
    with world.ctx.db.read() as session:
        return {r.step_id: r for r in session.scalars(select(StepRecord).where(StepRecord.case_id == case_id))}


def test_complete_with_evidence_records_who_when_and_due(world):
    case = open_case(world)
    view = steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", FLAG)
    assert view.status == "done"
    assert view.due_state == "done_late"  # due on receipt, two hours before
    assert view.completed_by == world.investigator.display_name
    record = _records(world, case.id)["referral.record-details"]
    assert record.evidence == FLAG
    assert record.completed_at == world.clock.now
    assert record.due_at == case.referral_at


def test_missing_required_evidence_saves_nothing(world):
    case = open_case(world)
    with pytest.raises(InvalidInput) as caught:
        steps.complete_step(
            world.ctx, world.investigator, case.id, "referral.record-details", {"referral_source": "school"}
        )
    assert [p.field for p in caught.value.problems] == ["cse_flag_reference"]
    assert "required" in str(caught.value)
    assert _records(world, case.id) == {}


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ({**FLAG, "referral_source": "rumour"}, "must be one of"),
        ({**FLAG, "unknown": "x"}, "is not a field"),
        ({**FLAG, "cse_flag_reference": "two\nlines"}, "one line"),
    ],
)
def test_bad_evidence_is_refused_with_the_field_named(world, evidence, message):
    case = open_case(world)
    with pytest.raises(InvalidInput, match=message):
        steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", evidence)


def test_progress_saves_partial_evidence_then_completion_merges(world):
    case = open_case(world)
    steps.save_progress(
        world.ctx, world.investigator, case.id, "referral.record-details", {"cse_flag_reference": "CSE/9"}
    )
    assert _records(world, case.id)["referral.record-details"].status == "in_progress"
    steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", FLAG)
    assert _records(world, case.id)["referral.record-details"].status == "done"


def test_completed_at_in_the_past_is_kept_and_future_or_pre_referral_refused(world):
    case = open_case(world)
    earlier = world.clock.now - timedelta(hours=1)
    view = steps.complete_step(
        world.ctx, world.investigator, case.id, "referral.record-details", FLAG, completed_at=earlier
    )
    assert view.completed_at == earlier
    case2 = open_case(world)
    with pytest.raises(InvalidInput, match="future"):
        steps.complete_step(
            world.ctx,
            world.investigator,
            case2.id,
            "referral.record-details",
            FLAG,
            completed_at=world.clock.now + timedelta(hours=2),
        )
    with pytest.raises(InvalidInput, match="before the referral"):
        steps.complete_step(
            world.ctx,
            world.investigator,
            case2.id,
            "referral.record-details",
            FLAG,
            completed_at=case2.referral_at - timedelta(minutes=5),
        )


def test_not_applicable_needs_a_reason_and_shows_it(world):
    case = open_case(world)
    with pytest.raises(InvalidInput, match="required"):
        steps.mark_not_applicable(world.ctx, world.investigator, case.id, "investigation.seize-devices", "  ")
    view = steps.mark_not_applicable(
        world.ctx, world.investigator, case.id, "investigation.seize-devices", "No devices were used"
    )
    assert (view.status, view.reason, view.due_state) == ("not_applicable", "No devices were used", "not_applicable")


def test_blocked_then_unblocked_by_progress(world):
    case = open_case(world)
    view = steps.mark_blocked(world.ctx, world.investigator, case.id, "referral.record-details", "System down")
    assert view.status == "blocked" and view.reason == "System down"
    view = steps.save_progress(world.ctx, world.investigator, case.id, "referral.record-details", {})
    assert view.status == "in_progress" and view.reason == ""


def test_done_step_cannot_be_redone_but_a_supervisor_can_reopen_it(world):
    case = open_case(world)
    steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", FLAG)
    with pytest.raises(Conflict, match="already done"):
        steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", FLAG)
    with pytest.raises(PermissionDenied):
        steps.reopen_step(world.ctx, world.investigator, case.id, "referral.record-details", "typo")
    view = steps.reopen_step(world.ctx, world.supervisor, case.id, "referral.record-details", "Wrong reference")
    assert view.status == "in_progress"
    assert _records(world, case.id)["referral.record-details"].evidence == FLAG  # kept for revision


def test_recurring_step_can_be_completed_again(world):
    case = open_case(world)
    steps.complete_step(world.ctx, world.supervisor, case.id, "risk.supervisory-review", {})
    world.clock.advance(days=28)
    view = steps.complete_step(world.ctx, world.supervisor, case.id, "risk.supervisory-review", {})
    assert view.completions == 2
    assert view.due_at == world.clock.now + timedelta(days=28)


def test_role_rules(world):
    case = open_case(world)
    with pytest.raises(PermissionDenied, match="supervisor"):
        steps.complete_step(world.ctx, world.investigator, case.id, "referral.confirm-safety", {"child_safe": "yes"})
    steps.complete_step(world.ctx, world.supervisor, case.id, "referral.confirm-safety", {"child_safe": "yes"})
    with pytest.raises(PermissionDenied):
        steps.complete_step(world.ctx, world.investigator, case.id, "investigation.intelligence-submission", {})
    with pytest.raises(PermissionDenied):  # another team may read but not write
        steps.complete_step(world.ctx, world.other_team_investigator, case.id, "referral.record-details", FLAG)
    with pytest.raises(PermissionDenied):
        steps.complete_step(world.ctx, world.auditor, case.id, "referral.record-details", FLAG)


def test_dependencies_are_enforced_and_explained(world):
    case = open_case(world)
    detail = cases.case_detail(world.ctx, world.investigator, case.id)
    assert detail.step("referral.strategy-discussion").unmet_dependencies == ("1.2",)
    with pytest.raises(InvalidInput, match=r"depends on step 1\.2"):
        steps.complete_step(world.ctx, world.investigator, case.id, "referral.strategy-discussion", {})
    steps.complete_step(world.ctx, world.supervisor, case.id, "referral.confirm-safety", {"child_safe": "yes"})
    steps.complete_step(world.ctx, world.investigator, case.id, "referral.strategy-discussion", {})


def test_step_completion_emits_its_event_and_starts_dependent_deadlines(world):
    case = open_case(world)
    before = cases.case_detail(world.ctx, world.investigator, case.id).step("risk.seraf-assessment")
    assert before.due_at is None and before.due_state == "awaiting"
    steps.complete_step(world.ctx, world.supervisor, case.id, "referral.confirm-safety", {"child_safe": "yes"})
    steps.complete_step(world.ctx, world.investigator, case.id, "referral.strategy-discussion", {})
    detail = cases.case_detail(world.ctx, world.investigator, case.id)
    assert [e.event_type for e in detail.events] == ["strategy_discussion_held"]
    assert detail.step("risk.seraf-assessment").due_at is not None


def test_conditional_step_follows_events(world):
    case = open_case(world)
    detail = cases.case_detail(world.ctx, world.investigator, case.id)
    assert not detail.step("investigation.forensic-submission").applicable
    steps.complete_step(world.ctx, world.investigator, case.id, "investigation.seize-devices", {})
    detail = cases.case_detail(world.ctx, world.investigator, case.id)
    assert detail.step("investigation.forensic-submission").applicable


def test_every_step_change_has_an_audit_entry_with_the_record_state(world):
    case = open_case(world)
    steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", FLAG)
    record = _records(world, case.id)["referral.record-details"]
    with world.ctx.db.read() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "step_records", AuditEntry.object_id == record.id)
        ).one()
    from checklist_app.core.canonical import state_hash

    assert entry.action == "step.done" and entry.case_id == case.id
    assert entry.state_hash == state_hash(record.audit_state())


def test_unknown_step_is_a_clear_error(world):
    from checklist_app.services.errors import NotFound

    case = open_case(world)
    with pytest.raises(NotFound, match="not in test-cse-sop"):
        steps.complete_step(world.ctx, world.investigator, case.id, "no.such-step", {})
