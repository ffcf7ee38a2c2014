"""Rows edited outside the app, met on real screens: the log-on screen, the lock screen and the case
workspace say in plain words that the stored record differs from its last audit entry, with no traceback
(services/tamper_check.py). The edits are made with a connection of the test's own (tamper_support)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from support import open_case
from tamper_support import tamper
from world_support import PASSWORD

from checklist_app.services.tamper_check import ACCOUNT_CHANGED, CASE_CHANGED, SIGNED_IN_ACCOUNT_CHANGED
from checklist_app.ui.login import LoginDialog
from checklist_app.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _log_on(qtbot, world, runner, prefs, idle, username: str, password: str) -> LoginDialog:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(world.ctx, runner, prefs)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.ui.acknowledge.setChecked(True)
    qtbot.keyClicks(dialog.ui.username, username)
    qtbot.keyClicks(dialog.ui.password, password)
    qtbot.mouseClick(dialog.ui.logOnButton, Qt.MouseButton.LeftButton)
    idle()
    return dialog


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE users SET role = 'administrator' WHERE username = 'dc.alder'",
        "UPDATE users SET failed_logons = 3 WHERE username = 'dc.alder'",
    ],
    ids=["role", "lockout counter"],
)
def test_the_log_on_screen_refuses_an_edited_account_in_words(qtbot, world, runner, prefs, idle, sql):
    tamper(world, sql)
    dialog = _log_on(qtbot, world, runner, prefs, idle, "dc.alder", PASSWORD)
    assert dialog.ui.message.text() == ACCOUNT_CHANGED
    assert dialog.actor is None and dialog.ui.password.text() == ""


def test_the_log_on_screen_lets_an_untouched_account_in(qtbot, world, runner, prefs, idle):
    dialog = _log_on(qtbot, world, runner, prefs, idle, "dc.alder", PASSWORD)
    qtbot.waitUntil(lambda: dialog.actor is not None, timeout=10000)
    assert dialog.actor is not None and dialog.actor.username == "dc.alder"


def test_the_lock_screen_signs_out_an_account_edited_meanwhile(qtbot, make_session, world, idle):
    window = MainWindow(make_session(world.investigator))
    window.quit_on_close = False
    qtbot.addWidget(window)
    window.show()
    idle()
    window.lock()
    tamper(world, "UPDATE users SET role = 'auditor' WHERE username = 'dc.alder'")
    runner = window.session.runner
    with qtbot.waitSignal(runner.session_ended, timeout=15000) as ended:
        window.lock_screen.ui.password.setText(PASSWORD)
        window.lock_screen.attempt()
    assert ended.args == [SIGNED_IN_ACCOUNT_CHANGED]
    assert window.is_locked


def test_the_case_workspace_refuses_a_case_given_away_outside_the_app(qtbot, world, make_session, idle):
    from checklist_app.ui.workspace import CaseWorkspace

    case = open_case(world)
    tamper(world, "UPDATE cases SET officer_id = :o WHERE id = :c", o=world.other_team_investigator.user_id, c=case.id)
    workspace = CaseWorkspace(make_session(world.other_team_investigator), case.id)
    qtbot.addWidget(workspace)
    workspace.resize(1400, 860)
    workspace.show()
    qtbot.waitUntil(lambda: workspace.ui.message.isVisible(), timeout=15000)
    idle()
    text = workspace.ui.message.text()
    assert CASE_CHANGED in text and "Traceback" not in text
    assert workspace.ui.caseReference.text() == "Case not loaded"


def test_a_long_refusal_grows_the_log_on_screen_and_leaves_the_notice_whole(qtbot, world, runner, prefs, idle):
    """The refusal runs to four lines at the screen's own width: it must not squeeze the conditions box and cut
    off the notice's last lines (found at 100 %: 'consent to this monitoring.' vanished)."""
    tamper(world, "UPDATE users SET role = 'administrator' WHERE username = 'dc.alder'")
    dialog = LoginDialog(world.ctx, runner, prefs)
    qtbot.addWidget(dialog)
    dialog.ui.databaseLabel.setText("Database: /tmp/demo.db")  # the test's long temporary path widens it
    dialog.show()
    dialog.setFixedWidth(600)  # the width it opens at (LoginDialog._fit); the test machine may widen it
    idle()
    height = dialog.height()
    dialog.ui.acknowledge.setChecked(True)
    qtbot.keyClicks(dialog.ui.username, "dc.alder")
    qtbot.keyClicks(dialog.ui.password, PASSWORD)
    qtbot.mouseClick(dialog.ui.logOnButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.ui.message.text() == ACCOUNT_CHANGED, timeout=10000)
    idle()  # the restyled message takes its wrapped height in the next layout pass
    layout = dialog.layout()
    assert layout.totalHeightForWidth(dialog.width()) > height  # the message needs more than the room left
    qtbot.waitUntil(lambda: dialog.height() >= layout.totalHeightForWidth(dialog.width()), timeout=5000)
