"""The dashboard's remedial-action and awaiting-agreement lines, on a real database (SQLite, or PostgreSQL
with CHECKLIST_APP_TEST_DB)."""

from __future__ import annotations

from support import open_case
from world_support import PASSWORD

from checklist_app.services import audit_rounds, audit_signing, case_audits, dashboard, remedial, steps

GRADES = dict.fromkeys(("audit.referral.flagged", "audit.risk.assessed", "audit.investigation.devices"), "compliant")
MANDATORY = "referral.record-details"
OPTIONAL = "investigation.seize-devices"


def _board(world):  # type: ignore[no-untyped-def]
    return dashboard.team_dashboard(world.ctx, world.supervisor, world.procedure_id)


def test_open_remedial_actions_of_the_team_show_until_completed(world):
    for n in range(3):
        open_case(world, subject_ref=f"SC-20{n}")
    detail = audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", sample_size=3, seed=7)
    audit = detail.sampled[0]
    assert audit.audit_id is not None
    case_audits.save_audit(
        world.ctx, world.auditor, audit.audit_id, grades=GRADES, comments={}, overall_grade="good", rationale="Ok."
    )
    case_audits.raise_remedial_action(
        world.ctx, world.auditor, audit.audit_id, description="Record the grounds.", owner_id=world.investigator.user_id
    )
    assert _board(world).remedial == ()  # not until the audit is signed
    audit_signing.sign_audit(world.ctx, world.auditor, audit.audit_id, PASSWORD)
    (line,) = _board(world).remedial
    (action,) = remedial.case_remedial_actions(world.ctx, world.investigator, audit.case_id)
    assert (line.case_id, line.place, line.overdue) == (audit.case_id, f"remedial:{action.id}", False)
    assert "Record the grounds." in line.what and "Dc Alder" in line.what
    world.clock.advance(days=(action.due_at - world.clock.now).days + 1)
    (line,) = _board(world).remedial
    assert line.overdue
    remedial.complete_remedial_action(world.ctx, world.investigator, action.id, "Grounds recorded.")
    assert _board(world).remedial == ()


def test_a_mandatory_step_awaiting_agreement_shows_until_agreed(world):
    case = open_case(world)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, OPTIONAL, "No devices")
    assert _board(world).agreements == ()  # an optional step needs no agreement
    world.clock.advance(minutes=5)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    (line,) = _board(world).agreements
    assert (line.case_id, line.place, line.reference) == (case.id, f"step:{MANDATORY}", case.reference)
    assert "awaiting your agreement" in line.what
    world.clock.advance(minutes=5)
    steps.agree_not_applicable(world.ctx, world.supervisor, case.id, MANDATORY, PASSWORD)
    assert _board(world).agreements == ()
    # Marked again later: the old agreement no longer covers it.
    world.clock.advance(minutes=5)
    steps.reopen_step(world.ctx, world.supervisor, case.id, MANDATORY, "Check again")
    world.clock.advance(minutes=5)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    assert [line.place for line in _board(world).agreements] == [f"step:{MANDATORY}"]


def test_another_teams_lines_are_not_shown(world):
    case = open_case(world, actor=world.other_team_investigator)
    steps.mark_not_applicable(world.ctx, world.other_team_investigator, case.id, MANDATORY, "By phone")
    assert _board(world).agreements == ()
