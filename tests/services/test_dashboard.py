"""The supervisor's team dashboard, on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from support import open_case
from world_support import PASSWORD

from checklist_app.services import dashboard, reviews
from checklist_app.services.errors import PermissionDenied
from checklist_app.store.models import AuditEntry


def test_workload_reviews_overdue_steps_and_actions(world):
    first = open_case(world)
    open_case(world, officer_id=world.investigator2.user_id)
    board = dashboard.team_dashboard(world.ctx, world.supervisor, world.procedure_id)
    assert board.team_name == "Sheffield CSE Team 1"
    loads = {o.name: o for o in board.workload}
    # Unassessed cases count but carry no weight (the SOP weights categories 1 to 4).
    assert loads["Dc Alder"].open_cases == 1 and loads["Dc Alder"].by_category == {0: 1}
    assert loads["Dc Alder"].score == 0 and loads["Dc Alder"].threshold == 20 and not loads["Dc Alder"].over
    assert {line.reference for line in board.overdue_steps} == {first.reference, board.overdue_steps[-1].reference}
    assert all(line.place == "steps:overdue" and line.overdue for line in board.overdue_steps)
    assert {line.what for line in board.risk} == {"No risk assessment yet"}
    assert board.actions == ()

    review = reviews.start_review(world.ctx, world.supervisor, first.id)
    reviews.save_review(
        world.ctx, world.supervisor, review.id, {k: ("yes", "") for k in ("plan", "risk", "overdue")}, "All fine"
    )
    reviews.direct_action(
        world.ctx,
        world.supervisor,
        review.id,
        "Visit the school",
        world.investigator.user_id,
        world.clock.now + timedelta(days=1),
    )
    reviews.sign_review(world.ctx, world.supervisor, review.id, PASSWORD)
    world.clock.advance(days=27)
    board = dashboard.team_dashboard(world.ctx, world.supervisor, world.procedure_id)
    assert [(a.reference, a.place, a.overdue) for a in board.actions] == [(first.reference, "tab:supervision", True)]
    due = {line.reference: line for line in board.reviews}
    assert not due[first.reference].overdue and "never reviewed" not in due[first.reference].what
    world.clock.advance(days=2)
    board = dashboard.team_dashboard(world.ctx, world.supervisor, world.procedure_id)
    assert all(line.overdue for line in board.reviews)
    with world.ctx.db.read() as session:
        assert session.scalar(select(AuditEntry.action).order_by(AuditEntry.seq.desc()).limit(1)) == "dashboard.view"


@pytest.mark.parametrize("who", ["investigator", "intel", "auditor", "admin"])
def test_only_supervisors_see_the_team_dashboard(world, who):
    with pytest.raises(PermissionDenied):
        dashboard.team_dashboard(world.ctx, getattr(world, who), world.procedure_id)
