"""The audit form as auditors and moderators see it: the template's items in words, grades, remedial actions,
addenda and moderations, with their signatures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core import audit_grading as grading
from checklist_app.core.deadlines import due_at
from checklist_app.core.procedure.model import Procedure
from checklist_app.services import signatures
from checklist_app.services.audit_dto import AddendumView, AuditForm, AuditItemView, ModerationView
from checklist_app.services.context import ServiceContext
from checklist_app.services.remedial import remedial_views
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


def form_of(session: Session, ctx: ServiceContext, audit: CaseAudit, now: datetime) -> AuditForm:
    """The audit as it stands, with what was just added to the session (it is flushed first)."""
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
