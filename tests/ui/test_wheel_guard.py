"""The mouse wheel over a field the user has not clicked scrolls the form and never changes an answer."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QScrollArea, QWidget
from support import open_case
from test_case_tabs import build

from checklist_app.ui import wheel_guard
from checklist_app.ui.session import AppSession
from checklist_app.ui.tabs import IntelligenceTab, RiskTab

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def guard(qapp):  # type: ignore[no-untyped-def]
    """As the app does at start-up (app.configure)."""
    return wheel_guard.install(qapp)


def inputs(root: QWidget) -> list[QWidget]:
    return [w for w in root.findChildren(QWidget) if isinstance(w, QComboBox | QAbstractSpinBox) and w.isVisible()]


def value(widget: QWidget) -> object:
    return widget.currentIndex() if isinstance(widget, QComboBox) else widget.text()  # type: ignore[attr-defined]


def wheel(widget: QWidget, notches: int = -1) -> None:
    """One notch of a real mouse wheel (down when negative) with the pointer over the middle of `widget`."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        pos,
        QPointF(widget.mapToGlobal(pos.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def assert_wheel_changes_nothing(root: QWidget, away: QWidget) -> int:
    """Wheel up and down over every visible, unfocused input under `root`; return how many were tried."""
    fields = inputs(root)
    assert fields, "no inputs found"
    for field in fields:
        assert field.focusPolicy() != Qt.FocusPolicy.WheelFocus, field.objectName()
        away.setFocus()
        before = value(field)
        for notches in (-1, -1, 1, -2, 3):
            wheel(field, notches)
        assert value(field) == before, f"{field.objectName() or type(field).__name__} changed under the wheel"
        assert not field.hasFocus()
    return len(fields)


def test_risk_form_scrolls_and_no_answer_changes(qtbot, shipped_world, runner, prefs, idle):
    world = shipped_world
    case = open_case(world)
    tab = build(qtbot, idle, RiskTab, AppSession(world.ctx, world.investigator, runner, prefs), case.id)
    qtbot.waitUntil(lambda: tab.form is not None, timeout=15000)
    tab.resize(1300, 600)  # shorter than the form, so it scrolls
    idle()
    scroll: QScrollArea = tab.ui.formScroll
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0
    combos = [w for w in inputs(tab) if isinstance(w, QComboBox)]
    assert len(combos) >= 5  # indicator drop-downs and the final category
    first = combos[0]
    bar.setValue(0)
    tab.ui.notes.setFocus()
    wheel(first, -1)
    assert bar.value() > 0, "the wheel over an unfocused drop-down must scroll the form"
    tried = assert_wheel_changes_nothing(tab, tab.ui.notes)
    assert tried >= 5
    assert tab.ui.scoreValue.text() == "0"


def test_a_focused_drop_down_still_takes_the_wheel(qtbot, world, make_session, idle):
    case = open_case(world)
    tab = build(qtbot, idle, RiskTab, make_session(world.investigator), case.id)
    qtbot.waitUntil(lambda: tab.form is not None, timeout=15000)
    combo = next(w for w in inputs(tab) if isinstance(w, QComboBox) and w.isEnabled() and w.count() > 1)
    combo.setFocus()
    combo.setCurrentIndex(0)
    wheel(combo, -1)
    assert combo.currentIndex() == 1  # the user clicked into it: the wheel is theirs to use


def test_intelligence_forms_no_value_changes(qtbot, shipped_world, runner, prefs, idle):
    world = shipped_world
    case = open_case(world)
    tab = build(qtbot, idle, IntelligenceTab, AppSession(world.ctx, world.investigator, runner, prefs), case.id)
    tried = assert_wheel_changes_nothing(tab, tab.ui.detail) if inputs(tab) else 0
    dialog = tab.open_add_dialog()
    assert dialog is not None
    idle()
    tried += assert_wheel_changes_nothing(dialog, dialog.ui.summary)
    assert tried >= 6  # received time, source, assessment, handling, priority, marking
