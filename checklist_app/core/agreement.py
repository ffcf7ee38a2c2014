"""A mandatory step marked not applicable counts as open until a supervisor agrees (issue 11): the case list's
figures (next due, overdue, steps done) see it as the open step it was, with the deadline it had.

Pure, so the services and the demo generator reckon a case's list figures the same way.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import datetime

from checklist_app.core.calendar import WorkingCalendar
from checklist_app.core.deadlines import DueState
from checklist_app.core.procedure.model import Procedure
from checklist_app.core.schedule import CaseSituation, StepSchedule, compute_schedule


def schedule_counting_awaiting(
    procedure: Procedure,
    situation: CaseSituation,
    now: datetime,
    calendar: WorkingCalendar | None,
    awaiting: Collection[str],
    *,
    figures_only: bool = False,
) -> dict[str, StepSchedule]:
    """The case's schedule with each step in `awaiting` (mandatory, marked not applicable, not yet agreed)
    scheduled as if it had not been marked: open, with its deadline. Steps that depend on it are left as
    they are; the mark stands for them until it is refused. `figures_only`: see `compute_schedule`."""
    schedule = compute_schedule(procedure, situation, now, calendar, figures_only=figures_only)
    if not awaiting:
        return schedule
    records = {k: v for k, v in situation.records.items() if k not in awaiting}
    # Only the awaiting steps' rows are taken from it, so only they (and what they wait for) are scheduled.
    unmarked = compute_schedule(
        procedure, replace(situation, records=records), now, calendar, only=awaiting, figures_only=figures_only
    )
    return {k: unmarked[k] if k in awaiting else v for k, v in schedule.items()}


_OPEN_DUE_STATES = frozenset({DueState.ON_TRACK, DueState.DUE_SOON, DueState.OVERDUE})


def open_due(schedule: Mapping[str, StepSchedule]) -> list[tuple[datetime, str]]:
    """(due time, step id) of each required step still open with a due time, earliest first. Given the
    schedule from `schedule_counting_awaiting`, the case list keeps these times and the case header counts
    them with `overdue_step_ids`: one rule, so the two overdue figures cannot differ."""
    return sorted(
        (s.due_at, s.step_id)
        for s in schedule.values()
        if s.required and s.due_at is not None and s.due_state in _OPEN_DUE_STATES
    )


def overdue_step_ids(schedule: Mapping[str, StepSchedule], now: datetime) -> tuple[str, ...]:
    """The steps of `open_due` past due at `now`, earliest first (what the case list's count bisects)."""
    return tuple(step_id for due, step_id in open_due(schedule) if due < now)
