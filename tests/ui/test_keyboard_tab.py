"""Tab moves on to the next field everywhere: a keyboard user is never trapped inside a table (Qt moves
from cell to cell and wraps round) or a text box (Qt types a tab character)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from support import open_case
from test_supervisor_desk import supervisor_window, team_world
from test_supervisory_review import open_review_screen, supervision_tab, workspace

from checklist_app.ui import tab_focus

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def guard(qapp):  # type: ignore[no-untyped-def]
    """As the app does at start-up (app.configure)."""
    tab_focus.install(qapp)


def test_tab_leaves_the_dashboard_workload_table(qtbot, world, runner, prefs, idle, monkeypatch):  # type: ignore[no-untyped-def]
    team_world(world)
    window = supervisor_window(qtbot, world, runner, prefs, idle, monkeypatch)
    window.activateWindow()
    table = window.dashboard.workload
    assert table.rowCount() >= 2
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.waitUntil(table.hasFocus)
    QTest.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus(), "Tab stayed inside the workload table"
    assert table.currentRow() == 0 and table.currentColumn() == 0
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert table.hasFocus()  # and Shift+Tab comes back to it


def test_tab_leaves_the_review_findings_without_typing_a_tab(qtbot, world, make_session, idle):  # type: ignore[no-untyped-def]
    case = open_case(world)
    ws = workspace(qtbot, make_session, idle, world.supervisor, case.id)
    screen = open_review_screen(qtbot, idle, supervision_tab(qtbot, ws))
    screen.activateWindow()
    screen.findings.setFocus()
    qtbot.waitUntil(screen.findings.hasFocus)
    qtbot.keyClicks(screen.findings, "Plan on track.")
    QTest.keyClick(screen.findings, Qt.Key.Key_Tab)
    assert screen.findings.toPlainText() == "Plan on track."
    assert not screen.findings.hasFocus(), "Tab stayed in the findings box"
    screen.edits.reset()  # close without the discard question
    screen.close()
