"""Turning loaded rows into the plain views the screens, reports and command line show."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core import intelligence as intel
from checklist_app.core.permissions import Actor, may_work_step
from checklist_app.core.procedure.model import Procedure, Provenance, Step
from checklist_app.core.readable import readable
from checklist_app.core.schedule import StepSchedule, phase_progress
from checklist_app.core.signatures import Meaning
from checklist_app.services.case_state import LoadedCase, derived_facts, effective_category
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import (
    DecisionView,
    EventView,
    EvidenceFieldView,
    IntelligenceView,
    MissingEpisodeView,
    PhaseView,
    RiskAssessmentView,
    SignatureLine,
    StepView,
)
from checklist_app.store.models import (
    Decision,
    IntelligenceItem,
    MissingEpisode,
    RiskAssessment,
    StepRecord,
    User,
)

if TYPE_CHECKING:  # signatures imports case_state, as this module does; only the type is needed here
    from checklist_app.services.signatures import SignatureView

# Missing-episode timescales (sop-brief section 2, phase 8): safe and well check within 24 hours of return
# is local policy; the return home interview offer within 72 hours is DfE statutory guidance (2014).
SAFE_AND_WELL_WITHIN = timedelta(hours=24)
RETURN_INTERVIEW_WITHIN = timedelta(hours=72)


def user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {row.id: row.display_name for row in rows}


def _fields(procedure: Procedure, step: Step) -> tuple[EvidenceFieldView, ...]:
    return tuple(
        EvidenceFieldView(f.id, f.label, f.type.value, f.required, f.choices, readable(f.help, procedure))
        for f in step.evidence
    )


@dataclass(frozen=True, slots=True)
class _StepTexts:
    """What a step's view shows that depends on the procedure alone, in readable words."""

    purpose: str
    guidance: str
    provenance: str
    deadline_basis: str
    fields: tuple[EvidenceFieldView, ...]


def _step_texts(procedure: Procedure, step: Step) -> tuple[_StepTexts, dict[str, str]]:
    """The step's texts and the procedure's step numbers by id, worked out once per published procedure
    (immutable) rather than on every view: recording a step returns one, opening a case one per step."""
    cached = _TEXTS.get(id(procedure))
    if cached is None or cached[0] is not procedure:
        if len(_TEXTS) >= 64:
            _TEXTS.clear()
        cached = _TEXTS[id(procedure)] = (procedure, {}, {s.id: s.number for s in procedure.steps})
    _, texts, numbers = cached
    found = texts.get(step.id)
    if found is None or found[0] is not step:
        deadline = step.deadline
        found = texts[step.id] = (
            step,
            _StepTexts(
                # Procedure text in the words a user knows: titles and numbers, never internal names.
                purpose=readable(step.purpose, procedure),
                guidance=readable(step.guidance, procedure),
                provenance=_with_note(step.provenance, procedure),
                deadline_basis=readable(deadline.basis.describe(), procedure) if deadline else "No timescale set",
                fields=_fields(procedure, step),
            ),
        )
    return found[1], numbers


def _with_note(source: Provenance, procedure: Procedure) -> str:
    """The source in words, then its note on a line of its own: the note is where the procedure says which
    part is national and which local, or which statute a local step applies. Shown with the step's source
    line, at the foot of the pane; the deadline's basis keeps its one line beside the timescale, where a
    note would push the step's evidence down."""
    text = readable(source.describe(), procedure)
    return f"{text}\nNote: {readable(source.note, procedure)}" if source.note else text


# By the procedure object's identity, holding the object so that the id is not reused while it is kept;
# each step's texts are kept with the step object they were made from.
_TEXTS: dict[int, tuple[Procedure, dict[str, tuple[Step, _StepTexts]], dict[str, str]]] = {}


def step_view(
    procedure: Procedure,
    step: Step,
    sched: StepSchedule,
    record: StepRecord | None,
    names: dict[int, str],
    actor: Actor,
    awaiting_agreement: bool = False,
) -> StepView:
    texts, numbers = _step_texts(procedure, step)
    deadline = step.deadline
    return StepView(
        step_id=step.id,
        number=step.number,
        title=step.title,
        phase_id=step.phase_id,
        role=step.role.value,
        requirement=step.requirement.value,
        purpose=texts.purpose,
        guidance=texts.guidance,
        provenance=texts.provenance,
        deadline_basis=texts.deadline_basis,
        condition=step.condition or "",
        applicable=sched.applicable,
        required=sched.required,
        status=sched.status.value,
        due_at=sched.due_at,
        due_state=sched.due_state.value,
        deadline_text=readable(sched.deadline_text, procedure),
        waiting_for=sched.waiting_for,
        unmet_dependencies=tuple(numbers.get(d, d) for d in sched.unmet_dependencies),
        reason=record.reason if record else "",
        evidence=dict(record.evidence) if record else {},
        fields=texts.fields,
        completed_at=record.completed_at if record else None,
        completed_by=names.get(record.completed_by or 0, "") if record else "",
        updated_at=record.updated_at if record else None,
        completions=record.completions if record else 0,
        sign_off=step.sign_off,
        recurring=bool(deadline and deadline.recurs_every),
        can_work=may_work_step(actor, step.role),
        awaiting_agreement=awaiting_agreement,
    )


def step_views(
    loaded: LoadedCase,
    schedule: dict[str, StepSchedule],
    names: dict[int, str],
    actor: Actor,
    awaiting: frozenset[str] = frozenset(),
) -> tuple[StepView, ...]:
    procedure = loaded.procedure
    return tuple(
        step_view(procedure, step, schedule[step.id], loaded.records.get(step.id), names, actor, step.id in awaiting)
        for step in procedure.steps
    )


def phase_views(
    procedure: Procedure,
    schedule: dict[str, StepSchedule],
    awaiting: frozenset[str] = frozenset(),
    counted: dict[str, StepSchedule] | None = None,
) -> tuple[PhaseView, ...]:
    """Each phase's progress; a mandatory step marked not applicable and awaiting agreement is not yet done.
    `counted`: the schedule counting such steps as open (core.agreement), whose overdue steps the phases show,
    as the case header and the case list do."""
    descriptions = {p.id: readable(p.description, procedure) for p in procedure.phases}
    waiting = {
        p.id: sum(1 for s in procedure.steps if s.phase_id == p.id and s.id in awaiting) for p in procedure.phases
    }
    overdue = {p.phase_id: p.overdue for p in phase_progress(procedure, counted)} if counted is not None else {}
    return tuple(
        PhaseView(
            p.phase_id,
            p.number,
            p.title,
            descriptions[p.phase_id],
            p.required,
            p.done - waiting[p.phase_id],
            overdue.get(p.phase_id, p.overdue),
        )
        for p in phase_progress(procedure, schedule)
    )


def event_views(loaded: LoadedCase, names: dict[int, str]) -> tuple[EventView, ...]:
    titles = {e.id: e.title for e in loaded.procedure.events}
    return tuple(
        EventView(
            e.id,
            e.event_type,
            titles.get(e.event_type, e.event_type),
            e.occurred_at,
            e.recorded_at,
            names.get(e.recorded_by or 0, ""),
            e.source,
            e.note,
        )
        for e in sorted(loaded.events, key=lambda e: e.occurred_at, reverse=True)
    )


def decision_view(d: Decision, names: dict[int, str]) -> DecisionView:
    return DecisionView(
        d.id, d.decided_at, d.recorded_at, names.get(d.author_id or 0, ""), d.category, d.decision, d.rationale
    )


def intelligence_view(
    ctx: ServiceContext, procedure: Procedure, item: IntelligenceItem, names: dict[int, str], now: datetime
) -> IntelligenceView:
    target = procedure.settings.intelligence_targets[item.priority]
    due = intel.targets(item.submitted_at, target, ctx.calendar)
    grade = intel.Grade(
        intel.Scheme(item.scheme), item.source_evaluation, item.intelligence_assessment, item.handling_code
    )
    return IntelligenceView(
        id=item.id,
        reference=item.reference,
        case_id=item.case_id,
        received_at=item.received_at,
        submitted_at=item.submitted_at,
        submitted_by=names.get(item.submitted_by or 0, ""),
        summary=item.summary,
        grade_code=grade.code(),
        grade_text=grade.describe(),
        scheme=item.scheme,
        handling_conditions=item.handling_conditions,
        protective_marking=item.protective_marking,
        priority=item.priority,
        sanitised=item.sanitised,
        routed_to=names.get(item.routed_to or 0, ""),
        routed_to_id=item.routed_to,
        routed_at=item.routed_at,
        reroute_count=item.reroute_count,
        assessed_at=item.assessed_at,
        assessed_by=names.get(item.assessed_by or 0, ""),
        assessment_outcome=item.assessment_outcome,
        assessment_rationale=item.assessment_rationale,
        actioned_at=item.actioned_at,
        actioned_by=names.get(item.actioned_by or 0, ""),
        action_taken=item.action_taken,
        route_due=due["route"],
        assess_due=due["assess"],
        action_due=due["action"],
        route_state=intel.timeliness(due["route"], item.routed_at, now).value,
        assess_state=intel.timeliness(due["assess"], item.assessed_at, now).value,
        action_state=intel.timeliness(due["action"], item.actioned_at, now).value,
    )


def risk_view(
    procedure: Procedure,
    a: RiskAssessment,
    names: dict[int, str],
    signed: Sequence[SignatureView] = (),
) -> RiskAssessmentView:
    from checklist_app.core.risk import band_by_category, score

    tool = procedure.risk_tool
    effective = effective_category(a)
    try:
        result = score(tool, a.answers, a.triggers)
        sections = tuple((s.title, s.points) for s in result.sections)
    except ValueError:
        sections = ()  # recorded under another tool version; the stored score stands
    try:
        band_label = band_by_category(tool, effective).label
    except ValueError:
        band_label = ""
    return RiskAssessmentView(
        id=a.id,
        assessed_at=a.assessed_at,
        assessor=names.get(a.assessor_id or 0, ""),
        tool=f"{a.tool_id} v{a.tool_version}",
        answers=dict(a.answers),
        evidence=dict(a.evidence),
        triggers=tuple(a.triggers),
        score=a.score,
        section_points=sections,
        calculated_category=a.calculated_category,
        final_category=a.final_category,
        effective_category=effective,
        band_label=band_label,
        override_reason=a.override_reason,
        override_pending=a.final_category != a.calculated_category and a.countersigned_at is None,
        countersigned_by=names.get(a.countersigned_by or 0, ""),
        countersigned_at=a.countersigned_at,
        next_review_at=a.next_review_at,
        notes=a.notes,
        countersignatures=tuple(
            SignatureLine(s.line(), s.state.value) for s in signed if s.meaning == Meaning.COUNTERSIGNED.value
        ),
    )


def missing_view(m: MissingEpisode, names: dict[int, str], now: datetime) -> MissingEpisodeView:
    safe_due = m.found_at + SAFE_AND_WELL_WITHIN if m.found_at else None
    rhi_due = m.found_at + RETURN_INTERVIEW_WITHIN if m.found_at else None
    return MissingEpisodeView(
        id=m.id,
        reported_at=m.reported_at,
        found_at=m.found_at,
        risk_grade=m.risk_grade,
        safe_well_at=m.safe_well_at,
        safe_well_due=safe_due,
        safe_well_state=intel.timeliness(safe_due, m.safe_well_at, now).value if safe_due else "still missing",
        rhi_offered_at=m.rhi_offered_at,
        rhi_due=rhi_due,
        rhi_state=intel.timeliness(rhi_due, m.rhi_offered_at, now).value if rhi_due else "still missing",
        rhi_held_at=m.rhi_held_at,
        rhi_declined=m.rhi_declined,
        findings=m.findings,
        recorded_by=names.get(m.recorded_by or 0, ""),
    )


def facts_for_view(loaded: LoadedCase) -> tuple[dict[str, object], dict[str, object]]:
    return dict(loaded.case.facts), derived_facts(loaded)
