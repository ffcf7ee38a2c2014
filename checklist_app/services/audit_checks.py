"""The checks every change to a case audit makes: the audit exists and is unsigned, the actor is its
auditor and had no hand in the case, and the grades follow the template's rules."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core import audit_grading as grading
from checklist_app.core.audit_independence import Involvement, conflict
from checklist_app.core.permissions import Actor
from checklist_app.core.procedure.model import AuditTemplate
from checklist_app.services.audit_rounds import case_writers
from checklist_app.services.context import ServiceContext
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.store.models import (
    AuditAddendum,
    AuditRound,
    Case,
    CaseAudit,
    User,
)

MAX_TEXT = 8000


def load_audit(session: Session, audit_id: int) -> tuple[CaseAudit, AuditRound]:
    audit = session.get(CaseAudit, audit_id)
    if audit is None:
        raise NotFound(f"There is no case audit {audit_id}.")
    round_ = session.get(AuditRound, audit.round_id)
    assert round_ is not None
    return audit, round_


def require_unsigned(audit: CaseAudit) -> None:
    if audit.status == "signed":
        raise Conflict("This audit is signed and cannot be changed: add a signed addendum to correct it.")


def require_auditor(session: Session, ctx: ServiceContext, actor: Actor, audit: CaseAudit) -> None:
    if actor.user_id != audit.auditor_id:
        raise Conflict("Only the round's auditor can grade this audit; another auditor may moderate it once signed.")
    require_independent(session, ctx, actor, audit)


def require_independent(session: Session, ctx: ServiceContext, actor: Actor, audit: CaseAudit) -> None:
    case = session.get(Case, audit.case_id)
    user = session.get(User, actor.user_id)
    round_ = session.get(AuditRound, audit.round_id)
    assert case is not None and round_ is not None
    involvement = Involvement(case.officer_id, case.supervisor_id, case.team_id, case_writers(session, case.id))
    # The team rule follows the settings of the procedure the round was drawn under.
    block_team = ctx.procedure(session, round_.procedure_version_id).settings.audit_block_team
    reason = conflict(actor.user_id, user.team_id if user else actor.team_id, involvement, block_team)
    if reason is not None:
        raise Conflict(f"You cannot audit case {case.reference}: {reason.describe()}.")


def template_of(session: Session, ctx: ServiceContext, round_: AuditRound) -> AuditTemplate:
    return ctx.procedure(session, round_.procedure_version_id).audit_template


def check_grades(
    template: AuditTemplate,
    grades: Mapping[str, str],
    comments: Mapping[str, str],
    overall: str,
    rationale: str,
    *,
    final: bool,
) -> None:
    found = grading.problems(template, grades, comments, overall or None, rationale, final=final)
    if found:
        raise InvalidInput(
            [FieldProblem(p.item_id or "overall_grade", p.item_id or "Overall grade", p.message) for p in found]
        )


def effective_grade(session: Session, audit: CaseAudit) -> str:
    revised = session.scalars(
        select(AuditAddendum.revised_grade)
        .where(AuditAddendum.audit_id == audit.id, AuditAddendum.revised_grade != "")
        .order_by(AuditAddendum.id.desc())
    ).first()
    return revised or audit.overall_grade
