"""Every role against every casework-audit action: auditors run rounds, audits and follow-ups; owners
complete their remedial actions; nobody else does either."""

from __future__ import annotations

import pytest
from support import open_case
from world_support import PASSWORD

from checklist_app.core.permissions import PermissionDenied
from checklist_app.services import audit_rounds, audit_signing, case_audits, remedial
from checklist_app.services.errors import Conflict, InvalidInput

ROLES = ("investigator", "supervisor", "intel", "admin", "auditor")
AUDIT_ONLY = {
    "create_round": lambda w, a, ids: audit_rounds.create_round(w.ctx, a, period="2026-03", sample_size=1, seed=1),
    "sample_round": lambda w, a, ids: audit_rounds.sample_round(w.ctx, a, ids["round"], 3),
    "list_rounds": lambda w, a, ids: audit_rounds.list_rounds(w.ctx, a),
    "round_detail": lambda w, a, ids: audit_rounds.round_detail(w.ctx, a, ids["round"]),
    "audit_form": lambda w, a, ids: case_audits.audit_form(w.ctx, a, ids["audit"]),
    "save_audit": lambda w, a, ids: case_audits.save_audit(w.ctx, a, ids["audit"], grades={}, comments={}),
    "raise_remedial": lambda w, a, ids: case_audits.raise_remedial_action(
        w.ctx, a, ids["audit"], description="Fix", owner_id=w.investigator.user_id
    ),
    "withdraw_remedial": lambda w, a, ids: case_audits.withdraw_remedial_action(w.ctx, a, ids["draft_action"]),
    "sign_audit": lambda w, a, ids: audit_signing.sign_audit(w.ctx, a, ids["audit"], PASSWORD),
    "add_addendum": lambda w, a, ids: audit_signing.add_addendum(w.ctx, a, ids["signed"], text="x", password=PASSWORD),
    "moderate": lambda w, a, ids: audit_signing.moderate_audit(
        w.ctx, a, ids["signed"], overall_grade="good", password=PASSWORD
    ),
    "list_all_remedial": lambda w, a, ids: remedial.list_remedial_actions(w.ctx, a, mine=False),
    "follow_up": lambda w, a, ids: remedial.follow_up_remedial_action(w.ctx, a, ids["action"], done=True, note="n"),
}


@pytest.fixture
def setting(world):
    """Two drawn audits of team 1 cases: one signed with a remedial action for the investigator, one with a
    remedial action still in draft."""
    first = open_case(world, subject_ref="SC-101").id
    second = open_case(world, subject_ref="SC-202").id
    detail = audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", sample_size=2, seed=3)
    audits = {c.case_id: c.audit_id for c in detail.sampled}
    signed, draft = audits[first], audits[second]
    grades = {i: "compliant" for i in ("audit.referral.flagged", "audit.risk.assessed", "audit.investigation.devices")}
    case_audits.save_audit(
        world.ctx, world.auditor, signed, grades=grades, comments={}, overall_grade="good", rationale="r"
    )
    form = case_audits.raise_remedial_action(
        world.ctx, world.auditor, signed, description="Fix", owner_id=world.investigator.user_id
    )
    audit_signing.sign_audit(world.ctx, world.auditor, signed, PASSWORD)
    drafted = case_audits.raise_remedial_action(
        world.ctx, world.auditor, draft, description="Fix", owner_id=world.investigator.user_id
    )
    return {
        "round": detail.summary.id,
        "audit": draft,
        "signed": signed,
        "action": form.remedial_actions[0].id,
        "draft_action": drafted.remedial_actions[0].id,
    }


@pytest.mark.parametrize("role", ROLES)
def test_audit_actions_are_for_auditors_only(world, setting, role):
    actor = getattr(world, role)
    for use_case, call in AUDIT_ONLY.items():
        if role != "auditor":
            with pytest.raises(PermissionDenied):
                call(world, actor, setting)
        # Allowed by the matrix; only the record's own rules may still refuse: the draft is not fully
        # graded, and the auditor who signed cannot moderate their own audit.
        elif use_case == "sign_audit":
            with pytest.raises(InvalidInput, match="not graded"):
                call(world, actor, setting)
        elif use_case == "moderate":
            with pytest.raises(Conflict, match="another auditor"):
                call(world, actor, setting)
        else:
            call(world, actor, setting)


@pytest.mark.parametrize("role", ROLES)
def test_owners_see_and_complete_their_remedial_actions(world, setting, role):
    actor = getattr(world, role)
    if role == "admin":
        with pytest.raises(PermissionDenied):
            remedial.list_remedial_actions(world.ctx, actor)
    else:
        mine = remedial.list_remedial_actions(world.ctx, actor)
        assert [a.id for a in mine] == ([setting["action"]] if role == "investigator" else [])
    if role in ("admin", "auditor"):
        with pytest.raises(PermissionDenied):
            remedial.complete_remedial_action(world.ctx, actor, setting["action"], "Done")
    elif role == "investigator":
        assert remedial.complete_remedial_action(world.ctx, actor, setting["action"], "Done").status == "completed"
    else:
        with pytest.raises(Conflict, match="Only the action's owner"):
            remedial.complete_remedial_action(world.ctx, actor, setting["action"], "Done")


def test_someone_in_another_district_is_refused_by_the_matrix(world, setting):
    assert remedial.list_remedial_actions(world.ctx, world.other_district_investigator) == []
    with pytest.raises(PermissionDenied, match="another district"):
        remedial.complete_remedial_action(world.ctx, world.other_district_investigator, setting["action"], "Done")
