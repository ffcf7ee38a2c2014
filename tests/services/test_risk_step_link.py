"""A risk assessment recorded on the Risk tab is the work of step 4.1: the step records the link and is
completed (or, while other required evidence is missing, in progress), no longer overdue."""

from __future__ import annotations

from datetime import timedelta

from support import open_case

from checklist_app.services import cases, risk, steps


def _step(world, case_id):  # type: ignore[no-untyped-def]
    return cases.case_detail(world.ctx, world.investigator, case_id).step("risk.assess")


def test_recording_an_assessment_progresses_then_completes_step_4_1(shipped_world):
    world = shipped_world
    case = open_case(world)
    world.clock.advance(days=10)
    assert _step(world, case.id).due_state == "overdue"
    first = risk.record_assessment(world.ctx, world.investigator, case.id, risk.RiskForm(answers={}))
    step = _step(world, case.id)
    assert step.status == "in_progress"  # the partners who contributed are still to be recorded
    assert step.evidence["risk_assessment_reference"].startswith(f"RA-{first.id} (Risk tab")

    steps.save_progress(
        world.ctx, world.investigator, case.id, "risk.assess", {"risk_assessed_with": "Social worker (CSC), school DSL"}
    )
    world.clock.advance(hours=1)
    second = risk.record_assessment(
        world.ctx,
        world.investigator,
        case.id,
        risk.RiskForm(answers={}, assessed_at=world.clock.now - timedelta(minutes=20)),
    )
    step = _step(world, case.id)
    assert step.status == "done" and step.due_state in ("done_late", "done_on_time")
    assert step.evidence["risk_assessment_reference"].startswith(f"RA-{second.id} ")
    assert step.completed_at == world.clock.now - timedelta(minutes=20)
    # Later assessments leave a done step alone.
    risk.record_assessment(world.ctx, world.investigator, case.id, risk.RiskForm(answers={}))
    assert _step(world, case.id).evidence["risk_assessment_reference"].startswith(f"RA-{second.id} ")
