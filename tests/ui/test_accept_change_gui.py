"""The Database page's "Accept an outside change…": the dialog calls the service off the GUI thread, shows
refusals and stays open, and once accepted the account logs on again and verify's result lists the note."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from tamper_support import tamper
from world_support import PASSWORD

from checklist_app.services import accounts
from checklist_app.ui.admin.accept_change_dialog import AcceptChangeDialog
from checklist_app.ui.admin.console import AdminConsole
from checklist_app.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

REASON = "Investigated under PSD ref 2026/0417: team moved by the DBA on request"


@pytest.fixture
def page(qtbot, world, make_session, idle):  # type: ignore[no-untyped-def]
    window = MainWindow(make_session(world.admin))
    qtbot.addWidget(window)
    window.show()
    idle()
    assert isinstance(window.case_list, AdminConsole)
    window.case_list.pages.setCurrentWidget(window.case_list.database)
    idle()
    return window.case_list.database


def _fill(dialog: AcceptChangeDialog, name: str, reason: str, password: str) -> None:
    dialog.kind.setCurrentIndex(dialog.kind.findData("users"))
    dialog.name.setText(name)
    dialog.reason.setPlainText(reason)
    dialog.password.setText(password)


def test_an_account_is_accepted_from_the_database_page(qtbot, world, page, idle, monkeypatch):
    tamper(
        world,
        "UPDATE users SET team_id = (SELECT id FROM teams WHERE name = 'Sheffield CSE Team 2') "
        "WHERE username = 'dc.alder'",
    )
    assert page.accept_button.isEnabled()
    refusals: list[str] = []

    def answer(dialog: AcceptChangeDialog) -> int:
        _fill(dialog, "dc.alder", "looked at it", PASSWORD)
        dialog.save()
        idle()
        refusals.append(dialog.message.text())
        assert dialog.result() != QDialog.DialogCode.Accepted and dialog.password.text() == ""
        _fill(dialog, "dc.alder", REASON, PASSWORD)
        dialog.save()
        idle()
        return dialog.result()

    monkeypatch.setattr(AcceptChangeDialog, "exec", answer)
    qtbot.mouseClick(page.accept_button, Qt.MouseButton.LeftButton)
    idle()
    assert "at least 20 characters, naming the investigation" in refusals[0]
    assert page.message.text().startswith("Accepted the outside change to account dc.alder as audit entry ")
    accounts.log_on(world.ctx, "dc.alder", PASSWORD)

    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result.toPlainText().startswith("OK"), timeout=15000)
    text = page.result.toPlainText()
    assert "nothing has been changed outside the application unless noted below" in text
    assert "Notes (not failures):\nnote: users, id " in text
    assert "accepted outside change (account dc.alder) by admin.one on " in text and text.endswith(REASON)


def test_the_button_is_for_administrators_only(qtbot, world, make_session):
    from checklist_app.ui.admin.database_page import DatabasePage

    page = DatabasePage(make_session(world.auditor))
    qtbot.addWidget(page)
    assert not page.accept_button.isEnabled()
