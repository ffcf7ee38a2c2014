"""Log-on (banner, wrong password, lockout after five failures) and the screen lock, on real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from world_support import PASSWORD

from checklist_app.services import accounts
from checklist_app.services.errors import AuthenticationFailed
from checklist_app.ui.login import LoginDialog
from checklist_app.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _login(qtbot, world, runner, prefs) -> LoginDialog:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(world.ctx, runner, prefs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _type_credentials(qtbot, dialog: LoginDialog, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    dialog.ui.username.clear()
    qtbot.keyClicks(dialog.ui.username, username)
    dialog.ui.password.clear()
    qtbot.keyClicks(dialog.ui.password, password)


def test_banner_must_be_acknowledged_before_credentials(qtbot, world, runner, prefs):
    dialog = _login(qtbot, world, runner, prefs)
    assert "monitored" in dialog.ui.banner.text() and "offence" in dialog.ui.banner.text()
    assert not dialog.ui.username.isEnabled() and not dialog.ui.password.isEnabled()
    assert not dialog.ui.logOnButton.isEnabled()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog.ui.acknowledge, Qt.Key.Key_Space)
    assert dialog.ui.acknowledge.isChecked()
    assert dialog.ui.username.isEnabled() and dialog.ui.password.isEnabled()


def test_successful_logon_sets_the_actor(qtbot, world, runner, prefs, idle):
    dialog = _login(qtbot, world, runner, prefs)
    dialog.ui.acknowledge.setChecked(True)
    _type_credentials(qtbot, dialog, "dc.alder", PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.keyClick(dialog.ui.password, Qt.Key.Key_Return)
    assert dialog.actor is not None and dialog.actor.username == "dc.alder"
    assert prefs.last_username == "dc.alder"


def test_wrong_password_message_then_lockout_after_five(qtbot, world, runner, prefs, idle):
    dialog = _login(qtbot, world, runner, prefs)
    dialog.ui.acknowledge.setChecked(True)
    messages = []
    for _ in range(5):
        _type_credentials(qtbot, dialog, "dc.alder", "not-the-password")
        qtbot.mouseClick(dialog.ui.logOnButton, Qt.MouseButton.LeftButton)
        idle()
        messages.append(dialog.ui.message.text())
        assert dialog.ui.password.text() == ""  # never left in the field
    assert messages[0].startswith("The user name or password is wrong. 4 more")
    assert "locked" in messages[-1]
    _type_credentials(qtbot, dialog, "dc.alder", PASSWORD)
    qtbot.mouseClick(dialog.ui.logOnButton, Qt.MouseButton.LeftButton)
    idle()
    assert "locked" in dialog.ui.message.text()
    assert dialog.actor is None
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.log_on(world.ctx, "dc.alder", PASSWORD)


def test_unknown_user_gets_the_generic_message(qtbot, world, runner, prefs, idle):
    dialog = _login(qtbot, world, runner, prefs)
    dialog.ui.acknowledge.setChecked(True)
    _type_credentials(qtbot, dialog, "nobody.here", "whatever-123")
    qtbot.mouseClick(dialog.ui.logOnButton, Qt.MouseButton.LeftButton)
    idle()
    assert dialog.ui.message.text() == accounts.WRONG_CREDENTIALS


def _main_window(qtbot, make_session, world, idle) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(make_session(world.investigator))
    window.quit_on_close = False
    qtbot.addWidget(window)
    window.show()
    idle()
    return window


def test_ctrl_l_locks_and_hides_case_content_then_password_unlocks(qtbot, make_session, world, idle):
    window = _main_window(qtbot, make_session, world, idle)
    assert not window.is_locked
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked
    assert not window.ui.workPage.isVisible()  # case content hidden
    assert not window.menuBar().isVisible()
    screen = window.lock_screen
    qtbot.keyClicks(screen.ui.password, "wrong-password")
    qtbot.keyClick(screen.ui.password, Qt.Key.Key_Return)
    idle()
    assert window.is_locked and "not right" in screen.ui.message.text()
    qtbot.keyClicks(screen.ui.password, PASSWORD)
    qtbot.keyClick(screen.ui.password, Qt.Key.Key_Return)
    idle()
    assert not window.is_locked
    assert window.ui.workPage.isVisible()


def test_inactivity_locks_the_screen(qtbot, make_session, world, idle):
    window = _main_window(qtbot, make_session, world, idle)
    window.idle.set_interval_ms(200)
    qtbot.waitUntil(lambda: window.is_locked, timeout=3000)


def test_lock_setting_is_capped_at_thirty_minutes(prefs):
    prefs.lock_minutes = 90
    assert prefs.lock_minutes == 30
    prefs.lock_minutes = 0
    assert prefs.lock_minutes == 1
    prefs.set_value("security/lock_minutes", "garbage")
    assert prefs.lock_minutes == 15


def test_failed_unlocks_lock_the_account_and_log_off(qtbot, make_session, world, idle):
    window = _main_window(qtbot, make_session, world, idle)
    window.lock()
    with qtbot.waitSignal(window.log_off_requested, timeout=15000):
        for _ in range(5):
            window.lock_screen.ui.password.setText("wrong-password")
            window.lock_screen.attempt()
            idle()
    assert accounts.is_locked(world.ctx, "dc.alder")


def test_lock_screen_counts_attempts_left_and_keeps_shortcuts_out_of_the_password(qtbot, make_session, world, idle):
    window = _main_window(qtbot, make_session, world, idle)
    window.lock()
    screen = window.lock_screen
    field = screen.ui.password
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)
    assert field.text() == ""  # the shortcuts (off while locked) typed nothing
    qtbot.keyClicks(field, "wrong-password")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    idle()
    assert "4 more failed attempts will lock the account" in screen.ui.message.text()
    qtbot.keyClicks(field, "wrong-again")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    idle()
    assert "3 more failed attempts" in screen.ui.message.text()
