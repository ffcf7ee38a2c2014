"""Change password (File menu) on real widgets: an empty current password is called empty, and wrong
current passwords count towards the lockout as at log-on and signing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from world_support import PASSWORD

from checklist_app.services import accounts
from checklist_app.services.errors import AuthenticationFailed
from checklist_app.ui.dialogs import ChangePasswordDialog

pytestmark = pytest.mark.gui

NEW = "brand-new-pass-2"


def _dialog(qtbot, world, make_session) -> ChangePasswordDialog:  # type: ignore[no-untyped-def]
    dialog = ChangePasswordDialog(make_session(world.investigator))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.ui.newPassword, NEW)
    qtbot.keyClicks(dialog.ui.repeatPassword, NEW)
    return dialog


def _ok(qtbot, dialog: ChangePasswordDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.ui.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_empty_current_password_is_called_empty(qtbot, world, make_session, idle):
    dialog = _dialog(qtbot, world, make_session)
    _ok(qtbot, dialog)
    idle()
    assert "Current password: is empty" in dialog.ui.message.text()
    assert "wrong" not in dialog.ui.message.text()


def test_five_wrong_current_passwords_lock_the_account(qtbot, world, make_session, idle):
    dialog = _dialog(qtbot, world, make_session)
    for left in ("4 more failed attempts", "3 more", "2 more", "1 more failed attempt will"):
        qtbot.keyClicks(dialog.ui.oldPassword, "not-my-password")
        _ok(qtbot, dialog)
        idle()
        assert "Current password: is wrong" in dialog.ui.message.text() and left in dialog.ui.message.text()
        assert dialog.ui.oldPassword.text() == ""
    qtbot.keyClicks(dialog.ui.oldPassword, "not-my-password")
    _ok(qtbot, dialog)
    idle()
    assert "locked" in dialog.ui.message.text()
    assert not dialog.ui.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    with pytest.raises(AuthenticationFailed, match="locked"):
        accounts.log_on(world.ctx, "dc.alder", PASSWORD)
    dialog.close()


def test_right_current_password_changes_it(qtbot, world, make_session, idle):
    dialog = _dialog(qtbot, world, make_session)
    qtbot.keyClicks(dialog.ui.oldPassword, PASSWORD)
    _ok(qtbot, dialog)
    idle()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert accounts.log_on(world.ctx, "dc.alder", NEW).username == "dc.alder"
