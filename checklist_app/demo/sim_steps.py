"""Walking a simulated case through the procedure's steps in order, with the application's deadline rules:
most steps done on time, some late, the newest work left open; and settling what a closure needs."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from checklist_app.core import conditions
from checklist_app.core.deadlines import due_at
from checklist_app.core.facts import derive_facts
from checklist_app.core.procedure.model import AnchorKind, FieldType, Requirement, Step
from checklist_app.core.schedule import StepStatus
from checklist_app.demo.sim_model import H, SimCase, SimStep, between, chance
from checklist_app.demo.sim_texts import NA_REASONS, TEXT_FILL

if TYPE_CHECKING:
    from checklist_app.demo.simulation import CaseSimulator


def derived(simulator: CaseSimulator, case: SimCase) -> dict[str, object]:
    settings = simulator.procedure.settings
    risk = case.risk[-1] if case.risk else None
    category = None
    latest = max(case.missing, key=lambda m: m["reported_at"], default=None)  # type: ignore[arg-type, return-value]
    if risk is not None:
        pending = risk["final_category"] != risk["calculated_category"] and risk["countersigned_at"] is None
        category = int(risk["calculated_category"] if pending else risk["final_category"])  # type: ignore[call-overload]
    return derive_facts(
        referral_at=case.referral_at,
        date_of_birth=None,
        age_band=case.age_band,
        missing_returns=[m["reported_at"] for m in case.missing],  # type: ignore[misc]
        risk_category=category,
        intelligence_count=len(case.intel),
        repeat_threshold=settings.missing_repeat_threshold,
        repeat_window=settings.missing_repeat_window,
        intelligence_priorities=[str(i["priority"]) for i in case.intel],
        latest_missing_grade=str(latest["risk_grade"]) if latest is not None else None,
    )


def walk_steps(simulator: CaseSimulator, rng: random.Random, case: SimCase) -> None:
    facts = {**case.facts, **derived(simulator, case)}
    diligence = rng.choice((0.97, 0.95, 0.92, 0.9, 0.85, 0.75, 0.6))
    settled: dict[str, datetime] = {}
    done: dict[str, SimStep] = {}
    # The events that have occurred change only when a step done emits one; the set is made again then.
    occurred = {e for e, times in case.events.items() if times}
    for step in simulator.procedure.steps:
        expr = simulator.conditions.get(step.id)
        if expr is not None and not conditions.evaluate(expr, facts, occurred):
            continue
        if any(dep not in settled and _dependency_counts(simulator, dep, facts, occurred) for dep in step.depends_on):
            continue
        after = max([settled[d] for d in step.depends_on if d in settled] + [case.opened_at])
        sim = _work_step(simulator, rng, case, step, after, diligence, done, facts)
        if sim is None:
            continue
        case.steps.append(sim)
        done[step.id] = sim
        if sim.status in (StepStatus.DONE, StepStatus.NOT_APPLICABLE):
            settled[step.id] = sim.completed_at or sim.started_at
        if sim.status is StepStatus.DONE and step.emits:
            for event_id in step.emits:
                simulator.add_event(case, event_id, sim.completed_at)  # type: ignore[arg-type]
            occurred = {e for e, times in case.events.items() if times}


def _dependency_counts(simulator: CaseSimulator, dep: str, facts: dict[str, object], occurred: set[str]) -> bool:
    expr = simulator.conditions.get(dep)
    return expr is None or conditions.evaluate(expr, facts, occurred)


def _anchor(simulator: CaseSimulator, case: SimCase, step: Step, steps_done: dict[str, SimStep]) -> datetime | None:
    assert step.deadline is not None
    anchor = step.deadline.anchor
    if anchor.kind is AnchorKind.EVENT:
        times = case.events.get(anchor.ref)
        return max(times) if times else None
    done = steps_done.get(anchor.ref)
    return done.completed_at if done and done.status is StepStatus.DONE else None


def _work_step(
    simulator: CaseSimulator,
    rng: random.Random,
    case: SimCase,
    step: Step,
    after: datetime,
    diligence: float,
    done: dict[str, SimStep],
    facts: dict[str, object],
) -> SimStep | None:
    actor = _actor_for(simulator, case, step)
    if (step.requirement is Requirement.OPTIONAL and chance(rng, 0.5)) or (
        step.requirement is Requirement.MANDATORY and chance(rng, 0.02)
    ):
        when = after + timedelta(hours=rng.uniform(1, 72))
        if when >= case.stop:
            return None
        return SimStep(
            step.id, StepStatus.NOT_APPLICABLE, when, completed_at=None, reason=rng.choice(NA_REASONS), actor=actor
        )
    due = None
    if step.deadline is None:
        anchor = after
        finish = after + timedelta(hours=rng.uniform(2, 24 * 25))
    else:
        anchored = _anchor(simulator, case, step, done)
        if anchored is None:
            return None
        anchor = max(anchored, after)
        # A deadline that depends on a fact (risk category, priority, grade) follows this case's value.
        offset = simulator.procedure.effective_deadline(step, facts) if step.deadline.by else simulator.offsets[step.id]
        due = due_at(anchor, offset, simulator.calendar) if offset is not None else None
        span = max((due - anchor) if due else H, H)
        if chance(rng, diligence):
            finish = anchor + span * rng.uniform(0.1, 0.95)
        else:
            finish = (due or anchor) + timedelta(hours=rng.uniform(1, 24 * 12))
    finish = finish.replace(microsecond=0)
    if finish >= case.stop:
        if chance(rng, 0.3) and anchor < case.stop:
            return SimStep(
                step.id,
                StepStatus.IN_PROGRESS,
                between(rng, anchor, case.stop).replace(microsecond=0),
                actor=actor,
                evidence={},
            )
        return None
    sim = SimStep(
        step.id,
        StepStatus.DONE,
        between(rng, anchor, finish).replace(microsecond=0),
        completed_at=finish,
        completed_by=actor,
        due_at=due,
        completions=1,
        actor=actor,
    )
    if step.deadline is not None and step.deadline.recurs_every is not None:
        _repeat(simulator, rng, case, step, sim, diligence)
    sim.evidence = _evidence(simulator, rng, step, sim.completed_at)  # type: ignore[arg-type]
    return sim


def _repeat(
    simulator: CaseSimulator, rng: random.Random, case: SimCase, step: Step, sim: SimStep, diligence: float
) -> None:
    every = step.deadline.recurs_every  # type: ignore[union-attr]
    while True:
        due = due_at(sim.completed_at, every, simulator.calendar)  # type: ignore[arg-type]
        if chance(rng, diligence):
            finish = due - timedelta(days=rng.uniform(0, 5))
        else:
            finish = due + timedelta(days=rng.uniform(1, 15))
        finish = finish.replace(microsecond=0)
        if finish >= case.stop or finish <= sim.completed_at:  # type: ignore[operator]
            return
        sim.completed_at, sim.due_at, sim.completions = finish, due, sim.completions + 1


def _actor_for(simulator: CaseSimulator, case: SimCase, step: Step) -> int:
    role = step.role.value
    if role == "supervisor":
        return case.supervisor_id
    if role == "intelligence_officer":
        return case.intel_id
    return case.officer_id


def _evidence(simulator: CaseSimulator, rng: random.Random, step: Step, when: datetime) -> dict[str, object]:
    values: dict[str, object] = {}
    for spec in step.evidence:
        if not spec.required and chance(rng, 0.4):
            continue
        if spec.type is FieldType.REFERENCE:
            values[spec.id] = f"{spec.id[:3].upper()}/{when.year}/{rng.randint(1, 99999):05d}"
        elif spec.type is FieldType.CHOICE:
            values[spec.id] = rng.choice(spec.choices)
        elif spec.type is FieldType.YESNO:
            values[spec.id] = chance(rng, 0.85)
        elif spec.type is FieldType.DATETIME:
            values[spec.id] = (when - timedelta(minutes=rng.randint(5, 240))).isoformat(timespec="seconds")
        elif spec.type is FieldType.DATE:
            values[spec.id] = when.date().isoformat()
        elif spec.type is FieldType.NUMBER:
            values[spec.id] = rng.randint(0, 12)
        else:
            values[spec.id] = rng.choice(TEXT_FILL)
    return values


def close_case(simulator: CaseSimulator, rng: random.Random, case: SimCase) -> None:
    """Settle every required step still open (as the closure checklist demands), then close."""
    facts = {**case.facts, **derived(simulator, case)}
    occurred = {e for e, times in case.events.items() if times}
    present = {s.step_id: s for s in case.steps}
    closing = case.stop
    for step in simulator.procedure.steps:
        expr = simulator.conditions.get(step.id)
        required = step.requirement is Requirement.MANDATORY or (
            step.requirement is Requirement.CONDITIONAL
            and expr is not None
            and conditions.evaluate(expr, facts, occurred)
        )
        current = present.get(step.id)
        if not required or (current and current.status in (StepStatus.DONE, StepStatus.NOT_APPLICABLE)):
            continue
        reason = "Not reached: the investigation concluded before this stage."
        sim = SimStep(
            step.id,
            StepStatus.NOT_APPLICABLE,
            closing - timedelta(hours=rng.uniform(1, 48)),
            reason=reason,
            actor=case.supervisor_id,
        )
        sim.started_at = sim.started_at.replace(microsecond=0)
        if current is None:
            case.steps.append(sim)
        else:
            case.steps[case.steps.index(current)] = sim
    case.closed_at = closing.replace(microsecond=0)
