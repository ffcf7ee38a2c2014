"""The dashboard's newer lines through real widgets: a step marked not applicable awaiting agreement opens the
case at that step; an open remedial action from an audit opens the case at the action; an officer's workload
row opens the case list filtered to that officer's cases."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from support import open_case
from test_supervisor_desk import supervisor_window
from world_support import PASSWORD

from checklist_app.services import audit_rounds, audit_signing, case_audits, remedial, steps
from checklist_app.ui.case_list import CaseListPage
from checklist_app.ui.workspace import CaseWorkspace

pytestmark = pytest.mark.gui
GRADES = dict.fromkeys(("audit.referral.flagged", "audit.risk.assessed", "audit.investigation.devices"), "compliant")
MANDATORY = "referral.record-details"


def _followups(world):  # type: ignore[no-untyped-def]
    """Three cases for Dc Alder, one for Dc Birch; one of Alder's with a mandatory step marked not applicable,
    one with an open remedial action from a signed audit."""
    alder = [open_case(world, subject_ref=f"SC-40{n}") for n in range(3)]
    birch = open_case(world, world.investigator2, subject_ref="SC-500")
    steps.mark_not_applicable(world.ctx, world.investigator, alder[0].id, MANDATORY, "Referral came by phone")
    detail = audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", sample_size=4, seed=7)
    audit = next(c for c in detail.sampled if c.case_id == alder[1].id)
    assert audit.audit_id is not None
    case_audits.save_audit(
        world.ctx, world.auditor, audit.audit_id, grades=GRADES, comments={}, overall_grade="good", rationale="Ok."
    )
    case_audits.raise_remedial_action(
        world.ctx, world.auditor, audit.audit_id, description="Record the grounds.", owner_id=world.investigator.user_id
    )
    audit_signing.sign_audit(world.ctx, world.auditor, audit.audit_id, PASSWORD)
    (action,) = remedial.case_remedial_actions(world.ctx, world.investigator, alder[1].id)
    return alder, birch, action


def test_agreement_and_remedial_lines_open_the_case_and_workload_rows_list_the_officers_cases(
    qtbot, world, runner, prefs, idle, monkeypatch
):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    alder, _birch, action = _followups(world)
    window = supervisor_window(qtbot, world, runner, prefs, idle, monkeypatch)
    tabs = window.ui.caseTabs
    page = window.dashboard

    (agreement,) = page.section_lines("agreements")
    assert agreement.text(0) == alder[0].reference and "awaiting your agreement" in agreement.text(2)
    page.attention.setCurrentItem(agreement)
    qtbot.keyClick(page.attention, Qt.Key.Key_Return)
    idle()
    workspace = tabs.currentWidget()
    assert isinstance(workspace, CaseWorkspace) and workspace.case_id == alder[0].id
    qtbot.waitUntil(lambda: workspace.detail is not None, timeout=15000)
    idle()
    assert workspace.ui.sections.currentWidget() is workspace.steps and workspace.steps.step_id == MANDATORY

    window.show_dashboard()
    (line,) = page.section_lines("remedial")
    assert line.text(0) == alder[1].reference and "Record the grounds." in line.text(2)
    page.attention.setCurrentItem(line)
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    idle()
    workspace = tabs.currentWidget()
    assert isinstance(workspace, CaseWorkspace) and workspace.case_id == alder[1].id
    box = workspace.remedial
    qtbot.waitUntil(lambda: box.isVisible() and box.page.table.rowCount() == 1, timeout=15000)
    idle()
    selected = box.page.table.selectedItems()
    assert selected and selected[0].data(Qt.ItemDataRole.UserRole) == action.id

    # Enter on Dc Alder's workload row: the case list, showing Alder's open cases only.
    window.show_dashboard()
    table = page.workload
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "Dc Alder")
    table.setCurrentCell(row, 0)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    idle()
    case_list = window.case_list
    assert isinstance(case_list, CaseListPage) and tabs.currentWidget() is case_list
    qtbot.waitUntil(lambda: len(case_list.model.rows) >= 4, timeout=15000)
    assert case_list.ui.scope.currentText() == "Cases of Dc Alder"
    assert {r.reference for r in case_list.model.visible} == {c.reference for c in alder}
    # Double-click on Dc Birch's row swaps the filter to Birch.
    window.show_dashboard()
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "Dc Birch")
    rect = table.visualItemRect(table.item(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a real double-click
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    idle()
    assert tabs.currentWidget() is case_list
    assert [case_list.ui.scope.itemText(i) for i in range(case_list.ui.scope.count())].count("Cases of Dc Birch") == 1
    assert not any("Alder" in case_list.ui.scope.itemText(i) for i in range(case_list.ui.scope.count()))
    assert [r.reference for r in case_list.model.visible] == [_birch.reference]
    assert shown == []
    window.close()
