"""The auditor's desk through real widgets: an auditor draws a round, grades a case, raises a remedial action
and signs; the owner sees the action and completes it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from support import open_case
from world_support import PASSWORD

from checklist_app.services import remedial
from checklist_app.ui.audit.desk import AuditDesk, NewRoundDialog
from checklist_app.ui.audit.form import AuditFormDialog
from checklist_app.ui.audit.remedial import RemedialActionsPage

pytestmark = pytest.mark.gui


def test_auditor_draws_grades_raises_an_action_and_signs_and_the_owner_completes_it(world, qtbot, make_session, idle):  # type: ignore[no-untyped-def]
    team_one = {open_case(world, subject_ref=f"SC-{n:03d}").reference for n in range(3)}
    open_case(world, world.other_district_investigator, district_code="DON", subject_ref="SC-DON-401")
    desk = AuditDesk(make_session(world.auditor))
    qtbot.addWidget(desk)
    desk.show()
    desk.refresh()
    idle()
    assert desk.rounds.rowCount() == 0

    def fill_new_round() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NewRoundDialog)
        qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=15000)  # the districts come from the worker thread
        assert all(box.isChecked() for box in dialog.districts.values()) and {"SHE", "DON"} <= set(dialog.districts)
        dialog.period.setText("2026-03")
        dialog.size.setValue(4)
        dialog.seed.setText("2026")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill_new_round)
    qtbot.mouseClick(desk.new_button, Qt.MouseButton.LeftButton)
    idle()
    assert desk.rounds.rowCount() == 1 and desk.rounds.item(0, 4).text() == "2026"
    assert desk.sampled.rowCount() == 4
    assert {desk.strata.item(r, 0).text() for r in range(desk.strata.rowCount())} == {
        "DON, risk not assessed",
        "SHE, risk not assessed",
    }

    row = next(r for r in range(desk.sampled.rowCount()) if desk.sampled.item(r, 0).text() in team_one)
    desk.sampled.selectRow(row)
    qtbot.mouseClick(desk.open_button, Qt.MouseButton.LeftButton)
    idle()
    (form,) = desk.findChildren(AuditFormDialog)
    qtbot.waitUntil(lambda: form.form is not None and form.owner.count() > 0)
    for combo in form._combos:
        combo.setCurrentIndex(combo.findData("compliant"))
    form.overall.setCurrentIndex(form.overall.findData("good"))
    form.rationale.setPlainText("Sound work; grounds for the flag thin.")
    qtbot.keyClicks(form.action_text, "Record the grounds for the CSE flag.")
    form.owner.setCurrentIndex(form.owner.findData(world.investigator.user_id))
    form.priority.setCurrentText("high")
    qtbot.mouseClick(form.raise_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Record the grounds" in form.actions.text())
    qtbot.keyClicks(form.password, PASSWORD)
    qtbot.mouseClick(form.sign_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (form.form is not None and form.form.signed) or bool(form.problem.text()), timeout=15000)
    assert form.problem.text() == ""
    assert "Audit completed: Aud Holly (auditor)" in form.signatures.text() and "[valid]" in form.signatures.text()
    assert not form.sign_button.isEnabled() and form.addendum_button.isEnabled()
    form.close()
    idle()

    page = RemedialActionsPage(make_session(world.investigator))
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    idle()
    assert page.table.rowCount() == 1 and page.table.item(0, 1).text() == "Record the grounds for the CSE flag."
    assert page.table.item(0, 2).text() == "high"
    page.table.selectRow(0)
    qtbot.keyClicks(page.note, "Grounds recorded in the case log.")
    qtbot.mouseClick(page.complete_button, Qt.MouseButton.LeftButton)
    idle()
    qtbot.waitUntil(lambda: page.table.rowCount() == 0)
    (done,) = remedial.list_remedial_actions(world.ctx, world.auditor, mine=False)
    assert done.status == "completed" and done.completion_note == "Grounds recorded in the case log."


def test_a_bad_period_is_shown_in_the_dialog_and_nothing_is_created(world, qtbot, make_session, idle):  # type: ignore[no-untyped-def]
    session = make_session(world.auditor)
    dialog = NewRoundDialog(session)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled() and dialog.districts_loading.text() == "Loading the districts…"
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=15000)
    dialog.period.setText("2026-13")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    idle()
    assert "month must be in 1..12" in dialog.problem.text() and dialog.created is None


def test_the_new_round_dialog_names_the_districts(world, qtbot, make_session, idle):  # type: ignore[no-untyped-def]
    from checklist_app.services import organisation
    from checklist_app.services.dto import DistrictInfo

    dialog = NewRoundDialog(make_session(world.auditor))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(dialog.ok_button.isEnabled, timeout=15000)
    known = organisation.list_districts(world.ctx)
    labels = {code: box.text() for code, box in dialog.districts.items()}
    assert labels == {d.code: d.name for d in known}  # "Sheffield", not "SHE"
    assert dialog.districts_loading.isHidden()
    # Two districts of one name keep their codes, so the auditor can tell which is which.
    twins = NewRoundDialog(make_session(world.auditor))
    qtbot.addWidget(twins)
    qtbot.waitUntil(twins.ok_button.isEnabled, timeout=15000)
    for box in twins.districts.values():
        twins.district_row.removeWidget(box)
        box.deleteLater()
    twins.districts.clear()
    twins._show_districts([DistrictInfo(1, "NTH", "Northfield"), DistrictInfo(2, "NTW", "Northfield")])
    assert [b.text() for b in twins.districts.values()] == ["Northfield (NTH)", "Northfield (NTW)"]
