"""The moderation queue (audits a second auditor may check) and a case's open remedial actions, against a
real database (SQLite, or PostgreSQL with CHECKLIST_APP_TEST_DB)."""

from __future__ import annotations

import pytest
from support import open_case
from world_support import PASSWORD, add_user

from checklist_app.core.procedure.model import Role
from checklist_app.services import audit_moderation, audit_rounds, audit_signing, case_audits, remedial
from checklist_app.services.errors import NotFound, PermissionDenied

GRADES = dict.fromkeys(("audit.referral.flagged", "audit.risk.assessed", "audit.investigation.devices"), "compliant")


def _signed_picked_audit(world, *, owner=None) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Three team-one cases, all sampled; the audit picked for moderation graded and signed by world.auditor."""
    for n in range(3):
        open_case(world, subject_ref=f"SC-10{n}")
    detail = audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", sample_size=3, seed=7)
    picked = [c for c in detail.sampled if c.moderation_due]
    assert len(picked) == 1 and picked[0].audit_id is not None
    audit_id = picked[0].audit_id
    case_audits.save_audit(
        world.ctx, world.auditor, audit_id, grades=GRADES, comments={}, overall_grade="good", rationale="Sound."
    )
    if owner is not None:
        case_audits.raise_remedial_action(
            world.ctx, world.auditor, audit_id, description="Record the grounds.", owner_id=owner.user_id
        )
    audit_signing.sign_audit(world.ctx, world.auditor, audit_id, PASSWORD)
    return audit_id, picked[0].case_id


def test_the_queue_holds_picked_signed_audits_of_other_auditors_until_moderated(world):
    audit_id, _case_id = _signed_picked_audit(world)
    second = add_user(world.ctx, "aud.ivy", Role.AUDITOR)
    assert audit_moderation.moderation_queue(world.ctx, world.auditor) == []  # never one's own audit
    (due,) = audit_moderation.moderation_queue(world.ctx, second)
    assert (due.audit_id, due.auditor, due.overall_grade) == (audit_id, "Aud Holly", "Good")
    assert due.round_period == "2026-03"
    audit_signing.moderate_audit(world.ctx, second, audit_id, overall_grade="good", password=PASSWORD)
    assert audit_moderation.moderation_queue(world.ctx, second) == []


def test_unsigned_and_unpicked_audits_are_not_in_the_queue(world):
    for n in range(3):
        open_case(world, subject_ref=f"SC-10{n}")
    detail = audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", sample_size=3, seed=7)
    unpicked = next(c.audit_id for c in detail.sampled if not c.moderation_due)
    assert unpicked is not None
    case_audits.save_audit(
        world.ctx, world.auditor, unpicked, grades=GRADES, comments={}, overall_grade="good", rationale="Sound."
    )
    audit_signing.sign_audit(world.ctx, world.auditor, unpicked, PASSWORD)
    second = add_user(world.ctx, "aud.ivy", Role.AUDITOR)
    assert audit_moderation.moderation_queue(world.ctx, second) == []


def test_an_auditor_involved_in_the_case_does_not_get_it_to_moderate(world):
    audit_id, case_id = _signed_picked_audit(world)
    second = add_user(world.ctx, "aud.ivy", Role.AUDITOR)
    assert [d.audit_id for d in audit_moderation.moderation_queue(world.ctx, second)] == [audit_id]
    from checklist_app.store.models import Case

    with world.ctx.db.write() as session:
        session.get(Case, case_id).supervisor_id = second.user_id
    assert audit_moderation.moderation_queue(world.ctx, second) == []


@pytest.mark.parametrize("who", ["investigator", "supervisor", "intel", "admin"])
def test_only_auditors_see_the_moderation_queue(world, who):
    with pytest.raises(PermissionDenied):
        audit_moderation.moderation_queue(world.ctx, getattr(world, who))


def test_a_cases_open_remedial_actions_from_signed_audits(world):
    _audit_id, case_id = _signed_picked_audit(world, owner=world.investigator)
    (action,) = remedial.case_remedial_actions(world.ctx, world.investigator2, case_id)  # a colleague sees it
    assert action.owner_id == world.investigator.user_id and action.description == "Record the grounds."
    remedial.complete_remedial_action(world.ctx, world.investigator, action.id, "Done in the case log.")
    assert remedial.case_remedial_actions(world.ctx, world.investigator, case_id) == []


def test_a_cases_remedial_actions_are_refused_outside_the_district_and_to_admins(world):
    _audit_id, case_id = _signed_picked_audit(world, owner=world.investigator)
    for actor in (world.other_district_investigator, world.admin):
        with pytest.raises(PermissionDenied):
            remedial.case_remedial_actions(world.ctx, actor, case_id)
    with pytest.raises(NotFound):
        remedial.case_remedial_actions(world.ctx, world.investigator, 999_999)


def test_remedial_actions_of_an_unsigned_audit_are_not_shown_on_the_case(world):
    for n in range(3):
        open_case(world, subject_ref=f"SC-10{n}")
    detail = audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", sample_size=3, seed=7)
    case = detail.sampled[0]
    assert case.audit_id is not None
    case_audits.raise_remedial_action(
        world.ctx, world.auditor, case.audit_id, description="Draft only.", owner_id=world.investigator.user_id
    )
    assert remedial.case_remedial_actions(world.ctx, world.investigator, case.case_id) == []


def test_a_case_closed_after_the_draw_is_still_audited_moderated_and_its_actions_completed(world):
    """Audits sample closed cases by design: the closed-case guard leaves the oversight records alone, and still
    refuses a change to the case itself."""
    from checklist_app.services.context import who
    from checklist_app.services.errors import Conflict
    from checklist_app.store.audit import Operation, record
    from checklist_app.store.models import Case

    for n in range(3):
        open_case(world, subject_ref=f"SC-10{n}")
    detail = audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", sample_size=3, seed=7)
    (picked,) = [c for c in detail.sampled if c.moderation_due]
    assert picked.audit_id is not None
    # Closed without the closure's checks (its steps are still open), but audited as the app writes: a status
    # written straight to the row is an outside change the point-of-use check refuses.
    with world.ctx.db.write() as session:
        case = session.get(Case, picked.case_id)
        case.status = "closed"
        record(
            session, who(world.supervisor), case, operation=Operation.ALTERATION, action="case.close", at=world.clock()
        )
    case_audits.save_audit(
        world.ctx, world.auditor, picked.audit_id, grades=GRADES, comments={}, overall_grade="good", rationale="Ok."
    )
    case_audits.raise_remedial_action(
        world.ctx,
        world.auditor,
        picked.audit_id,
        description="Record the grounds.",
        owner_id=world.investigator.user_id,
    )
    audit_signing.sign_audit(world.ctx, world.auditor, picked.audit_id, PASSWORD)
    second = add_user(world.ctx, "aud.ivy", Role.AUDITOR)
    audit_signing.moderate_audit(world.ctx, second, picked.audit_id, overall_grade="good", password=PASSWORD)
    audit_signing.add_addendum(world.ctx, world.auditor, picked.audit_id, text="A note.", password=PASSWORD)
    (action,) = remedial.case_remedial_actions(world.ctx, world.investigator, picked.case_id)
    remedial.complete_remedial_action(world.ctx, world.investigator, action.id, "Done.")
    remedial.follow_up_remedial_action(world.ctx, world.auditor, action.id, done=True, note="Seen.")
    with pytest.raises(Conflict, match="is closed"), world.ctx.db.write() as session:
        session.get(Case, picked.case_id).officer_id = world.investigator2.user_id


def test_reading_the_queue_and_a_cases_actions_leaves_the_database_verifying(world):
    from checklist_app.store.verify import verify_database

    _audit_id, case_id = _signed_picked_audit(world, owner=world.investigator)
    audit_moderation.moderation_queue(world.ctx, add_user(world.ctx, "aud.ivy", Role.AUDITOR))
    remedial.case_remedial_actions(world.ctx, world.investigator, case_id)
    report = verify_database(world.ctx.db)
    assert report.ok, [str(p) for p in report.problems]
