"""The case header's overdue chip shows the case list's overdue count, also while a mandatory step marked not
applicable awaits the supervisor's agreement (it counts as open in both until agreed)."""

from __future__ import annotations

import pytest
from support import open_case
from test_workspace import _workspace

from checklist_app.services import case_list, steps

pytestmark = pytest.mark.gui

MANDATORY = "referral.record-details"


def test_the_chip_counts_a_step_awaiting_agreement_like_the_list(qtbot, world, make_session, idle):
    case = open_case(world)
    world.clock.advance(minutes=5)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    world.clock.advance(days=2)
    (row,) = [r for r in case_list.list_cases(world.ctx, world.supervisor) if r.id == case.id]
    listed = row.overdue_count(world.clock.now)
    ws = _workspace(qtbot, make_session(world.supervisor), case.id, idle)
    assert listed > 0
    assert ws.ui.overdueChip.text() == f"{listed} overdue step{'s' if listed != 1 else ''}"
    number = next(s.number for s in ws.detail.steps if s.step_id == MANDATORY)
    assert ws.ui.overdueChip.toolTip().startswith(f"{number} ")  # the earliest overdue: the awaiting step
