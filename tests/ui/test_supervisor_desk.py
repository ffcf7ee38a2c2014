"""The supervisor's desk through real widgets: a supervisor logs on and lands on the team dashboard with the
team's figures; a line opens the case at the right place; closure is refused with the open items listed, then
closed and signed (a wrong password first); reopened; reassigned; an investigator sees none of these actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from support import open_case, settle_for_closure
from test_log_off_and_on import _log_on
from world_support import PASSWORD

from checklist_app.core.signatures import Meaning
from checklist_app.services import cases, records, reviews, risk, signatures, team_duties
from checklist_app.store.models import User
from checklist_app.ui.app import AppController
from checklist_app.ui.dialogs import ReasonDialog
from checklist_app.ui.main_window import MainWindow
from checklist_app.ui.session import AppSession
from checklist_app.ui.supervision.closure_dialogs import CloseCaseDialog, ReassignDialog
from checklist_app.ui.supervision.dashboard import DashboardPage
from checklist_app.ui.supervision.dashboard_duties import RecordDutyDialog
from checklist_app.ui.supervision.sign_dialog import SignDialog
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
    settle_for_closure(world, case_id)


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
        workload.item(r, 0).text(): [workload.item(r, c).text() for c in range(6)] for r in range(workload.rowCount())
    }
    assert set(rows) == {"Dc Alder", "Dc Birch"}  # investigators of the team only
    assert rows["Dc Alder"] == ["Dc Alder", "5", "0", "25 of 20", "OVER", "Cat 4: 5"]
    assert rows["Dc Birch"] == ["Dc Birch", "1", "0", "0 of 20", "within", "not assessed: 1"]
    assert "Threshold 20: 1 of 2 officers over it." in page.workload_note.text()

    def refs(key: str) -> list[str]:
        return [item.text(0) for item in page.section_lines(key)]

    assert refs("actions") == [alder[0].reference]
    assert page.section_lines("actions")[0].text(2).startswith("Directed action overdue: Reassess risk")
    assert page.section_lines("actions")[0].text(3).endswith("(overdue)")
    assert refs("risk") == [birch.reference]
    assert [i.text(2) for i in page.section_lines("missing")] == [
        "Safe and well check not recorded within 24 h of return",
        "Return interview not yet offered (72 h from return)",
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
    assert page.duties.table.item(row, 2).text() == "Due: not yet recorded"
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
    # A missing-episode line opens the Missing tab of its case (already open: the same tab, moved there).
    window.open_case(alder[1].id)
    idle()
    window.show_dashboard()
    page.attention.setCurrentItem(page.section_lines("missing")[0])
    qtbot.keyClick(page.attention, Qt.Key.Key_Return)
    idle()
    workspace = tabs.currentWidget()
    assert isinstance(workspace, CaseWorkspace) and workspace.case_id == alder[1].id
    assert type(workspace.ui.sections.currentWidget()).__name__ == "MissingTab"

    # F5 on the dashboard reloads the figures as of now.
    window.show_dashboard()
    world.clock.advance(hours=1)
    before = page.subtitle.text()
    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: page.subtitle.text() != before, timeout=15000)
    assert shown == []
    window.close()


def open_workspace(qtbot, world, actor, runner, prefs, idle, case_id: int) -> tuple[MainWindow, CaseWorkspace]:  # type: ignore[no-untyped-def]
    window = MainWindow(AppSession(world.ctx, actor, runner, prefs))
    window.quit_on_close = False
    qtbot.addWidget(window)
    window.show()
    window.open_case(case_id)
    workspace = window.workspace_for(case_id)
    assert isinstance(workspace, CaseWorkspace)
    qtbot.waitUntil(lambda: workspace.detail is not None, timeout=15000)
    idle()
    return window, workspace


def test_close_refused_with_open_items_then_signed_reopened_and_reassigned(
    qtbot, world, runner, prefs, idle, monkeypatch
):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    case = open_case(world)
    _, action = signed_review(world, case.id)
    window, workspace = open_workspace(qtbot, world, world.supervisor, runner, prefs, idle, case.id)
    board = window.dashboard
    qtbot.waitUntil(lambda: board.loaded is not None, timeout=15000)
    assert [i.text(0) for i in board.section_lines("risk")] == [case.reference]
    actions = workspace.case_actions
    assert actions.isVisible() and actions.available() == [actions.close_action, actions.reassign_action]
    assert actions.button.isVisible() and actions.button.menu() is actions.menu

    # First attempt: the dialog lists what is still open in words, and will not sign.
    seen: dict[str, object] = {}

    def look_and_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CloseCaseDialog)
        qtbot.waitUntil(lambda: dialog.open_items is not None, timeout=15000)
        seen["status"] = dialog.status.text()
        seen["items"] = [dialog.items.item(i).text() for i in range(dialog.items.count())]
        seen["enabled"] = dialog.close_button.isEnabled()
        # Picking an open step (Enter, or a double-click) closes the dialog and shows that step in the case.
        row = next(r for r in range(dialog.items.count()) if dialog.items.item(r).text().startswith("Step 2."))
        seen["picked"] = dialog.items.item(row).text()
        dialog.items.setCurrentRow(row)
        qtbot.keyClick(dialog.items, Qt.Key.Key_Return)

    QTimer.singleShot(0, look_and_cancel)
    actions.close_action.trigger()
    idle()
    assert str(seen["status"]).startswith("This case cannot be closed yet:")
    items = list(seen["items"])  # type: ignore[call-overload]
    assert f"Action {action.id}, directed by a supervisor: Reassess risk with the SERAF tool (still open)" in items
    assert any(i.startswith("Step 1.1 ") and i.endswith("not done, and not marked not applicable") for i in items)
    assert seen["enabled"] is False
    picked = cases.case_detail(world.ctx, world.supervisor, case.id).step
    number = str(seen["picked"]).split()[1]
    assert workspace.ui.sections.currentWidget() is workspace.steps
    assert picked(workspace.steps.step_id).number == number

    # The open items are completed elsewhere; checking again lets the supervisor sign: a wrong password first.
    settle_every_step(world, case.id)
    reviews.complete_action(world.ctx, world.investigator, action.id, "SERAF redone: category 2")
    signs: dict[str, object] = {}

    def sign_it() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, SignDialog):
            signs["meaning"] = dialog.meaning_label.text()
            signs["signer"] = dialog.signer_label.text()
            signs["summary"] = dialog.summary.toPlainText()
            dialog.password_edit.setText("wrong-password")
            qtbot.mouseClick(dialog.sign_button, Left)
            qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=15000)
            signs["wrong"] = dialog.message.text()
            with world.ctx.db.read() as session:
                signs["failures"] = session.get(User, world.supervisor.user_id).failed_logons
            dialog.password_edit.setText(PASSWORD)
            qtbot.mouseClick(dialog.sign_button, Left)
            return
        assert isinstance(dialog, CloseCaseDialog)
        qtbot.waitUntil(lambda: dialog.open_items is not None, timeout=15000)
        assert dialog.items.count() == 0 and dialog.close_button.isEnabled()
        qtbot.mouseClick(dialog.close_button, Left)  # no rationale yet: said in words
        signs["no rationale"] = dialog.message.text()
        dialog.rationale.setPlainText("Child safeguarded; no further CSE concerns; partners agree.")
        QTimer.singleShot(0, sign_it)
        qtbot.mouseClick(dialog.close_button, Left)

    QTimer.singleShot(0, sign_it)
    actions.close_action.trigger()
    idle()
    qtbot.waitUntil(lambda: workspace.detail is not None and workspace.detail.status == "closed", timeout=15000)
    assert signs["no rationale"] == "Closure rationale: a rationale is required."
    assert signs["meaning"] == "<b>Approved for closure</b>" and signs["signer"] == "Ds Cedar (supervisor)"
    assert "Child safeguarded" in str(signs["summary"]) and case.reference in str(signs["summary"])
    assert "attempt" in str(signs["wrong"]).lower()
    assert signs["failures"] == 1  # the wrong password counted towards lockout
    sigs = signatures.case_signatures(world.ctx, world.supervisor, case.id)
    closing = [s for s in sigs if s.meaning == Meaning.APPROVED_FOR_CLOSURE.value]
    assert len(closing) == 1 and closing[0].valid and closing[0].signer_name == "Ds Cedar"
    with world.ctx.db.read() as session:
        assert session.get(User, world.supervisor.user_id).failed_logons == 0  # reset by the right password
    idle()
    assert window.ui.caseTabs.tabText(window.ui.caseTabs.indexOf(workspace)) == f"{case.reference} (closed)"
    assert actions.available() == [actions.reopen_action]
    # The change in the case reloads the dashboard: a closed case needs no attention.
    qtbot.waitUntil(lambda: board.loaded is not None and not board.loaded.board.risk, timeout=15000)
    assert board.section_lines("risk") == []

    # Reopen with a reason: the closure signature is kept, now superseded.
    monkeypatch.setattr(
        ReasonDialog, "ask", classmethod(lambda cls, parent, title, prompt: "New intelligence received")
    )
    actions.reopen_action.trigger()
    qtbot.waitUntil(lambda: workspace.detail is not None and workspace.detail.status == "open", timeout=15000)
    closing = [
        s
        for s in signatures.case_signatures(world.ctx, world.supervisor, case.id)
        if s.meaning == Meaning.APPROVED_FOR_CLOSURE.value
    ]
    assert [s.state.value for s in closing] == ["superseded"]

    # Reassign to another officer, with a reason (a missing reason is refused first).
    def reassign() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ReassignDialog)
        qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=15000)
        names = [dialog.officer.itemText(i) for i in range(dialog.officer.count())]
        assert "Dc Birch" in names and "Dc Alder" not in names
        dialog.officer.setCurrentIndex(names.index("Dc Birch"))
        qtbot.mouseClick(dialog.ok_button, Left)
        assert dialog.message.text() == "Reason: a reason is required."
        dialog.reason.setPlainText("Dc Alder on leave for a month")
        qtbot.mouseClick(dialog.ok_button, Left)

    QTimer.singleShot(0, reassign)
    actions.reassign_action.trigger()
    idle()
    qtbot.waitUntil(lambda: workspace.ui.officerValue.text() == "Dc Birch", timeout=15000)
    assert cases.case_detail(world.ctx, world.supervisor, case.id).officer_name == "Dc Birch"
    assert shown == []
    window.close()


def test_investigator_sees_no_supervisor_actions_and_no_dashboard(qtbot, world, runner, prefs, idle):
    case = open_case(world)
    window, workspace = open_workspace(qtbot, world, world.investigator, runner, prefs, idle, case.id)
    assert window.dashboard is None and not window.dashboard_action.isVisible()
    assert window.ui.caseTabs.tabText(0) == "Case list"
    actions = workspace.case_actions
    assert not actions.isVisible()
    assert actions.available() == []
    window.close()


def test_supervisor_of_another_team_sees_no_case_actions(qtbot, world, runner, prefs, idle):
    case = open_case(world, world.other_team_investigator, subject_ref="SC-777")
    window, workspace = open_workspace(qtbot, world, world.supervisor, runner, prefs, idle, case.id)
    assert not workspace.case_actions.isVisible()
    window.close()
