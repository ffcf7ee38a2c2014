"""The review screen as a supervisor works it from the keyboard: Enter in the Action box adds the direction
(it used to press Sign off… and sign the review without it), a direction typed but not added stops the
signing, and Escape or Close asks before typed findings are thrown away."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from support import open_case
from test_supervisory_review import open_review_screen, supervision_tab, workspace

from checklist_app.services import reviews
from checklist_app.ui.supervision import review_screen as review_module

pytestmark = pytest.mark.gui


def screen_for(qtbot, world, make_session, idle):  # type: ignore[no-untyped-def]
    case = open_case(world)
    ws = workspace(qtbot, make_session, idle, world.supervisor, case.id)
    screen = open_review_screen(qtbot, idle, supervision_tab(qtbot, ws))
    screen.activateWindow()
    return case, screen


def test_enter_in_the_action_box_adds_the_direction_and_does_not_sign(qtbot, world, make_session, idle):  # type: ignore[no-untyped-def]
    case, screen = screen_for(qtbot, world, make_session, idle)
    screen.findings.setPlainText("Plan on track.")
    screen.action_text.setFocus()
    qtbot.keyClicks(screen.action_text, "Book the phone examination")
    QTest.keyClick(screen.action_text, Qt.Key.Key_Return)
    idle()
    assert getattr(screen, "sign_dialog", None) is None, "Enter in the Action box opened the signing"
    assert [a.description for a in screen.actions.rows] == ["Book the phone examination"]
    assert screen.action_text.text() == ""
    # Enter in the empty box: refused in words, still no signing.
    screen.action_text.setFocus()
    QTest.keyClick(screen.action_text, Qt.Key.Key_Return)
    idle()
    assert getattr(screen, "sign_dialog", None) is None
    assert "Action" in screen.message.text()
    (review,) = reviews.case_reviews(world.ctx, world.supervisor, case.id)
    assert review.status == "draft" and len(review.actions) == 1
    screen.edits.reset()
    screen.close()


def test_sign_off_refused_while_a_direction_is_typed_but_not_added(qtbot, world, make_session, idle):  # type: ignore[no-untyped-def]
    _case, screen = screen_for(qtbot, world, make_session, idle)
    qtbot.keyClicks(screen.findings, "Plan on track.")
    qtbot.keyClicks(screen.action_text, "Speak to the school's safeguarding lead")
    qtbot.mouseClick(screen.sign_button, Qt.MouseButton.LeftButton)
    idle()
    assert getattr(screen, "sign_dialog", None) is None
    assert "typed under Action but not added" in screen.message.text()
    assert screen.action_text.property("invalid") and screen.action_text.hasFocus()
    assert screen.action_text.text() == "Speak to the school's safeguarding lead"  # kept, to add
    screen.edits.reset()
    screen.action_text.clear()
    screen.close()


def test_escape_asks_before_typed_findings_are_lost(qtbot, world, make_session, idle, monkeypatch):  # type: ignore[no-untyped-def]
    asked: list[list[str]] = []
    answer = {"discard": False}

    def fake_confirm(parent, what, *args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(list(what))
        return answer["discard"]

    monkeypatch.setattr(review_module, "confirm_discard", fake_confirm)
    _case, screen = screen_for(qtbot, world, make_session, idle)
    QTest.keyClick(screen, Qt.Key.Key_Escape)  # nothing typed: closes without a question
    assert asked == [] and not screen.isVisible()

    ws_screen = screen_for(qtbot, world, make_session, idle)[1]
    qtbot.keyClicks(ws_screen.findings, "Spoke to the officer; plan on track.")
    QTest.keyClick(ws_screen.findings, Qt.Key.Key_Escape)
    assert len(asked) == 1 and "review of case" in asked[0][0]
    assert ws_screen.isVisible()  # Keep editing: still open, as typed
    assert ws_screen.findings.toPlainText() == "Spoke to the officer; plan on track."
    qtbot.mouseClick(ws_screen.save_button, Qt.MouseButton.LeftButton)
    idle()
    ws_screen.close()  # saved: nothing to lose, no question
    assert len(asked) == 1 and not ws_screen.isVisible()
