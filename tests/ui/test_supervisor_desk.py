"""The supervisor's desk through real widgets: a supervisor logs on and lands on the team dashboard with the
team's figures; a line opens the case at the right place; closure is refused with the open items listed, then
closed and signed (a wrong password first); reopened; reassigned; an investigator sees none of these actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import PASSWORD
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from support import open_case
from test_log_off_and_on import _log_on

from checklist_app.services import cases, records, reviews, risk, steps, team_duties
from checklist_app.ui.app import AppController
from checklist_app.ui.main_window import MainWindow
from checklist_app.ui.supervision.dashboard import DashboardPage
from checklist_app.ui.supervision.dashboard_duties import RecordDutyDialog
from checklist_app.ui.workspace import CaseWorkspace

pytestmark = pytest.mark.gui
Left = Qt.MouseButton.LeftButton


ANSWERS = {"plan": ("yes", ""), "risk": ("no", "Review date passed"), "overdue": ("yes", "")}


def signed_review(world, case_id: int):  # type: ignore[no-untyped-def]
    review = reviews.start_review(world.ctx, world.supervisor, case_id)
    reviews.save_review(world.ctx, world.supervisor, review.id, ANSWERS, "Plan on track; risk review overdue.")
    action = reviews.direct_action(
        world.ctx,
        world.supervisor,
        review.id,
        "Reassess risk with the SERAF tool",
        world.investigator.user_id,
        world.clock.now + timedelta(days=2),
    )
    return reviews.sign_review(world.ctx, world.supervisor, review.id, PASSWORD), action


def settle_every_step(world, case_id: int) -> None:  # type: ignore[no-untyped-def]
    for step in cases.case_detail(world.ctx, world.supervisor, case_id).steps:
        if step.required and step.status not in ("done", "not_applicable"):
            actor = world.intel if step.role == "intelligence_officer" else world.supervisor
            steps.mark_not_applicable(world.ctx, actor, case_id, step.step_id, "Test closure")


def team_world(world):  # type: ignore[no-untyped-def]
    """Five category-4 cases for Dc Alder (25 points against 20), one unassessed for Dc Birch, one in another
    team; a signed review with an overdue directed action; a found child without a safe and well check."""
    alder = [open_case(world, subject_ref=f"SC-10{n}") for n in range(5)]
    for case in alder:
        risk.record_assessment(
            world.ctx, world.investigator, case.id, risk.RiskForm(answers={}, triggers=["disclosure"])
        )
    birch = open_case(world, world.investigator2, subject_ref="SC-200")
    open_case(world, world.other_team_investigator, subject_ref="SC-300")
    _, action = signed_review(world, alder[0].id)
    episode = records.record_missing_episode(
        world.ctx, world.investigator, alder[1].id, reported_at=world.clock.now - timedelta(hours=1), risk_grade="high"
    )
    records.update_missing_episode(
        world.ctx, world.investigator, episode, records.MissingUpdate(found_at=world.clock.now)
    )
    world.clock.advance(days=3)
    return alder, birch, action


def supervisor_window(qtbot, world, runner, prefs, idle, monkeypatch) -> MainWindow:  # type: ignore[no-untyped-def]
    controller = AppController(None, runner, prefs)
    controller.ctx = world.ctx
    monkeypatch.setattr(controller, "quit", lambda: None)
    controller.show_login()
    window = _log_on(qtbot, controller, "ds.cedar", idle)
    page = window.dashboard
    assert isinstance(page, DashboardPage)
    qtbot.waitUntil(lambda: page.loaded is not None, timeout=15000)
    idle()
    return window


def test_supervisor_lands_on_the_dashboard_with_the_team_figures(qtbot, world, runner, prefs, idle, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    alder, birch, _action = team_world(world)
    window = supervisor_window(qtbot, world, runner, prefs, idle, monkeypatch)
    tabs = window.ui.caseTabs
    page = window.dashboard
    assert tabs.currentWidget() is page and tabs.tabText(0) == "Team dashboard"
    assert "Sheffield CSE Team 1" in page.subtitle.text()

    workload = page.workload
    rows = {
        workload.item(r, 0).text(): [workload.item(r, c).text() for c in range(5)] for r in range(workload.rowCount())
    }
    assert set(rows) == {"Dc Alder", "Dc Birch"}  # investigators of the team only
    assert rows["Dc Alder"] == ["Dc Alder", "5", "Cat 4: 5", "0", "OVER threshold: 25 against 20"]
    assert rows["Dc Birch"] == ["Dc Birch", "1", "not assessed: 1", "0", "Within threshold: 0 of 20"]
    assert "Over the threshold: Dc Alder." in page.workload_note.text()

    def refs(key: str) -> list[str]:
        return [item.text(0) for item in page.section_lines(key)]

    assert refs("actions") == [alder[0].reference]
    assert page.section_lines("actions")[0].text(2).startswith("Directed action overdue: Reassess risk")
    assert page.section_lines("actions")[0].text(3).endswith("(overdue)")
    assert refs("risk") == [birch.reference]
    assert [i.text(2) for i in page.section_lines("missing")] == [
        "Safe and well check not recorded",
        "Return interview not offered",
    ]
    assert set(refs("missing")) == {alder[1].reference}
    every = {c.reference for c in [*alder, birch]}
    assert set(refs("overdue_steps")) <= every and refs("overdue_steps")
    assert set(refs("reviews")) <= every - {alder[0].reference}
    assert all(
        item.text(1) in ("Dc Alder", "Dc Birch") for key in ("risk", "missing") for item in page.section_lines(key)
    )

    # The team duties of the period, recorded once through the form built from the duty's evidence fields.
    duty_rows = {page.duties.table.item(r, 0).text(): r for r in range(page.duties.table.rowCount())}
    row = next(r for title, r in duty_rows.items() if "workload" in title.lower())
    assert page.duties.table.item(row, 2).text() == "Due this period: not yet recorded"
    page.duties.table.selectRow(row)
    assert page.duties.record_button.isEnabled()

    def fill_duty() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RecordDutyDialog)
        qtbot.mouseClick(dialog.save_button, Left)  # nothing filled: refused in words
        assert dialog.message.text().startswith("Nothing was recorded. Required:")
        for spec in dialog.form.fields:
            editor = dialog.form.editors[spec.id]
            if spec.type == "choice" or spec.type == "yesno":
                editor.setCurrentIndex(1)
            elif hasattr(editor, "setPlainText"):
                editor.setPlainText("Workload checked on the dashboard")
            elif hasattr(editor, "setText"):
                editor.setText("25")
        qtbot.mouseClick(dialog.save_button, Left)

    QTimer.singleShot(0, fill_duty)
    qtbot.mouseClick(page.duties.record_button, Left)
    idle()
    qtbot.waitUntil(lambda: page.duties.table.item(row, 2).text().startswith("Recorded"), timeout=15000)
    assert page.duties.table.item(row, 2).text().endswith("by Ds Cedar")
    status = next(s for s in team_duties.team_duties(world.ctx, world.supervisor, world.procedure_id) if s.done)
    assert status.recorded_by == "Ds Cedar"
    page.duties.table.selectRow(row)
    assert not page.duties.record_button.isEnabled()  # once per period

    # A line opens its case at the right place: the overdue-steps line at the first overdue step.
    item = page.section_lines("overdue_steps")[0]
    page.attention.setCurrentItem(item)
    qtbot.mouseClick(page.open_button, Left)
    idle()
    workspace = tabs.currentWidget()
    assert isinstance(workspace, CaseWorkspace)
    qtbot.waitUntil(lambda: workspace.detail is not None, timeout=15000)
    idle()
    assert workspace.detail.reference == item.text(0)
    assert workspace.ui.sections.currentWidget() is workspace.steps
    assert workspace.steps.step_id == workspace.detail.overdue_steps[0].step_id
    # The risk line opens the risk tab of that case.
    window.show_dashboard()
    page.attention.setCurrentItem(page.section_lines("risk")[0])
    qtbot.keyClick(page.attention, Qt.Key.Key_Return)
    idle()
    workspace = tabs.currentWidget()
    assert isinstance(workspace, CaseWorkspace) and workspace.case_id == birch.id
    qtbot.waitUntil(lambda: workspace.detail is not None, timeout=15000)
    idle()
    assert type(workspace.ui.sections.currentWidget()).__name__ == "RiskTab"
    assert shown == []
    window.close()
