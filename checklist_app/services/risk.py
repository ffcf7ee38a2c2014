"""CSE risk assessments with the case's procedure's risk tool: score, band, override and countersignature.

An override (a final category other than the calculated one) needs a written reason and counts only once
a supervisor other than the assessor has countersigned it. Both categories are stored, with who and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from checklist_app.core.deadlines import due_at
from checklist_app.core.evidence import clean_evidence
from checklist_app.core.permissions import Action, Actor, may_work_step, require
from checklist_app.core.procedure.model import Role
from checklist_app.core.risk import (
    REVIEW_STEP,
    RiskAnswerError,
    band_by_category,
    normalise_answers,
    review_interval,
    score,
)
from checklist_app.core.schedule import StepSchedule, StepStatus
from checklist_app.core.signatures import Meaning
from checklist_app.services import case_state as cs
from checklist_app.services import signatures, views
from checklist_app.services.case_summary import refresh_summary
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import RiskAssessmentView
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound
from checklist_app.services.validation import check_moment
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import RiskAssessment, object_type_of


@dataclass
class RiskForm:
    answers: Mapping[str, object]
    evidence: Mapping[str, str] = field(default_factory=dict)  # indicator id -> source and date
    triggers: Iterable[str] = ()
    override_category: int | None = None
    override_reason: str = ""
    notes: str = ""
    assessed_at: datetime | None = None


def record_assessment(ctx: ServiceContext, actor: Actor, case_id: int, form: RiskForm) -> RiskAssessmentView:
    now = ctx.now()
    when = form.assessed_at or now
    with ctx.db.write() as session:
        loaded = cs.load_case(session, ctx, case_id, actor, Action.RISK_ASSESS)
        cs.require_open(loaded.case)
        tool = loaded.procedure.risk_tool
        problems = check_moment(when, now, "assessed_at", "Assessed at")
        try:
            result = score(tool, form.answers, form.triggers)
        except RiskAnswerError as exc:
            raise InvalidInput([FieldProblem("answers", "Answers", str(exc))]) from None
        final = result.calculated_category
        if form.override_category is not None and form.override_category != result.calculated_category:
            try:
                band_by_category(tool, form.override_category)
            except RiskAnswerError as exc:
                problems.append(FieldProblem("override_category", "Final category", str(exc)))
            if not form.override_reason.strip():
                problems.append(
                    FieldProblem(
                        "override_reason",
                        "Override reason",
                        "is required when the final category differs from the calculated one",
                    )
                )
            final = form.override_category
        answered = {k for k, v in normalise_answers(tool, form.answers).items() if v not in ("no", "absent")}
        unknown_evidence = set(form.evidence) - tool.indicator_ids()
        if unknown_evidence:
            problems.append(
                FieldProblem("evidence", "Evidence", f"unknown indicators: {', '.join(sorted(unknown_evidence))}")
            )
        missing_evidence = sorted(i for i in answered if not str(form.evidence.get(i, "")).strip())
        if missing_evidence:
            labels = {i.id: i.label for s in tool.sections for i in s.indicators}
            problems.append(
                FieldProblem(
                    "evidence",
                    "Evidence",
                    "record the source and date for each indicator present: "
                    + ", ".join(labels[i] for i in missing_evidence),
                )
            )
        if problems:
            raise InvalidInput(problems)
        band = band_by_category(tool, final)
        interval = review_interval(loaded.procedure, band.category, when, ctx.calendar)
        assessment = RiskAssessment(
            case_id=case_id,
            tool_id=tool.id,
            tool_version=tool.version,
            assessed_at=when,
            assessor_id=actor.user_id or None,
            answers=normalise_answers(tool, form.answers),
            evidence={k: str(v).strip() for k, v in form.evidence.items() if str(v).strip()},
            triggers=list(result.triggered_by),
            score=result.score,
            calculated_category=result.calculated_category,
            final_category=final,
            override_reason=form.override_reason.strip() if final != result.calculated_category else "",
            countersigned_by=None,
            countersigned_at=None,
            next_review_at=due_at(when, interval, ctx.calendar),
            notes=form.notes.strip(),
        )
        session.add(assessment)
        record(
            session,
            who(actor),
            assessment,
            operation=Operation.COLLECTION,
            action="risk.assess",
            at=now,
            case_id=case_id,
            details={"score": result.score, "calculated": result.calculated_category, "final": final},
        )
        loaded.risk.insert(0, assessment)
        session.flush()  # the assessment's id is the link the step records
        link_assessment_to_step(session, ctx, actor, loaded, assessment, now)
        refresh_summary(session, ctx, loaded, now)
        names = views.user_names(session, [actor.user_id])
        return views.risk_view(loaded.procedure, assessment, names)


# The step whose evidence a risk assessment recorded on the Risk tab is, and the evidence field that links to it.
ASSESSMENT_STEP, ASSESSMENT_LINK_FIELD = "risk.assess", "risk_assessment_reference"


def next_review_due(schedule: Mapping[str, StepSchedule], latest: RiskAssessment | None) -> tuple[datetime | None, str]:
    """One rule, one date: the next risk review is when the reassessment step (4.6) falls due, so the case
    header and the step can never disagree (an assessment's stored review date follows its own category,
    which an uncountersigned override or an older procedure version may not share). While that step waits
    for another (the assessment not yet confirmed), there is no date, only what it waits for. Only a
    procedure without that step falls back to the latest assessment's own date."""
    if latest is None:
        return None, ""
    row = schedule.get(REVIEW_STEP)
    if row is None:
        return latest.next_review_at, ""
    if not row.applicable:
        return None, ""
    return row.due_at, (row.waiting_for if row.due_at is None else "")


def assessment_reference(assessment: RiskAssessment) -> str:
    return f"RA-{assessment.id} (Risk tab, {assessment.assessed_at:%d/%m/%Y %H:%M} UTC)"


def link_assessment_to_step(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    loaded: cs.LoadedCase,
    assessment: RiskAssessment,
    now: datetime,
) -> None:
    """Recording an assessment is the work of the procedure's risk assessment step (4.1): the step records the
    link and is completed when its other required evidence is already there, else saved in progress, so it no
    longer shows as not started and overdue. A step already done or marked not applicable is left alone."""
    from checklist_app.services import steps  # steps imports case_state, as this module does

    try:
        step = loaded.procedure.step(ASSESSMENT_STEP)
    except KeyError:
        return
    if ASSESSMENT_LINK_FIELD not in {f.id for f in step.evidence} or not may_work_step(actor, step.role):
        return
    rec = loaded.records.get(step.id)
    if rec is not None and rec.status in (StepStatus.DONE.value, StepStatus.NOT_APPLICABLE.value):
        return
    evidence = {**(rec.evidence if rec else {}), ASSESSMENT_LINK_FIELD: assessment_reference(assessment)}
    cleaned, errors = clean_evidence(step, evidence, require=True, now=now)
    schedule = cs.schedule_of(ctx, loaded, now)
    if not errors and not schedule[step.id].unmet_dependencies:
        steps.write_completion(session, ctx, actor, loaded, step, rec, cleaned, assessment.assessed_at, now)
        return
    partial, _ = clean_evidence(step, evidence, require=False, now=now)
    steps._write(
        session,
        ctx,
        actor,
        loaded,
        step,
        rec,
        now,
        "step.progress",
        status=StepStatus.IN_PROGRESS.value,
        evidence=partial,
        reason="",
    )


def countersign_override(
    ctx: ServiceContext, actor: Actor, assessment_id: int, password: str, comment: str = ""
) -> RiskAssessmentView:
    """A supervisor (not the assessor) confirms an override, after which the final category counts.

    The countersignature is an electronic signature ("countersigned"): the supervisor's password again (a wrong
    one changes nothing but counts towards lockout), bound to the assessment as made, so a later change to its
    scores, categories, reason or assessor shows the countersignature as superseded."""

    def change(session: Session, now: datetime) -> RiskAssessmentView:
        assessment = session.get(RiskAssessment, assessment_id)
        if assessment is None:
            raise NotFound(f"Risk assessment {assessment_id} does not exist.")
        loaded = cs.load_case(session, ctx, assessment.case_id, actor, Action.RISK_COUNTERSIGN)
        require(actor, Action.RISK_COUNTERSIGN, cs.scope_of(loaded.case))
        if actor.role is not Role.SUPERVISOR:
            raise Conflict("Only a supervisor can countersign an override.")
        if assessment.final_category == assessment.calculated_category:
            raise Conflict("This assessment has no override to countersign.")
        if assessment.countersigned_at is not None:
            raise Conflict("This override is already countersigned.")
        if assessment.assessor_id == actor.user_id:
            raise Conflict("You made this assessment; another supervisor must countersign your own override.")
        assessment = next(a for a in loaded.risk if a.id == assessment_id)
        assessment.countersigned_by, assessment.countersigned_at = actor.user_id or None, now
        record(
            session,
            who(actor),
            assessment,
            operation=Operation.ALTERATION,
            action="risk.countersign",
            at=now,
            case_id=assessment.case_id,
            details={"comment": comment.strip()} if comment.strip() else None,
        )
        signatures.add_signature(
            session, actor, now, assessment, Meaning.COUNTERSIGNED, case_id=assessment.case_id, comment=comment
        )
        refresh_summary(session, ctx, loaded, now)
        names = views.user_names(session, [assessment.assessor_id, actor.user_id])
        signed = signatures.signatures_on(session, object_type_of(assessment), [assessment.id])
        return views.risk_view(loaded.procedure, assessment, names, signed.get(assessment.id, []))

    return signatures.signed_change(ctx, actor, password, "countersign risk override", change)
