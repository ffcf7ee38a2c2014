"""The main window stays on the screen: content scrolls inside it, and a size or position saved at another
scaling or on another screen is brought back inside the current one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QByteArray, QRect, QSize
from PySide6.QtGui import QGuiApplication
from support import open_case

from checklist_app.ui import window_fit
from checklist_app.ui.main_window import MainWindow
from checklist_app.ui.session import AppSession

pytestmark = pytest.mark.gui


def test_a_window_saved_at_100_percent_is_fitted_to_150_percent_on_1920x1080():
    available = QRect(0, 0, 1280, 720)  # 1920x1080 at 150 %, no task bar
    saved_frame = QRect(200, 120, 1362, 1107 + 30)  # the height the issue saw, with a 30 px title bar
    target = window_fit.fitted(saved_frame, QSize(1360, 1107), available)
    assert target.width() == 1278 and target.height() == 720 - 30  # the frame's own size fits too
    assert (target.x(), target.y()) == (0, 0)
    # Already inside: left alone. Off to the right (another screen): moved back.
    assert window_fit.fitted(QRect(10, 10, 800, 600), QSize(800, 600), available) == QRect(10, 10, 800, 600)
    moved = window_fit.fitted(QRect(2500, 100, 800, 600), QSize(800, 600), available)
    assert moved == QRect(480, 100, 800, 600)


def _window(qtbot, session: AppSession) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _inside(window: MainWindow) -> bool:
    available = QGuiApplication.primaryScreen().availableGeometry()
    return available.contains(window.frameGeometry())


def test_saved_geometry_from_a_larger_screen_is_brought_back(qtbot, world, make_session, idle):
    session = make_session(world.investigator)
    first = _window(qtbot, session)
    available = QGuiApplication.primaryScreen().availableGeometry()
    first.setMinimumSize(0, 0)
    first.resize(available.width() * 2, available.height() * 2)
    first.move(available.right() + 500, 40)
    session.prefs.set_geometry("main", QByteArray(first.saveGeometry()))
    first.quit_on_close = False
    first.close()
    again = _window(qtbot, session)
    idle()
    assert _inside(again), (again.frameGeometry(), available)


def test_opening_the_risk_and_intelligence_tabs_never_grows_the_window(qtbot, shipped_world, runner, prefs, idle):
    world = shipped_world
    case = open_case(world)
    window = _window(qtbot, AppSession(world.ctx, world.investigator, runner, prefs))
    idle()
    assert _inside(window)
    size = window.size()
    window.open_case(case.id)
    qtbot.waitUntil(lambda: getattr(window.workspace_for(case.id), "detail", None) is not None, timeout=15000)
    idle()
    sections = window.workspace_for(case.id).ui.sections
    for index in range(sections.count()):
        sections.setCurrentIndex(index)
        idle()
        assert window.size() == size, sections.tabText(index)
        assert _inside(window), sections.tabText(index)
    assert window.minimumSizeHint().height() < QGuiApplication.primaryScreen().availableGeometry().height()
