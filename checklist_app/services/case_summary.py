"""The case list's row for a case: its figures (phase, next due, steps done, risk), the open directed actions
counted in them, and keeping the stored row current.

Shared by the case use cases and verify's summary check; not a use case itself.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from checklist_app.core.agreement import open_due, schedule_counting_awaiting
from checklist_app.core.procedure.model import Procedure
from checklist_app.core.schedule import StepSchedule, compute_schedule, next_due, phase_progress
from checklist_app.services import case_state as cs
from checklist_app.services.context import ServiceContext
from checklist_app.services.step_agreement import awaiting_agreement
from checklist_app.store.models import CaseSummary, DirectedAction


def open_actions(session: Session, case_ids: list[int]) -> dict[int, list[tuple[datetime, str]]]:
    """Open directed actions of the cases, soonest first: (due at, description) per case."""
    found: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for case_id, due_at, description in session.execute(
        select(DirectedAction.case_id, DirectedAction.due_at, DirectedAction.description)
        .where(DirectedAction.case_id.in_(case_ids), DirectedAction.status == "open")
        .order_by(DirectedAction.due_at)
    ):
        found[case_id].append((due_at, description))
    return found


def summary_values(
    procedure: Procedure,
    schedule: dict[str, StepSchedule],
    risk_category: int | None,
    now: datetime,
    *,
    closed: bool = False,
) -> dict[str, object]:
    """The case list's figures for one case. Pure, so the demo generator computes them the same way.
    A closed case has nothing due."""
    progress = phase_progress(procedure, schedule)
    current = next((p for p in progress if not p.complete), progress[-1])
    upcoming = None if closed else next_due(schedule)
    step = procedure.step(upcoming.step_id) if upcoming else None
    due_times = [] if closed else [due for due, _ in open_due(schedule)]
    return {
        "phase_number": current.number,
        "phase_title": current.title[:120],  # column widths: a procedure's titles are not length-limited
        "next_due_step": step.number if step else "",
        "next_due_title": step.title[:200] if step else "",
        "next_due_at": upcoming.due_at if upcoming else None,
        "open_due": [d.timestamp() for d in due_times],
        "steps_required": sum(p.required for p in progress),
        "steps_done": sum(p.done for p in progress),
        "risk_category": risk_category or 0,
        "computed_at": now,
    }


def expected_summary(
    session: Session,
    ctx: ServiceContext,
    loaded: cs.LoadedCase,
    now: datetime,
    actions: list[tuple[datetime, str]] | None = None,
    schedule: dict[str, StepSchedule] | None = None,
    awaiting: frozenset[str] | None = None,
) -> dict[str, object]:
    """The case list's row for the case as of `now`; `verify` recomputes it to catch edited summaries.
    `actions`: the case's open directed actions when already loaded (see `open_actions`); `schedule`: the
    case's schedule as of `now` when the caller has just computed it (it is most of the cost); `awaiting`:
    the case's steps awaiting agreement when already worked out (see `awaiting_agreement_many`)."""
    # A mandatory step marked not applicable counts as open in the list's figures until it is agreed. A closed
    # case has none awaiting (closure needs every agreement, and a closed case's steps cannot change), so its
    # signatures are not hashed again here: `verify` over 20,000 cases would otherwise re-hash most of them.
    open_case = loaded.case.status == "open"
    if not open_case:
        awaiting = frozenset()
    elif awaiting is None:
        awaiting = awaiting_agreement(session, loaded)
    # Only the list's figures are taken from the schedule, so done steps' dates are not reckoned (see
    # compute_schedule's `figures_only`); a whole schedule the caller passes gives the same figures.
    if awaiting:
        schedule = schedule_counting_awaiting(
            loaded.procedure, cs.situation(loaded), now, ctx.calendar, awaiting, figures_only=True
        )
    elif schedule is None:
        schedule = compute_schedule(loaded.procedure, cs.situation(loaded), now, ctx.calendar, figures_only=True)
    values = summary_values(
        loaded.procedure,
        schedule,
        cs.current_risk_category(loaded),
        now,
        closed=not open_case,
    )
    if open_case:
        if actions is None:
            actions = open_actions(session, [loaded.case.id]).get(loaded.case.id, [])
        _add_directed_actions(values, actions)
    values["complex_case"] = bool(loaded.case.facts.get("complex", False))
    return values


def refresh_summary(
    session: Session,
    ctx: ServiceContext,
    loaded: cs.LoadedCase,
    now: datetime,
    schedule: dict[str, StepSchedule] | None = None,
    awaiting: frozenset[str] | None = None,
) -> CaseSummary:
    """Bring the case's list row up to date. `schedule` and `awaiting`: as for `expected_summary`."""
    values = expected_summary(session, ctx, loaded, now, schedule=schedule, awaiting=awaiting)
    values["last_activity_at"] = now
    summary = session.get(CaseSummary, loaded.case.id)
    if summary is None:
        summary = CaseSummary(case_id=loaded.case.id, **values)
        session.add(summary)
    else:
        for key, value in values.items():
            setattr(summary, key, value)
    return summary


def _add_directed_actions(values: dict[str, object], actions: list[tuple[datetime, str]]) -> None:
    """Open directed actions count in the case list's next-due and overdue figures like open steps."""
    if not actions:
        return
    # `values` holds the summary's columns of mixed types; these two are a list of floats and a datetime.
    values["open_due"] = sorted([*values["open_due"], *(due.timestamp() for due, _ in actions)])  # type: ignore[misc]
    first_due, description = actions[0]
    current = values["next_due_at"]
    if current is None or first_due < current:  # type: ignore[operator]
        values["next_due_step"] = "Action"
        values["next_due_title"] = f"Directed action: {description}"[:200]
        values["next_due_at"] = first_due
