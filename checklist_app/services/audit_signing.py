"""Signed changes to a case audit: the auditor's sign-off, signed addenda that correct it and a second
auditor's moderation. Each needs the password again."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from checklist_app.core import audit_grading as grading
from checklist_app.core.permissions import Action, Actor, require
from checklist_app.core.signatures import Meaning
from checklist_app.services import signatures
from checklist_app.services.audit_checks import (
    MAX_TEXT,
    check_grades,
    effective_grade,
    load_audit,
    require_auditor,
    require_independent,
    require_unsigned,
    template_of,
)
from checklist_app.services.audit_dto import AuditForm
from checklist_app.services.audit_view import form_of
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import (
    AuditAddendum,
    AuditModeration,
)


def sign_audit(ctx: ServiceContext, actor: Actor, audit_id: int, password: str) -> AuditForm:
    """Sign the audit off: every item graded, an overall grade within the critical items' cap and a
    rationale; the password is entered again. After this the audit and its remedial actions are fixed."""
    require(actor, Action.CASE_AUDIT)

    def change(session: Session, now: datetime) -> AuditForm:
        audit, round_ = load_audit(session, audit_id)
        require_auditor(session, ctx, actor, audit)
        require_unsigned(audit)
        template = template_of(session, ctx, round_)
        check_grades(template, audit.grades, audit.comments, audit.overall_grade, audit.rationale, final=True)
        result = grading.assess(template, audit.grades)
        audit.score = "" if result.score is None else f"{result.score:.4f}"
        audit.status = "signed"
        audit.signed_at = now
        audit.updated_at = now
        record(
            session,
            who(actor),
            audit,
            operation=Operation.ALTERATION,
            action="case_audit.sign",
            at=now,
            case_id=audit.case_id,
        )
        signatures.add_signature(session, actor, now, audit, Meaning.AUDIT_COMPLETED, case_id=audit.case_id)
        return form_of(session, ctx, audit, now)

    return signatures.signed_change(ctx, actor, password, "sign an audit", change)


def add_addendum(
    ctx: ServiceContext,
    actor: Actor,
    audit_id: int,
    *,
    text: str,
    password: str,
    revised_grade: str = "",
    revised_rationale: str = "",
) -> AuditForm:
    """Correct a signed audit with a signed addendum; it may revise the overall grade (within the cap)."""
    require(actor, Action.CASE_AUDIT)
    problems: list[FieldProblem] = []
    if not text.strip():
        problems.append(FieldProblem("text", "Addendum", "say what is corrected and why"))
    elif len(text) > MAX_TEXT:
        problems.append(FieldProblem("text", "Addendum", f"is too long (at most {MAX_TEXT} characters)"))
    if revised_grade and not revised_rationale.strip():
        problems.append(FieldProblem("revised_rationale", "Rationale", "a revised grade needs its rationale"))
    if problems:
        raise InvalidInput(problems)

    def change(session: Session, now: datetime) -> AuditForm:
        audit, round_ = load_audit(session, audit_id)
        require_independent(session, ctx, actor, audit)
        if audit.status != "signed":
            raise Conflict("The audit is not signed yet: change it directly instead of adding an addendum.")
        if revised_grade:
            template = template_of(session, ctx, round_)
            found = grading.problems(
                template, audit.grades, audit.comments, revised_grade, revised_rationale, final=True
            )
            if found:
                raise InvalidInput([FieldProblem("revised_grade", "Revised grade", p.message) for p in found])
        addendum = AuditAddendum(
            audit_id=audit.id,
            author_id=actor.user_id,
            created_at=now,
            text=text.strip(),
            revised_grade=revised_grade,
            revised_rationale=revised_rationale.strip(),
        )
        session.add(addendum)
        record(
            session,
            who(actor),
            addendum,
            operation=Operation.COLLECTION,
            action="case_audit.addendum",
            at=now,
            case_id=audit.case_id,
        )
        signatures.add_signature(session, actor, now, addendum, Meaning.ADDENDUM, case_id=audit.case_id)
        return form_of(session, ctx, audit, now)

    return signatures.signed_change(ctx, actor, password, "sign an audit addendum", change)


def moderate_audit(
    ctx: ServiceContext,
    actor: Actor,
    audit_id: int,
    *,
    overall_grade: str,
    password: str,
    item_grades: Mapping[str, str] | None = None,
    item_comments: Mapping[str, str] | None = None,
    note: str = "",
) -> AuditForm:
    """A second auditor checks a signed audit: their overall grade, any items they would grade otherwise
    (with why), and a note. Disagreements are recorded as they are; the audit itself is not changed."""
    require(actor, Action.CASE_AUDIT_MODERATE)

    def change(session: Session, now: datetime) -> AuditForm:
        audit, round_ = load_audit(session, audit_id)
        if audit.status != "signed":
            raise Conflict("Only a signed audit can be moderated.")
        if actor.user_id == audit.auditor_id:
            raise Conflict("A moderator must be another auditor than the one who signed the audit.")
        require_independent(session, ctx, actor, audit)
        template = template_of(session, ctx, round_)
        overall_ids = [g.id for g in template.overall_grades]
        problems: list[FieldProblem] = []
        if overall_grade not in overall_ids:
            problems.append(FieldProblem("overall_grade", "Overall grade", f"must be one of: {', '.join(overall_ids)}"))
        differences: dict[str, dict[str, str]] = {}
        comments = item_comments or {}
        for item_id, grade in (item_grades or {}).items():
            if not grade or grade == audit.grades.get(item_id):
                continue
            found = grading.problems(
                template, {item_id: grade}, {item_id: comments.get(item_id, "x")}, None, "", final=False
            )
            if found:
                problems += [FieldProblem(item_id, item_id, p.message) for p in found]
            elif not comments.get(item_id, "").strip():
                problems.append(FieldProblem(item_id, item_id, "say why you grade this item differently"))
            else:
                differences[item_id] = {
                    "auditor": str(audit.grades.get(item_id, "")),
                    "moderator": grade,
                    "comment": comments[item_id].strip(),
                }
        if problems:
            raise InvalidInput(problems)
        effective = effective_grade(session, audit)
        moderation = AuditModeration(
            audit_id=audit.id,
            moderator_id=actor.user_id,
            created_at=now,
            overall_grade=overall_grade,
            differences=differences,
            agrees=overall_grade == effective and not differences,
            note=note.strip(),
        )
        session.add(moderation)
        record(
            session,
            who(actor),
            moderation,
            operation=Operation.COLLECTION,
            action="case_audit.moderate",
            at=now,
            case_id=audit.case_id,
        )
        signatures.add_signature(session, actor, now, moderation, Meaning.MODERATED, case_id=audit.case_id)
        return form_of(session, ctx, audit, now)

    return signatures.signed_change(ctx, actor, password, "sign a moderation", change)
