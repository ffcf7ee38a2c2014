"""Log off and on as another role in the same run: the second session works as well as a fresh start
(issue 9's blocker: a window that was gone still listened to the shared worker, so every service call after a
log-off raised 'Internal C++ object already deleted' and showed "An unexpected error occurred" twice)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from support import open_case
from test_investigator_journey import complete_with_space
from world_support import PASSWORD

from checklist_app.services import cases
from checklist_app.ui.app import AppController
from checklist_app.ui.login import LoginDialog
from checklist_app.ui.main_window import MainWindow
from checklist_app.ui.workspace import CaseWorkspace

pytestmark = pytest.mark.gui


def _log_on(qtbot, controller: AppController, username: str, idle) -> MainWindow:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible(), timeout=10000)
    dialog = controller.login
    assert isinstance(dialog, LoginDialog)
    dialog.ui.acknowledge.setChecked(True)
    dialog.ui.username.clear()
    qtbot.keyClicks(dialog.ui.username, username)
    qtbot.keyClicks(dialog.ui.password, PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.keyClick(dialog.ui.password, Qt.Key.Key_Return)
    window = controller.window
    assert isinstance(window, MainWindow) and window.session.actor.username == username
    window.quit_on_close = False
    qtbot.addWidget(window)
    idle()
    return window


def test_log_off_then_on_as_another_role_works_as_a_fresh_start(qtbot, world, runner, prefs, idle, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    case = open_case(world, subject_ref="SC-300101")
    open_case(world, subject_ref="SC-300202")
    controller = AppController(None, runner, prefs)
    controller.ctx = world.ctx
    monkeypatch.setattr(controller, "quit", lambda: None)  # the app would quit when the log-on is cancelled

    controller.show_login()
    first = _log_on(qtbot, controller, "ds.cedar", idle)  # a supervisor first
    qtbot.waitUntil(lambda: len(first.case_list.model.visible) == 2, timeout=10000)
    first.log_off_action.trigger()
    qtbot.waitUntil(lambda: controller.window is None and controller.login is not first, timeout=10000)

    window = _log_on(qtbot, controller, "dc.alder", idle)  # then the investigator, in the same run
    page = window.case_list
    qtbot.waitUntil(lambda: len(page.model.visible) == 2, timeout=10000)
    assert window.busy_label.text() == ""  # not stuck on "Working…"

    qtbot.keyClicks(page.ui.search, "SC-300101")  # search
    assert [r.id for r in page.model.visible] == [case.id]
    page.ui.table.setFocus()
    page.ui.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.ui.table, Qt.Key.Key_Return)  # open the case
    workspace = window.ui.caseTabs.currentWidget()
    assert isinstance(workspace, CaseWorkspace) and workspace.case_id == case.id
    qtbot.waitUntil(lambda: workspace.detail is not None, timeout=15000)

    complete_with_space(qtbot, workspace, "referral.record-details", idle)  # record a step
    step = cases.case_detail(world.ctx, world.investigator, case.id).step("referral.record-details")
    assert step.status == "done" and step.completed_by == world.investigator.display_name
    assert shown == []  # no error dialog at any point
    window.close()
