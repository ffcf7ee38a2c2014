"""Where every step of a case stands now: applicability, dependencies, due date and due state.

Pure functions over plain data: the caller gathers the case's facts, event occurrences and step records
into a CaseSituation; nothing here touches the database or the clock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.conditions import Expr, Test, compile_condition, parse
from checklist_app.core.deadlines import (
    DueState,
    due_at,
    due_soon_horizon,
    require_aware,
    state_when_done,
    state_when_open,
)
from checklist_app.core.procedure.fact_deadlines import DeadlineBy
from checklist_app.core.procedure.model import Anchor, AnchorKind, Duration, Phase, Procedure, Requirement, Step
from checklist_app.core.wording import sentence_case


class StepStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"
    BLOCKED = "blocked"


_SETTLED = frozenset({StepStatus.DONE, StepStatus.NOT_APPLICABLE})
_PENDING = frozenset({DueState.ON_TRACK, DueState.DUE_SOON, DueState.OVERDUE})


@dataclass(frozen=True, slots=True)
class StepRecordState:
    step_id: str
    status: StepStatus
    completed_at: datetime | None = None  # the latest completion
    reason: str = ""
    completions: int = 0

    def __post_init__(self) -> None:
        completed = self.completed_at
        if completed is not None:
            # Built for every record of every case; a UTC time (nearly all) is kept as it is.
            if completed.tzinfo is not UTC:
                object.__setattr__(self, "completed_at", require_aware(completed, f"{self.step_id} completed_at"))
        elif self.status is StepStatus.DONE:
            raise ValueError(f"step {self.step_id} is done but has no completed_at")


_NOT_STARTED = StepRecordState("", StepStatus.NOT_STARTED)


@dataclass(frozen=True, slots=True)
class CaseSituation:
    facts: Mapping[str, object]  # case facts and derived facts
    events: Mapping[str, tuple[datetime, ...]]  # every occurrence per event id, in any order
    records: Mapping[str, StepRecordState]
    closed_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.closed_at is not None:
            object.__setattr__(self, "closed_at", require_aware(self.closed_at, "closed_at"))


@dataclass(frozen=True, slots=True)
class StepSchedule:
    step_id: str
    status: StepStatus
    applicable: bool  # not conditional, or its condition holds
    required: bool  # mandatory, or conditional and its condition holds
    unmet_dependencies: tuple[str, ...]
    due_at: datetime | None  # UTC; for a done recurring step, when it next falls due
    due_state: DueState
    waiting_for: str
    deadline_text: str
    overdue_by: timedelta | None  # how late: open and overdue (to now), or done late (to completion)


@dataclass(frozen=True, slots=True)
class PhaseProgress:
    phase_id: str
    number: int
    title: str
    required: int
    done: int  # required steps done or not applicable
    overdue: int  # required steps overdue

    @property
    def complete(self) -> bool:
        return self.done == self.required


# --- per-procedure plan ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepPlan:
    """What compute_schedule needs about a step that does not depend on the case."""

    step: Step
    mandatory: bool
    condition: Expr | None
    depends_on: tuple[str, ...]
    anchor: Anchor | None
    offset: Duration | None  # after local overrides; for a fact-dependent deadline, when no case matches
    recurs_every: Duration | None
    by: DeadlineBy | None  # other offsets (and intervals) for some values of a case fact
    deadline_text: str
    waiting_text: str  # shown while the anchor has not happened
    test: Test | None = None  # the condition, compiled
    done_rows: tuple[StepSchedule, ...] = ()  # a done step's, figures only: as not applicable, as applicable


@dataclass(frozen=True, slots=True)
class _Plan:
    procedure: Procedure
    steps: tuple[StepPlan, ...]
    numbers: dict[str, str]
    # Rows without a date (not applicable, no deadline) by (step id, status, applicable, unmet dependencies),
    # which is all they depend on: a third of all rows, shared rather than built again. Rows are immutable.
    undated_rows: dict[tuple[str, StepStatus, bool, tuple[str, ...]], StepSchedule] = field(default_factory=dict)
    # Each phase with its steps' ids, for phase_progress (run for every case's list figures).
    phase_steps: tuple[tuple[Phase, tuple[str, ...]], ...] = ()
    # Every step as applicable, and the conditional steps' compiled conditions: a case's applicability is the
    # first with the second's answers laid over it (most steps have no condition to test).
    unconditional: dict[str, bool] = field(default_factory=dict)
    conditional: tuple[tuple[str, Test], ...] = ()


# Keyed by id + version (published versions are immutable); the stored procedure is compared too, so
# drafts and test procedures that reuse an id + version never share a stale plan.
_PLANS: dict[tuple[str, str], _Plan] = {}
_MAX_PLANS = 64


def plan_for(procedure: Procedure) -> _Plan:
    key = (procedure.id, procedure.version)
    plan = _PLANS.get(key)
    if plan is not None and (plan.procedure is procedure or plan.procedure == procedure):
        return plan
    plan = _build_plan(procedure)
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[key] = plan
    return plan


def _build_plan(procedure: Procedure) -> _Plan:
    steps = procedure.step_map()
    events = procedure.event_map()
    facts = procedure.fact_map()
    plans: list[StepPlan] = []
    for step in procedure.steps:
        rule = step.deadline
        condition = parse(step.condition) if step.requirement is Requirement.CONDITIONAL and step.condition else None
        offset = procedure.effective_deadline(step)
        text, waiting = "", ""
        if rule is not None and offset is not None:
            text = dataclasses.replace(rule, offset=offset).describe(events, steps)
            if rule.recurs_every is not None and not rule.description:
                text += f", then every {rule.recurs_every.describe()}"
            if rule.by is not None and not rule.description:
                fact = facts.get(rule.by.fact)
                title = sentence_case(fact.title) if fact is not None else rule.by.fact
                text += f"; {rule.by.describe(title, rule.recurs_every is not None)}"
            if rule.anchor.kind is AnchorKind.EVENT:
                event = events.get(rule.anchor.ref)
                waiting = f"Waiting for: {event.title if event else rule.anchor.ref}"
            else:
                target = steps.get(rule.anchor.ref)
                waiting = f"Waiting for step {target.number if target else rule.anchor.ref} to be completed"
        mandatory = step.requirement is Requirement.MANDATORY
        required = mandatory or condition is not None  # when it applies
        plans.append(
            StepPlan(
                step=step,
                mandatory=mandatory,
                condition=condition,
                depends_on=step.depends_on,
                anchor=rule.anchor if rule else None,
                offset=offset,
                recurs_every=rule.recurs_every if rule else None,
                by=rule.by if rule else None,
                deadline_text=text,
                waiting_text=waiting,
                test=compile_condition(condition) if condition is not None else None,
                done_rows=(_done_row(step.id, mandatory, text, False), _done_row(step.id, required, text, True)),
            )
        )
    phase_steps = tuple((phase, tuple(s.id for s in phase.steps)) for phase in procedure.phases)
    return _Plan(
        procedure,
        tuple(plans),
        {s.id: s.number for s in procedure.steps},
        phase_steps=phase_steps,
        unconditional={sp.step.id: True for sp in plans},
        conditional=tuple((sp.step.id, sp.test) for sp in plans if sp.test is not None),
    )


def _done_row(step_id: str, required: bool, text: str, applicable: bool) -> StepSchedule:
    """A done step's row for the list's figures only (see `_Context.schedule`)."""
    return StepSchedule(step_id, StepStatus.DONE, applicable, required, (), None, DueState.NO_DEADLINE, "", text, None)


# --- the schedule ---------------------------------------------------------------------------------


def compute_schedule(
    procedure: Procedure,
    situation: CaseSituation,
    now: datetime,
    calendar: WorkingCalendar | None = None,
    *,
    only: Collection[str] | None = None,
    figures_only: bool = False,
) -> dict[str, StepSchedule]:
    """Every step's schedule, in procedure order. A closed case is judged as at its closure.

    With `only`, just those steps and the steps they depend on, directly or not, each row exactly as in the
    whole schedule: a row depends on no other rows but those (the records it reads are all in `situation`).

    With `figures_only`, for the case list's figures (`phase_progress`, `next_due`, `open_due`) and nothing
    else: a done step that does not fall due again is given no dates (due_at None, no deadline), as those
    figures never read a done step's dates; every other row is as in the whole schedule. Most of a case's
    steps are done, and their deadlines are most of the work (verify recomputes every case's figures)."""
    plan = plan_for(procedure)
    scheduled = plan.steps if only is None else _with_dependencies(plan, only)
    cal = calendar if calendar is not None else WorkingCalendar.default()
    judged_at = require_aware(now, "now")
    if situation.closed_at is not None:
        judged_at = min(judged_at, situation.closed_at)
    horizon = due_soon_horizon(judged_at, procedure.settings.due_soon, cal)
    latest = _latest_occurrences(situation.events)
    occurred = set(latest)
    records = situation.records
    facts = situation.facts
    applicable = plan.unconditional.copy()
    for step_id, test in plan.conditional:
        applicable[step_id] = test(facts, occurred)
    ctx = _Context(
        plan.numbers, records, latest, applicable, judged_at, horizon, cal, facts, plan.undated_rows, figures_only
    )
    return _wait_for_undated({sp.step.id: ctx.schedule(sp) for sp in scheduled}, plan.numbers)


def _with_dependencies(plan: _Plan, step_ids: Collection[str]) -> list[StepPlan]:
    """The plans of `step_ids` (unknown ids ignored) and of everything they depend on, in procedure order."""
    by_id = {sp.step.id: sp for sp in plan.steps}
    wanted: set[str] = set()
    todo = list(step_ids)
    while todo:
        step_id = todo.pop()
        if step_id not in wanted and step_id in by_id:
            wanted.add(step_id)
            todo.extend(by_id[step_id].depends_on)
    return [sp for sp in plan.steps if sp.step.id in wanted]


def _wait_for_undated(schedule: dict[str, StepSchedule], numbers: Mapping[str, str]) -> dict[str, StepSchedule]:
    """A step that cannot start until an undated step is done (one with no deadline, or itself waiting) is
    waiting, not overdue: nobody can be late with it until what it depends on has a date. Repeated until
    nothing changes, so a chain of such steps all wait."""
    changed = True
    while changed:
        changed = False
        for step_id, row in schedule.items():
            if not row.unmet_dependencies or row.status in _SETTLED or row.due_state not in _PENDING:
                continue
            undated = [d for d in row.unmet_dependencies if schedule[d].due_at is None]
            if undated:
                waiting = row.waiting_for or _waiting_for_steps([numbers[d] for d in row.unmet_dependencies])
                schedule[step_id] = dataclasses.replace(
                    row, due_at=None, due_state=DueState.AWAITING, waiting_for=waiting, overdue_by=None
                )
                changed = True
    return schedule


# (due_at, due_state, waiting_for, overdue_by) of one step
_Due = tuple[datetime | None, DueState, str, timedelta | None]
_DUE_NOT_APPLICABLE: _Due = (None, DueState.NOT_APPLICABLE, "", None)
_DUE_NONE: _Due = (None, DueState.NO_DEADLINE, "", None)


class _Context:
    """One case's inputs while its steps are scheduled. Plain slots and inlined look-ups: verify schedules
    every step of every case, so per-step overhead is most of its cost."""

    __slots__ = (
        "applicable",
        "calendar",
        "facts",
        "figures_only",
        "horizon",
        "judged_at",
        "latest",
        "numbers",
        "records",
        "undated",
    )

    def __init__(
        self,
        numbers: Mapping[str, str],
        records: Mapping[str, StepRecordState],
        latest: Mapping[str, datetime],
        applicable: Mapping[str, bool],
        judged_at: datetime,
        horizon: datetime,
        calendar: WorkingCalendar,
        facts: Mapping[str, object],
        undated: dict[tuple[str, StepStatus, bool, tuple[str, ...]], StepSchedule],
        figures_only: bool = False,
    ) -> None:
        self.numbers = numbers
        self.records = records
        self.latest = latest
        self.applicable = applicable
        self.judged_at = judged_at
        self.horizon = horizon
        self.calendar = calendar
        self.facts = facts
        self.undated = undated
        self.figures_only = figures_only

    def schedule(self, sp: StepPlan) -> StepSchedule:
        step_id = sp.step.id
        records = self.records
        record = records.get(step_id, _NOT_STARTED)
        status = record.status
        applicable = self.applicable[step_id]
        if status is StepStatus.DONE and self.figures_only and (sp.recurs_every is None or not applicable):
            # Figures only: a done step not falling due again has no dates they read and, settled, waits for nothing.
            return sp.done_rows[applicable]  # made once per procedure: most steps are done, verify schedules all
        # A dependency that does not apply to this case must not block the steps after it.
        depends_on = sp.depends_on
        if not depends_on:
            unmet: tuple[str, ...] = ()
        elif len(depends_on) == 1:  # most steps: no generator needed
            first = depends_on[0]
            blocks = self.applicable[first] and records.get(first, _NOT_STARTED).status not in _SETTLED
            unmet = depends_on if blocks else ()
        else:
            is_applicable = self.applicable
            unmet = tuple(
                d for d in depends_on if is_applicable[d] and records.get(d, _NOT_STARTED).status not in _SETTLED
            )
        if status is StepStatus.NOT_APPLICABLE or (not applicable and status is not StepStatus.DONE):
            dates = _DUE_NOT_APPLICABLE
        elif (
            sp.offset is None
            or sp.anchor is None
            # The list's figures only: a done step that does not recur has no dates that they read. Its
            # row is then the one a done step without a deadline has, shared as such rows are.
            or (self.figures_only and status is StepStatus.DONE and (sp.recurs_every is None or not applicable))
        ):
            dates = _DUE_NONE
        else:
            dates = self._due(sp, sp.offset, sp.anchor, record, applicable)
        key = None
        if dates is _DUE_NOT_APPLICABLE or dates is _DUE_NONE:
            key = (step_id, status, applicable, unmet)
            shared = self.undated.get(key)
            if shared is not None:
                return shared
        due, state, waiting, overdue_by = dates
        if not waiting and unmet and applicable and status not in _SETTLED:
            waiting = _waiting_for_steps([self.numbers[d] for d in unmet])
        # Positional: a keyword call of this frozen class costs twice as much, once per step of every case.
        row = StepSchedule(
            step_id,
            status,
            applicable,
            sp.mandatory or (sp.condition is not None and applicable),  # required
            unmet,
            due,
            state,
            waiting,
            sp.deadline_text,
            overdue_by,
        )
        if key is not None:
            self.undated[key] = row
        return row

    def _due(self, sp: StepPlan, offset: Duration, anchor: Anchor, record: StepRecordState, applicable: bool) -> _Due:
        """The dates of a step that has a deadline and is not (or no longer) marked not applicable."""
        status = record.status
        recurs_every = sp.recurs_every
        if sp.by is not None:
            offset, recurs_every = self._durations(sp)
        anchor_time, waiting = self._anchor_time(anchor, sp.waiting_text)
        due = due_at(anchor_time, offset, self.calendar) if anchor_time is not None else None
        completed = record.completed_at
        if completed is not None and status is StepStatus.DONE:
            if recurs_every is not None and applicable:
                # Falls due again after each completion, or sooner if its anchor has happened since.
                next_due = due_at(completed, recurs_every, self.calendar)
                if due is not None and anchor_time is not None and anchor_time > completed:
                    next_due = min(next_due, due)
                return self._open(next_due)
            if due is None:
                return _DUE_NONE
            state = state_when_done(due, completed)
            return due, state, "", (completed - due if state is DueState.DONE_LATE else None)
        if due is None:
            return (None, DueState.AWAITING, waiting, None) if waiting else _DUE_NONE
        return self._open(due)

    def _durations(self, sp: StepPlan) -> tuple[Duration, Duration | None]:
        """The offset and interval for this case: a fact-dependent deadline follows the fact's current
        value (a risk review falls due sooner once the category rises)."""
        assert sp.offset is not None
        case = sp.by.case_for(self.facts) if sp.by is not None else None
        if case is None:
            return sp.offset, sp.recurs_every
        every = case.recurs_every if case.recurs_every is not None and sp.recurs_every is not None else sp.recurs_every
        return case.offset, every

    def _open(self, due: datetime) -> _Due:
        state = state_when_open(due, self.judged_at, self.horizon)
        return due, state, "", (self.judged_at - due if state is DueState.OVERDUE else None)

    def _anchor_time(self, anchor: Anchor, waiting_text: str) -> tuple[datetime | None, str]:
        """The anchor's time, or None with the phrase to show while waiting for it ("" when the anchor
        will never come, so the step has no deadline rather than waiting forever)."""
        if anchor.kind is AnchorKind.EVENT:
            return self.latest.get(anchor.ref), waiting_text
        anchor_record = self.records.get(anchor.ref, _NOT_STARTED)
        if anchor_record.completed_at is not None:
            return anchor_record.completed_at, ""
        if anchor_record.status is StepStatus.NOT_APPLICABLE or not self.applicable[anchor.ref]:
            return None, ""
        return None, waiting_text


def _latest_occurrences(events: Mapping[str, tuple[datetime, ...]]) -> dict[str, datetime]:
    latest: dict[str, datetime] = {}
    for event_id, times in events.items():
        if len(times) == 1:  # most events happen once
            latest[event_id] = require_aware(times[0], f"occurrence of {event_id}")
        elif times:
            latest[event_id] = max(require_aware(t, f"occurrence of {event_id}") for t in times)
    return latest


def _waiting_for_steps(numbers: list[str]) -> str:
    if len(numbers) == 1:
        return f"Waiting for step {numbers[0]} to be completed"
    listed = ", ".join(numbers[:-1]) + f" and {numbers[-1]}"
    return f"Waiting for steps {listed} to be completed"


def next_due(schedule: Mapping[str, StepSchedule]) -> StepSchedule | None:
    """The required step that falls due first, among those still to do (including a done recurring step
    awaiting its next round)."""
    pending = [s for s in schedule.values() if s.required and s.due_at and s.due_state in _PENDING]
    # min() keeps the first of equal deadlines, i.e. the earlier step in procedure order.
    return min(pending, key=_due_key, default=None)


def _due_key(row: StepSchedule) -> datetime:
    assert row.due_at is not None
    return row.due_at


def overdue(schedule: Mapping[str, StepSchedule]) -> list[StepSchedule]:
    """Required steps that are overdue, in procedure order. Optional steps show their own due state but
    are not counted: missing one is not a compliance failure."""
    return [s for s in schedule.values() if s.required and s.due_state is DueState.OVERDUE]


def phase_progress(procedure: Procedure, schedule: Mapping[str, StepSchedule]) -> list[PhaseProgress]:
    """Per phase, its required steps (those in `schedule`), how many are settled and how many overdue."""
    result: list[PhaseProgress] = []
    row_of = schedule.get
    # One pass per phase over its step ids (from the procedure's plan): this runs for every case's figures.
    for phase, step_ids in plan_for(procedure).phase_steps:
        required = done = late = 0
        for step_id in step_ids:
            row = row_of(step_id)
            if row is not None and row.required:
                required += 1
                if row.status in _SETTLED:
                    done += 1
                if row.due_state is DueState.OVERDUE:
                    late += 1
        result.append(PhaseProgress(phase.id, phase.number, phase.title, required, done, late))
    return result
