"""Ask before throwing work away: Ctrl+W on a case tab, log off (from the menu or the lock screen), and
Escape in a record dialog ask "Discard changes?" when the user has typed something, and say nothing when
they have not."""

from __future__ import annotations

import pytest
import shiboken6
from gui_support import answer_next_question
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from support import open_case
from test_case_tabs import build
from test_workspace import _go_to

from checklist_app.services import cases
from checklist_app.ui.main_window import MainWindow
from checklist_app.ui.tabs import IntelligenceTab

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


def _window_with_case(qtbot, world, make_session, idle):  # type: ignore[no-untyped-def]
    case = open_case(world)
    window = MainWindow(make_session(world.investigator))
    qtbot.addWidget(window)
    window.quit_on_close = False
    window.resize(1400, 900)
    window.show()
    window.open_case(case.id)
    idle()
    tabs = window.ui.caseTabs
    qtbot.waitUntil(lambda: tabs.tabText(tabs.currentIndex()) == case.reference, timeout=15000)
    workspace = tabs.currentWidget()
    qtbot.waitUntil(lambda: workspace.detail is not None, timeout=15000)
    idle()
    return window, workspace


def _shown(ws, idle, index: int):  # type: ignore[no-untyped-def]
    """A record tab of the workspace, shown (each is filled with the case when first shown)."""
    tab = ws.tabs[index]
    ws.ui.sections.setCurrentWidget(tab)
    idle()
    return tab


def _closed(dialog) -> bool:  # type: ignore[no-untyped-def]
    return not shiboken6.isValid(dialog) or not dialog.isVisible()  # it deletes itself on close


def _never_asked(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QMessageBox, "exec", lambda self: pytest.fail(f"asked: {self.text()}"))


def test_ctrl_w_asks_before_discarding_typed_evidence(qtbot, world, make_session, idle):
    window, ws = _window_with_case(qtbot, world, make_session, idle)
    tabs = window.ui.caseTabs
    count = tabs.count()
    _go_to(qtbot, ws, "1.1")
    table = ws.steps.ui.stepTable
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.keyClicks(ws.steps.form.focus_widget("cse_flag_reference"), "CSE/2026/77")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # back to the list: the typing is kept
    assert ws.steps.form.value_of("cse_flag_reference") == "CSE/2026/77"

    seen: list[str] = []
    answer_next_question("Keep editing", seen)
    qtbot.keyClick(table, Qt.Key.Key_W, CTRL)
    assert len(seen) == 1 and seen[0].startswith("Discard changes?")
    assert "evidence typed for step 1.1" in seen[0]
    assert tabs.count() == count and ws.steps.form.value_of("cse_flag_reference") == "CSE/2026/77"

    window.activateWindow()  # back from the question box
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    answer_next_question("Discard", seen)
    qtbot.keyClick(table, Qt.Key.Key_W, CTRL)
    assert len(seen) == 2
    assert tabs.count() == count - 1
    assert cases.case_detail(world.ctx, world.investigator, ws.case_id).step("referral.record-details").evidence == {}


def test_ctrl_w_closes_an_untouched_case_without_a_question(qtbot, world, make_session, idle, monkeypatch):
    window, ws = _window_with_case(qtbot, world, make_session, idle)
    tabs = window.ui.caseTabs
    count = tabs.count()
    _go_to(qtbot, ws, "1.1")  # looking at steps and their forms is not a change
    _go_to(qtbot, ws, "1.2")
    _never_asked(monkeypatch)
    qtbot.keyClick(ws.steps.ui.stepTable, Qt.Key.Key_W, CTRL)
    assert tabs.count() == count - 1


def test_a_half_typed_decision_is_listed_when_logging_off(qtbot, world, make_session, idle):
    window, ws = _window_with_case(qtbot, world, make_session, idle)
    decisions = _shown(ws, idle, 0)
    qtbot.keyClicks(decisions.ui.decision, "Arrest suspect A")
    logged_off: list[bool] = []
    window.log_off_requested.connect(lambda: logged_off.append(True))
    seen: list[str] = []
    answer_next_question("Keep editing", seen)
    window.log_off_action.trigger()
    assert "a decision typed on the Decisions tab" in seen[0] and logged_off == []
    answer_next_question("Discard", seen)
    window.log_off_action.trigger()
    assert logged_off == [True]


def test_log_off_from_the_lock_screen_warns_of_unsaved_work_without_naming_the_case(qtbot, world, make_session, idle):
    window, ws = _window_with_case(qtbot, world, make_session, idle)
    reference = ws.detail.reference
    decisions = _shown(ws, idle, 0)
    qtbot.keyClicks(decisions.ui.decision, "Arrest suspect A")
    logged_off: list[bool] = []
    window.log_off_requested.connect(lambda: logged_off.append(True))
    window.lock()
    seen: list[str] = []
    answer_next_question("Keep editing", seen)
    window.lock_screen.ui.logOffButton.click()
    assert seen and seen[0].startswith("Log off and lose unsaved work?")
    assert "Open case 1 of 1: a decision typed on the Decisions tab" in seen[0]
    assert reference not in seen[0]  # the lock screen hides case content from whoever is at the keyboard
    assert logged_off == [] and window.is_locked
    assert decisions.ui.decision.toPlainText() == "Arrest suspect A"
    answer_next_question("Log off", seen)
    window.lock_screen.ui.logOffButton.click()
    assert logged_off == [True]


def test_a_report_half_typed_when_the_screen_locked_is_listed_at_log_off(qtbot, world, make_session, idle):
    """The inactivity lock hides an open dialog: logging off from the lock screen must still count what was
    typed in it (found in the walk-through: the warning listed nothing and the report was lost silently)."""
    window, ws = _window_with_case(qtbot, world, make_session, idle)
    intelligence = _shown(ws, idle, 1)
    dialog = intelligence.open_add_dialog()
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    dialog.ui.summary.setFocus()
    qtbot.keyClicks(dialog.ui.summary, "Vehicle seen outside the school")
    window.lock()
    assert not dialog.isVisible()
    logged_off: list[bool] = []
    window.log_off_requested.connect(lambda: logged_off.append(True))
    seen: list[str] = []
    answer_next_question("Keep editing", seen)
    window.lock_screen.ui.logOffButton.click()
    assert seen and "Open case 1 of 1: what you entered in “Add intelligence”" in seen[0]
    assert logged_off == []
    window.unlock()
    assert dialog.isVisible() and dialog.ui.summary.toPlainText() == "Vehicle seen outside the school"
    dialog.edits.reset()
    dialog.reject()


def test_log_off_from_the_lock_screen_without_unsaved_work_does_not_ask(qtbot, world, make_session, idle, monkeypatch):
    window, _ws = _window_with_case(qtbot, world, make_session, idle)
    logged_off: list[bool] = []
    window.log_off_requested.connect(lambda: logged_off.append(True))
    window.lock()
    _never_asked(monkeypatch)
    window.lock_screen.ui.logOffButton.click()
    assert logged_off == [True]


def test_escape_in_a_record_dialog_asks_only_after_typing(qtbot, world, make_session, idle, monkeypatch):
    case = open_case(world)
    tab = build(qtbot, idle, IntelligenceTab, make_session(world.investigator), case.id)
    dialog = tab.open_add_dialog()
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    with monkeypatch.context() as patch:
        _never_asked(patch)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # opened and looked at: closes at once
        assert _closed(dialog)

    dialog = tab.open_add_dialog()
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    text_box = dialog.ui.summary
    text_box.setFocus()
    qtbot.keyClicks(text_box, "Vehicle seen outside the school")
    seen: list[str] = []
    answer_next_question("Keep editing", seen)
    qtbot.keyClick(text_box, Qt.Key.Key_Escape)
    assert seen and seen[0].startswith("Discard changes?")
    assert dialog.isVisible() and text_box.toPlainText() == "Vehicle seen outside the school"
    answer_next_question("Discard", seen)
    qtbot.keyClick(text_box, Qt.Key.Key_Escape)
    assert _closed(dialog)
    assert cases.case_detail(world.ctx, world.investigator, case.id).intelligence == ()


def test_quitting_asks_too(qtbot, world, make_session, idle):
    window, ws = _window_with_case(qtbot, world, make_session, idle)
    window.quit_on_close = True  # as the app runs it; QApplication.quit is then harmless in a test
    qtbot.keyClicks(_shown(ws, idle, 0).ui.decision, "Arrest suspect A")
    seen: list[str] = []
    answer_next_question("Keep editing", seen)
    window.quit_action.trigger()
    assert "a decision typed on the Decisions tab" in seen[0]
    assert window.isVisible()
    ws.tabs[0].ui.decision.clear()
    window.quit_on_close = False
