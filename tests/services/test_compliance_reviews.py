"""The compliance report's supervisory reviews in date: reviews falling due in the period, by the team
dashboard's rule, so a case never reviewed counts as overdue there as it does on the dashboard."""

from __future__ import annotations

from datetime import timedelta

from support import open_case
from test_reviews import signed_review

from checklist_app.reports.generate import csv_tables
from checklist_app.services import dashboard, report_data, steps
from checklist_app.services.compliance_figures import Timed


def _reviews(world, start):  # type: ignore[no-untyped-def]
    figures = report_data.compliance(world.ctx, world.supervisor, start, world.clock.now.date()).figures
    total = Timed()
    for t in figures.reviews.values():
        total.add(t)
    return figures, total


def test_reviews_due_in_the_period_count_never_signed_and_late_ones(world):  # type: ignore[no-untyped-def]
    start = world.clock.now.date()
    never = open_case(world)
    in_date = open_case(world, officer_id=world.investigator2.user_id)
    late = open_case(world)
    signed_review(world, in_date.id, with_action=False)  # on the day of opening: in date
    world.clock.advance(days=35)
    signed_review(world, late.id, with_action=False)  # a week after the first review fell due

    board = dashboard.team_dashboard(world.ctx, world.supervisor, world.procedure_id)
    overdue_lines = {line.reference: line for line in board.reviews if line.overdue}
    assert overdue_lines[never.reference].what == "Supervisory review overdue (never reviewed)"
    assert set(overdue_lines) == {never.reference, in_date.reference}

    figures, total = _reviews(world, start)
    # never: its first review, overdue; in_date: its first in date, its second overdue (as on the
    # dashboard); late: its first signed late, its second not due until after the period.
    assert (total.within, total.late, total.overdue, total.pending) == (1, 1, 2, 0)
    assert "n/a" not in f"{total.percent}" and total.percent == 25.0
    rows = csv_tables(figures)["supervisory_reviews.csv"]
    assert rows[0] == ["district", "month", "in_date", "late", "overdue", "not_yet_due"]
    assert [sum(r[i] for r in rows[1:]) for i in range(2, 6)] == [1, 1, 2, 0]


def test_a_review_step_completed_counts_as_the_dashboard_counts_it(world):  # type: ignore[no-untyped-def]
    start = world.clock.now.date()
    case = open_case(world)
    world.clock.advance(days=20)
    steps.complete_step(world.ctx, world.supervisor, case.id, "risk.supervisory-review", {})
    world.clock.advance(days=15)  # day 35: 28 days from the step (day 48) is still to come
    board = dashboard.team_dashboard(world.ctx, world.supervisor, world.procedure_id)
    assert not any(line.reference == case.reference and line.overdue for line in board.reviews)
    _figures, total = _reviews(world, start)
    assert (total.within, total.late, total.overdue) == (0, 0, 0)
    world.clock.advance(days=14)  # day 49: now past due on both
    board = dashboard.team_dashboard(world.ctx, world.supervisor, world.procedure_id)
    due = next(line.due_at for line in board.reviews if line.reference == case.reference)
    assert due == world.clock.now - timedelta(days=1)
    _figures, total = _reviews(world, start)
    assert (total.within, total.late, total.overdue) == (0, 0, 1)
