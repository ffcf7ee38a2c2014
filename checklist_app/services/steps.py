"""Step use cases: save work in progress, complete with evidence, mark not applicable or blocked (with a
reason), and reopen (supervisors). Each is one transaction with its audit entry."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from checklist_app.core import lifecycle
from checklist_app.core.evidence import clean_evidence
from checklist_app.core.permissions import Action, Actor, may_work_step, require
from checklist_app.core.procedure.model import Step
from checklist_app.core.schedule import StepSchedule, StepStatus
from checklist_app.core.signatures import Meaning
from checklist_app.services import case_state as cs
from checklist_app.services import signatures, views
from checklist_app.services.case_summary import refresh_summary
from checklist_app.services.context import ServiceContext, who
from checklist_app.services.dto import StepView
from checklist_app.services.errors import Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from checklist_app.services.step_agreement import awaiting_agreement
from checklist_app.store.audit import Operation, record
from checklist_app.store.models import CaseEvent, StepRecord, User

MAX_REASON = 2000
# A completion time a little ahead of the server clock is tolerated (workstation clocks drift).
_CLOCK_SKEW = timedelta(minutes=5)


def _step(loaded: cs.LoadedCase, step_id: str) -> Step:
    try:
        return loaded.procedure.step(step_id)
    except KeyError:
        raise NotFound(f"Step {step_id!r} is not in {loaded.procedure.label}.") from None


def _begin(
    session: Session, ctx: ServiceContext, actor: Actor, case_id: int, step_id: str, action: Action = Action.STEP_RECORD
) -> tuple[cs.LoadedCase, Step, StepRecord | None]:
    loaded = cs.load_case(session, ctx, case_id, actor, action)
    cs.require_open(loaded.case)
    step = _step(loaded, step_id)
    if action is Action.STEP_RECORD and not may_work_step(actor, step.role):
        raise PermissionDenied(actor, action, f"step {step.number} is for the {step.role.value.replace('_', ' ')} role")
    return loaded, step, loaded.records.get(step_id)


def _transition(step: Step, record_: StepRecord | None, target: StepStatus, *, reopen: bool = False) -> None:
    current = StepStatus(record_.status) if record_ else StepStatus.NOT_STARTED
    recurring = bool(step.deadline and step.deadline.recurs_every)
    why = lifecycle.refusal(current, target, recurring=recurring, reopen=reopen)
    if why:
        raise Conflict(f"Step {step.number}: {why}.")


def _write(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    loaded: cs.LoadedCase,
    step: Step,
    rec: StepRecord | None,
    now: datetime,
    action: str,
    **changes: object,
) -> StepRecord:
    created = rec is None
    if rec is None:
        rec = StepRecord(
            case_id=loaded.case.id,
            step_id=step.id,
            status=StepStatus.NOT_STARTED.value,
            reason="",
            evidence={},
            started_at=None,
            completed_at=None,
            completed_by=None,
            due_at=None,
            completions=0,
            retired=False,
        )
        session.add(rec)
        loaded.records[step.id] = rec
    for key, value in changes.items():
        setattr(rec, key, value)
    if rec.started_at is None:
        rec.started_at = now
    rec.updated_at, rec.updated_by = now, actor.user_id or None
    record(
        session,
        who(actor),
        rec,
        operation=Operation.COLLECTION if created else Operation.ALTERATION,
        action=action,
        at=now,
        case_id=loaded.case.id,
        details={"step": step.number},
    )
    return rec


def _reason(reason: str, label: str) -> str:
    text = reason.strip()
    if not text:
        raise InvalidInput([FieldProblem("reason", label, "is required")])
    if len(text) > MAX_REASON:
        raise InvalidInput([FieldProblem("reason", label, f"is too long (at most {MAX_REASON} characters)")])
    return text


def _finish(
    session: Session, ctx: ServiceContext, actor: Actor, loaded: cs.LoadedCase, step: Step, now: datetime
) -> StepView:
    # Worked out once: the summary and the view share it. It may flush first: it reads back what this change
    # wrote (an agreement's signature and its audit entry).
    awaiting = awaiting_agreement(session, loaded)
    schedule = cs.schedule_of(ctx, loaded, now)  # once, after the change: the summary and the view share it
    rec = loaded.records.get(step.id)
    # What is read from here on (the user's name, open directed actions, the summary row) no step change
    # writes, so the rows still pending are flushed once, with the summary, when the transaction commits.
    with session.no_autoflush:
        names = _user_name(session, rec.completed_by if rec else None)
        refresh_summary(session, ctx, loaded, now, schedule, awaiting)
    return views.step_view(loaded.procedure, step, schedule[step.id], rec, names, actor, step.id in awaiting)


def _user_name(session: Session, user_id: int | None) -> dict[int, str]:
    """As views.user_names for one user, from the session when it holds them (the write guard re-reads
    the acting user in the same transaction), so that the row is read at most once."""
    user = session.get(User, user_id) if user_id else None
    return {user.id: user.display_name} if user is not None else {}


def save_progress(
    ctx: ServiceContext, actor: Actor, case_id: int, step_id: str, evidence: Mapping[str, object]
) -> StepView:
    """Save evidence so far and mark the step in progress. Required fields may still be empty."""
    now = ctx.now()
    with ctx.db.write() as session:
        loaded, step, rec = _begin(session, ctx, actor, case_id, step_id)
        _transition(step, rec, StepStatus.IN_PROGRESS)
        cleaned, errors = clean_evidence(step, evidence, require=False, now=now)
        if errors:
            raise InvalidInput([FieldProblem(e.field_id, e.label, e.message) for e in errors])
        merged = {**(rec.evidence if rec else {}), **cleaned}
        _write(
            session,
            ctx,
            actor,
            loaded,
            step,
            rec,
            now,
            "step.progress",
            status=StepStatus.IN_PROGRESS.value,
            evidence=merged,
            reason="",
        )
        return _finish(session, ctx, actor, loaded, step, now)


def complete_step(
    ctx: ServiceContext,
    actor: Actor,
    case_id: int,
    step_id: str,
    evidence: Mapping[str, object],
    *,
    completed_at: datetime | None = None,
) -> StepView:
    """Complete a step with its evidence. `completed_at` is when the work was actually done (default now);
    it may not be in the future or before the referral. Nothing is saved if any evidence is wrong."""
    now = ctx.now()
    when = completed_at or now
    with ctx.db.write() as session:
        loaded, step, rec = _begin(session, ctx, actor, case_id, step_id)
        _transition(step, rec, StepStatus.DONE)
        before = cs.schedule_of(ctx, loaded, now)  # once, before the change: the checks and the due time share it
        problems = _completion_problems(loaded, step, when, now, before)
        cleaned, errors = clean_evidence(step, evidence, require=True, now=now)
        problems += [FieldProblem(e.field_id, e.label, e.message) for e in errors]
        if problems:
            raise InvalidInput(problems)
        write_completion(session, ctx, actor, loaded, step, rec, cleaned, when, now, before)
        return _finish(session, ctx, actor, loaded, step, now)


def write_completion(
    session: Session,
    ctx: ServiceContext,
    actor: Actor,
    loaded: cs.LoadedCase,
    step: Step,
    rec: StepRecord | None,
    cleaned: Mapping[str, object],
    when: datetime,
    now: datetime,
    schedule: dict[str, StepSchedule] | None = None,
) -> None:
    """Mark a step done with checked evidence, and record the events it emits (inside the caller's
    transaction: completing a step here, or the work on another tab that is its evidence). `schedule`: the
    case's schedule as of `now` before this change, when the caller already has it."""
    case_id = loaded.case.id
    due = (schedule if schedule is not None else cs.schedule_of(ctx, loaded, now))[step.id].due_at
    completions = (rec.completions if rec else 0) + 1
    _write(
        session,
        ctx,
        actor,
        loaded,
        step,
        rec,
        now,
        "step.done",
        status=StepStatus.DONE.value,
        evidence=cleaned,
        reason="",
        completed_at=when,
        completed_by=actor.user_id or None,
        due_at=due,
        completions=completions,
    )
    for event_id in step.emits:
        event = CaseEvent(
            case_id=case_id,
            event_type=event_id,
            occurred_at=when,
            recorded_at=now,
            recorded_by=actor.user_id or None,
            source="step",
            note=f"Step {step.number} completed",
        )
        session.add(event)
        record(
            session,
            who(actor),
            event,
            operation=Operation.COLLECTION,
            action="event.record",
            at=now,
            case_id=case_id,
        )
        loaded.events.append(event)


def _completion_problems(
    loaded: cs.LoadedCase, step: Step, when: datetime, now: datetime, schedule: dict[str, StepSchedule]
) -> list[FieldProblem]:
    problems = []
    if when.tzinfo is None:
        problems.append(FieldProblem("completed_at", "Completed at", "must include the time zone"))
    elif when > now + _CLOCK_SKEW:
        problems.append(FieldProblem("completed_at", "Completed at", "is in the future"))
    elif when < loaded.case.referral_at:
        problems.append(FieldProblem("completed_at", "Completed at", "is before the referral was received"))
    unmet = schedule[step.id].unmet_dependencies
    if unmet:
        numbers = ", ".join(loaded.procedure.step(s).number for s in unmet)
        problems.append(FieldProblem("", "", f"Step {step.number} depends on step {numbers}, which is not done yet"))
    return problems


def mark_not_applicable(ctx: ServiceContext, actor: Actor, case_id: int, step_id: str, reason: str) -> StepView:
    """Record that a step does not apply to this case, and why (auditors check the reason). A mandatory step
    then awaits a supervisor's agreement (agree_not_applicable) and counts as open until it has it."""
    now = ctx.now()
    text = _reason(reason, "Reason the step does not apply")
    with ctx.db.write() as session:
        loaded, step, rec = _begin(session, ctx, actor, case_id, step_id)
        _transition(step, rec, StepStatus.NOT_APPLICABLE)
        _write(
            session,
            ctx,
            actor,
            loaded,
            step,
            rec,
            now,
            "step.not_applicable",
            status=StepStatus.NOT_APPLICABLE.value,
            reason=text,
        )
        return _finish(session, ctx, actor, loaded, step, now)


def mark_blocked(ctx: ServiceContext, actor: Actor, case_id: int, step_id: str, reason: str) -> StepView:
    """Record that a step cannot progress, and why (e.g. waiting for a partner agency)."""
    now = ctx.now()
    text = _reason(reason, "Reason the step is blocked")
    with ctx.db.write() as session:
        loaded, step, rec = _begin(session, ctx, actor, case_id, step_id)
        _transition(step, rec, StepStatus.BLOCKED)
        _write(
            session, ctx, actor, loaded, step, rec, now, "step.blocked", status=StepStatus.BLOCKED.value, reason=text
        )
        return _finish(session, ctx, actor, loaded, step, now)


def reopen_step(ctx: ServiceContext, actor: Actor, case_id: int, step_id: str, reason: str) -> StepView:
    """Supervisor reopens a done or not-applicable step. Its evidence is kept for the officer to revise;
    the earlier values stay in the audit trail."""
    now = ctx.now()
    text = _reason(reason, "Reason for reopening")
    with ctx.db.write() as session:
        loaded, step, rec = _begin(session, ctx, actor, case_id, step_id, Action.STEP_REOPEN)
        require(actor, Action.STEP_REOPEN, cs.scope_of(loaded.case))
        _transition(step, rec, StepStatus.IN_PROGRESS, reopen=True)
        _write(
            session, ctx, actor, loaded, step, rec, now, "step.reopen", status=StepStatus.IN_PROGRESS.value, reason=text
        )
        return _finish(session, ctx, actor, loaded, step, now)


def agree_not_applicable(
    ctx: ServiceContext, actor: Actor, case_id: int, step_id: str, password: str, comment: str = ""
) -> StepView:
    """A supervisor of the team agrees that a mandatory step marked not applicable does not apply, signing
    ("agreed not applicable") with their password; a wrong one changes nothing and counts towards lockout."""

    def change(session: Session, now: datetime) -> StepView:
        loaded, step, rec = _awaiting(session, ctx, actor, case_id, step_id)
        signatures.add_signature(
            session, actor, now, rec, Meaning.AGREED_NOT_APPLICABLE, case_id=case_id, comment=comment
        )
        return _finish(session, ctx, actor, loaded, step, now)

    return signatures.signed_change(ctx, actor, password, "agree step not applicable", change)


def refuse_not_applicable(ctx: ServiceContext, actor: Actor, case_id: int, step_id: str, reason: str) -> StepView:
    """A supervisor of the team refuses a mandatory step's not-applicable mark, with a reason: the step goes
    back to in progress for the officer, the reason shown on it."""
    now = ctx.now()
    text = _reason(reason, "Reason for refusing")
    with ctx.db.write() as session:
        loaded, step, rec = _awaiting(session, ctx, actor, case_id, step_id)
        _transition(step, rec, StepStatus.IN_PROGRESS, reopen=True)
        _write(
            session,
            ctx,
            actor,
            loaded,
            step,
            rec,
            now,
            "step.not_applicable_refused",
            status=StepStatus.IN_PROGRESS.value,
            reason=f"Not applicable refused: {text}"[:MAX_REASON],
        )
        return _finish(session, ctx, actor, loaded, step, now)


def _awaiting(
    session: Session, ctx: ServiceContext, actor: Actor, case_id: int, step_id: str
) -> tuple[cs.LoadedCase, Step, StepRecord]:
    loaded, step, rec = _begin(session, ctx, actor, case_id, step_id, Action.STEP_AGREE_NOT_APPLICABLE)
    require(actor, Action.STEP_AGREE_NOT_APPLICABLE, cs.scope_of(loaded.case))
    if rec is None or step_id not in awaiting_agreement(session, loaded):
        raise Conflict(f"Step {step.number} is not a mandatory step marked not applicable awaiting agreement.")
    return loaded, step, rec
