"""Who may do what: one role-action matrix, plus the record-level scope rules.

Services call `require(actor, action, scope)` before any work; nothing else decides access.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from checklist_app.core.procedure.roles import Role, StepRole


class Action(StrEnum):
    CASE_VIEW = "case.view"
    CASE_LIST = "case.list"
    CASE_OPEN = "case.open"
    CASE_EDIT = "case.edit"
    CASE_REASSIGN = "case.reassign"
    CASE_CLOSE = "case.close"
    CASE_REOPEN = "case.reopen"
    CASE_MIGRATE_VERSION = "case.migrate_version"
    STEP_RECORD = "step.record"
    STEP_REOPEN = "step.reopen"
    STEP_AGREE_NOT_APPLICABLE = "step.agree_not_applicable"
    EVENT_RECORD = "event.record"
    DECISION_ADD = "decision.add"
    INTEL_SUBMIT = "intel.submit"
    INTEL_ROUTE = "intel.route"
    INTEL_ASSESS = "intel.assess"
    INTEL_ACTION = "intel.action"
    RISK_ASSESS = "risk.assess"
    RISK_COUNTERSIGN = "risk.countersign"
    MISSING_RECORD = "missing.record"
    WORKLOAD_VIEW = "workload.view"
    DISTRICT_DUTY_RECORD = "district_duty.record"
    USER_MANAGE = "user.manage"
    SOP_PUBLISH = "sop.publish"
    SYSTEM_VERIFY = "system.verify"
    SYSTEM_BACKUP = "system.backup"
    RECORD_ACCEPT_CHANGE = "record.accept_outside_change"
    AUDIT_LOG_VIEW = "audit_log.view"
    AUDIT_ROUND_MANAGE = "audit_round.manage"
    AUDIT_ROUND_VIEW = "audit_round.view"
    CASE_AUDIT = "case_audit.conduct"
    CASE_AUDIT_MODERATE = "case_audit.moderate"
    REMEDIAL_VIEW = "remedial.view"
    REMEDIAL_COMPLETE = "remedial.complete"
    REMEDIAL_FOLLOW_UP = "remedial.follow_up"
    REVIEW_RECORD = "review.record"
    DIRECTION_COMPLETE = "direction.complete"
    REPORT_CASEWORK = "report.casework"
    REPORT_COMPLIANCE = "report.compliance"


class Scope(StrEnum):
    """How far from the actor a record may be for an action to be allowed."""

    NONE = "none"  # not allowed at all
    OWN = "own"  # cases where the actor is officer in charge
    TEAM = "team"  # cases of the actor's team (or that the actor supervises or owns)
    DISTRICT = "district"  # cases of the actor's district
    FORCE = "force"  # any case
    SYSTEM = "system"  # not about a case (accounts, procedure versions, backups)


_I, _S, _N, _A, _D = (
    Role.INVESTIGATOR,
    Role.SUPERVISOR,
    Role.INTELLIGENCE_OFFICER,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
)

# The whole policy in one table. Read a row as: for this action, each role's widest allowed scope.
# Investigators read their district (colleagues' cases often hold linked victims and suspects) but
# write only within their team; auditors read everything and change nothing here (audits are their
# own records); administrators run the system and see no case content (least privilege).
MATRIX: dict[Action, dict[Role, Scope]] = {
    Action.CASE_VIEW: {_I: Scope.DISTRICT, _S: Scope.DISTRICT, _N: Scope.DISTRICT, _A: Scope.FORCE},
    Action.CASE_LIST: {_I: Scope.DISTRICT, _S: Scope.DISTRICT, _N: Scope.DISTRICT, _A: Scope.FORCE},
    Action.CASE_OPEN: {_I: Scope.TEAM, _S: Scope.TEAM},
    Action.CASE_EDIT: {_I: Scope.TEAM, _S: Scope.TEAM},
    Action.CASE_REASSIGN: {_S: Scope.TEAM},
    Action.CASE_CLOSE: {_S: Scope.TEAM},
    Action.CASE_REOPEN: {_S: Scope.TEAM},
    Action.CASE_MIGRATE_VERSION: {_S: Scope.TEAM},
    Action.STEP_RECORD: {_I: Scope.TEAM, _S: Scope.TEAM, _N: Scope.DISTRICT},
    Action.STEP_REOPEN: {_S: Scope.TEAM},
    Action.STEP_AGREE_NOT_APPLICABLE: {_S: Scope.TEAM},
    Action.EVENT_RECORD: {_I: Scope.TEAM, _S: Scope.TEAM, _N: Scope.DISTRICT},
    Action.DECISION_ADD: {_I: Scope.TEAM, _S: Scope.TEAM, _N: Scope.DISTRICT},
    Action.INTEL_SUBMIT: {_I: Scope.TEAM, _S: Scope.TEAM, _N: Scope.DISTRICT},
    Action.INTEL_ROUTE: {_S: Scope.TEAM, _N: Scope.DISTRICT},
    Action.INTEL_ASSESS: {_N: Scope.DISTRICT},
    Action.INTEL_ACTION: {_I: Scope.TEAM, _S: Scope.TEAM},
    Action.RISK_ASSESS: {_I: Scope.TEAM, _S: Scope.TEAM},
    Action.RISK_COUNTERSIGN: {_S: Scope.TEAM},
    Action.MISSING_RECORD: {_I: Scope.TEAM, _S: Scope.TEAM},
    Action.WORKLOAD_VIEW: {_S: Scope.TEAM},
    # Duties held by a district rather than a team (problem-profile themes): the intelligence officer's.
    Action.DISTRICT_DUTY_RECORD: {_N: Scope.DISTRICT},
    Action.USER_MANAGE: {_D: Scope.SYSTEM},
    Action.SOP_PUBLISH: {_D: Scope.SYSTEM},
    Action.SYSTEM_VERIFY: {_D: Scope.SYSTEM, _A: Scope.SYSTEM},
    Action.SYSTEM_BACKUP: {_D: Scope.SYSTEM},
    # Accepting a row changed outside the app (once investigated) as the record's state: administrators.
    Action.RECORD_ACCEPT_CHANGE: {_D: Scope.SYSTEM},
    Action.AUDIT_LOG_VIEW: {_D: Scope.SYSTEM, _A: Scope.SYSTEM},
    # Casework audit: auditors only, force-wide (independence is checked per case in the services).
    # Remedial actions are seen and completed by their owner, whose case scope the row below bounds.
    Action.AUDIT_ROUND_MANAGE: {_A: Scope.FORCE},
    Action.AUDIT_ROUND_VIEW: {_A: Scope.FORCE},
    Action.CASE_AUDIT: {_A: Scope.FORCE},
    Action.CASE_AUDIT_MODERATE: {_A: Scope.FORCE},
    Action.REMEDIAL_VIEW: {_I: Scope.DISTRICT, _S: Scope.DISTRICT, _N: Scope.DISTRICT, _A: Scope.FORCE},
    Action.REMEDIAL_COMPLETE: {_I: Scope.DISTRICT, _S: Scope.DISTRICT, _N: Scope.DISTRICT},
    Action.REMEDIAL_FOLLOW_UP: {_A: Scope.FORCE},
    # Supervisory reviews (with their directions and sign-off) are the supervisor's; a directed action is
    # completed by its owner, who may be any investigator or supervisor of the team.
    Action.REVIEW_RECORD: {_S: Scope.TEAM},
    Action.DIRECTION_COMPLETE: {_I: Scope.TEAM, _S: Scope.TEAM},
    # Reports are disclosures of case content: supervisors for their district, auditors force-wide.
    Action.REPORT_CASEWORK: {_S: Scope.DISTRICT, _A: Scope.FORCE},
    Action.REPORT_COMPLIANCE: {_S: Scope.DISTRICT, _A: Scope.FORCE},
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user, as the services see them."""

    user_id: int
    username: str
    display_name: str
    role: Role
    team_id: int | None
    district_id: int | None


@dataclass(frozen=True, slots=True)
class CaseScope:
    """The facts about a case that decide whether an actor may touch it."""

    district_id: int
    team_id: int | None
    officer_id: int | None
    supervisor_id: int | None


class PermissionDenied(Exception):
    def __init__(self, actor: Actor, action: Action, why: str) -> None:
        super().__init__(f"{actor.username} ({actor.role.value}) may not {describe(action)}: {why}")
        self.action = action
        self.why = why


_DESCRIPTIONS = {
    Action.CASE_VIEW: "view this case",
    Action.CASE_LIST: "list cases",
    Action.CASE_OPEN: "open a case",
    Action.CASE_EDIT: "change this case",
    Action.CASE_REASSIGN: "reassign this case",
    Action.CASE_CLOSE: "close this case",
    Action.CASE_REOPEN: "reopen this case",
    Action.CASE_MIGRATE_VERSION: "move this case to another procedure version",
    Action.STEP_RECORD: "record this step",
    Action.STEP_REOPEN: "reopen a completed step",
    Action.STEP_AGREE_NOT_APPLICABLE: "agree or refuse that a mandatory step does not apply",
    Action.EVENT_RECORD: "record an event on this case",
    Action.DECISION_ADD: "add a decision to this case",
    Action.INTEL_SUBMIT: "submit intelligence",
    Action.INTEL_ROUTE: "route intelligence",
    Action.INTEL_ASSESS: "assess intelligence",
    Action.INTEL_ACTION: "record action on intelligence",
    Action.RISK_ASSESS: "record a risk assessment",
    Action.RISK_COUNTERSIGN: "countersign a risk override",
    Action.MISSING_RECORD: "record a missing episode",
    Action.WORKLOAD_VIEW: "view team workload",
    Action.DISTRICT_DUTY_RECORD: "record a district duty",
    Action.USER_MANAGE: "manage user accounts",
    Action.SOP_PUBLISH: "publish a procedure version",
    Action.SYSTEM_VERIFY: "verify the database",
    Action.SYSTEM_BACKUP: "back up the database",
    Action.RECORD_ACCEPT_CHANGE: "accept a change made outside the app",
    Action.AUDIT_LOG_VIEW: "view the audit log",
    Action.AUDIT_ROUND_MANAGE: "create or draw an audit round",
    Action.AUDIT_ROUND_VIEW: "view audit rounds",
    Action.CASE_AUDIT: "audit this case",
    Action.CASE_AUDIT_MODERATE: "moderate this audit",
    Action.REMEDIAL_VIEW: "view remedial actions",
    Action.REMEDIAL_COMPLETE: "complete this remedial action",
    Action.REMEDIAL_FOLLOW_UP: "follow up remedial actions",
    Action.REVIEW_RECORD: "record or sign a supervisory review",
    Action.DIRECTION_COMPLETE: "complete a directed action",
    Action.REPORT_CASEWORK: "produce a casework audit report on this case",
    Action.REPORT_COMPLIANCE: "produce a compliance report for these districts",
}


def describe(action: Action) -> str:
    return _DESCRIPTIONS[action]


def scope_for(role: Role, action: Action) -> Scope:
    return MATRIX[action].get(role, Scope.NONE)


def allowed(actor: Actor, action: Action, case: CaseScope | None = None) -> bool:
    return _refusal(actor, action, case) is None


def require(actor: Actor, action: Action, case: CaseScope | None = None) -> None:
    why = _refusal(actor, action, case)
    if why is not None:
        raise PermissionDenied(actor, action, why)


def _refusal(actor: Actor, action: Action, case: CaseScope | None) -> str | None:
    scope = scope_for(actor.role, action)
    if scope is Scope.NONE:
        return "the role does not allow it"
    if scope in (Scope.SYSTEM, Scope.FORCE) or case is None:
        return None
    if scope is Scope.DISTRICT:
        return None if case.district_id == actor.district_id else "the case belongs to another district"
    involved = actor.user_id in (case.officer_id, case.supervisor_id)
    if scope is Scope.OWN:
        return None if involved else "the case is not yours"
    same_team = actor.team_id is not None and case.team_id == actor.team_id
    return None if (involved or same_team) else "the case belongs to another team"


def may_work_step(actor: Actor, step_role: StepRole) -> bool:
    """Whether the actor's role may complete a step owned by `step_role`.

    Supervisors may also complete investigator steps (they often do the work themselves);
    nobody but a supervisor completes a supervisor's step, because those are oversight."""
    if actor.role in step_role.roles():
        return True
    return actor.role is Role.SUPERVISOR and step_role is StepRole.INVESTIGATOR
