"""The signature dialog: meaning, signer and content shown; a wrong password keeps it open with the service's
message and counts towards lockout; the right one signs and closes it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from world_support import PASSWORD

from checklist_app.services import closure
from checklist_app.ui.supervision.sign_dialog import SignDialog
from tests.support import open_case

pytestmark = pytest.mark.gui


def test_shows_what_is_signed_and_returns_the_password(world, make_session, qtbot) -> None:
    session = make_session(world.supervisor)
    dialog = SignDialog(None, session, "approved for closure", "Case CSE-1: closure rationale")
    qtbot.addWidget(dialog)
    assert dialog.meaning_label.text() == "<b>Approved for closure</b>"
    assert dialog.signer_label.text() == "Ds Cedar (supervisor)"
    assert "closure rationale" in dialog.summary.toPlainText()
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Enter your password to sign."
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.password_edit.setText(PASSWORD)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.password() == PASSWORD


def test_wrong_password_stays_open_then_signs(world, make_session, qtbot, idle) -> None:
    case = open_case(world)
    session = make_session(world.supervisor)
    done: list[object] = []
    dialog = SignDialog(None, session, "approved for closure", "summary")
    qtbot.addWidget(dialog)
    # The minimal procedure has required steps open, so the service's refusal comes back in words too.
    dialog.sign_with(closure.close_case, case.id, "done", done=done.append)
    dialog.show()
    dialog.password_edit.setText("not-my-password")
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    idle()
    assert "attempt" in dialog.message.text().lower()
    assert dialog.isVisible() and not done
    assert dialog.password_edit.text() == ""
    dialog.password_edit.setText(PASSWORD)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    idle()
    assert "cannot be closed" in dialog.message.text()
    assert dialog.isVisible() and not done


def test_a_refusal_of_the_change_goes_back_to_the_screen_that_asked(world, make_session, qtbot, idle) -> None:
    case = open_case(world)
    session = make_session(world.supervisor)
    refused: list[BaseException] = []
    dialog = SignDialog(None, session, "approved for closure", "summary")
    qtbot.addWidget(dialog)
    dialog.sign_with(closure.close_case, case.id, "done", error=refused.append)
    dialog.show()
    dialog.password_edit.setText(PASSWORD)
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    idle()
    assert [type(e) for e in refused] == [closure.ClosureRefused]
    assert refused[0].items and not dialog.isVisible()  # type: ignore[attr-defined]
    assert dialog.result() == QDialog.DialogCode.Rejected
