"""Auditing one sampled case before sign-off: the form from the SOP's audit template, draft grades and
comments, and remedial actions. Sign-off, addenda and moderation are in audit_signing.py.

A signed audit is never edited. Corrections are addenda, signed too; a second auditor's moderation is a
record of its own. Every read and change is audited, and every write checks again that the auditor had no
hand in the case (officer, supervisor or writer), since that can change after the round was drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from checklist_app.core.deadlines import due_at
from checklist_app.core.permissions import Action, Actor, CaseScope, allowed, require
from checklist_app.core.procedure.model import Role
from checklist_app.services.audit_checks import (
    MAX_TEXT,
    check_grades,
    load_audit,
    require_auditor,
    require_unsigned,
    template_of,
)
from checklist_app.services.audit_dto import AuditForm
from checklist_app.services.audit_view import form_of
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import FieldProblem, InvalidInput, NotFound
from checklist_app.services.remedial import PRIORITIES
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import (
    Case,
    RemedialAction,
    User,
)

REMEDIAL_OWNER_ROLES = (Role.INVESTIGATOR, Role.SUPERVISOR, Role.INTELLIGENCE_OFFICER)


def audit_form(ctx: ServiceContext, actor: Actor, audit_id: int) -> AuditForm:
    """The audit form as it stands, with the template's questions, the score and the grade rules' verdict."""
    require(actor, Action.CASE_AUDIT)
    now = ctx.now()
    with ctx.db.write() as session:
        audit, _round = load_audit(session, audit_id)
        record(
            session,
            who(actor),
            audit,
            operation=Operation.CONSULTATION,
            action="case_audit.view",
            at=now,
            case_id=audit.case_id,
        )
        return form_of(session, ctx, audit, now)


def save_audit(
    ctx: ServiceContext,
    actor: Actor,
    audit_id: int,
    *,
    grades: Mapping[str, str],
    comments: Mapping[str, str],
    overall_grade: str = "",
    rationale: str = "",
) -> AuditForm:
    """Save the auditor's grades and comments as a draft (items may still be ungraded)."""
    require(actor, Action.CASE_AUDIT)
    now = ctx.now()
    with ctx.db.write() as session:
        audit, round_ = load_audit(session, audit_id)
        require_auditor(session, ctx, actor, audit)
        require_unsigned(audit)
        template = template_of(session, ctx, round_)
        clean_grades = {k: v for k, v in grades.items() if v}
        clean_comments = {k: v.strip() for k, v in comments.items() if v and v.strip()}
        check_grades(template, clean_grades, clean_comments, overall_grade, rationale, final=False)
        audit.grades = clean_grades
        audit.comments = clean_comments
        audit.overall_grade = overall_grade
        audit.rationale = rationale.strip()
        audit.status = "draft"
        audit.updated_at = now
        record(
            session,
            who(actor),
            audit,
            operation=Operation.ALTERATION,
            action="case_audit.save",
            at=now,
            case_id=audit.case_id,
        )
        return form_of(session, ctx, audit, now)


def raise_remedial_action(
    ctx: ServiceContext,
    actor: Actor,
    audit_id: int,
    *,
    description: str,
    owner_id: int,
    priority: str = "medium",
    due: datetime | None = None,
) -> AuditForm:
    """Add a remedial action to an unsigned audit. The due time defaults from the SOP settings
    (audit.remedial_due by priority). The owner sees it once the audit is signed."""
    require(actor, Action.CASE_AUDIT)
    now = ctx.now()
    problems: list[FieldProblem] = []
    if not description.strip():
        problems.append(FieldProblem("description", "Action", "say what must be put right"))
    elif len(description) > MAX_TEXT:
        problems.append(FieldProblem("description", "Action", f"is too long (at most {MAX_TEXT} characters)"))
    if priority not in PRIORITIES:
        problems.append(FieldProblem("priority", "Priority", f"must be one of: {', '.join(PRIORITIES)}"))
    if due is not None and due <= now:
        problems.append(FieldProblem("due", "Due", "must be in the future"))
    with ctx.db.write() as session:
        audit, round_ = load_audit(session, audit_id)
        require_auditor(session, ctx, actor, audit)
        require_unsigned(audit)
        owner = session.get(User, owner_id)
        case = session.get(Case, audit.case_id)
        assert case is not None
        if owner is None or not owner.active or Role(owner.role) not in REMEDIAL_OWNER_ROLES:
            problems.append(
                FieldProblem("owner", "Owner", "must be an active investigator, supervisor or intelligence officer")
            )
        elif not allowed(_owner_actor(owner), Action.REMEDIAL_COMPLETE, _scope(case)):
            problems.append(
                FieldProblem("owner", "Owner", f"{owner.display_name} cannot see this case (another district)")
            )
        if problems:
            raise InvalidInput(problems)
        assert owner is not None
        settings = ctx.procedure(session, round_.procedure_version_id).settings
        action = RemedialAction(
            audit_id=audit.id,
            case_id=audit.case_id,
            description=description.strip(),
            owner_id=owner.id,
            priority=priority,
            due_at=due or due_at(now, settings.remedial_due[priority], ctx.calendar),
            raised_at=now,
            raised_by=actor.user_id or None,
            status="open",
            completed_at=None,
            completed_by=None,
            completion_note="",
            follow_up="",
            followed_up_at=None,
            followed_up_by=None,
            follow_up_note="",
        )
        session.add(action)
        record(
            session,
            who(actor),
            action,
            operation=Operation.COLLECTION,
            action="remedial.raise",
            at=now,
            case_id=audit.case_id,
        )
        if audit.status == "pending":
            audit.status = "draft"
            audit.updated_at = now
            record(
                session,
                who(actor),
                audit,
                operation=Operation.ALTERATION,
                action="case_audit.save",
                at=now,
                case_id=audit.case_id,
            )
        return form_of(session, ctx, audit, now)


def withdraw_remedial_action(ctx: ServiceContext, actor: Actor, action_id: int) -> AuditForm:
    """Take a remedial action off an audit that is not yet signed (after signing, write an addendum)."""
    require(actor, Action.CASE_AUDIT)
    now = ctx.now()
    with ctx.db.write() as session:
        action = session.get(RemedialAction, action_id)
        if action is None:
            raise NotFound(f"There is no remedial action {action_id}.")
        audit, _round = load_audit(session, action.audit_id)
        require_auditor(session, ctx, actor, audit)
        require_unsigned(audit)
        record(
            session,
            who(actor),
            action,
            operation=Operation.ERASURE,
            action="remedial.withdraw",
            at=now,
            case_id=audit.case_id,
        )
        session.delete(action)
        session.flush()
        return form_of(session, ctx, audit, now)


def _scope(case: Case) -> CaseScope:
    return CaseScope(case.district_id, case.team_id, case.officer_id, case.supervisor_id)


def _owner_actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.display_name, Role(user.role), user.team_id, user.district_id)
