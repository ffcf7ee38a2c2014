"""A supervisor moves a case to a newer procedure version from the case header."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from support import open_case
from world_support import MINIMAL_SOP

from checklist_app.services import cases, procedures
from checklist_app.services.context import system_actor
from checklist_app.ui.dialogs import ReasonDialog
from checklist_app.ui.workspace import CaseWorkspace

pytestmark = pytest.mark.gui


def _publish_v2(world) -> None:  # type: ignore[no-untyped-def]
    text = MINIMAL_SOP.read_text(encoding="utf-8").replace('version: "0.1"', 'version: "0.2"', 1)
    text = text.replace("title: Confirm the child is safe now", "title: Confirm the child is safe", 1)
    procedures.publish(world.ctx, system_actor(), text, "v2")


def _workspace(qtbot, make_session, idle, actor, case_id: int) -> CaseWorkspace:  # type: ignore[no-untyped-def]
    workspace = CaseWorkspace(make_session(actor), case_id)
    qtbot.addWidget(workspace)
    workspace.resize(1300, 850)
    workspace.show()
    idle()
    return workspace


def test_supervisor_moves_the_case_and_the_move_is_logged(qtbot, world, make_session, idle, monkeypatch):
    case = open_case(world)
    investigator_view = _workspace(qtbot, make_session, idle, world.investigator, case.id)
    assert not investigator_view.ui.moveVersionButton.isVisible()
    _publish_v2(world)
    investigator_view.refresh()
    idle()
    assert not investigator_view.ui.moveVersionButton.isVisible()  # supervisors decide

    asked: list[str] = []
    monkeypatch.setattr(
        ReasonDialog,
        "ask",
        classmethod(lambda cls, parent, title, prompt: asked.append(prompt) or "Force adopted v0.2 on 1 March"),
    )
    workspace = _workspace(qtbot, make_session, idle, world.supervisor, case.id)
    button = workspace.ui.moveVersionButton
    assert button.isVisible() and button.text() == "Move to v0.2…"
    with qtbot.waitSignal(workspace.session.case_changed, timeout=15000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    idle()
    assert "from test-cse-sop v0.1 to test-cse-sop v0.2" in asked[0]
    assert "referral.confirm-safety" in asked[0]  # the changed step is listed
    detail = cases.case_detail(world.ctx, world.supervisor, case.id)
    assert detail.procedure_label == "test-cse-sop v0.2" and detail.newer_version == ""
    assert not workspace.ui.moveVersionButton.isVisible()
    assert workspace.ui.procedureLabel.text() == "Procedure test-cse-sop v0.2"


def test_cancelling_changes_nothing(qtbot, world, make_session, idle, monkeypatch):
    case = open_case(world)
    _publish_v2(world)
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, title, prompt: None))
    workspace = _workspace(qtbot, make_session, idle, world.supervisor, case.id)
    qtbot.mouseClick(workspace.ui.moveVersionButton, Qt.MouseButton.LeftButton)
    idle()
    assert cases.case_detail(world.ctx, world.supervisor, case.id).procedure_label == "test-cse-sop v0.1"
