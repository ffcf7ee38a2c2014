"""Every role against every action, and the record-level scope rules."""

from __future__ import annotations

import pytest

from checklist_app.core.permissions import (
    MATRIX,
    Action,
    Actor,
    CaseScope,
    PermissionDenied,
    Scope,
    allowed,
    may_work_step,
    require,
    scope_for,
)
from checklist_app.core.procedure.model import Role, StepRole

I, S, N, A, D = (  # noqa: E741 - one letter per role keeps the policy table readable
    Role.INVESTIGATOR,
    Role.SUPERVISOR,
    Role.INTELLIGENCE_OFFICER,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
)

# The expected policy, written out independently of MATRIX: an action -> the roles allowed at all.
EXPECTED: dict[Action, set[Role]] = {
    Action.CASE_VIEW: {I, S, N, A},
    Action.CASE_LIST: {I, S, N, A},
    Action.CASE_OPEN: {I, S},
    Action.CASE_EDIT: {I, S},
    Action.CASE_REASSIGN: {S},
    Action.CASE_CLOSE: {S},
    Action.CASE_REOPEN: {S},
    Action.CASE_MIGRATE_VERSION: {S},
    Action.STEP_RECORD: {I, S, N},
    Action.STEP_REOPEN: {S},
    Action.STEP_AGREE_NOT_APPLICABLE: {S},
    Action.EVENT_RECORD: {I, S, N},
    Action.DECISION_ADD: {I, S, N},
    Action.INTEL_SUBMIT: {I, S, N},
    Action.INTEL_ROUTE: {S, N},
    Action.INTEL_ASSESS: {N},
    Action.INTEL_ACTION: {I, S},
    Action.RISK_ASSESS: {I, S},
    Action.RISK_COUNTERSIGN: {S},
    Action.MISSING_RECORD: {I, S},
    Action.WORKLOAD_VIEW: {S},
    Action.DISTRICT_DUTY_RECORD: {N},
    Action.USER_MANAGE: {D},
    Action.SOP_PUBLISH: {D},
    Action.SYSTEM_VERIFY: {D, A},
    Action.SYSTEM_BACKUP: {D},
    Action.RECORD_ACCEPT_CHANGE: {D},
    Action.AUDIT_LOG_VIEW: {D, A},
    Action.AUDIT_ROUND_MANAGE: {A},
    Action.AUDIT_ROUND_VIEW: {A},
    Action.CASE_AUDIT: {A},
    Action.CASE_AUDIT_MODERATE: {A},
    Action.REMEDIAL_VIEW: {I, S, N, A},
    Action.REMEDIAL_COMPLETE: {I, S, N},
    Action.REMEDIAL_FOLLOW_UP: {A},
    Action.REVIEW_RECORD: {S},
    Action.DIRECTION_COMPLETE: {I, S},
    Action.REPORT_CASEWORK: {S, A},
    Action.REPORT_COMPLIANCE: {S, A},
}

ME = 10
OWN_TEAM_CASE = CaseScope(district_id=1, team_id=5, officer_id=ME, supervisor_id=11)
TEAM_CASE = CaseScope(district_id=1, team_id=5, officer_id=12, supervisor_id=11)
OTHER_TEAM_CASE = CaseScope(district_id=1, team_id=6, officer_id=13, supervisor_id=14)
OTHER_DISTRICT_CASE = CaseScope(district_id=2, team_id=7, officer_id=15, supervisor_id=16)


def actor(role: Role) -> Actor:
    return Actor(ME, "someone", "Someone", role, team_id=5 if role in (I, S) else None, district_id=1)


def test_every_action_is_in_the_matrix():
    assert set(MATRIX) == set(Action) == set(EXPECTED)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_role_against_action(role: Role, action: Action):
    expected = role in EXPECTED[action]
    assert (scope_for(role, action) is not Scope.NONE) is expected
    if not expected:
        with pytest.raises(PermissionDenied):
            require(actor(role), action, OWN_TEAM_CASE)


@pytest.mark.parametrize("action", [a for a in Action if MATRIX[a].get(I) is Scope.TEAM])
def test_team_scope_for_investigators(action: Action):
    me = actor(I)
    assert allowed(me, action, OWN_TEAM_CASE)
    assert allowed(me, action, TEAM_CASE)
    assert not allowed(me, action, OTHER_TEAM_CASE)
    assert not allowed(me, action, OTHER_DISTRICT_CASE)


@pytest.mark.parametrize("role", [I, S, N])
def test_district_scope_for_reading(role: Role):
    me = actor(role)
    assert allowed(me, Action.CASE_VIEW, OTHER_TEAM_CASE)
    assert not allowed(me, Action.CASE_VIEW, OTHER_DISTRICT_CASE)


def test_auditors_read_every_district_and_change_nothing():
    auditor = actor(A)
    assert allowed(auditor, Action.CASE_VIEW, OTHER_DISTRICT_CASE)
    for action in (Action.STEP_RECORD, Action.CASE_EDIT, Action.DECISION_ADD, Action.RISK_ASSESS):
        assert not allowed(auditor, action, OTHER_DISTRICT_CASE)


def test_administrators_see_no_case_content():
    assert not allowed(actor(D), Action.CASE_VIEW, OWN_TEAM_CASE)


def test_denial_message_names_the_action_and_why():
    with pytest.raises(PermissionDenied, match="may not record this step: the case belongs to another team"):
        require(actor(I), Action.STEP_RECORD, OTHER_TEAM_CASE)


@pytest.mark.parametrize(
    ("role", "step_role", "expected"),
    [
        (I, StepRole.INVESTIGATOR, True),
        (I, StepRole.EITHER, True),
        (I, StepRole.SUPERVISOR, False),
        (I, StepRole.INTELLIGENCE_OFFICER, False),
        (S, StepRole.INVESTIGATOR, True),
        (S, StepRole.EITHER, True),
        (S, StepRole.SUPERVISOR, True),
        (S, StepRole.INTELLIGENCE_OFFICER, False),
        (N, StepRole.INTELLIGENCE_OFFICER, True),
        (N, StepRole.INVESTIGATOR, False),
        (A, StepRole.EITHER, False),
        (D, StepRole.EITHER, False),
    ],
)
def test_who_may_work_which_step(role: Role, step_role: StepRole, expected: bool):
    assert may_work_step(actor(role), step_role) is expected
