"""The schedule as computed before its speed-up (issue 13), kept only as the tests' oracle: the optimised
core.schedule, core.deadlines and core.calendar must give results identical to this straightforward form.

Copied from checklist_app/core/schedule.py and deadlines.py at commit 0a49991, with working days counted
one day at a time and no caching anywhere. The per-procedure plan (`plan_for`) is shared: it did not change.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from checklist_app.core.calendar import LOCAL_TZ, WorkingCalendar
from checklist_app.core.conditions import Expr, evaluate
from checklist_app.core.deadlines import END_OF_DAY, DueState
from checklist_app.core.procedure.model import Anchor, AnchorKind, Duration, DurationUnit, Procedure
from checklist_app.core.schedule import (
    CaseSituation,
    PhaseProgress,
    StepPlan,
    StepRecordState,
    StepSchedule,
    StepStatus,
    plan_for,
)

_SETTLED = frozenset({StepStatus.DONE, StepStatus.NOT_APPLICABLE})
_PENDING = frozenset({DueState.ON_TRACK, DueState.DUE_SOON, DueState.OVERDUE})
_NOT_STARTED = StepRecordState("", StepStatus.NOT_STARTED)
_ONE_DAY = timedelta(days=1)


def require_aware(value: datetime, name: str = "datetime") -> datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


def add_working_days(cal: WorkingCalendar, day: date, n: int) -> date:
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    if n == 0:
        while not cal.is_working_day(day):
            day += step
        return day
    remaining = abs(n)
    while remaining:
        day += step
        if cal.is_working_day(day):
            remaining -= 1
    return day


def due_at(anchor_time: datetime, offset: Duration, calendar: WorkingCalendar) -> datetime:
    anchor = require_aware(anchor_time, "anchor_time")
    unit = offset.unit
    if unit is DurationUnit.HOURS:
        return anchor + timedelta(hours=offset.amount)
    if unit is DurationUnit.DAYS:
        return anchor + timedelta(days=offset.amount)
    local = anchor.astimezone(LOCAL_TZ)
    if unit is DurationUnit.WORKING_DAYS:
        day = add_working_days(calendar, local.date(), offset.amount)
        return datetime.combine(day, END_OF_DAY, tzinfo=LOCAL_TZ).astimezone(UTC)
    return _add_months_local(local, offset.amount).astimezone(UTC)


def _add_months_local(local: datetime, months: int) -> datetime:
    if months == 0:
        return local
    index = local.year * 12 + local.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    day = min(local.day, _stdlib_calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day, fold=0)


def state_when_done(due: datetime, completed_at: datetime) -> DueState:
    return DueState.DONE_ON_TIME if completed_at <= due else DueState.DONE_LATE


def state_when_open(due: datetime, now: datetime, horizon: datetime) -> DueState:
    if now > due:
        return DueState.OVERDUE
    if due <= horizon:
        return DueState.DUE_SOON
    return DueState.ON_TRACK


def compute_schedule(
    procedure: Procedure, situation: CaseSituation, now: datetime, calendar: WorkingCalendar
) -> dict[str, StepSchedule]:
    plan = plan_for(procedure)
    judged_at = require_aware(now, "now")
    if situation.closed_at is not None:
        judged_at = min(judged_at, situation.closed_at)
    horizon = due_at(judged_at, procedure.settings.due_soon, calendar)
    latest = _latest_occurrences(situation.events)
    occurred = set(latest)
    applicable = {sp.step.id: _holds(sp.condition, situation.facts, occurred) for sp in plan.steps}
    ctx = _Context(plan.numbers, situation.records, latest, applicable, judged_at, horizon, calendar, situation.facts)
    return _wait_for_undated({sp.step.id: ctx.schedule(sp) for sp in plan.steps}, plan.numbers)


def _wait_for_undated(schedule: dict[str, StepSchedule], numbers: Mapping[str, str]) -> dict[str, StepSchedule]:
    changed = True
    while changed:
        changed = False
        for step_id, row in schedule.items():
            if row.status in _SETTLED or row.due_state not in _PENDING or not row.unmet_dependencies:
                continue
            undated = [d for d in row.unmet_dependencies if schedule[d].due_at is None]
            if undated:
                waiting = row.waiting_for or _waiting_for_steps([numbers[d] for d in row.unmet_dependencies])
                schedule[step_id] = dataclasses.replace(
                    row, due_at=None, due_state=DueState.AWAITING, waiting_for=waiting, overdue_by=None
                )
                changed = True
    return schedule


@dataclass(frozen=True, slots=True)
class _Context:
    numbers: Mapping[str, str]
    records: Mapping[str, StepRecordState]
    latest: Mapping[str, datetime]
    applicable: Mapping[str, bool]
    judged_at: datetime
    horizon: datetime
    calendar: WorkingCalendar
    facts: Mapping[str, object]

    def record(self, step_id: str) -> StepRecordState:
        return self.records.get(step_id, _NOT_STARTED)

    def status(self, step_id: str) -> StepStatus:
        return self.record(step_id).status

    def schedule(self, sp: StepPlan) -> StepSchedule:
        step_id = sp.step.id
        record = self.record(step_id)
        status = record.status
        applicable = self.applicable[step_id]
        unmet = tuple(d for d in sp.depends_on if self.applicable[d] and self.status(d) not in _SETTLED)
        due, state, waiting, overdue_by = self._due(sp, record, applicable)
        if not waiting and unmet and status not in _SETTLED and applicable:
            waiting = _waiting_for_steps([self.numbers[d] for d in unmet])
        return StepSchedule(
            step_id=step_id,
            status=status,
            applicable=applicable,
            required=sp.mandatory or (sp.condition is not None and applicable),
            unmet_dependencies=unmet,
            due_at=due,
            due_state=state,
            waiting_for=waiting,
            deadline_text=sp.deadline_text,
            overdue_by=overdue_by,
        )

    def _due(
        self, sp: StepPlan, record: StepRecordState, applicable: bool
    ) -> tuple[datetime | None, DueState, str, timedelta | None]:
        status = record.status
        if status is StepStatus.NOT_APPLICABLE or (not applicable and status is not StepStatus.DONE):
            return None, DueState.NOT_APPLICABLE, "", None
        if sp.offset is None or sp.anchor is None:
            return None, DueState.NO_DEADLINE, "", None
        offset, recurs_every = self._durations(sp)
        anchor_time, waiting = self._anchor_time(sp.anchor, sp.waiting_text)
        due = due_at(anchor_time, offset, self.calendar) if anchor_time is not None else None
        completed = record.completed_at
        if completed is not None and status is StepStatus.DONE:
            if recurs_every is not None and applicable:
                next_due = due_at(completed, recurs_every, self.calendar)
                if due is not None and anchor_time is not None and anchor_time > completed:
                    next_due = min(next_due, due)
                return self._open(next_due)
            if due is None:
                return None, DueState.NO_DEADLINE, "", None
            state = state_when_done(due, completed)
            return due, state, "", (completed - due if state is DueState.DONE_LATE else None)
        if due is None:
            return None, (DueState.AWAITING if waiting else DueState.NO_DEADLINE), waiting, None
        return self._open(due)

    def _durations(self, sp: StepPlan) -> tuple[Duration, Duration | None]:
        assert sp.offset is not None
        case = sp.by.case_for(self.facts) if sp.by is not None else None
        if case is None:
            return sp.offset, sp.recurs_every
        every = case.recurs_every if case.recurs_every is not None and sp.recurs_every is not None else sp.recurs_every
        return case.offset, every

    def _open(self, due: datetime) -> tuple[datetime, DueState, str, timedelta | None]:
        state = state_when_open(due, self.judged_at, self.horizon)
        return due, state, "", (self.judged_at - due if state is DueState.OVERDUE else None)

    def _anchor_time(self, anchor: Anchor, waiting_text: str) -> tuple[datetime | None, str]:
        if anchor.kind is AnchorKind.EVENT:
            return self.latest.get(anchor.ref), waiting_text
        anchor_record = self.record(anchor.ref)
        if anchor_record.completed_at is not None:
            return anchor_record.completed_at, ""
        if anchor_record.status is StepStatus.NOT_APPLICABLE or not self.applicable[anchor.ref]:
            return None, ""
        return None, waiting_text


def _holds(condition: Expr | None, facts: Mapping[str, object], occurred: set[str]) -> bool:
    return condition is None or evaluate(condition, facts, occurred)


def _latest_occurrences(events: Mapping[str, tuple[datetime, ...]]) -> dict[str, datetime]:
    latest: dict[str, datetime] = {}
    for event_id, times in events.items():
        if times:
            latest[event_id] = max(require_aware(t, f"occurrence of {event_id}") for t in times)
    return latest


def _waiting_for_steps(numbers: list[str]) -> str:
    if len(numbers) == 1:
        return f"Waiting for step {numbers[0]} to be completed"
    listed = ", ".join(numbers[:-1]) + f" and {numbers[-1]}"
    return f"Waiting for steps {listed} to be completed"


def schedule_counting_awaiting(
    procedure: Procedure,
    situation: CaseSituation,
    now: datetime,
    calendar: WorkingCalendar,
    awaiting: frozenset[str],
) -> dict[str, StepSchedule]:
    """As core.agreement.schedule_counting_awaiting was: the whole schedule computed twice."""
    schedule = compute_schedule(procedure, situation, now, calendar)
    if not awaiting:
        return schedule
    records = {k: v for k, v in situation.records.items() if k not in awaiting}
    unmarked = compute_schedule(procedure, dataclasses.replace(situation, records=records), now, calendar)
    return {k: unmarked[k] if k in awaiting else v for k, v in schedule.items()}


def phase_progress(procedure: Procedure, schedule: Mapping[str, StepSchedule]) -> list[PhaseProgress]:
    result: list[PhaseProgress] = []
    for phase in procedure.phases:
        rows = [schedule[s.id] for s in phase.steps if s.id in schedule and schedule[s.id].required]
        result.append(
            PhaseProgress(
                phase_id=phase.id,
                number=phase.number,
                title=phase.title,
                required=len(rows),
                done=sum(1 for r in rows if r.status in _SETTLED),
                overdue=sum(1 for r in rows if r.due_state is DueState.OVERDUE),
            )
        )
    return result
