"""Amending a signed supervisory review through real widgets: the supervisor selects the signed review, opens
it, confirms Amend, changes the findings and signs again; the first signature stays listed as superseded."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from support import open_case
from test_supervisory_review import sign_dialog, signed_by_services, supervision_tab, workspace
from world_support import PASSWORD

from checklist_app.core.signatures import SignatureState
from checklist_app.services import reviews
from checklist_app.ui.supervision.review_screen import ReviewScreen

pytestmark = pytest.mark.gui
Left = Qt.MouseButton.LeftButton


def test_supervisor_amends_a_signed_review_and_signs_again(qtbot, world, make_session, idle, monkeypatch):
    case = open_case(world)
    signed, _action = signed_by_services(world, case.id)
    ws = workspace(qtbot, make_session, idle, world.supervisor, case.id)
    tab = supervision_tab(qtbot, ws)
    qtbot.waitUntil(lambda: [r.status for r in tab.reviews] == ["signed"], timeout=15000)
    idle()
    tab.reviews_table.selectRow(0)
    idle()
    assert tab.amend_button.isVisible() and tab.amend_button.isEnabled()
    qtbot.mouseClick(tab.amend_button, Left)
    screen = tab.screen
    assert isinstance(screen, ReviewScreen)
    qtbot.waitUntil(lambda: screen.review is not None, timeout=15000)
    idle()
    assert screen.review.id == signed.id and "Signed" in screen.heading.text()
    assert screen.amend_button.isVisible() and not screen.findings.isEnabled()

    # Declining the confirmation changes nothing.
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answer[0])
    qtbot.mouseClick(screen.amend_button, Left)
    assert "superseded" in asked[0] and not screen.findings.isEnabled()
    answer[0] = QMessageBox.StandardButton.Yes
    qtbot.mouseClick(screen.amend_button, Left)
    assert screen.findings.isEnabled() and not screen.amend_button.isVisible()
    (still,) = reviews.case_reviews(world.ctx, world.supervisor, case.id)
    assert still.status == "signed"  # nothing changes until saved

    screen.findings.setPlainText("")
    qtbot.keyClicks(screen.findings, "Risk review now booked; plan on track.")
    world.clock.advance(minutes=10)
    qtbot.mouseClick(screen.sign_button, Left)
    idle()
    dialog = sign_dialog(qtbot, screen)
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(screen.session.case_changed, timeout=15000):
        qtbot.mouseClick(dialog.sign_button, Left)
    idle()
    assert "Signed" in screen.heading.text() and screen.amend_button.isVisible()
    assert "[superseded]" in screen.signatures.text() and "[valid]" in screen.signatures.text()
    (amended,) = reviews.case_reviews(world.ctx, world.supervisor, case.id)
    assert amended.status == "signed" and amended.findings == "Risk review now booked; plan on track."
    assert [s.state for s in amended.signatures] == [SignatureState.SUPERSEDED, SignatureState.VALID]
    screen.close()
    idle()


def test_only_the_reviewer_may_amend(qtbot, world, make_session, idle):
    case = open_case(world)
    signed_by_services(world, case.id)
    ws = workspace(qtbot, make_session, idle, world.supervisor2, case.id)
    tab = supervision_tab(qtbot, ws)
    qtbot.waitUntil(lambda: [r.status for r in tab.reviews] == ["signed"], timeout=15000)
    tab.reviews_table.selectRow(0)
    idle()
    assert tab.amend_button.isVisible() and not tab.amend_button.isEnabled()
    assert "only its reviewer can amend it" in tab.amend_button.toolTip()
