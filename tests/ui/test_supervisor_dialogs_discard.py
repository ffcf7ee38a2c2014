"""The supervisor's dialogs do not throw away what was typed without asking: a closure rationale, a
reassignment reason or a team duty's evidence went with Escape or Cancel without a word."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from support import open_case

from checklist_app.ui import discard
from checklist_app.ui.supervision.closure_dialogs import CloseCaseDialog, ReassignDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def asked(monkeypatch):  # type: ignore[no-untyped-def]
    seen: list[list[str]] = []
    monkeypatch.setattr(discard, "confirm_discard", lambda parent, what, *a, **k: seen.append(list(what)) and False)
    return seen


def test_escape_in_the_closure_dialog_asks_once_a_rationale_is_typed(qtbot, world, make_session, idle, asked):  # type: ignore[no-untyped-def]
    case = open_case(world)
    dialog = CloseCaseDialog(make_session(world.supervisor), case.id, case.reference)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.open_items is not None, timeout=15000)
    idle()
    qtbot.keyClicks(dialog.rationale, "Child safeguarded; no further action.")
    QTest.keyClick(dialog.rationale, Qt.Key.Key_Escape)
    assert len(asked) == 1 and f"Close case {case.reference}" in asked[0][0]
    assert dialog.isVisible() and dialog.rationale.toPlainText() == "Child safeguarded; no further action."
    dialog.edits.reset()
    dialog.reject()
    assert not dialog.isVisible() and len(asked) == 1


def test_cancel_in_the_reassign_dialog_asks_once_a_reason_is_typed(qtbot, world, make_session, idle, asked):  # type: ignore[no-untyped-def]
    case = open_case(world)
    dialog = ReassignDialog(make_session(world.supervisor), case.id, case.reference, "Dc Alder")
    qtbot.addWidget(dialog)
    dialog.show()
    idle()
    dialog.reject()  # nothing typed: no question
    assert asked == [] and not dialog.isVisible()
    dialog = ReassignDialog(make_session(world.supervisor), case.id, case.reference, "Dc Alder")
    qtbot.addWidget(dialog)
    dialog.show()
    idle()
    qtbot.keyClicks(dialog.reason, "Officer on leave for a month")
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and dialog.isVisible()
    dialog.edits.reset()
    dialog.reject()
