"""Auditing one sampled case: the form from the SOP's audit template, remedial actions, sign-off,
addenda and moderation.

A signed audit is never edited. Corrections are addenda, signed too; a second auditor's moderation is a
record of its own. Every read and change is audited, and every write checks again that the auditor had no
hand in the case (officer, supervisor or writer), since that can change after the round was drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core import audit_grading as grading
from checklist_app.core.audit_independence import Involvement, conflict
from checklist_app.core.deadlines import due_at
from checklist_app.core.permissions import Action, Actor, CaseScope, allowed, require
from checklist_app.core.procedure.model import AuditTemplate, Procedure, Role
from checklist_app.core.signatures import Meaning
from checklist_app.services import signatures
from checklist_app.services.audit_dto import AddendumView, AuditForm, AuditItemView, ModerationView
from checklist_app.services.audit_rounds import case_writers
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.services.remedial import PRIORITIES, remedial_views
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import (
    AuditAddendum,
    AuditModeration,
    AuditRound,
    Case,
    CaseAudit,
    District,
    RemedialAction,
    User,
    object_type_of,
)

MAX_TEXT = 8000
REMEDIAL_OWNER_ROLES = (Role.INVESTIGATOR, Role.SUPERVISOR, Role.INTELLIGENCE_OFFICER)


def audit_form(ctx: ServiceContext, actor: Actor, audit_id: int) -> AuditForm:
    """The audit form as it stands, with the template's questions, the score and the grade rules' verdict."""
    require(actor, Action.CASE_AUDIT)
    now = ctx.now()
    with ctx.db.write() as session:
        audit, _round = _load(session, audit_id)
        record(
            session,
            who(actor),
            audit,
            operation=Operation.CONSULTATION,
            action="case_audit.view",
            at=now,
            case_id=audit.case_id,
        )
        return _form(session, ctx, audit, now)


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
        audit, round_ = _load(session, audit_id)
        _require_auditor(session, ctx, actor, audit)
        _require_unsigned(audit)
        template = _template(session, ctx, round_)
        clean_grades = {k: v for k, v in grades.items() if v}
        clean_comments = {k: v.strip() for k, v in comments.items() if v and v.strip()}
        _check(template, clean_grades, clean_comments, overall_grade, rationale, final=False)
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
        return _form(session, ctx, audit, now)


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
        audit, round_ = _load(session, audit_id)
        _require_auditor(session, ctx, actor, audit)
        _require_unsigned(audit)
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
        return _form(session, ctx, audit, now)


def withdraw_remedial_action(ctx: ServiceContext, actor: Actor, action_id: int) -> AuditForm:
    """Take a remedial action off an audit that is not yet signed (after signing, write an addendum)."""
    require(actor, Action.CASE_AUDIT)
    now = ctx.now()
    with ctx.db.write() as session:
        action = session.get(RemedialAction, action_id)
        if action is None:
            raise NotFound(f"There is no remedial action {action_id}.")
        audit, _round = _load(session, action.audit_id)
        _require_auditor(session, ctx, actor, audit)
        _require_unsigned(audit)
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
        return _form(session, ctx, audit, now)


def sign_audit(ctx: ServiceContext, actor: Actor, audit_id: int, password: str) -> AuditForm:
    """Sign the audit off: every item graded, an overall grade within the critical items' cap and a
    rationale; the password is entered again. After this the audit and its remedial actions are fixed."""
    require(actor, Action.CASE_AUDIT)

    def change(session: Session, now: datetime) -> AuditForm:
        audit, round_ = _load(session, audit_id)
        _require_auditor(session, ctx, actor, audit)
        _require_unsigned(audit)
        template = _template(session, ctx, round_)
        _check(template, audit.grades, audit.comments, audit.overall_grade, audit.rationale, final=True)
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
        return _form(session, ctx, audit, now)

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
        audit, round_ = _load(session, audit_id)
        _require_independent(session, ctx, actor, audit)
        if audit.status != "signed":
            raise Conflict("The audit is not signed yet: change it directly instead of adding an addendum.")
        if revised_grade:
            template = _template(session, ctx, round_)
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
        return _form(session, ctx, audit, now)

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
        audit, round_ = _load(session, audit_id)
        if audit.status != "signed":
            raise Conflict("Only a signed audit can be moderated.")
        if actor.user_id == audit.auditor_id:
            raise Conflict("A moderator must be another auditor than the one who signed the audit.")
        _require_independent(session, ctx, actor, audit)
        template = _template(session, ctx, round_)
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
        effective = _effective_grade(session, audit)
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
        return _form(session, ctx, audit, now)

    return signatures.signed_change(ctx, actor, password, "sign a moderation", change)


# --- shared -------------------------------------------------------------------------------------------


def _load(session: Session, audit_id: int) -> tuple[CaseAudit, AuditRound]:
    audit = session.get(CaseAudit, audit_id)
    if audit is None:
        raise NotFound(f"There is no case audit {audit_id}.")
    round_ = session.get(AuditRound, audit.round_id)
    assert round_ is not None
    return audit, round_


def _require_unsigned(audit: CaseAudit) -> None:
    if audit.status == "signed":
        raise Conflict("This audit is signed and cannot be changed: add a signed addendum to correct it.")


def _require_auditor(session: Session, ctx: ServiceContext, actor: Actor, audit: CaseAudit) -> None:
    if actor.user_id != audit.auditor_id:
        raise Conflict("Only the round's auditor can grade this audit; another auditor may moderate it once signed.")
    _require_independent(session, ctx, actor, audit)


def _require_independent(session: Session, ctx: ServiceContext, actor: Actor, audit: CaseAudit) -> None:
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


def _template(session: Session, ctx: ServiceContext, round_: AuditRound) -> AuditTemplate:
    return ctx.procedure(session, round_.procedure_version_id).audit_template


def _check(
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


def _scope(case: Case) -> CaseScope:
    return CaseScope(case.district_id, case.team_id, case.officer_id, case.supervisor_id)


def _owner_actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.display_name, Role(user.role), user.team_id, user.district_id)


def _effective_grade(session: Session, audit: CaseAudit) -> str:
    revised = session.scalars(
        select(AuditAddendum.revised_grade)
        .where(AuditAddendum.audit_id == audit.id, AuditAddendum.revised_grade != "")
        .order_by(AuditAddendum.id.desc())
    ).first()
    return revised or audit.overall_grade


def item_labels(procedure: Procedure) -> dict[str, str]:
    """Each audit item in words: its phase (number and title), its place in the phase and the steps it looks
    at. Readers never see the template's ids."""
    phases = {p.id: p for p in procedure.phases}
    numbers = {s.id: s.number for p in procedure.phases for s in p.steps}
    labels: dict[str, str] = {}
    counts: dict[str, int] = {}
    for item in procedure.audit_template.items:
        counts[item.phase_id] = counts.get(item.phase_id, 0) + 1
        phase = phases.get(item.phase_id)
        where = f"Phase {phase.number}, {phase.title}" if phase is not None else "Whole case"
        steps = [numbers[s] for s in item.steps if s in numbers]
        looks_at = f" (step{'s' if len(steps) > 1 else ''} {', '.join(steps)})" if steps else ""
        labels[item.id] = f"{where}: item {counts[item.phase_id]}{looks_at}"
    return labels


def _form(session: Session, ctx: ServiceContext, audit: CaseAudit, now: datetime) -> AuditForm:
    session.flush()
    round_ = session.get(AuditRound, audit.round_id)
    case = session.get(Case, audit.case_id)
    assert round_ is not None and case is not None
    procedure = ctx.procedure(session, round_.procedure_version_id)
    template = procedure.audit_template
    district = session.get(District, case.district_id)
    addenda = list(
        session.scalars(select(AuditAddendum).where(AuditAddendum.audit_id == audit.id).order_by(AuditAddendum.id))
    )
    moderations = list(
        session.scalars(
            select(AuditModeration).where(AuditModeration.audit_id == audit.id).order_by(AuditModeration.id)
        )
    )
    ids = [audit.auditor_id, *(a.author_id for a in addenda), *(m.moderator_id for m in moderations)]
    names = {r[0]: r[1] for r in session.execute(select(User.id, User.display_name).where(User.id.in_(set(ids))))}
    sigs = signatures.signatures_on(session, object_type_of(CaseAudit), [audit.id])
    add_sigs = signatures.signatures_on(session, object_type_of(AuditAddendum), [a.id for a in addenda])
    mod_sigs = signatures.signatures_on(session, object_type_of(AuditModeration), [m.id for m in moderations])
    result = grading.assess(template, audit.grades)
    labels = item_labels(procedure)
    items = tuple(
        AuditItemView(
            i.id,
            i.phase_id,
            i.compliance_question,
            i.quality_question,
            i.critical,
            i.steps,
            str(audit.grades.get(i.id, "")),
            str(audit.comments.get(i.id, "")),
            labels[i.id],
        )
        for i in template.items
    )
    actions = list(
        session.scalars(select(RemedialAction).where(RemedialAction.audit_id == audit.id).order_by(RemedialAction.id))
    )
    return AuditForm(
        id=audit.id,
        round_id=round_.id,
        round_period=round_.period,
        case_id=case.id,
        case_reference=case.reference,
        case_district=district.code if district else "",
        auditor_id=audit.auditor_id,
        auditor=names.get(audit.auditor_id, ""),
        status=audit.status,
        template_title=template.title,
        item_grades=tuple((g.id, g.label) for g in template.item_grades),
        overall_grades=tuple((g.id, g.label) for g in template.overall_grades),
        items=items,
        overall_grade=audit.overall_grade,
        rationale=audit.rationale,
        score=result.score,
        indicated_grade=result.indicated.id if result.indicated else "",
        cap=result.cap.id,
        critical_failures=result.critical_failures,
        remedial_actions=tuple(remedial_views(session, actions, now)),
        addenda=tuple(
            AddendumView(
                a.id,
                names.get(a.author_id, ""),
                a.created_at,
                a.text,
                a.revised_grade,
                a.revised_rationale,
                " | ".join(v.line() for v in add_sigs.get(a.id, [])),
            )
            for a in addenda
        ),
        moderations=tuple(
            ModerationView(
                m.id,
                names.get(m.moderator_id, ""),
                m.created_at,
                m.overall_grade,
                m.agrees,
                dict(m.differences),
                m.note,
                " | ".join(v.line() for v in mod_sigs.get(m.id, [])),
            )
            for m in moderations
        ),
        signatures=tuple(v.line() for v in sigs.get(audit.id, [])),
        signed_at=audit.signed_at,
        moderation_due=case.id in round_.moderation,
        remedial_due={p: due_at(now, d, ctx.calendar) for p, d in procedure.settings.remedial_due.items()},
    )
