"""The CaseDetail of a loaded case: what a case read, or a change that shows the case again, hands back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.agreement import overdue_step_ids, schedule_counting_awaiting
from checklist_app.core.permissions import Action, Actor
from checklist_app.services import case_state as cs
from checklist_app.services import risk as risk_service
from checklist_app.services import signatures, views
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import CaseDetail
from checklist_app.services.procedures import find_version
from checklist_app.services.step_agreement import awaiting_agreement
from checklist_app.store.models import (
    Case,
    Decision,
    District,
    IntelligenceItem,
    ProcedureVersion,
    RiskAssessment,
    Team,
    object_type_of,
)


def detail_of(session: Session, ctx: ServiceContext, loaded: cs.LoadedCase, actor: Actor, now: datetime) -> CaseDetail:
    case, procedure = loaded.case, loaded.procedure
    schedule = cs.schedule_of(ctx, loaded, now)
    decisions = list(
        session.scalars(select(Decision).where(Decision.case_id == case.id).order_by(Decision.decided_at.desc()))
    )
    intel = list(
        session.scalars(
            select(IntelligenceItem)
            .where(IntelligenceItem.case_id == case.id)
            .order_by(IntelligenceItem.submitted_at.desc())
        )
    )
    ids = [
        case.officer_id,
        case.supervisor_id,
        *(r.completed_by for r in loaded.records.values()),
        *(e.recorded_by for e in loaded.events),
        *(d.author_id for d in decisions),
        *(x for i in intel for x in (i.submitted_by, i.routed_to, i.assessed_by, i.actioned_by)),
        *(x for a in loaded.risk for x in (a.assessor_id, a.countersigned_by)),
        *(m.recorded_by for m in loaded.missing),
    ]
    names = views.user_names(session, ids)
    district = session.get(District, case.district_id)
    team = session.get(Team, case.team_id) if case.team_id else None
    version = session.get(ProcedureVersion, case.procedure_version_id)
    facts, derived = views.facts_for_view(loaded)
    signed = signatures.signatures_on(session, object_type_of(RiskAssessment), [a.id for a in loaded.risk])
    risk = tuple(views.risk_view(procedure, a, names, signed.get(a.id, [])) for a in loaded.risk)
    review_due, review_waiting = risk_service.next_review_due(schedule, loaded.risk[0] if loaded.risk else None)
    awaiting = awaiting_agreement(session, loaded)
    # The header's overdue count follows the case list's rule: a step awaiting agreement is open until agreed.
    counted = (
        schedule_counting_awaiting(procedure, cs.situation(loaded), now, ctx.calendar, awaiting)
        if awaiting
        else schedule
    )
    return CaseDetail(
        id=case.id,
        reference=case.reference,
        status=case.status,
        district_id=case.district_id,
        district_name=district.name if district else "",
        team_id=case.team_id,
        team_name=team.name if team else "",
        officer_id=case.officer_id,
        officer_name=names.get(case.officer_id or 0, ""),
        supervisor_id=case.supervisor_id,
        supervisor_name=names.get(case.supervisor_id or 0, ""),
        referral_at=case.referral_at,
        referral_source=case.referral_source,
        subject_ref=case.subject_ref,
        date_of_birth=case.date_of_birth,
        age_band=case.age_band or "",
        circumstances=case.circumstances,
        priority=case.priority,
        facts=facts,
        derived_facts=derived,
        opened_at=case.opened_at,
        closed_at=case.closed_at,
        closure_reason=case.closure_reason,
        procedure_version_id=case.procedure_version_id,
        procedure_label=f"{version.procedure_id} v{version.version}" if version else "",
        phases=views.phase_views(procedure, schedule, awaiting, counted if awaiting else None),
        steps=views.step_views(loaded, schedule, names, actor, awaiting),
        events=views.event_views(loaded, names),
        decisions=tuple(views.decision_view(d, names) for d in decisions),
        intelligence=tuple(views.intelligence_view(ctx, procedure, i, names, now) for i in intel),
        risk_assessments=risk,
        missing_episodes=tuple(views.missing_view(m, names, now) for m in loaded.missing),
        as_of=now,
        viewer_may_edit=_may_edit(actor, case),
        viewer_role=actor.role.value,
        risk_review_due=review_due,
        risk_review_waiting=review_waiting,
        manual_events=tuple((e.id, e.title) for e in procedure.events if e.source == "manual"),
        newer_version=_newer_version(session, version),
        overdue_step_ids=overdue_step_ids(counted, now) if case.status == "open" else (),
    )


def _newer_version(session: Session, current: ProcedureVersion | None) -> str:
    if current is None:
        return ""
    latest = find_version(session, current.procedure_id)
    return latest.version if latest.id > current.id else ""


def _may_edit(actor: Actor, case: Case) -> bool:
    from checklist_app.core.permissions import allowed

    return case.status == "open" and allowed(actor, Action.STEP_RECORD, cs.scope_of(case))
