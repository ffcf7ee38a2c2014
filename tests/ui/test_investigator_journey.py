"""The whole investigator journey on the real main window and the shipped 93-step procedure.

Log on behind the banner (a colleague's account locks after five failures), open a case with the wizard,
complete steps with evidence from the keyboard, mark one not applicable with a reason, add intelligence
that the intelligence officer then assesses, complete a risk assessment, record a missing episode, and
lock and unlock the screen. After each act the test asks the services what was saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from gui_support import choose, choose_data, next_page, press_ok
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPlainTextEdit, QWizard
from world_support import PASSWORD

from checklist_app.services import accounts, cases
from checklist_app.services.dto import StepView
from checklist_app.ui.dialogs import ReasonDialog
from checklist_app.ui.login import LoginDialog
from checklist_app.ui.main_window import MainWindow
from checklist_app.ui.new_case.wizard import NewCaseWizard
from checklist_app.ui.session import AppSession
from checklist_app.ui.steps.fields import DateField, DateTimeField
from checklist_app.ui.tabs import IntelligenceTab, MissingTab, RiskTab
from checklist_app.ui.widgets.datetime_input import to_qdatetime
from checklist_app.ui.workspace import CaseWorkspace

pytestmark = pytest.mark.gui
Left = Qt.MouseButton.LeftButton


def log_on(qtbot, world, runner, prefs, username: str, password: str, idle) -> LoginDialog:  # type: ignore[no-untyped-def]
    dialog = LoginDialog(world.ctx, runner, prefs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog.ui.acknowledge, Qt.Key.Key_Space)
    dialog.ui.username.clear()
    qtbot.keyClicks(dialog.ui.username, username)
    qtbot.keyClicks(dialog.ui.password, password)
    qtbot.keyClick(dialog.ui.password, Qt.Key.Key_Return)
    idle()
    return dialog


def main_window(qtbot, world, actor, runner, prefs, idle) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(AppSession(world.ctx, actor, runner, prefs))
    window.quit_on_close = False
    qtbot.addWidget(window)
    window.show()
    idle()
    return window


def fill_required(qtbot, workspace: CaseWorkspace, step: StepView) -> None:  # type: ignore[no-untyped-def]
    """Type a sensible value into every required evidence field, as an officer would."""
    form = workspace.steps.form
    for spec in step.fields:
        if not spec.required:
            continue
        editor = form.editors[spec.id]
        if isinstance(editor, DateTimeField):
            editor.set_now()
        elif isinstance(editor, DateField):
            editor.set_value(workspace.session.now().date())
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(1)
        elif isinstance(editor, QPlainTextEdit):
            qtbot.keyClicks(editor, "Recorded as the guidance describes.")
        elif isinstance(editor, QLineEdit):
            qtbot.keyClicks(editor, "3" if spec.type == "number" else "CSE/2026/0042")


def complete_with_space(qtbot, workspace: CaseWorkspace, step_id: str, idle) -> None:  # type: ignore[no-untyped-def]
    panel = workspace.steps
    panel.select_step(step_id)
    step = panel.current_step()
    assert step is not None and step.step_id == step_id
    fill_required(qtbot, workspace, step)
    panel.focus_table()
    with qtbot.waitSignal(workspace.session.case_changed, timeout=15000):
        qtbot.keyClick(panel.ui.stepTable, Qt.Key.Key_Space)
    idle()


def activate(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Keyboard shortcuts reach only the active window (as on a desktop after closing a dialog)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)


def tab_of(workspace: CaseWorkspace, kind: type):  # type: ignore[no-untyped-def]
    index = next(i for i, tab in enumerate(workspace.tabs) if isinstance(tab, kind))
    workspace.ui.sections.setCurrentIndex(index + 1)  # the Steps tab comes first
    return workspace.tabs[index]


def test_the_investigator_journey(qtbot, shipped_world, runner, prefs, idle, monkeypatch):
    world = shipped_world
    ctx = world.ctx

    # --- log on: a colleague mistypes five times and is locked out; our investigator gets in --------------
    for _ in range(5):
        refused = log_on(qtbot, world, runner, prefs, "dc.birch", "not-my-password", idle)
        assert refused.actor is None
    assert "locked" in refused.ui.message.text()
    assert accounts.is_locked(ctx, "dc.birch")
    dialog = log_on(qtbot, world, runner, prefs, "dc.alder", PASSWORD, idle)
    assert dialog.actor is not None and dialog.actor.username == "dc.alder"
    window = main_window(qtbot, world, dialog.actor, runner, prefs, idle)

    # --- a new case through the wizard (Ctrl+N) -----------------------------------------------------------
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wizard = window.findChild(NewCaseWizard)
    assert wizard is not None
    idle()
    referral = wizard.referral_page.ui
    referral.referralAt.setDateTime(QDateTime(to_qdatetime(world.clock.now - timedelta(hours=3))))
    choose(referral.referralSource, "Education")
    choose(referral.priority, "High")
    qtbot.keyClicks(referral.circumstances, "School reports the child collected by unknown adults in a car.")
    next_page(qtbot, wizard)
    qtbot.keyClicks(wizard.child_page.ui.subjectRef, "sc-550021")
    choose(wizard.child_page.ui.ageBand, "13 to 15")
    choose(wizard.fact_inputs["looked_after"].widget, "Yes")
    next_page(qtbot, wizard)
    choose(wizard.fact_inputs["suspect_identified"].widget, "Yes")
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    with qtbot.waitSignal(wizard.created, timeout=15000) as created:
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Left)
    idle()
    case_id = created.args[0]
    detail = cases.case_detail(ctx, world.investigator, case_id)
    assert (detail.subject_ref, detail.age_band, detail.procedure_label) == ("SC-550021", "13-15", "cse-sop v1.0")
    assert detail.facts == {"looked_after": True, "suspect_identified": True}
    workspace = window.ui.caseTabs.currentWidget()
    assert isinstance(workspace, CaseWorkspace) and workspace.case_id == case_id
    qtbot.waitUntil(lambda: workspace.detail is not None, timeout=15000)
    assert window.ui.caseTabs.tabText(window.ui.caseTabs.currentIndex()) == detail.reference

    # --- steps completed with evidence, from the keyboard --------------------------------------------------
    complete_with_space(qtbot, workspace, "referral.flag-cse", idle)
    complete_with_space(qtbot, workspace, "referral.record-details", idle)
    detail = cases.case_detail(ctx, world.investigator, case_id)
    flagged, recorded = detail.step("referral.flag-cse"), detail.step("referral.record-details")
    assert flagged.status == "done" and flagged.evidence["flag_crime_reference"] == "CSE/2026/0042"
    assert recorded.status == "done" and recorded.evidence["details_aliases"] is True
    assert recorded.completed_by == world.investigator.display_name

    # --- one step not applicable, with the reason ------------------------------------------------------------
    monkeypatch.setattr(
        ReasonDialog,
        "ask",
        classmethod(lambda cls, parent, title, prompt: "Nothing to secure: the report came a week later."),
    )
    activate(qtbot, window)
    workspace.steps.select_step("referral.early-evidence")
    workspace.steps.focus_table()
    with qtbot.waitSignal(workspace.session.case_changed, timeout=15000):
        qtbot.keyClick(
            workspace.steps.ui.stepTable,
            Qt.Key.Key_N,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    idle()
    skipped = cases.case_detail(ctx, world.investigator, case_id).step("referral.early-evidence")
    assert (skipped.status, skipped.reason) == ("not_applicable", "Nothing to secure: the report came a week later.")

    # --- intelligence: added here, assessed by the intelligence officer --------------------------------------
    intel_tab = tab_of(workspace, IntelligenceTab)
    add = intel_tab.open_add_dialog()
    add.ui.receivedAt.setDateTime(to_qdatetime(world.clock.now - timedelta(minutes=40)))
    qtbot.keyClicks(add.ui.summary, "Silver hatchback seen collecting the child at location L-12 at 22:00.")
    choose_data(add.ui.sourceEvaluation, "2")
    choose_data(add.ui.intelligenceAssessment, "B")
    choose_data(add.ui.handlingCode, "P")
    choose_data(add.ui.priority, "high")
    qtbot.mouseClick(add.ui.sanitised, Left)
    with qtbot.waitSignal(intel_tab.session.case_changed, timeout=15000):
        press_ok(qtbot, add)
    idle()
    (item,) = cases.case_detail(ctx, world.investigator, case_id).intelligence
    assert (item.grade_code, item.priority) == ("2BP", "high")

    world.clock.advance(hours=1)
    intel_window = main_window(qtbot, world, world.intel, runner, prefs, idle)
    intel_window.open_case(case_id)
    intel_workspace = intel_window.workspace_for(case_id)
    qtbot.waitUntil(lambda: intel_workspace.detail is not None, timeout=15000)
    idle()
    assessing = tab_of(intel_workspace, IntelligenceTab)
    assess = assessing.open_assess_dialog()
    choose_data(assess.ui.choice, "disseminate")
    qtbot.keyClicks(assess.ui.text, "Vehicle linked to two other cases in the district.")
    with qtbot.waitSignal(assessing.session.case_changed, timeout=15000):
        press_ok(qtbot, assess)
    idle()
    item = cases.case_detail(ctx, world.intel, case_id).intelligence[0]
    assert item.assessment_outcome == "disseminate" and item.assess_state == "within target"
    assert item.assessed_by == world.intel.display_name
    intel_window.close()

    # --- a risk assessment through the SOP's tool --------------------------------------------------------------
    risk_tab = tab_of(workspace, RiskTab)
    qtbot.waitUntil(lambda: risk_tab.form is not None, timeout=15000)
    rows = risk_tab.form.rows
    for indicator in ("family_breakdown", "staying_out_late"):
        qtbot.mouseClick(rows[indicator].control, Left)
        qtbot.keyClicks(rows[indicator].evidence, "Social care chronology, 20/02/2026")
    choose_data(rows["cars_unknown_adults"].control, "current")
    qtbot.keyClicks(rows["cars_unknown_adults"].evidence, "School DSL report, 27/02/2026")
    assert risk_tab.ui.scoreValue.text() == "7"
    with qtbot.waitSignal(risk_tab.session.case_changed, timeout=15000):
        qtbot.mouseClick(risk_tab.ui.recordButton, Left)
    idle()
    (assessment,) = cases.case_detail(ctx, world.investigator, case_id).risk_assessments
    assert (assessment.score, assessment.calculated_category, assessment.effective_category) == (7, 2, 2)
    assert assessment.evidence["cars_unknown_adults"] == "School DSL report, 27/02/2026"

    # --- a missing episode -------------------------------------------------------------------------------------------
    missing_tab = tab_of(workspace, MissingTab)
    record = missing_tab.open_record_dialog()
    record.ui.reportedAt.setDateTime(to_qdatetime(world.clock.now - timedelta(hours=5)))
    choose_data(record.ui.riskGrade, "high")
    with qtbot.waitSignal(missing_tab.session.case_changed, timeout=15000):
        press_ok(qtbot, record)
    idle()
    detail = cases.case_detail(ctx, world.investigator, case_id)
    (episode,) = detail.missing_episodes
    assert (episode.risk_grade, episode.rhi_state) == ("high", "still missing")
    assert detail.derived_facts["missing_episodes_recorded"] is True

    # --- lock and unlock -------------------------------------------------------------------------------------------
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked and not workspace.isVisible()
    qtbot.keyClicks(window.lock_screen.ui.password, PASSWORD)
    qtbot.keyClick(window.lock_screen.ui.password, Qt.Key.Key_Return)
    idle()
    assert not window.is_locked and workspace.isVisible()
    assert window.ui.caseTabs.currentWidget() is workspace  # the work is where it was left
