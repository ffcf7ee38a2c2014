"""One rule, one date: the case header's next risk review is the due date of step 4.6 (reassess), as the
steps table shows it, on real widgets with the shipped procedure."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from support import open_case
from test_workspace import _go_to, _workspace
from world_support import build_world

from checklist_app import paths
from checklist_app.core import wording
from checklist_app.services import risk, steps
from checklist_app.ui.session import AppSession
from checklist_app.ui.steps.models import COL_DUE

pytestmark = pytest.mark.gui


def _override_to_category_4(world, case_id: int):  # type: ignore[no-untyped-def]
    # An override not yet countersigned: the category that counts is still the calculated one.
    return risk.record_assessment(
        world.ctx,
        world.investigator,
        case_id,
        risk.RiskForm(answers={}, override_category=4, override_reason="A single very serious incident"),
    )


def test_header_next_risk_review_is_step_4_6_due_date(qtbot, shipped_world, runner, prefs, idle):
    world = shipped_world
    case = open_case(world)
    world.clock.advance(hours=1)
    steps.save_progress(world.ctx, world.investigator, case.id, "risk.assess", {"risk_assessed_with": "Social worker"})
    recorded = _override_to_category_4(world, case.id)
    ws = _workspace(qtbot, AppSession(world.ctx, world.investigator, runner, prefs), case.id, idle)
    step = ws.detail.step("risk.reassess")
    assert step.due_at is not None
    # The shipped procedure is version 1.0, whose step 4.6 gives 3 months for every category: the date stored
    # with the assessment (the history column) follows that rule too, not the band's 1 month.
    assert recorded.next_review_at == step.due_at
    assert ws.ui.reviewChip.text() == f"Next risk review {wording.day(step.due_at)}"
    risk_tab = ws.tabs[2]
    ws.ui.sections.setCurrentWidget(risk_tab)  # a record tab is filled when first shown
    idle()
    assert risk_tab.ui.reviewLabel.text().startswith(wording.day(step.due_at))
    ws.ui.sections.setCurrentIndex(0)
    idle()

    _go_to(qtbot, ws, "4.6")
    row = ws.steps.step_model.row_of("risk.reassess")
    assert ws.steps.step_model.index(row, COL_DUE).data() == wording.when(step.due_at, with_day=False)


def test_no_review_date_while_step_4_6_waits(qtbot, shipped_world, runner, prefs, idle):
    world = shipped_world
    case = open_case(world)
    world.clock.advance(hours=1)
    _override_to_category_4(world, case.id)  # 4.1 stays in progress: partners not yet recorded
    ws = _workspace(qtbot, AppSession(world.ctx, world.investigator, runner, prefs), case.id, idle)
    step = ws.detail.step("risk.reassess")
    assert step.due_at is None and step.due_state == "awaiting"
    assert ws.ui.reviewChip.text() == "Risk review date not set yet"
    assert "Waiting for step" in ws.ui.reviewChip.toolTip()


@pytest.mark.parametrize(("name", "words"), [("cse-sop-v1.yaml", "3 months"), ("cse-sop-v1.1.yaml", "1 month")])
def test_live_score_review_period_follows_the_cases_procedure(qtbot, ctx, clock, runner, prefs, idle, name, words):
    text = next(n for n in paths.shipped_sop_files() if n.name == name).read_text(encoding="utf-8")
    world = build_world(ctx, clock, text)
    case = open_case(world)
    ws = _workspace(qtbot, AppSession(world.ctx, world.investigator, runner, prefs), case.id, idle)
    risk_tab = ws.tabs[2]
    ws.ui.sections.setCurrentWidget(risk_tab)
    idle()
    qtbot.mouseClick(risk_tab.form.triggers["disclosure"], Qt.MouseButton.LeftButton)
    assert risk_tab.ui.categoryValue.text() == "Category 4"
    assert f"Review within {words} at most." in risk_tab.ui.actionsValue.text()
