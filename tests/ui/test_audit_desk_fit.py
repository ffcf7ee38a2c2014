"""The auditor's desk on a small or scaled screen and from the keyboard: the audit form fits the screen with
the questions readable and a Close button, Enter in its password box signs, Enter on a sampled case opens
its audit, and the new-round dialog shows its whole button and its whole message."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from support import open_case
from world_support import PASSWORD

from checklist_app.services import audit_rounds
from checklist_app.ui.audit.desk import AuditDesk, NewRoundDialog
from checklist_app.ui.audit.form import AuditFormDialog

pytestmark = pytest.mark.gui


def drawn_desk(world, qtbot, make_session, idle) -> AuditDesk:  # type: ignore[no-untyped-def]
    for n in range(3):
        open_case(world, subject_ref=f"SC-{n:03d}")
    year = world.clock.now.strftime("%Y")
    audit_rounds.create_round(world.ctx, world.auditor, period=year, districts=["SHE"], sample_size=2, seed=7)
    desk = AuditDesk(make_session(world.auditor))
    qtbot.addWidget(desk)
    desk.resize(1200, 700)
    desk.show()
    desk.refresh()
    idle()
    qtbot.waitUntil(lambda: desk.sampled.rowCount() == 2, timeout=15000)
    return desk


def test_enter_on_a_sampled_case_opens_its_audit(world, qtbot, make_session, idle):  # type: ignore[no-untyped-def]
    desk = drawn_desk(world, qtbot, make_session, idle)
    desk.activateWindow()
    desk.sampled.setFocus()
    desk.sampled.selectRow(0)
    desk.sampled.setCurrentCell(0, 0)
    QTest.keyClick(desk.sampled, Qt.Key.Key_Return)
    idle()
    forms = desk.findChildren(AuditFormDialog)
    assert len(forms) == 1, "Enter on the selected sample row opened nothing"
    forms[0].close()


def test_the_audit_form_fits_the_screen_reads_its_questions_and_signs_on_enter(world, qtbot, make_session, idle):  # type: ignore[no-untyped-def]
    desk = drawn_desk(world, qtbot, make_session, idle)
    desk.sampled.selectRow(0)
    desk.open_selected()
    (form,) = desk.findChildren(AuditFormDialog)
    qtbot.waitUntil(lambda: form.form is not None and form.owner.count() > 0, timeout=15000)
    idle()
    available = form.screen().availableGeometry()
    assert form.width() <= available.width() and form.height() <= available.height()
    header = form.items.horizontalHeader()
    assert header.sectionSize(1) > header.sectionSize(0), "the question column is narrower than the item's name"
    assert header.sectionSize(1) > header.sectionSize(3)
    assert form.close_button.isVisible()
    table = form.items
    for width in (form.width() - 200, form.width() + 100):  # the auditor narrows and widens the window
        form.resize(width, form.height())
        QApplication.processEvents()
        cut = [r for r in range(table.rowCount()) if table.rowHeight(r) < table.sizeHintForRow(r)]
        assert not cut, f"at {width} pixels wide, rows {cut} are lower than their wrapped text"

    for combo in form._combos:
        combo.setCurrentIndex(combo.findData("compliant"))
    form.overall.setCurrentIndex(form.overall.findData("outstanding"))
    form.rationale.setPlainText("All steps done on time.")
    form.activateWindow()
    form.password.setFocus()
    qtbot.keyClicks(form.password, PASSWORD)
    QTest.keyClick(form.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: (form.form is not None and form.form.signed) or bool(form.problem.text()), timeout=15000)
    assert form.problem.text() == "" and form.form.signed
    qtbot.mouseClick(form.close_button, Qt.MouseButton.LeftButton)
    assert not form.isVisible()


def test_the_new_round_dialog_shows_its_whole_button_hint_and_message(world, qtbot, make_session, idle):  # type: ignore[no-untyped-def]
    dialog = NewRoundDialog(make_session(world.auditor))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=15000)
    QApplication.processEvents()
    button = dialog.ok_button
    assert button.width() >= button.minimumSizeHint().width()
    bold = button.font()
    bold.setBold(True)
    from PySide6.QtGui import QFontMetrics

    assert button.width() > QFontMetrics(bold).horizontalAdvance("Create and draw"), "the button's text is cut"
    hint = dialog.findChild(type(dialog.problem), "periodHint")
    assert hint is not None and "2026-Q4" in hint.text() and hint.isVisible()

    dialog.period.setText("Dec 2026")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    idle()
    QApplication.processEvents()
    problem = dialog.problem
    assert "YYYY-MM-DD..YYYY-MM-DD" in problem.text() and dialog.created is None
    needed = problem.heightForWidth(problem.width())
    assert problem.height() >= needed, f"the message is cut: {problem.height()} < {needed} pixels"
    assert problem.geometry().bottom() < button.geometry().top() or problem.y() + problem.height() <= dialog.height()


def test_grades_typed_in_an_audit_are_not_lost_without_asking(world, qtbot, runner, prefs, idle, monkeypatch):  # type: ignore[no-untyped-def]
    """Escape or Close asks before grades and comments typed since the last save are thrown away, and
    log-off lists them (the form closed, or went with the window, without a word)."""
    from test_log_off_and_on import _log_on

    from checklist_app.ui.app import AppController
    from checklist_app.ui.audit import form as form_module

    asked: list[list[str]] = []
    monkeypatch.setattr(
        form_module, "confirm_discard", lambda parent, what, *a, **k: asked.append(list(what)) and False
    )
    for n in range(3):
        open_case(world, subject_ref=f"SC-{n:03d}")
    audit_rounds.create_round(
        world.ctx, world.auditor, period=world.clock.now.strftime("%Y"), districts=["SHE"], sample_size=2, seed=7
    )
    controller = AppController(None, runner, prefs)
    controller.ctx = world.ctx
    monkeypatch.setattr(controller, "quit", lambda: None)
    controller.show_login()
    window = _log_on(qtbot, controller, world.auditor.username, idle)
    tabs = window.ui.caseTabs
    tabs.setCurrentIndex(next(i for i in range(tabs.count()) if tabs.tabText(i) == "Audit rounds"))
    desk = tabs.currentWidget()
    assert isinstance(desk, AuditDesk)
    idle()
    qtbot.waitUntil(lambda: desk.sampled.rowCount() == 2, timeout=15000)
    desk.sampled.selectRow(0)
    desk.open_selected()
    (form,) = desk.findChildren(AuditFormDialog)
    qtbot.waitUntil(lambda: form.form is not None and form.owner.count() > 0, timeout=15000)
    idle()
    assert window.unsaved_work() == []  # only looked at: nothing to lose
    qtbot.keyClicks(form._comments[0], "Flag added two days late")
    assert any("Casework audit: CSE-" in w for w in window.unsaved_work())
    QTest.keyClick(form._comments[0], Qt.Key.Key_Escape)
    assert len(asked) == 1 and "the audit of case" in asked[0][0]
    assert form.isVisible() and form._comments[0].text() == "Flag added two days late"  # kept
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    idle()
    assert window.unsaved_work() == []
    qtbot.mouseClick(form.close_button, Qt.MouseButton.LeftButton)
    assert not form.isVisible() and len(asked) == 1


def test_the_moderation_form_fits_the_screen_and_asks_before_typed_work_is_lost(
    world, qtbot, make_session, idle, monkeypatch
):  # type: ignore[no-untyped-def]
    from test_audit_moderation import _signed_with_action
    from world_support import add_user

    from checklist_app.core.procedure.model import Role
    from checklist_app.ui.audit import moderation as moderation_module
    from checklist_app.ui.audit.moderation import ModerationDialog

    asked: list[list[str]] = []
    monkeypatch.setattr(
        moderation_module, "confirm_discard", lambda parent, what, *a, **k: asked.append(list(what)) and False
    )
    audit_id, _case_id = _signed_with_action(world)
    second = add_user(world.ctx, "aud.ivy", Role.AUDITOR)
    dialog = ModerationDialog(make_session(second), audit_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.form is not None, timeout=15000)
    idle()
    available = dialog.screen().availableGeometry()
    assert dialog.width() <= available.width() and dialog.height() <= available.height()
    header = dialog.items.horizontalHeader()
    assert header.sectionSize(1) > header.sectionSize(0), "the question column is narrower than the item's name"
    QTest.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: closes without a question
    assert asked == [] and not dialog.isVisible()

    dialog = ModerationDialog(make_session(second), audit_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.form is not None, timeout=15000)
    idle()
    qtbot.keyClicks(dialog.note, "The risk review was late.")
    QTest.keyClick(dialog.note, Qt.Key.Key_Escape)
    assert len(asked) == 1 and "moderation of the audit of case" in asked[0][0]
    assert dialog.isVisible() and dialog.note.toPlainText() == "The risk review was late."
    dialog.edits.reset()
    dialog.close()
