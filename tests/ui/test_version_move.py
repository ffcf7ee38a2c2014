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
        classmethod(
            lambda cls, parent, title, prompt, **kw: (
                asked.append(f"{prompt}\n{kw.get('details', '')}") or "Force adopted v0.2 on 1 March"
            )
        ),
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
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, title, prompt, **kw: None))
    workspace = _workspace(qtbot, make_session, idle, world.supervisor, case.id)
    qtbot.mouseClick(workspace.ui.moveVersionButton, Qt.MouseButton.LeftButton)
    idle()
    assert cases.case_detail(world.ctx, world.supervisor, case.id).procedure_label == "test-cse-sop v0.1"


def test_the_move_dialog_shows_its_question_whole_with_a_long_list_of_changes(qtbot):  # type: ignore[no-untyped-def]
    """At 150 % on 1920x1080 the 60-odd changes of 1.0 -> 1.1 pushed the top of the prompt out of the dialog,
    cut off the question and squeezed the reason box to one line with scroll arrows."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit

    from checklist_app.services.case_versions import VersionPreview
    from checklist_app.ui.workspace.version_move import ask_to_move

    changes = tuple(f"+ 6.{n} investigation.step-{n}: A step added to the investigation phase" for n in range(60))
    preview = VersionPreview("cse-sop v1.0", "cse-sop v1.1", changes, kept=61, retired=3)
    seen: dict[str, object] = {}

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ReasonDialog)
        dialog.resize(520, 500)
        QApplication.processEvents()
        prompt = dialog.ui.prompt
        seen["prompt_whole"] = prompt.height() >= prompt.heightForWidth(prompt.width())
        seen["reason_lines"] = dialog.ui.reason.height() / dialog.fontMetrics().lineSpacing()
        question = dialog.findChild(QLabel, "question")
        seen["question"] = question.text() if question is not None and question.isVisible() else ""
        details = dialog.findChild(QPlainTextEdit, "details")
        seen["details"] = details.toPlainText() if details is not None else ""
        qtbot.keyClicks(dialog.ui.reason, "Force adopted v1.1")
        dialog.ui.buttons.accepted.emit()

    QTimer.singleShot(0, look)
    assert ask_to_move(None, preview) == ("1.1", "Force adopted v1.1")  # type: ignore[arg-type]
    assert seen["prompt_whole"], "the prompt is cut off"
    assert seen["reason_lines"] >= 3, "the reason box is squeezed"
    assert seen["question"] == "Why is the case being moved? The reason is logged."
    assert all(c in str(seen["details"]) for c in changes)  # every change, scrolling in its own box


def test_a_case_on_the_shipped_1_1_moves_to_1_2(qtbot, ctx, clock, runner, prefs, idle, monkeypatch):  # type: ignore[no-untyped-def]
    """The shipped procedures: a 1.1 case's supervisor sees "Move to v1.2…", the prompt lists 1.2's changes
    (among them the intelligence steps' new anchor), and the case then follows 1.2."""
    from world_support import build_world

    from checklist_app import paths
    from checklist_app.ui.session import AppSession

    world = build_world(ctx, clock, (paths.sop_dir() / "cse-sop-v1.1.yaml").read_text(encoding="utf-8"))
    case = open_case(world)
    procedures.publish(ctx, system_actor(), (paths.sop_dir() / "cse-sop-v1.2.yaml").read_text(encoding="utf-8"), "v1.2")
    asked: list[str] = []
    monkeypatch.setattr(
        ReasonDialog,
        "ask",
        classmethod(
            lambda cls, parent, title, prompt, **kw: (
                asked.append(f"{prompt}\n{kw.get('details', '')}") or "Force adopted procedure 1.2"
            )
        ),
    )
    workspace = CaseWorkspace(AppSession(ctx, world.supervisor, runner, prefs), case.id)
    qtbot.addWidget(workspace)
    workspace.resize(1300, 850)
    workspace.show()
    idle()
    button = workspace.ui.moveVersionButton
    assert button.isVisible() and button.text() == "Move to v1.2…"
    with qtbot.waitSignal(workspace.session.case_changed, timeout=15000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    idle()
    assert "from cse-sop v1.1 to cse-sop v1.2" in asked[0]
    assert "1.3 referral.record-details: provenance changed" in asked[0]
    assert "deadline from step:intelligence.submit -> event:intelligence_to_assess" in asked[0]
    assert cases.case_detail(ctx, world.supervisor, case.id).procedure_label == "cse-sop v1.2"
    assert workspace.ui.procedureLabel.text() == "Procedure cse-sop v1.2"
