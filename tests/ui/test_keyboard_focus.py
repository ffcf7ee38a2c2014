"""Where the keyboard is after log-on and after unlocking: on the page shown (the case list's table, the
intelligence desk's), never on the window's outer scroll area, which shows no focus and turns the arrow keys
into scrolling the whole window (found at 150 % on 1920x1080: after log-on Down and Enter did nothing)."""

from __future__ import annotations

import pytest
from gui_support import main_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea
from world_support import PASSWORD

pytestmark = pytest.mark.gui


def _shown(qtbot, world, actor, runner, prefs, idle):  # type: ignore[no-untyped-def]
    window = main_window(qtbot, world, actor, runner, prefs)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    idle()
    return window


def test_after_log_on_the_case_list_table_has_the_keyboard(qtbot, world, runner, prefs, idle):
    window = _shown(qtbot, world, world.investigator, runner, prefs, idle)
    table = window.case_list.ui.table
    assert QApplication.focusWidget() is table
    area = window.findChild(QScrollArea, "centralScroll")
    seen = []
    for _ in range(25):  # Tab goes round the window's controls without stopping on the outer scroll area
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.append(QApplication.focusWidget())
    assert area not in seen and table in seen


def test_unlocking_gives_the_keyboard_back_where_it_was(qtbot, world, runner, prefs, idle):
    window = _shown(qtbot, world, world.intel, runner, prefs, idle)
    desk = window.intelligence_desk
    window.ui.caseTabs.setCurrentWidget(desk)
    desk.filter.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked
    qtbot.keyClicks(window.lock_screen.ui.password, PASSWORD)
    qtbot.keyClick(window.lock_screen.ui.password, Qt.Key.Key_Return)
    idle()
    assert not window.is_locked
    assert QApplication.focusWidget() is desk.filter


def test_a_supervisor_starts_in_the_team_dashboard(qtbot, world, runner, prefs, idle):
    window = _shown(qtbot, world, world.supervisor, runner, prefs, idle)
    assert window.ui.caseTabs.currentWidget() is window.dashboard
    assert window.dashboard.isAncestorOf(QApplication.focusWidget())
