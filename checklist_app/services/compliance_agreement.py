"""Compliance figures and the supervisor's agreement: a mandatory step marked not applicable is not counted
as "not applicable with a reason" until a supervisor has agreed (issue 11); the report counts it apart, as
awaiting agreement.

One aggregate query, grouped on the server like the rest of compliance.py. A step counts as agreed when an
"agreed not applicable" signature on its record was given at or after the record's last change: a signature
binds that time among what it signs (StepRecord.SIGNED_FIELDS), so any later change through the app leaves
it behind. A change made outside the app (to the database directly) is what `checklist-app verify` is for:
it checks each signature's hash and names the broken ones; these figures do not hash every record.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from checklist_app.core.procedure.model import Requirement
from checklist_app.core.signatures import Meaning
from checklist_app.services.compliance_figures import ComplianceFigures, Period
from checklist_app.services.context import ServiceContext
from checklist_app.store.models import Case, ProcedureVersion, Signature, StepRecord, object_type_of
from checklist_app.store.sqlfuncs import year_month


def unagreed_not_applicable(
    session: Session, ctx: ServiceContext, ids: tuple[int, ...], period: Period
) -> list[tuple[int, str, str, int]]:
    """(district id, month, reason, steps): mandatory steps marked not applicable in the period without an
    agreement given since their last change."""
    versions = session.scalars(select(ProcedureVersion.id)).all()
    mandatory = []
    for version_id in versions:
        steps = [s.id for s in ctx.procedure(session, version_id).steps if s.requirement is Requirement.MANDATORY]
        if steps:
            mandatory.append(and_(Case.procedure_version_id == version_id, StepRecord.step_id.in_(steps)))
    sr = StepRecord
    agreed = exists().where(
        Signature.object_type == object_type_of(StepRecord),
        Signature.object_id == sr.id,
        Signature.meaning == Meaning.AGREED_NOT_APPLICABLE.value,
        Signature.signed_at >= sr.updated_at,
    )
    month = year_month(sr.updated_at).label("month")
    rows = session.execute(
        select(Case.district_id, month, sr.reason, func.count())
        .join(Case, Case.id == sr.case_id)
        .where(
            sr.status == "not_applicable",
            sr.retired.is_(False),
            sr.updated_at >= period.start_at,
            sr.updated_at < period.end_at,
            Case.district_id.in_(ids),
            or_(*mandatory) if mandatory else false(),
            ~agreed,
        )
        .group_by(Case.district_id, month, sr.reason)
    ).all()
    return [(int(d), str(m), str(r), int(n)) for d, m, r, n in rows]


def hold_back_unagreed(
    session: Session, ctx: ServiceContext, figures: ComplianceFigures, districts: tuple[tuple[int, str], ...]
) -> None:
    """Take the unagreed steps out of the not-applicable counts and reasons, counting them per district in
    `figures.na_awaiting` instead."""
    names = dict(districts)
    for district_id, month, reason, count in unagreed_not_applicable(session, ctx, tuple(names), figures.period):
        name = names[district_id]
        counts = figures.steps.get((name, month))
        if counts is not None:
            counts.not_applicable = max(0, counts.not_applicable - count)
        figures.na_awaiting[name] = figures.na_awaiting.get(name, 0) + count
        reasons = figures.na_reasons.get(name, [])
        figures.na_reasons[name] = [(r, n - count if r == reason else n) for r, n in reasons]
    for name, reasons in list(figures.na_reasons.items()):
        kept = sorted(((r, n) for r, n in reasons if n > 0), key=lambda rn: (-rn[1], rn[0]))
        if kept:
            figures.na_reasons[name] = kept
        else:
            del figures.na_reasons[name]
