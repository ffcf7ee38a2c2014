"""Risk override countersignature as an electronic signature: password, meaning "countersigned", bound to the
assessment as made, superseded when that content changes, checked by verify."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from support import open_case
from world_support import PASSWORD

from checklist_app.core.signatures import Meaning, SignatureState
from checklist_app.services import cases, risk, signatures
from checklist_app.services.errors import AuthenticationFailed, Conflict, PermissionDenied
from checklist_app.store.models import AuditEntry, RiskAssessment, Signature, User
from checklist_app.store.verify import verify_database


def overridden(world, assessor=None):
    case = open_case(world)
    view = risk.record_assessment(
        world.ctx,
        assessor or world.investigator,
        case.id,
        risk.RiskForm(answers={}, override_category=3, override_reason="Older peer group"),
    )
    return case, view


def test_countersignature_is_a_signature_bound_to_the_assessment(world):
    case, view = overridden(world)
    world.clock.advance(hours=1)
    signed = risk.countersign_override(world.ctx, world.supervisor, view.id, PASSWORD, "Agreed: peer group")
    assert not signed.override_pending and signed.effective_category == 3
    line = signed.countersignature
    assert line is not None and line.valid
    assert "Countersigned: Ds Cedar (supervisor)" in line.text and "[valid]" in line.text
    listed = signatures.case_signatures(world.ctx, world.investigator, case.id)
    assert [(s.meaning, s.object_type, s.object_id) for s in listed] == [
        (Meaning.COUNTERSIGNED.value, "risk_assessments", view.id)
    ]
    sig = listed[0]
    assert sig.signer_role == "supervisor" and sig.signed_at == world.clock.now and sig.comment == "Agreed: peer group"
    shown = cases.case_detail(world.ctx, world.investigator, case.id).risk_assessments[0]
    assert shown.countersignature == line
    with world.ctx.db.read() as session:
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)).all()
    assert "risk.countersign" in actions and "signature.sign" in actions


def test_wrong_password_countersigns_nothing_and_counts_towards_lockout(world):
    case, view = overridden(world)
    with pytest.raises(AuthenticationFailed, match="more failed attempt"):
        risk.countersign_override(world.ctx, world.supervisor, view.id, "wrong-password")
    detail = cases.case_detail(world.ctx, world.investigator, case.id).risk_assessments[0]
    assert detail.override_pending and detail.countersignature is None and detail.effective_category == 1
    with world.ctx.db.read() as session:
        assert session.scalars(select(Signature)).all() == []
        assert session.get(User, world.supervisor.user_id).failed_logons == 1
        assert session.get(RiskAssessment, view.id).countersigned_by is None


def test_roles_that_may_not_countersign_are_refused_and_sign_nothing(world):
    _case, view = overridden(world)
    with pytest.raises(PermissionDenied):
        risk.countersign_override(world.ctx, world.investigator2, view.id, PASSWORD)
    with pytest.raises(PermissionDenied):
        risk.countersign_override(world.ctx, world.intel, view.id, PASSWORD)
    _own_case, own = overridden(world, world.supervisor)
    with pytest.raises(Conflict, match="another supervisor"):
        risk.countersign_override(world.ctx, world.supervisor, own.id, PASSWORD)
    risk.countersign_override(world.ctx, world.supervisor2, own.id, PASSWORD)
    with pytest.raises(Conflict, match="already countersigned"):
        risk.countersign_override(world.ctx, world.supervisor, own.id, PASSWORD)
    with world.ctx.db.read() as session:
        assert len(session.scalars(select(Signature)).all()) == 1


def test_no_override_nothing_to_countersign(world):
    case = open_case(world)
    view = risk.record_assessment(world.ctx, world.investigator, case.id, risk.RiskForm(answers={}))
    with pytest.raises(Conflict, match="no override"):
        risk.countersign_override(world.ctx, world.supervisor, view.id, PASSWORD)


def test_a_change_to_the_assessment_supersedes_the_countersignature_and_verify_names_it(world):
    # Assessments are never edited through the app, so the change is made behind its back, as with sqlite3.
    case, view = overridden(world)
    risk.countersign_override(world.ctx, world.supervisor, view.id, PASSWORD)
    assert verify_database(world.ctx.db).ok
    with world.ctx.db.write() as session:
        session.execute(update(RiskAssessment).where(RiskAssessment.id == view.id).values(override_reason="Edited"))
    shown = cases.case_detail(world.ctx, world.investigator, case.id).risk_assessments[0]
    assert shown.countersignature is not None and not shown.countersignature.valid
    assert "[superseded]" in shown.countersignature.text
    listed = signatures.case_signatures(world.ctx, world.supervisor, case.id)
    assert listed[0].state is SignatureState.SUPERSEDED
    report = verify_database(world.ctx.db)
    named = [str(p) for p in report.problems if p.table == "signatures"]
    assert len(named) == 1 and f"id {listed[0].id}: countersigned by Ds Cedar" in named[0]
