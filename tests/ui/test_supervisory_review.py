"""Supervision on real widgets: a supervisor reviews a case from its Supervision tab (checklist, findings,
a direction for the investigator) and signs with the password (a wrong one first: the dialog says so and
nothing is signed); the investigator sees the action in the case header and on the tab and completes it
with a note; a signature shows "superseded" once the signed review is changed through the services; an
investigator cannot review. Each test drives the widgets and then asks the services what was saved."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import timedelta

import pytest
from db_support import server_url
from gui_support import choose_data
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import text
from support import open_case
from world_support import PASSWORD

from checklist_app.core.calendar import LOCAL_TZ
from checklist_app.services import case_list, cases, reviews, signatures
from checklist_app.services.case_list import CaseFilter
from checklist_app.services.errors import PermissionDenied
from checklist_app.store.db import make_engine, sqlite_path
from checklist_app.ui.case_list import COL_OVERDUE, CaseListModel
from checklist_app.ui.supervision.actions_dialog import CompleteActionDialog
from checklist_app.ui.supervision.review_screen import ReviewScreen
from checklist_app.ui.supervision.sign_dialog import SignDialog
from checklist_app.ui.workspace import CaseWorkspace

pytestmark = pytest.mark.gui

Left = Qt.MouseButton.LeftButton
ANSWERS = {"plan": ("yes", ""), "risk": ("no", "Review date passed"), "overdue": ("yes", "")}


def workspace(qtbot, make_session, idle, actor, case_id: int) -> CaseWorkspace:  # type: ignore[no-untyped-def]
    ws = CaseWorkspace(make_session(actor), case_id)
    qtbot.addWidget(ws)
    ws.resize(1400, 860)
    ws.show()
    qtbot.waitUntil(lambda: ws.detail is not None, timeout=15000)
    idle()
    return ws


def supervision_tab(qtbot, ws: CaseWorkspace):  # type: ignore[no-untyped-def]
    ws.ui.sections.setCurrentWidget(ws.supervision)
    return ws.supervision


def open_review_screen(qtbot, idle, tab) -> ReviewScreen:  # type: ignore[no-untyped-def]
    assert tab.review_button.isVisible() and tab.review_button.isEnabled()
    qtbot.mouseClick(tab.review_button, Left)
    screen = tab.screen
    assert isinstance(screen, ReviewScreen)
    qtbot.waitUntil(lambda: screen.review is not None, timeout=15000)
    idle()
    return screen


def sign_dialog(qtbot, screen: ReviewScreen) -> SignDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: getattr(screen, "sign_dialog", None) is not None and screen.sign_dialog.isVisible())
    return screen.sign_dialog


def signed_by_services(world, case_id: int):  # type: ignore[no-untyped-def]
    review = reviews.start_review(world.ctx, world.supervisor, case_id)
    reviews.save_review(world.ctx, world.supervisor, review.id, ANSWERS, "Plan on track; risk review overdue.")
    action = reviews.direct_action(
        world.ctx,
        world.supervisor,
        review.id,
        "Reassess risk with the SERAF tool",
        world.investigator.user_id,
        world.clock.now + timedelta(days=2),
    )
    return reviews.sign_review(world.ctx, world.supervisor, review.id, PASSWORD), action


def test_supervisor_reviews_directs_and_signs_after_a_wrong_password(qtbot, world, make_session, idle):
    case = open_case(world)
    ws = workspace(qtbot, make_session, idle, world.supervisor, case.id)
    tab = supervision_tab(qtbot, ws)
    assert ws.ui.sections.tabText(ws.ui.sections.indexOf(tab)) == "Supervision"
    assert "0 reviews" in tab.summary.text()
    screen = open_review_screen(qtbot, idle, tab)
    assert "Draft" in screen.heading.text() and "completes when signed step 2.4" in screen.heading.text()

    # Signing with an item unanswered and no findings: told what is missing, no password asked.
    qtbot.mouseClick(screen.sign_button, Left)
    idle()
    assert getattr(screen, "sign_dialog", None) is None
    text = screen.message.text()
    assert "not signed yet" in text and "is not answered" in text and "Findings" in text

    # A "no" needs a note: refused inline, the note field marked.
    choose_data(screen._answers["plan"], "yes")
    choose_data(screen._answers["risk"], "no")
    choose_data(screen._answers["overdue"], "yes")
    qtbot.keyClicks(screen.findings, "Plan on track; the risk review is overdue.")
    qtbot.mouseClick(screen.save_button, Left)
    idle()
    assert "say what is wrong" in screen.message.text()
    assert screen._notes["risk"].property("invalid")
    qtbot.keyClicks(screen._notes["risk"], "Review date passed")
    qtbot.mouseClick(screen.save_button, Left)
    idle()
    assert screen.message.text() == "Draft saved."

    # A direction for the case officer, due a week from today at 17:00 UK time by default.
    assert screen.owner.currentData() == world.investigator.user_id
    assert screen.owner.currentText().startswith(f"{world.investigator.display_name} · case officer (")
    assert screen.owner.toolTip() == screen.owner.currentText()  # read whole when the box is too narrow
    due = screen.due.value()
    assert due.astimezone(LOCAL_TZ).hour == 17
    assert (due.astimezone(LOCAL_TZ).date() - world.clock.now.astimezone(LOCAL_TZ).date()).days == 7
    qtbot.mouseClick(screen.add_button, Left)  # no text: refused
    idle()
    assert "Action" in screen.message.text() and "required" in screen.message.text()
    qtbot.keyClicks(screen.action_text, "Reassess risk with the SERAF tool")
    qtbot.mouseClick(screen.add_button, Left)
    idle()
    assert [a.description for a in screen.actions.rows] == ["Reassess risk with the SERAF tool"]
    assert screen.action_text.text() == ""

    # Sign off: a wrong password first. The dialog says so; nothing is signed, the step is not completed.
    qtbot.mouseClick(screen.sign_button, Left)
    idle()
    dialog = sign_dialog(qtbot, screen)
    assert "Reviewed" in dialog.meaning_label.text() and "Ds Cedar" in dialog.signer_label.text()
    assert "1 direction" in dialog.summary.toPlainText()
    qtbot.keyClicks(dialog.password_edit, "not-my-password")
    qtbot.mouseClick(dialog.sign_button, Left)
    idle()
    assert dialog.isVisible()
    assert "attempt" in dialog.message.text()
    assert dialog.password_edit.text() == ""
    (saved,) = reviews.case_reviews(world.ctx, world.supervisor, case.id)
    assert saved.status == "draft" and saved.signatures == ()
    assert signatures.case_signatures(world.ctx, world.supervisor, case.id) == []
    step = cases.case_detail(world.ctx, world.supervisor, case.id).step("risk.supervisory-review")
    assert step.status != "done"

    # The right password signs; the screen turns read only and says which step the review completed.
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(screen.session.case_changed, timeout=15000):
        qtbot.mouseClick(dialog.sign_button, Left)
    idle()
    assert "Signed" in screen.heading.text() and "completed step 2.4" in screen.heading.text()
    assert screen.message.text() == "Review signed. Step 2.4 is completed by this review."
    assert not screen.findings.isEnabled() and not screen.add_button.isEnabled()
    assert "[valid]" in screen.signatures.text() and "Ds Cedar" in screen.signatures.text()
    (signed,) = reviews.case_reviews(world.ctx, world.supervisor, case.id)
    assert signed.status == "signed" and [s.meaning for s in signed.signatures] == ["reviewed"]
    assert [(c.answer, c.note) for c in signed.checklist] == [("yes", ""), ("no", "Review date passed"), ("yes", "")]
    assert signed.findings == "Plan on track; the risk review is overdue."
    assert [(a.owner_id, a.description) for a in signed.actions] == [
        (world.investigator.user_id, "Reassess risk with the SERAF tool")
    ]
    screen.close()
    idle()

    # The tab lists the review, signed and valid, its direction and its signature.
    qtbot.waitUntil(lambda: [r.status for r in tab.reviews] == ["signed"], timeout=15000)
    idle()
    model = tab.reviews_model
    assert model.data(model.index(0, 3)) == "Signed"
    assert model.data(model.index(0, 6)) == "Valid"
    assert model.data(model.index(0, 4)) == "2.4"
    assert "Review date passed" in tab.review_detail.toPlainText()
    assert [a.status for a in tab.actions.rows] == ["open"]
    sigs = tab.signatures.model_
    assert sigs.rowCount() == 1 and sigs.data(sigs.index(0, 5)) == "Valid"
    assert sigs.data(sigs.index(0, 1)) == "Ds Cedar" and sigs.data(sigs.index(0, 3)) == "Reviewed"

    # The step the review completed links back to it.
    detail = cases.case_detail(world.ctx, world.supervisor, case.id)
    assert detail.step("risk.supervisory-review").evidence == {"supervisory_review_id": signed.id}
    ws.ui.sections.setCurrentWidget(ws.steps)
    ws.steps.select_step("risk.supervisory-review")
    idle()
    notice = ws.steps.ui.stepNotice
    assert notice.isVisible() and f"supervisory review #{signed.id}" in notice.text()
    notice.linkActivated.emit(f"review:{signed.id}")
    assert ws.ui.sections.currentWidget() is tab
    assert tab.reviews_table.selectionModel().selectedRows()[0].row() == 0


def test_investigator_sees_the_direction_and_completes_it_with_a_note(qtbot, world, make_session, idle):
    case = open_case(world)
    _, action = signed_by_services(world, case.id)

    # Another investigator of the team sees the action but cannot complete it.
    other = workspace(qtbot, make_session, idle, world.investigator2, case.id)
    qtbot.waitUntil(lambda: other.supervision.actions.rows != [], timeout=15000)
    other.supervision.actions.select(action.id)
    assert not other.supervision.complete_button.isEnabled()
    assert "Dc Alder's" in other.supervision.complete_button.toolTip()
    assert "for you" not in other.actionsChip.text()

    ws = workspace(qtbot, make_session, idle, world.investigator, case.id)
    qtbot.waitUntil(lambda: ws.actionsChip.isVisible(), timeout=15000)
    assert ws.actionsChip.text() == "1 directed action open · 1 for you"
    tabs = ws.ui.sections
    assert tabs.tabText(tabs.indexOf(ws.supervision)) == "Supervision (1 open)"
    # Clicking the header marker goes to the Supervision tab.
    qtbot.mouseClick(ws.actionsChip, Left)
    tab = ws.supervision
    assert tabs.currentWidget() is tab
    assert not tab.review_button.isVisible()
    tab.actions.select(action.id)
    assert tab.complete_button.isEnabled()
    qtbot.mouseClick(tab.complete_button, Left)
    dialog = tab.dialog
    assert isinstance(dialog, CompleteActionDialog) and dialog.isVisible()
    qtbot.mouseClick(dialog.ok_button, Left)  # no note: refused, dialog stays open
    idle()
    assert dialog.isVisible() and "What was done" in dialog.message.text()
    assert reviews.case_actions(world.ctx, world.investigator, case.id)[0].status == "open"
    qtbot.keyClicks(dialog.note, "SERAF redone: category 2; plan updated.")
    with qtbot.waitSignal(tab.session.case_changed, timeout=15000):
        qtbot.mouseClick(dialog.ok_button, Left)
    idle()
    qtbot.waitUntil(lambda: [a.status for a in tab.actions.rows] == ["done"], timeout=15000)
    done = reviews.case_actions(world.ctx, world.investigator, case.id)[0]
    assert done.status == "done" and done.completion_note == "SERAF redone: category 2; plan updated."
    assert done.completed_by_name == "Dc Alder"
    model = tab.actions.model_
    assert model.data(model.index(0, 3)).startswith("Done")
    assert model.data(model.index(0, 5)) == "SERAF redone: category 2; plan updated."
    assert not ws.actionsChip.isVisible()
    assert tabs.tabText(tabs.indexOf(tab)) == "Supervision"
    assert not tab.complete_button.isEnabled()


def test_an_overdue_direction_is_marked_and_counted_in_the_case_list(qtbot, world, make_session, idle):
    case = open_case(world)
    _, action = signed_by_services(world, case.id)

    def overdue_figure() -> int:
        """The case list's Overdue column for the case, as the investigator's list shows it."""
        model = CaseListModel(user_id=world.investigator.user_id, team_id=None)
        model.set_rows(case_list.list_cases(world.ctx, world.investigator, CaseFilter()), world.clock.now)
        return int(model.data(model.index(0, COL_OVERDUE)) or 0)

    world.clock.advance(days=3)
    # The direction's due time is one of the case's open due times, so it counts in the overdue figure.
    row = next(r for r in case_list.list_cases(world.ctx, world.investigator, CaseFilter()) if r.id == case.id)
    assert action.due_at.timestamp() in row.open_due
    with_action = overdue_figure()
    ws = workspace(qtbot, make_session, idle, world.investigator, case.id)
    qtbot.waitUntil(lambda: ws.actionsChip.isVisible(), timeout=15000)
    assert ws.actionsChip.text() == "1 directed action open · 1 for you · 1 overdue"
    assert ws.actionsChip.property("tone") == "overdue"
    model = ws.supervision.actions.model_
    assert model.data(model.index(0, 3)) == "Overdue"
    assert "1 overdue" in ws.supervision.summary.text()
    # Completed, it no longer counts.
    reviews.complete_action(world.ctx, world.investigator, action.id, "Done: SERAF redone")
    assert overdue_figure() == with_action - 1


def test_a_signature_shows_superseded_once_the_signed_review_changes(qtbot, world, make_session, idle):
    case = open_case(world)
    review, _ = signed_by_services(world, case.id)
    # The signed content is changed through the services: the review goes back to draft.
    reviews.save_review(world.ctx, world.supervisor, review.id, ANSWERS, "Findings corrected after signing")
    ws = workspace(qtbot, make_session, idle, world.investigator, case.id)
    tab = supervision_tab(qtbot, ws)
    qtbot.waitUntil(lambda: tab.signatures.rows != [], timeout=15000)
    sigs = tab.signatures.model_
    assert sigs.rowCount() == 1  # never hidden
    assert sigs.data(sigs.index(0, 5)) == "SUPERSEDED"
    assert "no longer vouches" in sigs.data(sigs.index(0, 5), Qt.ItemDataRole.ToolTipRole)
    assert sigs.data(sigs.index(0, 5), Qt.ItemDataRole.ForegroundRole).color().name() == "#a4161a"
    model = tab.reviews_model
    assert model.data(model.index(0, 3)) == "Changed after signing"
    assert model.data(model.index(0, 6)) == "Superseded"
    assert "SUPERSEDED" in tab.review_detail.toPlainText()
    assert "1 superseded signature" in tab.summary.text()


def edit_outside_the_app(world, sql: str) -> None:  # type: ignore[no-untyped-def]
    """Change the database behind the app's back: the sqlite3 tool on a SQLite file (Python's sqlite3 module
    where the tool is not installed), a plain connection on PostgreSQL. (A skipped GUI test fails the run.)"""
    world.ctx.db.dispose()
    url = server_url()
    if url:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text(sql))
        engine.dispose()
    elif shutil.which("sqlite3"):
        subprocess.run(["sqlite3", str(sqlite_path(world.ctx.db.url)), sql], check=True)
    else:
        with closing(sqlite3.connect(sqlite_path(world.ctx.db.url))) as conn, conn:
            conn.execute(sql)


def test_a_review_edited_outside_the_app_shows_superseded(qtbot, world, make_session, idle):
    case = open_case(world)
    review, _ = signed_by_services(world, case.id)
    edit_outside_the_app(world, f"UPDATE supervisory_reviews SET findings = 'Nothing to add' WHERE id = {review.id}")
    ws = workspace(qtbot, make_session, idle, world.supervisor, case.id)
    tab = supervision_tab(qtbot, ws)
    qtbot.waitUntil(lambda: tab.signatures.rows != [], timeout=15000)
    sigs = tab.signatures.model_
    assert [sigs.data(sigs.index(r, 5)) for r in range(sigs.rowCount())] == ["SUPERSEDED"]
    # The record still says signed (nothing in the app changed it), but its signature no longer holds.
    model = tab.reviews_model
    assert model.data(model.index(0, 3)) == "Signed" and model.data(model.index(0, 6)) == "Superseded"
    assert "Nothing to add" in tab.review_detail.toPlainText()


def test_an_investigator_cannot_review(qtbot, world, make_session, idle):
    case = open_case(world)
    ws = workspace(qtbot, make_session, idle, world.investigator, case.id)
    tab = supervision_tab(qtbot, ws)
    assert not tab.review_button.isVisible()
    tab.open_review()  # e.g. a double-click on the reviews table
    QApplication.processEvents()
    assert tab.screen is None
    assert "cannot" not in tab.note.text()  # investigators complete actions, so the tab is not read only
    # The services refuse it too, whatever the screen shows.
    with pytest.raises(PermissionDenied):
        reviews.start_review(world.ctx, world.investigator, case.id)
    assert reviews.case_reviews(world.ctx, world.investigator, case.id) == []


def test_an_auditor_sees_supervision_read_only(qtbot, world, make_session, idle):
    case = open_case(world)
    signed_by_services(world, case.id)
    ws = workspace(qtbot, make_session, idle, world.auditor, case.id)
    tab = supervision_tab(qtbot, ws)
    qtbot.waitUntil(lambda: tab.signatures.rows != [], timeout=15000)
    assert not tab.review_button.isVisible() and not tab.complete_button.isVisible()
    assert tab.note.text() == "Read only: your role (Auditor) can view the case's supervision but not change it."
    assert [a.status for a in tab.actions.rows] == ["open"] and tab.reviews_model.rowCount() == 1
    assert "for you" not in ws.actionsChip.text()
