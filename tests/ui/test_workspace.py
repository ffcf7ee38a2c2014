"""The case workspace on real widgets: header, phases and steps, the evidence form, and every step action
driven from the keyboard, checked against what the services then report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit
from support import open_case, settle_for_closure
from world_support import PASSWORD

from checklist_app.services import cases, closure, steps
from checklist_app.ui.dialogs import ReasonDialog
from checklist_app.ui.session import AppSession
from checklist_app.ui.steps.fields import ChoiceBox, DateField, to_local_qdatetime
from checklist_app.ui.steps.models import COL_DUE, COL_STATUS, COL_TITLE
from checklist_app.ui.workspace import CaseWorkspace

pytestmark = pytest.mark.gui

FLAG = {"cse_flag_reference": "CSE/2026/0001", "referral_source": "school"}


def _workspace(qtbot, session: AppSession, case_id: int, idle) -> CaseWorkspace:  # type: ignore[no-untyped-def]
    workspace = CaseWorkspace(session, case_id)
    qtbot.addWidget(workspace)
    workspace.resize(1400, 860)
    workspace.show()
    workspace.activateWindow()
    qtbot.waitUntil(lambda: workspace.detail is not None, timeout=15000)
    idle()
    return workspace


@pytest.fixture
def open_ws(qtbot, make_session, idle):  # type: ignore[no-untyped-def]
    def make(actor, case_id: int) -> CaseWorkspace:  # type: ignore[no-untyped-def]
        return _workspace(qtbot, make_session(actor), case_id, idle)

    return make


def _detail(world, case_id: int, actor=None):  # type: ignore[no-untyped-def]
    return cases.case_detail(world.ctx, actor or world.investigator, case_id)


def _step(world, case_id: int, step_id: str, actor=None):  # type: ignore[no-untyped-def]
    return _detail(world, case_id, actor).step(step_id)


def _go_to(qtbot, ws: CaseWorkspace, number: str) -> None:  # type: ignore[no-untyped-def]
    """Select a step the way a user would: Ctrl+Up/Down to its phase, then the arrow keys."""
    panel = ws.steps
    table = panel.ui.stepTable
    table.setFocus()
    target = next(s for s in ws.detail.steps if s.number == number)
    phase_ids = [p.id for p in ws.detail.phases]
    while panel.phase_id != target.phase_id:
        forward = phase_ids.index(target.phase_id) > phase_ids.index(panel.phase_id)
        qtbot.keyClick(table, Qt.Key.Key_Down if forward else Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    for _ in range(20):
        current = panel.current_step()
        if current is not None and current.number == number:
            return
        row = panel.step_model.row_of(target.step_id)
        qtbot.keyClick(table, Qt.Key.Key_Down if row > table.currentIndex().row() else Qt.Key.Key_Up)
    raise AssertionError(f"could not reach step {number}")


def _message(ws: CaseWorkspace) -> str:
    return ws.steps.ui.message.text()


# --- opening ----------------------------------------------------------------------------------------


def test_header_shows_the_case_and_the_first_overdue_step_is_selected(qtbot, world, open_ws):
    case = open_case(world)
    titles: list[str] = []
    ws = open_ws(world.investigator, case.id)
    ws.title_changed.connect(titles.append)
    ws.refresh()
    qtbot.waitUntil(lambda: bool(titles), timeout=10000)
    ui = ws.ui
    assert ui.caseReference.text() == case.reference
    assert titles[-1] == case.reference
    assert "Sheffield" in ui.districtValue.text()
    assert ui.officerValue.text() == world.investigator.display_name
    assert ui.subjectValue.text() == "SC-104233 · aged 13–15"
    assert ui.riskChip.text() == "Risk not assessed"
    assert ui.overdueChip.text() == "1 overdue step"  # 1.1 is due on receipt of the referral
    assert "test-cse-sop v0.1" in ui.procedureLabel.text()
    assert ui.sections.tabText(0) == "Steps"
    assert not ui.workspaceNotice.isVisible()
    # Phases with progress; the phase of the overdue step is selected, with the step itself.
    panel = ws.steps
    assert [p.number for p in panel.phase_model.phases] == [1, 2, 3]
    assert panel.phase_id == "referral"
    assert panel.current_step().number == "1.1"
    assert QApplication.focusWidget() is panel.ui.stepTable
    assert panel.ui.stepTitle.text() == "1.1  Record the report and flag it as CSE"
    assert panel.ui.stateChip.text().startswith("Overdue by 2 hours")


def test_the_other_tabs_are_there_with_counts(world, open_ws):
    ws = open_ws(world.investigator, open_case(world).id)
    tabs = ws.ui.sections
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles[0] == "Steps"
    assert len(titles) == 7  # Steps, decisions, intelligence, risk, missing, events, supervision
    assert all(title for title in titles)


def test_main_window_opens_the_workspace_as_a_titled_tab(qtbot, world, make_session, idle):
    from checklist_app.ui.main_window import MainWindow

    case = open_case(world)
    window = MainWindow(make_session(world.investigator))
    qtbot.addWidget(window)
    window.quit_on_close = False
    tabs = window.ui.caseTabs
    before = tabs.count()  # the case list and the role's own desks (an investigator's remedial actions)
    window.open_case(case.id)
    idle()
    assert tabs.count() == before + 1
    qtbot.waitUntil(lambda: tabs.tabText(before) == case.reference, timeout=10000)
    assert tabs.currentIndex() == before
    window.open_case(case.id)  # a second request shows the same tab
    assert tabs.count() == before + 1


# --- completing -------------------------------------------------------------------------------------


def test_keyboard_fill_evidence_and_space_completes_the_step(qtbot, world, open_ws, idle):
    case = open_case(world)
    ws = open_ws(world.investigator, case.id)
    panel = ws.steps
    table = panel.ui.stepTable
    _go_to(qtbot, ws, "1.1")
    qtbot.keyClick(table, Qt.Key.Key_Return)  # Enter moves into the evidence form
    reference = panel.form.focus_widget("cse_flag_reference")
    assert isinstance(reference, QLineEdit)
    assert QApplication.focusWidget() is reference
    qtbot.keyClicks(reference, "CSE/2026/0001")
    source = panel.form.focus_widget("referral_source")
    assert isinstance(source, ChoiceBox)
    source.setCurrentIndex(source.findText("school"))
    qtbot.keyClick(reference, Qt.Key.Key_Escape)  # back to the step list
    assert QApplication.focusWidget() is table
    qtbot.keyClick(table, Qt.Key.Key_Space)
    idle()
    view = _step(world, case.id, "referral.record-details")
    assert view.status == "done"
    assert view.evidence == FLAG
    assert view.completed_at == world.clock.now
    assert _message(ws) == "Step 1.1 done."
    # Reloaded, with the same step still selected and shown as done.
    assert panel.current_step().number == "1.1"
    assert panel.current_step().status == "done"
    assert panel.step_model.text(panel.current_step(), COL_STATUS) == "Done"
    assert ws.ui.overdueChip.text() == "No overdue steps"


def test_ctrl_enter_completes_from_inside_the_form(qtbot, world, open_ws, idle):
    case = open_case(world)
    ws = open_ws(world.investigator, case.id)
    panel = ws.steps
    qtbot.keyClick(panel.ui.stepTable, Qt.Key.Key_Return)
    reference = panel.form.focus_widget("cse_flag_reference")
    qtbot.keyClicks(reference, "CSE/7")
    source = panel.form.focus_widget("referral_source")
    source.setCurrentIndex(source.findText("health"))
    qtbot.keyClick(reference, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    idle()
    view = _step(world, case.id, "referral.record-details")
    assert (view.status, view.evidence) == ("done", {"cse_flag_reference": "CSE/7", "referral_source": "health"})


def test_space_with_required_evidence_missing_says_so_and_saves_nothing(qtbot, world, open_ws, idle):
    case = open_case(world)
    ws = open_ws(world.investigator, case.id)
    panel = ws.steps
    _go_to(qtbot, ws, "1.1")
    source = panel.form.focus_widget("referral_source")
    source.setCurrentIndex(source.findText("school"))
    qtbot.keyClick(panel.ui.stepTable, Qt.Key.Key_Space)
    idle()
    assert "needs its required evidence" in _message(ws)
    assert "CSE flag reference" in _message(ws) and "Nothing was saved" in _message(ws)
    assert panel.ui.message.property("error") is True
    reference = panel.form.focus_widget("cse_flag_reference")
    assert reference.property("invalid") is True
    assert source.property("invalid") is False
    assert QApplication.focusWidget() is reference  # straight to the first empty required field
    assert _step(world, case.id, "referral.record-details").status == "not_started"
    assert cases.step_record_count(world.ctx, case.id) == 0


def test_a_bad_value_is_refused_inline_with_the_field_marked(qtbot, world, open_ws, idle):
    case = open_case(world)
    ws = open_ws(world.investigator, case.id)
    panel = ws.steps
    _go_to(qtbot, ws, "2.1")  # Complete the CSE risk assessment: a date and a number
    date_field = panel.form.editors["assessment_date"]
    assert isinstance(date_field, DateField)
    qtbot.mouseClick(date_field.now_button, Qt.MouseButton.LeftButton)  # "Today"
    score = panel.form.focus_widget("score")
    qtbot.keyClicks(score, "-")  # the validator lets a lone minus through; the service refuses it
    qtbot.keyClick(panel.ui.stepTable, Qt.Key.Key_Space)
    idle()
    assert "Total score: must be a number" in _message(ws)
    assert "Nothing was saved" in _message(ws)
    assert score.property("invalid") is True
    assert QApplication.focusWidget() is score
    assert _step(world, case.id, "risk.seraf-assessment").status == "not_started"
    assert cases.step_record_count(world.ctx, case.id) == 0


def test_letters_cannot_be_typed_into_a_number_field(qtbot, world, open_ws):
    ws = open_ws(world.investigator, open_case(world).id)
    _go_to(qtbot, ws, "2.1")
    score = ws.steps.form.focus_widget("score")
    qtbot.keyClicks(score, "12abc.5")
    assert score.text() == "12.5"


def test_completed_at_in_the_future_is_refused_and_the_time_marked(qtbot, world, open_ws, idle):
    case = open_case(world)
    ws = open_ws(world.investigator, case.id)
    panel = ws.steps
    _go_to(qtbot, ws, "1.1")
    qtbot.keyClicks(panel.form.focus_widget("cse_flag_reference"), "CSE/1")
    source = panel.form.focus_widget("referral_source")
    source.setCurrentIndex(source.findText("family"))
    panel.completed_at.edit.setDateTime(to_local_qdatetime(world.clock.now + timedelta(hours=3)))
    qtbot.keyClick(panel.ui.stepTable, Qt.Key.Key_Space)
    idle()
    assert "Completed at: is in the future" in _message(ws)
    assert panel.completed_at.edit.property("invalid") is True
    assert cases.step_record_count(world.ctx, case.id) == 0
    # Work done earlier is recorded at the time given.
    earlier = world.clock.now - timedelta(hours=1)
    panel.completed_at.edit.setDateTime(to_local_qdatetime(earlier))
    qtbot.keyClick(panel.ui.stepTable, Qt.Key.Key_Space)
    idle()
    view = _step(world, case.id, "referral.record-details")
    assert view.status == "done" and view.completed_at == earlier


def test_save_progress_keeps_partial_evidence(qtbot, world, open_ws, idle):
    case = open_case(world)
    ws = open_ws(world.investigator, case.id)
    panel = ws.steps
    qtbot.keyClicks(panel.form.focus_widget("cse_flag_reference"), "CSE/partial")
    qtbot.keyClick(panel.ui.stepTable, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    idle()
    view = _step(world, case.id, "referral.record-details")
    assert (view.status, view.evidence) == ("in_progress", {"cse_flag_reference": "CSE/partial"})
    assert panel.form.focus_widget("cse_flag_reference").text() == "CSE/partial"
    assert panel.ui.statusChip.text() == "In progress"


def test_typed_evidence_survives_moving_to_another_step_and_back(qtbot, world, open_ws):
    ws = open_ws(world.investigator, open_case(world).id)
    panel = ws.steps
    _go_to(qtbot, ws, "1.1")
    qtbot.keyClicks(panel.form.focus_widget("cse_flag_reference"), "CSE/draft")
    _go_to(qtbot, ws, "1.2")
    assert "cse_flag_reference" not in panel.form.editors
    _go_to(qtbot, ws, "1.1")
    assert panel.form.focus_widget("cse_flag_reference").text() == "CSE/draft"


# --- not applicable, blocked, reopen -----------------------------------------------------------------


def test_not_applicable_with_a_reason(qtbot, world, open_ws, idle, monkeypatch):
    case = open_case(world)
    asked: list[str] = []

    def ask(cls, parent, title, prompt):  # type: ignore[no-untyped-def]
        asked.append(prompt)
        return "No devices were used to contact the child"

    monkeypatch.setattr(ReasonDialog, "ask", classmethod(ask))
    ws = open_ws(world.investigator, case.id)
    _go_to(qtbot, ws, "3.1")
    qtbot.keyClick(
        ws.steps.ui.stepTable, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    idle()
    assert asked and "3.1" in asked[0]
    view = _step(world, case.id, "investigation.seize-devices")
    assert (view.status, view.reason) == ("not_applicable", "No devices were used to contact the child")
    panel = ws.steps
    assert panel.current_step().status == "not_applicable"
    assert "Marked not applicable: No devices were used" in panel.ui.stepNotice.text()
    row = panel.step_model.row_of("investigation.seize-devices")
    tooltip = panel.step_model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "Not applicable: No devices were used" in tooltip


def test_cancelling_the_reason_changes_nothing(qtbot, world, open_ws, idle, monkeypatch):
    case = open_case(world)
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, title, prompt: None))
    ws = open_ws(world.investigator, case.id)
    qtbot.mouseClick(ws.steps.ui.blockedButton, Qt.MouseButton.LeftButton)
    idle()
    assert cases.step_record_count(world.ctx, case.id) == 0


def test_blocked_with_a_reason(qtbot, world, open_ws, idle, monkeypatch):
    case = open_case(world)
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, title, prompt: "Crime system down"))
    ws = open_ws(world.investigator, case.id)
    _go_to(qtbot, ws, "1.1")
    qtbot.keyClick(ws.steps.ui.stepTable, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    idle()
    view = _step(world, case.id, "referral.record-details")
    assert (view.status, view.reason) == ("blocked", "Crime system down")
    assert ws.steps.ui.stepNotice.text() == "Blocked: Crime system down"
    assert ws.steps.ui.statusChip.text() == "Blocked"


def test_a_supervisor_reopens_a_done_step(qtbot, world, open_ws, idle, monkeypatch):
    case = open_case(world)
    steps.complete_step(world.ctx, world.investigator, case.id, "referral.record-details", FLAG)
    investigator_ws = open_ws(world.investigator, case.id)
    _go_to(qtbot, investigator_ws, "1.1")
    assert not investigator_ws.steps.ui.reopenButton.isVisible()
    assert not investigator_ws.steps.ui.doneButton.isEnabled()
    assert "already done" in investigator_ws.steps.ui.doneButton.toolTip()

    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, title, prompt: "Flag reference wrong"))
    ws = open_ws(world.supervisor, case.id)
    _go_to(qtbot, ws, "1.1")
    reopen = ws.steps.ui.reopenButton
    assert reopen.isVisible() and reopen.isEnabled()
    assert "Ctrl+Shift+R" in reopen.toolTip()
    qtbot.mouseClick(reopen, Qt.MouseButton.LeftButton)
    idle()
    view = _step(world, case.id, "referral.record-details")
    assert (view.status, view.reason) == ("in_progress", "Flag reference wrong")
    assert view.evidence == FLAG  # kept for the officer to revise
    assert "Reopened by a supervisor: Flag reference wrong" in ws.steps.ui.stepNotice.text()
    assert not reopen.isEnabled()


def test_a_recurring_done_step_is_recorded_again(qtbot, world, open_ws, idle):
    case = open_case(world)
    steps.complete_step(world.ctx, world.supervisor, case.id, "risk.supervisory-review", {})
    ws = open_ws(world.supervisor, case.id)
    _go_to(qtbot, ws, "2.4")
    done = ws.steps.ui.doneButton
    assert done.text().replace("&", "") == "Record again" and done.isEnabled()
    qtbot.keyClick(ws.steps.ui.stepTable, Qt.Key.Key_Space)
    idle()
    assert _step(world, case.id, "risk.supervisory-review").completions == 2
    assert _message(ws) == "Step 2.4 recorded again."


# --- who may act, and steps that cannot be done yet --------------------------------------------------


def test_another_teams_investigator_sees_the_case_read_only(qtbot, world, open_ws, idle):
    case = open_case(world)
    ws = open_ws(world.other_team_investigator, case.id)
    panel = ws.steps
    assert ws.ui.workspaceNotice.isVisible()
    assert "another team" in ws.ui.workspaceNotice.text()
    for button in (panel.ui.doneButton, panel.ui.saveButton, panel.ui.notApplicableButton, panel.ui.blockedButton):
        assert not button.isEnabled()
        assert "another team" in button.toolTip()
    reference = panel.form.focus_widget("cse_flag_reference")
    assert reference.isReadOnly()
    qtbot.keyClick(panel.ui.stepTable, Qt.Key.Key_Space)
    idle()
    assert "another team" in _message(ws)
    assert cases.step_record_count(world.ctx, case.id) == 0


def test_a_supervisor_step_cannot_be_done_by_an_investigator(qtbot, world, open_ws):
    ws = open_ws(world.investigator, open_case(world).id)
    _go_to(qtbot, ws, "1.2")
    done = ws.steps.ui.doneButton
    assert not done.isEnabled()
    assert "Only a supervisor can work on step 1.2" in done.toolTip()
    assert "only a supervisor can complete it" in ws.steps.ui.ownerValue.text()


def test_a_step_with_unmet_dependencies_says_what_it_waits_for(qtbot, world, open_ws, idle):
    case = open_case(world)
    ws = open_ws(world.supervisor, case.id)
    panel = ws.steps
    _go_to(qtbot, ws, "1.3")
    assert panel.ui.stepNotice.text().startswith("Waiting for step 1.2")
    assert panel.ui.waitingValue.text() == "step 1.2"
    assert not panel.ui.doneButton.isEnabled()
    assert "Waiting for step 1.2" in panel.ui.doneButton.toolTip()
    assert panel.ui.saveButton.isEnabled()  # work in progress may still be saved
    qtbot.keyClick(panel.ui.stepTable, Qt.Key.Key_Space)
    idle()
    assert "Waiting for step 1.2" in _message(ws)
    # Once 1.2 is done the wait is over.
    steps.complete_step(world.ctx, world.supervisor, case.id, "referral.confirm-safety", {"child_safe": True})
    ws.refresh()
    idle()
    assert panel.current_step().number == "1.3"
    assert panel.ui.doneButton.isEnabled()
    assert not panel.ui.stepNotice.text().startswith("Waiting")


def test_a_conditional_step_that_does_not_apply_says_so(qtbot, world, open_ws):
    ws = open_ws(world.investigator, open_case(world).id)
    panel = ws.steps
    _go_to(qtbot, ws, "2.2")
    step = panel.current_step()
    assert not step.applicable
    assert panel.step_model.text(step, COL_STATUS) == "Does not apply"
    row = panel.step_model.row_of(step.step_id)
    tooltip = panel.step_model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "Does not apply: at least one missing episode recorded" in tooltip
    assert panel.ui.stepNotice.text() == (
        "Does not apply to this case now. It applies only when at least one missing episode recorded. "
        "If the work was done all the same, record it with Done anyway."
    )
    assert "does not hold now" in panel.ui.requirementValue.text()


def test_a_step_that_does_not_apply_offers_no_save_and_done_only_as_a_deliberate_act(qtbot, world, open_ws, idle):
    case = open_case(world)
    ws = open_ws(world.investigator, case.id)
    panel = ws.steps
    _go_to(qtbot, ws, "2.2")
    step = panel.current_step()
    # No progress to save on a step that does not apply, and Ctrl+S says so rather than "saved".
    assert not panel.ui.saveButton.isEnabled()
    assert "does not apply to this case now" in panel.ui.saveButton.toolTip()
    qtbot.keyClick(panel.ui.stepTable, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    idle()
    assert "no progress to save" in _message(ws)
    assert "saved" not in _message(ws)
    # Done is there, but says what it does; Space in the list does not do it by accident.
    assert panel.ui.doneButton.isEnabled()
    assert panel.ui.doneButton.text().replace("&", "") == "Done anyway"
    assert "counts as done" in panel.ui.doneButton.toolTip()
    qtbot.keyClick(panel.ui.stepTable, Qt.Key.Key_Space)
    idle()
    assert "use Done anyway" in _message(ws)
    menu = panel.step_menu()
    done_item = next(a for a in menu.actions() if a.text().replace("&", "") == "Done anyway")
    assert done_item.shortcut().toString() == "Ctrl+Enter"  # not Space, which does not do it here
    menu.deleteLater()
    view = next(s for s in ws.detail.steps if s.step_id == step.step_id)
    assert view.status == "not_started"
    # A step that applies keeps its plain buttons.
    _go_to(qtbot, ws, "2.1")
    assert panel.ui.doneButton.text().replace("&", "") == "Done"
    assert panel.ui.saveButton.isEnabled(), panel.ui.saveButton.toolTip()


# --- keyboard ---------------------------------------------------------------------------------------


def test_phase_keys_and_arrows(qtbot, world, open_ws):
    ws = open_ws(world.investigator, open_case(world).id)
    panel = ws.steps
    table = panel.ui.stepTable
    assert panel.phase_id == "referral"
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert panel.phase_id == "risk"
    assert panel.ui.stepsHeading.text() == "Phase 2: Risk assessment and safety planning"
    assert [s.number for s in panel.step_model.steps] == ["2.1", "2.2", "2.3", "2.4"]
    qtbot.keyClick(table, Qt.Key.Key_PageDown)
    assert panel.phase_id == "investigation"
    qtbot.keyClick(table, Qt.Key.Key_PageDown)  # the last phase stays
    assert panel.phase_id == "investigation"
    qtbot.keyClick(table, Qt.Key.Key_PageUp)
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert panel.phase_id == "referral"
    first = panel.current_step().number
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert panel.current_step().number != first
    assert panel.ui.stepTitle.text().startswith(panel.current_step().number)


def test_shortcuts_are_in_the_tooltips(world, open_ws):
    ws = open_ws(world.investigator, open_case(world).id)
    ui = ws.steps.ui
    assert "Space" in ui.doneButton.toolTip()
    assert "Ctrl+S" in ui.saveButton.toolTip()
    assert "Ctrl+Shift+N" in ui.notApplicableButton.toolTip()
    assert "Ctrl+B" in ui.blockedButton.toolTip()


# --- the real procedure -----------------------------------------------------------------------------


def test_every_phase_of_the_shipped_procedure_renders(qtbot, shipped_world, runner, prefs, idle):
    world = shipped_world
    case = open_case(world)
    session = AppSession(world.ctx, world.investigator, runner, prefs)
    ws = _workspace(qtbot, session, case.id, idle)
    panel = ws.steps
    detail = ws.detail
    assert ws.ui.caseReference.text() == case.reference
    assert len(panel.phase_model.phases) == 12
    table = panel.ui.stepTable
    while panel.ui.phaseList.currentIndex().row() > 0:
        qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    seen = []
    for number in range(1, 13):
        phase = panel.current_phase()
        assert phase is not None and phase.number == number
        expected = [s.number for s in detail.steps if s.phase_id == phase.id]
        assert [s.number for s in panel.step_model.steps] == expected
        assert panel.current_step() is not None
        assert panel.ui.stepTitle.text()
        ws.grab()  # paints every column and the phase list without error
        seen.append(phase.number)
        qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert seen == list(range(1, 13))
    assert sum(len(p.title) > 0 for p in panel.phase_model.phases) == 12


def test_the_step_menu_shows_each_action_with_its_key(world, open_ws, monkeypatch):
    ws = open_ws(world.supervisor, open_case(world).id)
    menu = ws.steps.step_menu()
    items = {a.text().replace("&", ""): a for a in menu.actions() if not a.isSeparator()}
    assert items["Done"].shortcut().toString() == "Space"
    assert items["Save progress"].shortcut().toString() == "Ctrl+S"
    assert items["Not applicable…"].shortcut().toString() == "Ctrl+Shift+N"
    assert items["Blocked…"].shortcut().toString() == "Ctrl+B"
    assert items["Reopen…"].shortcut().toString() == "Ctrl+Shift+R"
    assert not items["Reopen…"].isEnabled()  # 1.1 is not done yet
    assert items["Go to the evidence"].shortcut().toString() == "Return"
    investigator_menu = open_ws(world.investigator, open_case(world).id).steps.step_menu()
    assert "Reopen…" not in [a.text().replace("&", "") for a in investigator_menu.actions()]


def test_a_done_step_whose_condition_no_longer_holds_says_so(qtbot, world, open_ws, idle):
    case = open_case(world, facts={"placement_type": "residential"})
    steps.complete_step(world.ctx, world.supervisor, case.id, "risk.placement-review", {})
    cases.update_facts(world.ctx, world.investigator, case.id, {"placement_type": "none"})
    ws = open_ws(world.investigator, case.id)
    _go_to(qtbot, ws, "2.3")
    notice = ws.steps.ui.stepNotice.text()
    assert notice.startswith("Its condition no longer holds")
    assert "type of placement is residential or foster" in notice


def test_a_closed_case_is_shown_read_only(qtbot, world, open_ws, idle):
    case = open_case(world)
    settle_for_closure(world, case.id, "Test case")
    closure.close_case(world.ctx, world.supervisor, case.id, "No further action", PASSWORD)
    ws = open_ws(world.supervisor, case.id)
    titles: list[str] = []
    ws.title_changed.connect(titles.append)
    ws.refresh()
    idle()
    assert titles[-1] == f"{case.reference} (closed)"
    assert ws.ui.statusChip.text().startswith("Closed")
    assert "closed" in ws.ui.workspaceNotice.text() and "No further action" in ws.ui.workspaceNotice.text()
    assert not ws.steps.ui.reopenButton.isEnabled()
    assert "case is closed" in ws.steps.ui.reopenButton.toolTip()


def test_a_case_the_user_may_not_see_is_explained(qtbot, world, make_session, idle):
    case = open_case(world)
    workspace = CaseWorkspace(make_session(world.other_district_investigator), case.id)
    qtbot.addWidget(workspace)
    titles: list[str] = []
    workspace.title_changed.connect(titles.append)
    idle()
    assert workspace.detail is None
    assert titles == ["Case not loaded"]
    message = workspace.ui.message.text()
    assert message.startswith("The case could not be loaded.") and "another district" in message
    assert "Traceback" not in message


def test_case_changed_is_announced_after_a_step_changes(qtbot, world, open_ws, idle, monkeypatch):
    case = open_case(world)
    monkeypatch.setattr(ReasonDialog, "ask", classmethod(lambda cls, parent, title, prompt: "Waiting for school"))
    ws = open_ws(world.investigator, case.id)
    with qtbot.waitSignal(ws.session.case_changed, timeout=10000) as blocker:
        qtbot.keyClick(ws.steps.ui.stepTable, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [case.id]
    idle()


def test_tab_goes_round_the_step_in_reading_order(qtbot, world, open_ws):
    ws = open_ws(world.investigator, open_case(world).id)
    panel = ws.steps
    _go_to(qtbot, ws, "1.1")
    order = []
    for _ in range(9):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    ui = panel.ui
    assert order[:8] == [
        ui.detailScroll,
        panel.form.focus_widget("cse_flag_reference"),
        panel.form.focus_widget("referral_source"),
        panel.completed_at.edit,
        panel.completed_at.now_button,
        ui.doneButton,
        ui.saveButton,
        ui.notApplicableButton,
    ]
    assert order[8] is ui.blockedButton  # Reopen… is for supervisors only
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # and round to the phases
    assert QApplication.focusWidget() is panel.phase_list
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is ui.blockedButton


def test_tabs_are_filled_when_first_shown_with_the_latest_case(world, open_ws, idle):
    from checklist_app.ui.tabs import DecisionsTab, EventsTab

    ws = open_ws(world.investigator, open_case(world).id)
    events = next(t for t in ws.tabs if isinstance(t, EventsTab))
    decisions = next(t for t in ws.tabs if isinstance(t, DecisionsTab))
    assert events.detail is None and decisions.detail is None  # hidden: not laid out on opening
    assert ws.supervision.detail is ws.detail  # its open-actions count shows in the header: always filled
    assert ws.ui.sections.tabText(ws.ui.sections.indexOf(decisions)).startswith("Decisions (")

    ws._show_section(ws.ui.sections.indexOf(events))  # as Alt+N does
    assert events.detail is ws.detail and decisions.detail is None

    first = ws.detail
    ws._show_section(0)
    ws.refresh()  # the case is read again while the Steps tab is shown
    idle()
    assert ws.detail is not first and events.detail is first  # not refilled while hidden
    ws._show_section(ws.ui.sections.indexOf(events))
    ws._show_section(ws.ui.sections.indexOf(decisions))
    assert events.detail is ws.detail and decisions.detail is ws.detail


def test_a_step_shown_again_is_not_restyled_and_the_styles_follow_the_step(qtbot, world, open_ws, idle, monkeypatch):
    """Re-styling a label is slow, so a selection re-styles only what changed; the tones still follow the step."""
    from checklist_app.ui.steps import common, detail, fields
    from checklist_app.ui.steps.common import STATE_TONES

    ws = open_ws(world.investigator, open_case(world).id)
    panel = ws.steps
    assert panel.current_step().number == "1.1"
    assert panel.ui.stateChip.property("tone") == "overdue"
    restyled: list[str] = []
    for module, name in ((common, "repolish"), (detail, "repolish"), (fields, "_repolish")):
        original = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda widget, original=original: (restyled.append(widget.objectName()), original(widget))
        )
    ws.refresh()  # the same step shown again with the case reloaded
    idle()
    assert panel.current_step().number == "1.1"
    assert restyled == []
    _go_to(qtbot, ws, "1.2")
    step = panel.current_step()
    assert step.due_state != "overdue"
    assert panel.ui.stateChip.property("tone") == STATE_TONES.get(step.due_state, "")
    assert "stateChip" in restyled
    _go_to(qtbot, ws, "1.1")
    assert panel.ui.stateChip.property("tone") == "overdue"
    assert panel.ui.stepNotice.property("tone") == "overdue"


def test_field_blocks_are_made_ahead_while_the_user_reads_and_reused(qtbot, world, open_ws, idle, monkeypatch):
    """Left alone after a step is shown, the panel makes the next steps' field blocks (hidden); showing one
    of those steps reuses them, filled with that step's evidence; a key press puts the making off."""
    from checklist_app.ui.steps import ahead

    monkeypatch.setattr(ahead, "QUIET_MS", 60_000)  # nothing made ahead while the workspace opens
    ws = open_ws(world.investigator, open_case(world).id)
    panel, form = ws.steps, ws.steps.form
    wanted = panel._fields_ahead()
    assert wanted, "the next steps have evidence fields"
    assert all(form.wants_block(spec) for spec in wanted)

    # A key press puts the making off until the user has been quiet again: the wait starts over. Checked on the
    # timer, not on the clock: the wait a key press starts is told apart by its length (50 s against 60 s; a
    # coarse timer may be 5 % off either way).
    panel.ahead.restart()
    timer = panel.ahead._timer
    assert timer.isActive() and timer.remainingTime() > 55_000
    monkeypatch.setattr(ahead, "QUIET_MS", 50_000)
    qtbot.keyClick(panel.table, Qt.Key.Key_Shift)
    assert timer.isActive() and timer.remainingTime() <= 52_500
    assert all(form.wants_block(spec) for spec in wanted)

    monkeypatch.setattr(ahead, "QUIET_MS", 0)  # now left alone: the blocks are made, one per pass
    panel.ahead.restart()
    qtbot.waitUntil(lambda: not any(form.wants_block(spec) for spec in wanted), timeout=10000)
    made = dict(form._made)
    assert all(not made[spec][0].isVisible() for spec in wanted if spec not in form.fields)
    later = next(s for s in panel.step_model.steps[panel.table.currentIndex().row() + 1 :] if s.fields)
    _go_to(qtbot, ws, later.number)
    assert [form._made[spec][0] for spec in later.fields] == [made[spec][0] for spec in later.fields]
    assert all(form.blocks[i].isVisible() for i in range(len(later.fields)))
    assert form.values() == {k: v for k, v in later.evidence.items() if v not in (None, "")}
    assert not form.dirty


def test_a_narrow_window_keeps_the_step_titles_readable_and_the_detail_pane_unscrolled(qtbot, world, open_ws, idle):
    """At about 1,000 pixels wide the owner, state and due columns give way (the row's tooltip keeps the due
    time), the title keeps room for a few words a line, and the detail pane never scrolls sideways."""
    case = open_case(world)
    ws = open_ws(world.investigator, case.id)
    ws.resize(960, 640)
    idle()
    panel = ws.steps
    table = panel.ui.stepTable
    dated = next(s for s in ws.detail.steps if s.fields and panel._refusal("done", s) is None)
    _go_to(qtbot, ws, dated.number)
    idle()
    assert not table.isColumnHidden(COL_STATUS)
    assert table.isColumnHidden(COL_DUE)
    assert table.columnWidth(COL_TITLE) >= table.fontMetrics().horizontalAdvance("x") * 22
    due = next(s for s in ws.detail.steps if s.due_at is not None and s.status not in ("not_applicable", "done"))
    _go_to(qtbot, ws, due.number)
    idle()
    row = panel.step_model.row_of(due.step_id)
    assert "Due: " in panel.step_model.index(row, COL_TITLE).data(Qt.ItemDataRole.ToolTipRole)
    _go_to(qtbot, ws, dated.number)
    idle()
    scroll = panel.ui.detailScroll
    assert scroll.widget().width() >= scroll.widget().minimumSizeHint().width()
    assert not scroll.horizontalScrollBar().isVisible()
    # Wide enough again, every short column comes back.
    ws.resize(1440, 800)
    idle()
    assert not table.isColumnHidden(COL_DUE)


def test_the_source_shows_the_procedures_note_on_what_is_national_and_what_local(
    qtbot, shipped_world, runner, prefs, idle
):
    # 1.5 cites Working Together for the social care decision; its note says the police referral time is
    # local, which the source line alone did not.
    world = shipped_world
    case = open_case(world)
    ws = _workspace(qtbot, AppSession(world.ctx, world.investigator, runner, prefs), case.id, idle)
    _go_to(qtbot, ws, "1.5")
    source = ws.steps.ui.provenanceText.text()
    assert source.startswith("Source: National: Working Together to Safeguard Children")
    assert "\nNote: The one-working-day social care decision is national" in source
    assert "the same-day police referral is a local standard" in source
    _go_to(qtbot, ws, "1.6")  # a step whose source has no note: no empty note line
    assert "Note:" not in ws.steps.ui.provenanceText.text()
