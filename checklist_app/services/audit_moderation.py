"""Which signed audits an auditor may moderate: those the round picked for a second check, signed by someone
else, on cases the auditor is independent of, and not moderated yet. The moderation itself is
`audit_signing.moderate_audit`, which checks the same rules again when it is signed."""

from __future__ import annotations

from sqlalchemy import select

from checklist_app.core.audit_independence import Involvement, conflict
from checklist_app.core.permissions import Action, Actor, require
from checklist_app.services.audit_dto import ModerationDue
from checklist_app.services.audit_rounds import case_writers
from checklist_app.services.context import ServiceContext, who
from checklist_app.store.audit import Operation, append
from checklist_app.store.models import (
    AuditAddendum,
    AuditModeration,
    AuditRound,
    Case,
    CaseAudit,
    District,
    User,
    object_type_of,
)


def moderation_queue(ctx: ServiceContext, actor: Actor) -> list[ModerationDue]:
    """Audits waiting for this auditor's second check, oldest signed first."""
    require(actor, Action.CASE_AUDIT_MODERATE)
    now = ctx.now()
    with ctx.db.write() as session:
        moderated = select(AuditModeration.audit_id)
        rows = session.execute(
            select(CaseAudit, AuditRound, Case)
            .join(AuditRound, AuditRound.id == CaseAudit.round_id)
            .join(Case, Case.id == CaseAudit.case_id)
            .where(
                CaseAudit.status == "signed",
                CaseAudit.auditor_id != actor.user_id,
                CaseAudit.id.not_in(moderated),
            )
            .order_by(CaseAudit.signed_at, CaseAudit.id)
        ).all()
        user = session.get(User, actor.user_id)
        team_id = user.team_id if user else actor.team_id
        due: list[ModerationDue] = []
        for audit, round_, case in rows:
            if case.id not in round_.moderation:
                continue
            procedure = ctx.procedure(session, round_.procedure_version_id)
            involvement = Involvement(case.officer_id, case.supervisor_id, case.team_id, case_writers(session, case.id))
            if conflict(actor.user_id, team_id, involvement, procedure.settings.audit_block_team) is not None:
                continue
            revised = session.scalars(
                select(AuditAddendum.revised_grade)
                .where(AuditAddendum.audit_id == audit.id, AuditAddendum.revised_grade != "")
                .order_by(AuditAddendum.id.desc())
            ).first()
            labels = {g.id: g.label for g in procedure.audit_template.overall_grades}
            district = session.get(District, case.district_id)
            auditor = session.get(User, audit.auditor_id)
            due.append(
                ModerationDue(
                    audit_id=audit.id,
                    round_id=round_.id,
                    round_period=round_.period,
                    case_reference=case.reference,
                    case_district=district.code if district else "",
                    auditor=auditor.display_name if auditor else "",
                    signed_at=audit.signed_at,
                    overall_grade=labels.get(revised or audit.overall_grade, revised or audit.overall_grade),
                )
            )
        append(
            session,
            who(actor),
            operation=Operation.CONSULTATION,
            action="case_audit.moderation_queue",
            at=now,
            object_type=object_type_of(CaseAudit),
            details={"count": len(due)},
        )
        return due
