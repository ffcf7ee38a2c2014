"""A tab widget does not lay itself out and repaint whole when a page's layout is redone without any size hint
changing (ui/quiet_tabs.py), and still follows a page or tab bar whose size hints do change."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QTabWidget, QVBoxLayout, QWidget

from checklist_app.ui import quiet_tabs

pytestmark = pytest.mark.gui


class Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


def window_with_tabs(qtbot, quiet: bool) -> tuple[QWidget, QTabWidget, QLabel]:  # type: ignore[no-untyped-def]
    window = QWidget()
    qtbot.addWidget(window)
    tabs = QTabWidget(window)
    QVBoxLayout(window).addWidget(tabs)
    if quiet:
        quiet_tabs.quiet(tabs)
    page = QWidget()
    label = QLabel("Some text on the page", page)
    QVBoxLayout(page).addWidget(label)
    tabs.addTab(page, "Page")
    window.resize(400, 300)
    window.show()
    qtbot.waitExposed(window)
    settle()
    return window, tabs, label


def test_a_layout_redone_without_new_hints_does_not_repaint_the_tab_widget(qtbot) -> None:  # type: ignore[no-untyped-def]
    counts = {}
    for quiet in (False, True):
        _window, tabs, label = window_with_tabs(qtbot, quiet)
        stack_geometry = tabs.currentWidget().geometry()
        paints = Paints()
        tabs.installEventFilter(paints)
        label.updateGeometry()  # the page's layout is redone; no size hint changes
        settle()
        tabs.removeEventFilter(paints)
        counts[quiet] = paints.count
        assert tabs.currentWidget().geometry() == stack_geometry
    assert counts[False] > 0  # what Qt does on its own: the whole tab widget is repainted
    assert counts[True] == 0


def test_the_tab_widget_still_follows_changed_hints(qtbot) -> None:  # type: ignore[no-untyped-def]
    window, tabs, label = window_with_tabs(qtbot, quiet=True)
    label.updateGeometry()
    settle()  # one request dropped: nothing had changed
    label.setMinimumHeight(600)  # taller than the window: the page's minimum grows
    settle()
    assert tabs.minimumSizeHint().height() > 600
    assert window.minimumSizeHint().height() > 600  # passed on to the tab widget's parent
    assert tabs.currentWidget().height() >= 600
    tabs.setTabText(0, "A much longer title for the only page")
    settle()
    assert tabs.tabBar().width() >= tabs.tabBar().sizeHint().width()
