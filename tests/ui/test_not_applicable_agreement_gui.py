"""Through the real steps panel: an investigator marks a mandatory step not applicable and sees it awaiting
agreement; a supervisor agrees by signing in the shared SignDialog (a wrong password first), or refuses."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from support import open_case
from test_workspace import _go_to, _step, _workspace
from world_support import PASSWORD

from checklist_app.services import signatures, steps
from checklist_app.ui.dialogs import ReasonDialog

pytestmark = pytest.mark.gui

MANDATORY = "referral.record-details"
Left = Qt.MouseButton.LeftButton


@pytest.fixture
def open_ws(qtbot, make_session, idle):  # type: ignore[no-untyped-def]
    return lambda actor, case_id: _workspace(qtbot, make_session(actor), case_id, idle)


def test_investigator_marks_a_mandatory_step_and_sees_it_await_agreement(qtbot, world, open_ws, idle, monkeypatch):
    case = open_case(world)
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, title, prompt: "Referral by phone"))
    ws = open_ws(world.investigator, case.id)
    _go_to(qtbot, ws, "1.1")
    qtbot.mouseClick(ws.steps.ui.notApplicableButton, Left)
    idle()
    qtbot.waitUntil(lambda: ws.steps.current_step().awaiting_agreement, timeout=15000)
    panel = ws.steps
    assert panel.ui.statusChip.text() == "N/A: awaiting agreement"
    assert "Awaiting supervisor agreement" in panel.ui.stepNotice.text()
    row = panel.step_model.row_of(MANDATORY)
    assert "Awaiting supervisor agreement" in panel.step_model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert not panel.ui.agreeButton.isVisible() and not panel.ui.refuseButton.isVisible()  # supervisors only
    assert ws.detail.phases[0].done == 0  # not counted as done until a supervisor agrees


def test_supervisor_agrees_signing_after_a_wrong_password(qtbot, world, open_ws, idle):
    case = open_case(world)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral by phone")
    ws = open_ws(world.supervisor, case.id)
    _go_to(qtbot, ws, "1.1")
    panel = ws.steps
    agree = panel.ui.agreeButton
    assert agree.isVisible() and agree.isEnabled() and panel.ui.refuseButton.isEnabled()
    qtbot.mouseClick(agree, Left)
    dialog = panel.sign_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.meaning_label.text() == "<b>Agreed not applicable</b>"
    assert "Referral by phone" in dialog.summary.toPlainText() and "1.1" in dialog.summary.toPlainText()
    qtbot.keyClicks(dialog.password_edit, "wrong-password")
    qtbot.mouseClick(dialog.sign_button, Left)
    qtbot.waitUntil(lambda: "more failed attempt" in dialog.message.text(), timeout=15000)
    assert dialog.isVisible() and _step(world, case.id, MANDATORY).awaiting_agreement
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    qtbot.mouseClick(dialog.sign_button, Left)
    qtbot.waitUntil(lambda: not panel.current_step().awaiting_agreement, timeout=15000)
    idle()
    assert not dialog.isVisible()
    assert panel.ui.statusChip.text() == "Not applicable"
    assert ws.detail.phases[0].done == 1
    assert not agree.isEnabled()
    [sig] = signatures.case_signatures(world.ctx, world.investigator, case.id)
    assert sig.meaning == "agreed not applicable" and sig.signer_name == world.supervisor.display_name and sig.valid


def test_supervisor_refuses_with_a_reason(qtbot, world, open_ws, idle, monkeypatch):
    case = open_case(world)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral by phone")
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, title, prompt: "Log the phone call"))
    ws = open_ws(world.supervisor, case.id)
    _go_to(qtbot, ws, "1.1")
    qtbot.mouseClick(ws.steps.ui.refuseButton, Left)
    qtbot.waitUntil(lambda: ws.steps.current_step().status == "in_progress", timeout=15000)
    idle()
    view = _step(world, case.id, MANDATORY)
    assert (view.status, view.reason) == ("in_progress", "Not applicable refused: Log the phone call")
    assert "refused to agree" in ws.steps.ui.stepNotice.text()
    assert not ws.steps.ui.refuseButton.isEnabled()


def test_the_closure_list_says_a_step_awaits_agreement_without_contradicting_itself(qtbot, world, make_session, idle):  # type: ignore[no-untyped-def]
    """The line read "(not applicable: awaiting supervisor agreement): not done, and not marked not applicable"."""
    from support import settle_for_closure

    from checklist_app.ui.supervision.closure_dialogs import CloseCaseDialog

    case = open_case(world)
    settle_for_closure(world, case.id)
    steps.reopen_step(world.ctx, world.supervisor, case.id, MANDATORY, "Check again")
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    dialog = CloseCaseDialog(make_session(world.supervisor), case.id, case.reference)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.open_items is not None, timeout=15000)
    idle()
    (line,) = [dialog.items.item(i).text() for i in range(dialog.items.count())]
    assert line.startswith("Step 1.1 ") and "marked not applicable, awaiting a supervisor's agreement" in line
    assert "not marked not applicable" not in line and "not done" not in line
    dialog.reject()
