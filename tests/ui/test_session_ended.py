"""An account disabled while its user is signed in: the next service call is refused, the window closes
and the log-on screen comes back, saying why."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from checklist_app.services import accounts, case_list
from checklist_app.services.context import system_actor
from checklist_app.ui.app import AppController
from checklist_app.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_disabled_account_returns_to_the_log_on_screen(qtbot, world, make_session, runner, prefs, idle, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _parent, _title, text, *a: shown.append(text)))
    controller = AppController(None, runner=runner, prefs=prefs)
    controller.ctx = world.ctx
    window = MainWindow(make_session(world.investigator))
    window.quit_on_close = False
    window.log_off_requested.connect(controller.log_off)
    controller.window = window
    window.show()
    idle()
    accounts.set_active(world.ctx, system_actor(), "dc.alder", False)
    ctx, actor = world.ctx, world.investigator
    failures: list[BaseException] = []
    runner.run(lambda: case_list.list_cases(ctx, actor), on_error=failures.append)
    qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible(), timeout=15000)
    assert controller.window is None
    assert shown and "disabled" in shown[0]
    assert failures == []  # handled once, by the app, not by each screen
    controller.login.close()
