"""Moderation, follow-up and remedial actions on the case, through real widgets: auditor A signs an audit the
round picked for a second check, auditor B moderates it and disagrees, A sees the result on the audit form;
the owner completes the remedial action from the case; A records the follow-up and signs an addendum; and
the refusals (one's own audit, a colleague's action, a disagreement that says nothing) are shown in words."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from support import open_case
from world_support import PASSWORD, add_user

from checklist_app.core.procedure.model import Role
from checklist_app.services import audit_rounds, audit_signing, case_audits, remedial
from checklist_app.ui.audit.desk import AuditDesk
from checklist_app.ui.audit.form import AuditFormDialog
from checklist_app.ui.audit.moderation import ModerationDialog
from checklist_app.ui.supervision.sign_dialog import SignDialog
from checklist_app.ui.workspace import CaseWorkspace

pytestmark = pytest.mark.gui
Left = Qt.MouseButton.LeftButton
GRADES = dict.fromkeys(("audit.referral.flagged", "audit.risk.assessed", "audit.investigation.devices"), "compliant")
ITEM = "audit.risk.assessed"


def _picked_audit(world) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Three cases of the investigator's team, all sampled; the audit the round picked for moderation."""
    for n in range(3):
        open_case(world, subject_ref=f"SC-10{n}")
    detail = audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", sample_size=3, seed=7)
    (picked,) = [c for c in detail.sampled if c.moderation_due]
    assert picked.audit_id is not None
    return picked.audit_id, picked.case_id


def _signed_with_action(world) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    audit_id, case_id = _picked_audit(world)
    case_audits.save_audit(
        world.ctx, world.auditor, audit_id, grades=GRADES, comments={}, overall_grade="good", rationale="Sound."
    )
    case_audits.raise_remedial_action(
        world.ctx,
        world.auditor,
        audit_id,
        description="Record the grounds for the flag.",
        owner_id=world.investigator.user_id,
    )
    audit_signing.sign_audit(world.ctx, world.auditor, audit_id, PASSWORD)
    return audit_id, case_id


def _answer_sign_dialog(qtbot, password: str = PASSWORD) -> dict[str, str]:  # type: ignore[no-untyped-def]
    seen: dict[str, str] = {}

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SignDialog)
        seen["meaning"] = dialog.meaning_label.text()
        seen["summary"] = dialog.summary.toPlainText()
        dialog.password_edit.setText(password)
        qtbot.mouseClick(dialog.sign_button, Left)

    QTimer.singleShot(0, answer)
    return seen


def _form(qtbot, make_session, actor, audit_id: int) -> AuditFormDialog:  # type: ignore[no-untyped-def]
    form = AuditFormDialog(make_session(actor), audit_id)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(lambda: form.form is not None, timeout=15000)
    return form


def test_a_picked_audit_is_moderated_by_a_second_auditor_who_disagrees_and_the_first_sees_it(
    world, qtbot, make_session, idle
):  # type: ignore[no-untyped-def]
    audit_id, _case_id = _picked_audit(world)
    second = add_user(world.ctx, "aud.ivy", Role.AUDITOR)

    # Auditor A grades and signs the picked audit on the form; it says a second check is due.
    form = _form(qtbot, make_session, world.auditor, audit_id)
    assert "moderation due" in form.heading.text()
    assert "not moderated yet" in form.moderations.text()
    for combo in form._combos:
        combo.setCurrentIndex(combo.findData("compliant"))
    form.overall.setCurrentIndex(form.overall.findData("good"))
    form.rationale.setPlainText("Sound work throughout.")
    qtbot.keyClicks(form.password, PASSWORD)
    qtbot.mouseClick(form.sign_button, Left)
    qtbot.waitUntil(lambda: (form.form is not None and form.form.signed) or bool(form.problem.text()), timeout=15000)
    assert form.problem.text() == ""
    form.close()

    # A's own desk does not offer their own audit to moderate.
    desk_a = AuditDesk(make_session(world.auditor))
    qtbot.addWidget(desk_a)
    desk_a.show()
    desk_a.refresh()
    idle()
    assert desk_a.moderation is not None and desk_a.moderation.table.rowCount() == 0

    # Auditor B finds it under To moderate and opens the moderation form.
    desk = AuditDesk(make_session(second))
    qtbot.addWidget(desk)
    desk.show()
    desk.refresh()
    idle()
    listing = desk.moderation
    assert listing is not None and listing.table.rowCount() == 1
    assert listing.table.item(0, 2).text() == "Aud Holly" and listing.table.item(0, 3).text() == "Good"
    listing.table.selectRow(0)
    qtbot.mouseClick(listing.moderate_button, Left)
    idle()
    (dialog,) = listing.findChildren(ModerationDialog)
    qtbot.waitUntil(lambda: dialog.form is not None and dialog.sign_button.isEnabled(), timeout=15000)
    assert "Aud Holly graded the case <b>Good</b>" in dialog.auditor_grade.text()
    assert not dialog.grade.isEnabled()  # agreeing keeps A's grade

    # Disagreeing without saying what differs is refused in words, before any signing.
    dialog.disagree.setChecked(True)
    qtbot.mouseClick(dialog.sign_button, Left)
    assert "choose the grade you would give" in dialog.problem.text()

    dialog.grade.setCurrentIndex(dialog.grade.findData("requires_improvement"))
    row = next(r for r, i in enumerate(dialog.form.items) if i.item_id == ITEM)
    dialog._grades[row].setCurrentIndex(dialog._grades[row].findData("partial"))
    qtbot.mouseClick(dialog.sign_button, Left)
    label = next(i.shown for i in dialog.form.items if i.item_id == ITEM)
    assert label.startswith("Phase ") and ITEM not in label
    assert f"Why ({label})" in dialog.problem.text()
    qtbot.keyClicks(dialog._why[row], "Risk review 3 was a week late.")
    qtbot.keyClicks(dialog.note, "Supervision weaker than the audit says.")
    seen = _answer_sign_dialog(qtbot)
    qtbot.mouseClick(dialog.sign_button, Left)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    assert seen["meaning"] == "<b>Moderated</b>" and "Your grade: Requires improvement (disagree)" in seen["summary"]
    idle()
    assert listing.table.rowCount() == 0

    # A sees the moderation on the audit form.
    form = _form(qtbot, make_session, world.auditor, audit_id)
    text = form.moderations.text()
    assert "Aud Ivy <b>disagrees</b>: grade Requires improvement" in text
    assert f"{label}: Compliant → Partially compliant (Risk review 3 was a week late.)" in text
    assert "Note: Supervision weaker than the audit says." in text and "Moderated: Aud Ivy (auditor)" in text
    assert "[valid]" in text


def test_the_owner_completes_the_action_on_the_case_and_the_auditor_follows_it_up_and_adds_an_addendum(
    world, qtbot, make_session, idle
):  # type: ignore[no-untyped-def]
    audit_id, case_id = _signed_with_action(world)

    # A colleague on the team sees the action on the case but cannot complete it.
    colleague = CaseWorkspace(make_session(world.investigator2), case_id)
    qtbot.addWidget(colleague)
    colleague.resize(1300, 850)
    colleague.show()
    idle()
    box = colleague.remedial
    assert box.isVisible() and box.page.table.rowCount() == 1
    assert box.page.table.item(0, 0).text() == "Dc Alder"
    box.page.table.selectRow(0)
    qtbot.keyClicks(box.page.note, "Done it for them.")
    qtbot.mouseClick(box.page.complete_button, Left)
    idle()
    assert "Only the action's owner can complete it." in box.page.problem.text()

    # The owner completes it from the case; the box goes once nothing is open.
    workspace = CaseWorkspace(make_session(world.investigator), case_id)
    qtbot.addWidget(workspace)
    workspace.resize(1300, 850)
    workspace.show()
    idle()
    page = workspace.remedial.page
    assert workspace.remedial.isVisible() and "(1 open)" in workspace.remedial.title()
    assert (
        page.table.item(0, 1).text() == "Record the grounds for the CSE flag."[:0] + "Record the grounds for the flag."
    )
    page.table.selectRow(0)
    qtbot.mouseClick(page.complete_button, Left)  # no note: said in words
    idle()
    assert "say what was done" in page.problem.text()
    qtbot.keyClicks(page.note, "Grounds recorded in the case log.")
    qtbot.mouseClick(page.complete_button, Left)
    idle()
    qtbot.waitUntil(lambda: not workspace.remedial.isVisible(), timeout=15000)
    (action,) = remedial.list_remedial_actions(world.ctx, world.auditor, mine=False)
    assert action.status == "completed" and action.completion_note == "Grounds recorded in the case log."

    # The auditor sees what the owner recorded, records the follow-up, then signs an addendum.
    form = _form(qtbot, make_session, world.auditor, audit_id)
    assert "Completed by Dc Alder" in form.actions.text() and "Follow-up: not recorded yet" in form.actions.text()
    assert form.follow_up.isVisible() and form.follow_up.action.count() == 1
    qtbot.mouseClick(form.follow_up.record_button, Left)  # no note
    idle()
    assert "say what the follow-up found" in form.follow_up.problem.text()
    form.follow_up.not_done.setChecked(True)
    qtbot.keyClicks(form.follow_up.note, "Grounds still missing from the log.")
    qtbot.mouseClick(form.follow_up.record_button, Left)
    qtbot.waitUntil(lambda: "Follow-up: <b>not done</b>, by Aud Holly" in form.actions.text(), timeout=15000)
    assert "Grounds still missing from the log." in form.actions.text()

    qtbot.mouseClick(form.addendum_button, Left)  # nothing written: said in words, no dialog
    assert "Addendum: say what is corrected" in form.problem.text()
    form.addendum.setPlainText("The follow-up found the grounds still missing.")
    form.overall.setCurrentIndex(form.overall.findData("requires_improvement"))
    seen = _answer_sign_dialog(qtbot)
    qtbot.mouseClick(form.addendum_button, Left)
    qtbot.waitUntil(lambda: form.form is not None and len(form.form.addenda) == 1, timeout=15000)
    assert seen["meaning"] == "<b>Addendum</b>" and "Revised grade: Requires improvement" in seen["summary"]
    assert "Addendum: The follow-up found the grounds still missing." in form.signatures.text()
    assert form.form.effective_grade == "requires_improvement"


def test_an_auditor_cannot_moderate_their_own_audit_and_a_wrong_password_keeps_the_dialog(
    world, qtbot, make_session, idle
):  # type: ignore[no-untyped-def]
    audit_id, _case_id = _signed_with_action(world)
    dialog = ModerationDialog(make_session(world.auditor), audit_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.sign_button.isEnabled(), timeout=15000)
    _answer_sign_dialog(qtbot)
    qtbot.mouseClick(dialog.sign_button, Left)
    qtbot.waitUntil(lambda: bool(dialog.problem.text()), timeout=15000)
    assert "must be another auditor" in dialog.problem.text()

    second = add_user(world.ctx, "aud.ivy", Role.AUDITOR)
    dialog = ModerationDialog(make_session(second), audit_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.sign_button.isEnabled(), timeout=15000)
    seen: dict[str, str] = {}

    def wrong_then_cancel() -> None:
        sign = QApplication.activeModalWidget()
        assert isinstance(sign, SignDialog)
        sign.password_edit.setText("wrong-password")
        qtbot.mouseClick(sign.sign_button, Left)
        qtbot.waitUntil(lambda: sign.message.text() != "", timeout=15000)
        seen["message"] = sign.message.text()
        sign.reject()

    QTimer.singleShot(0, wrong_then_cancel)
    qtbot.mouseClick(dialog.sign_button, Left)
    idle()
    assert "password" in seen["message"].lower() and dialog.isVisible()
    assert case_audits.audit_form(world.ctx, world.auditor, audit_id).moderations == ()


def test_an_investigator_of_another_district_gets_no_remedial_box_and_a_case_without_actions_shows_none(
    world, qtbot, make_session, idle
):  # type: ignore[no-untyped-def]
    _audit_id, case_id = _signed_with_action(world)
    other = open_case(world, subject_ref="SC-109")
    workspace = CaseWorkspace(make_session(world.investigator), other.id)
    qtbot.addWidget(workspace)
    workspace.show()
    idle()
    assert not workspace.remedial.isVisible()
    outsider = CaseWorkspace(make_session(world.other_district_investigator), case_id)
    qtbot.addWidget(outsider)
    outsider.show()
    idle()
    assert not outsider.remedial.isVisible()
