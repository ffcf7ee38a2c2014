"""A mandatory step marked not applicable awaits a supervisor's signed agreement ("agreed not applicable") and
counts as open for closure until then; a supervisor may refuse it with a reason, sending it back to the officer."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from support import open_case, settle_for_closure
from world_support import PASSWORD

from checklist_app.core.signatures import Meaning, SignatureState
from checklist_app.services import accounts, cases, closure, signatures, steps
from checklist_app.services.errors import AuthenticationFailed, Conflict, InvalidInput, PermissionDenied
from checklist_app.store.models import Signature, User

MANDATORY = "referral.record-details"
OPTIONAL = "investigation.seize-devices"


def step_of(world, case_id: int, step_id: str):  # type: ignore[no-untyped-def]
    return next(s for s in cases.case_detail(world.ctx, world.supervisor, case_id).steps if s.step_id == step_id)


def test_a_mandatory_step_marked_not_applicable_awaits_agreement_an_optional_one_does_not(world):
    case = open_case(world)
    view = steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    assert view.status == "not_applicable" and view.awaiting_agreement
    assert step_of(world, case.id, MANDATORY).awaiting_agreement
    optional = steps.mark_not_applicable(world.ctx, world.investigator, case.id, OPTIONAL, "No devices")
    assert not optional.awaiting_agreement


def test_closure_is_refused_while_a_not_applicable_awaits_agreement(world):
    case = open_case(world)
    settle_for_closure(world, case.id)
    steps.reopen_step(world.ctx, world.supervisor, case.id, MANDATORY, "Check again")
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    items = closure.closure_check(world.ctx, world.supervisor, case.id)
    assert [(i.step_id, "awaiting supervisor agreement" in i.title) for i in items] == [(MANDATORY, True)]
    with pytest.raises(closure.ClosureRefused, match="awaiting supervisor agreement"):
        closure.close_case(world.ctx, world.supervisor, case.id, "No further action", PASSWORD)
    agreed = steps.agree_not_applicable(world.ctx, world.supervisor, case.id, MANDATORY, PASSWORD)
    assert agreed.status == "not_applicable" and not agreed.awaiting_agreement
    assert closure.closure_check(world.ctx, world.supervisor, case.id) == []
    closure.close_case(world.ctx, world.supervisor, case.id, "No further action", PASSWORD)


def test_agreement_is_a_signature_on_the_step_bound_to_its_reason(world):
    case = open_case(world)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    world.clock.advance(minutes=30)
    steps.agree_not_applicable(world.ctx, world.supervisor, case.id, MANDATORY, PASSWORD, "Phone referral logged")
    [sig] = signatures.case_signatures(world.ctx, world.investigator, case.id)
    assert (sig.meaning, sig.object_type, sig.signer_role, sig.comment) == (
        Meaning.AGREED_NOT_APPLICABLE.value,
        "step_records",
        "supervisor",
        "Phone referral logged",
    )
    assert sig.signed_at == world.clock.now and sig.valid
    # A change through the services (reopened, then marked again with the same reason) supersedes it.
    steps.reopen_step(world.ctx, world.supervisor, case.id, MANDATORY, "Check again")
    world.clock.advance(minutes=5)
    again = steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    assert again.awaiting_agreement
    [sig] = signatures.case_signatures(world.ctx, world.investigator, case.id)
    assert sig.state is SignatureState.SUPERSEDED


def test_only_a_supervisor_of_the_team_may_agree_or_refuse(world):
    case = open_case(world)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    for actor in (world.investigator, world.intel, world.auditor):
        with pytest.raises(PermissionDenied):
            steps.agree_not_applicable(world.ctx, actor, case.id, MANDATORY, PASSWORD)
        with pytest.raises(PermissionDenied):
            steps.refuse_not_applicable(world.ctx, actor, case.id, MANDATORY, "No")
    assert step_of(world, case.id, MANDATORY).awaiting_agreement
    with pytest.raises(Conflict, match="awaiting agreement"):
        steps.agree_not_applicable(world.ctx, world.supervisor, case.id, OPTIONAL, PASSWORD)
    steps.agree_not_applicable(world.ctx, world.supervisor2, case.id, MANDATORY, PASSWORD)
    with pytest.raises(Conflict, match="awaiting agreement"):
        steps.agree_not_applicable(world.ctx, world.supervisor, case.id, MANDATORY, PASSWORD)


def test_a_wrong_password_agrees_nothing_and_counts_towards_lockout(world):
    case = open_case(world)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    with pytest.raises(AuthenticationFailed, match=f"{accounts.LOCK_AFTER - 1} more failed attempt"):
        steps.agree_not_applicable(world.ctx, world.supervisor, case.id, MANDATORY, "wrong-password")
    assert step_of(world, case.id, MANDATORY).awaiting_agreement
    with world.ctx.db.read() as session:
        assert session.scalars(select(Signature)).all() == []
        assert session.get(User, world.supervisor.user_id).failed_logons == 1


def test_refusal_needs_a_reason_and_sends_the_step_back_to_the_officer(world):
    case = open_case(world)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    with pytest.raises(InvalidInput, match="required"):
        steps.refuse_not_applicable(world.ctx, world.supervisor, case.id, MANDATORY, " ")
    view = steps.refuse_not_applicable(world.ctx, world.supervisor, case.id, MANDATORY, "Record the phone details")
    assert view.status == "in_progress" and not view.awaiting_agreement
    assert view.reason == "Not applicable refused: Record the phone details"
    with pytest.raises(Conflict, match="awaiting agreement"):
        steps.refuse_not_applicable(world.ctx, world.supervisor, case.id, MANDATORY, "Again")
    # The officer can then work it as usual.
    steps.save_progress(world.ctx, world.investigator, case.id, MANDATORY, {})
