"""The case workspace's record tabs on real widgets: decision log, intelligence (3x5x2 grading, routing,
assessment, action), the risk tool as a live-scored form with override and countersignature, missing
episodes with the 72-hour return interview, and events with the case facts. Each test drives the widgets
and then asks the services what was saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from gui_support import choose_data, press_ok, set_time
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox
from sqlalchemy import update
from support import open_case
from world_support import PASSWORD

from checklist_app.services import cases
from checklist_app.services.dto import CaseDetail
from checklist_app.store.models import RiskAssessment
from checklist_app.ui.session import AppSession
from checklist_app.ui.tabs import DecisionsTab, EventsTab, IntelligenceTab, MissingTab, RiskTab
from checklist_app.ui.widgets.service_dialog import ServiceDialog

pytestmark = pytest.mark.gui

Left = Qt.MouseButton.LeftButton


# --- helpers ---------------------------------------------------------------------------------------------


def detail_for(session: AppSession, case_id: int) -> CaseDetail:
    return cases.case_detail(session.ctx, session.actor, case_id)


def build(qtbot, idle, tab_class, session: AppSession, case_id: int):  # type: ignore[no-untyped-def]
    """The tab standalone, shown at a workspace's size, with the case loaded as the workspace would."""
    tab = tab_class(session, case_id)
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    reload(idle, tab, session, case_id)
    return tab


def reload(idle, tab, session: AppSession, case_id: int) -> CaseDetail:  # type: ignore[no-untyped-def]
    """What the workspace does after `changed`: read the case again and hand it to the tab."""
    idle()
    detail = detail_for(session, case_id)
    tab.show_detail(detail, cases.case_procedure(session.ctx, session.actor, case_id))
    idle()
    return detail


def save_dialog(qtbot, idle, tab, dialog: ServiceDialog) -> None:  # type: ignore[no-untyped-def]
    """OK on a dialog that must save: the tab reports the change and the dialog closes."""
    with qtbot.waitSignal(tab.session.case_changed, timeout=15000):
        press_ok(qtbot, dialog)
    idle()


def refused_inline(qtbot, idle, dialog: ServiceDialog, *words: str) -> None:  # type: ignore[no-untyped-def]
    """OK on a dialog the service will refuse: it stays open, says why, and keeps what was typed."""
    press_ok(qtbot, dialog)
    idle()
    assert dialog.isVisible()
    text = dialog.ui.message.text()
    assert text.startswith("Nothing was saved"), text
    for word in words:
        assert word in text, text


# --- decisions -------------------------------------------------------------------------------------------


def test_decision_log_adds_entries_newest_first_and_keeps_half_typed_text(qtbot, world, make_session, idle):
    case = open_case(world)
    session = make_session(world.investigator)
    tab = build(qtbot, idle, DecisionsTab, session, case.id)
    ui = tab.ui
    assert tab.tab_title(case) == "Decisions (0)"
    assert "never edited" in ui.neverEditedHint.text()

    choose_data(ui.category, "disruption")
    qtbot.keyClicks(ui.decision, "Apply for a Child Abduction Warning Notice against suspect A")
    qtbot.mouseClick(ui.addButton, Left)  # no rationale yet
    idle()
    assert "Rationale" in ui.message.text() and ui.message.text().startswith("Nothing was saved")
    assert ui.rationale.property("invalid") is True
    assert detail_for(session, case.id).decisions == ()
    assert ui.decision.toPlainText().startswith("Apply for a Child Abduction")  # what was typed stays

    qtbot.keyClicks(ui.rationale, "Repeated contact after two warnings; parents support it.")
    with qtbot.waitSignal(tab.session.case_changed, timeout=15000):
        qtbot.keyClick(ui.rationale, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter adds
    idle()
    detail = detail_for(session, case.id)
    (entry,) = detail.decisions
    assert (entry.category, entry.author) == ("disruption", world.investigator.display_name)
    assert entry.rationale == "Repeated contact after two warnings; parents support it."
    assert ui.decision.toPlainText() == "" and ui.rationale.toPlainText() == ""  # ready for the next one

    world.clock.advance(hours=1)
    choose_data(ui.category, "investigation")
    qtbot.keyClicks(ui.decision, "Arrest suspect A")
    qtbot.keyClicks(ui.rationale, "Risk of further contact")
    with qtbot.waitSignal(tab.session.case_changed, timeout=15000):
        qtbot.mouseClick(ui.addButton, Left)
    detail = reload(idle, tab, session, case.id)
    assert [d.decision for d in detail.decisions] == [
        "Arrest suspect A",
        "Apply for a Child Abduction Warning Notice against suspect A",
    ]
    assert tab.tab_title(detail) == "Decisions (2)"
    assert tab.model.rowCount() == 2
    assert "Arrest suspect A" in ui.detail.toPlainText()  # the new entry is selected and shown in full

    ui.table.selectRow(1)
    qtbot.keyClicks(ui.decision, "Half-typed")
    reload(idle, tab, session, case.id)  # the workspace reloads after another tab's change
    assert ui.table.selectionModel().selectedRows()[0].row() == 1
    assert "Repeated contact after two warnings" in ui.detail.toPlainText()
    assert ui.decision.toPlainText() == "Half-typed"


def test_tabs_explain_what_a_viewer_may_not_do(qtbot, world, make_session, idle):
    case = open_case(world)
    other = make_session(world.other_team_investigator)
    decisions = build(qtbot, idle, DecisionsTab, other, case.id)
    assert not decisions.ui.addButton.isEnabled()
    assert "another team" in decisions.ui.addButton.toolTip()
    missing = build(qtbot, idle, MissingTab, other, case.id)
    assert not missing.ui.recordButton.isEnabled()
    assert "another team" in missing.ui.readOnlyNote.text()

    auditor = make_session(world.auditor)
    intel = build(qtbot, idle, IntelligenceTab, auditor, case.id)
    for button in (intel.ui.addButton, intel.ui.routeButton, intel.ui.assessButton, intel.ui.actionButton):
        assert button.isHidden()
    assert "does not allow" in intel.ui.readOnlyNote.text()
    risk = build(qtbot, idle, RiskTab, auditor, case.id)
    assert risk.ui.formScroll.isHidden() and risk.ui.countersignButton.isHidden()


# --- intelligence ----------------------------------------------------------------------------------------


def test_intelligence_graded_routed_assessed_and_actioned(qtbot, world, make_session, idle):
    case = open_case(world)
    investigator = make_session(world.investigator)
    tab = build(qtbot, idle, IntelligenceTab, investigator, case.id)
    assert tab.ui.routeButton.isHidden() and tab.ui.assessButton.isHidden()  # not an investigator's to do

    dialog = tab.open_add_dialog()
    assert dialog is not None and dialog.isVisible()
    ui = dialog.ui
    assert "NO SOURCE IDENTITY" in ui.bannerTitle.text()
    set_time(ui.receivedAt, world.clock.now - timedelta(minutes=30))
    qtbot.keyClicks(ui.summary, "Child seen getting into a silver hatchback outside location L-12 at 22:00.")
    choose_data(ui.sourceEvaluation, "2")
    choose_data(ui.intelligenceAssessment, "B")
    choose_data(ui.handlingCode, "C")
    choose_data(ui.priority, "high")
    choose_data(ui.protectiveMarking, "OFFICIAL-SENSITIVE")
    qtbot.mouseClick(ui.sanitised, Left)
    assert "2BC" in ui.gradePreview.text() and "Untested" in ui.gradePreview.text()
    assert "assess within 2 hours" in ui.priorityHelp.text()  # the case's procedure's target for high

    refused_inline(qtbot, idle, dialog, "conditions")  # handling code C without its conditions
    assert ui.handlingConditions.property("invalid") is True
    assert detail_for(investigator, case.id).intelligence == ()
    assert ui.summary.toPlainText().startswith("Child seen getting into")

    qtbot.keyClicks(ui.handlingConditions, "Share with children's social care only")
    save_dialog(qtbot, idle, tab, dialog)
    (item,) = detail_for(investigator, case.id).intelligence
    assert (item.grade_code, item.priority, item.protective_marking) == ("2BC", "high", "OFFICIAL-SENSITIVE")
    assert item.handling_conditions == "Share with children's social care only" and item.sanitised
    assert item.received_at == world.clock.now - timedelta(minutes=30)
    detail = reload(idle, tab, investigator, case.id)
    assert tab.tab_title(detail) == "Intelligence (1)"
    shown = tab.ui.detail.toPlainText()
    assert "2 Untested / B Known indirectly to the source but corroborated" in shown
    assert "Share with children's social care only" in shown and "Submitted" in shown

    supervisor = make_session(world.supervisor)
    routing = build(qtbot, idle, IntelligenceTab, supervisor, case.id)
    assert routing.ui.routeButton.isEnabled()
    dialog = routing.open_route_dialog()
    assert dialog is not None
    choose_data(dialog.ui.choice, world.intel.user_id)
    save_dialog(qtbot, idle, routing, dialog)
    assert detail_for(supervisor, case.id).intelligence[0].routed_to == world.intel.display_name

    world.clock.advance(hours=3, minutes=10)
    officer = make_session(world.intel)
    assessing = build(qtbot, idle, IntelligenceTab, officer, case.id)
    assert assessing.ui.assessButton.isEnabled()
    dialog = assessing.open_assess_dialog()
    assert dialog is not None
    choose_data(dialog.ui.choice, "disseminate")
    qtbot.keyClicks(dialog.ui.text, "Links to two other cases; vehicle seen before.")
    save_dialog(qtbot, idle, assessing, dialog)
    item = detail_for(officer, case.id).intelligence[0]
    assert (item.assessment_outcome, item.assess_state) == ("disseminate", "late")
    assert item.hours_to_assessment == pytest.approx(3 + 10 / 60)
    reload(idle, assessing, officer, case.id)
    timeline = assessing.ui.detail.toPlainText()
    assert "in 3 h 10 min" in timeline and "target 2 hours" in timeline and "late" in timeline
    assert not assessing.ui.assessButton.isEnabled()  # already assessed

    reload(idle, tab, investigator, case.id)
    assert tab.ui.actionButton.isEnabled()
    dialog = tab.open_action_dialog()
    assert dialog is not None
    refused_inline(qtbot, idle, dialog, "Action taken")
    qtbot.keyClicks(dialog.ui.text, "Vehicle flagged on ANPR; patrols briefed.")
    save_dialog(qtbot, idle, tab, dialog)
    item = detail_for(investigator, case.id).intelligence[0]
    assert item.action_taken == "Vehicle flagged on ANPR; patrols briefed."
    assert item.actioned_by == world.investigator.display_name


# --- risk ------------------------------------------------------------------------------------------------


def test_risk_assessment_scored_live_overridden_and_countersigned(qtbot, world, make_session, idle):
    case = open_case(world)
    investigator = make_session(world.investigator)
    tab = build(qtbot, idle, RiskTab, investigator, case.id)
    qtbot.waitUntil(lambda: tab.form is not None, timeout=15000)
    ui, form = tab.ui, tab.form
    assert tab.tab_title(case) == "Risk: not assessed"
    assert (ui.scoreValue.text(), ui.categoryValue.text(), ui.bandValue.text()) == ("0", "Category 1", "Not at risk")

    neglect = form.rows["emotional_neglect"]
    assert isinstance(neglect.control, QCheckBox) and not neglect.evidence.isEnabled()
    qtbot.mouseClick(neglect.control, Left)
    assert neglect.evidence.isEnabled()
    assert ui.scoreValue.text() == "1"
    qtbot.mouseClick(form.rows["missing_from_home"].control, Left)
    assert (ui.scoreValue.text(), ui.categoryValue.text(), ui.bandValue.text()) == ("3", "Category 2", "Low risk")
    choose_data(form.rows["older_partner"].control, "current")
    assert (ui.scoreValue.text(), ui.categoryValue.text(), ui.bandValue.text()) == ("8", "Category 3", "Medium risk")
    assert form.groups["significant"].title() == "Significant indicators: 5 points"
    assert "Multi-agency plan" in ui.actionsValue.text()
    assert ui.finalCategory.currentData() == 3  # follows the calculated category

    qtbot.mouseClick(ui.recordButton, Left)  # no evidence yet
    idle()
    assert "Evidence" in ui.message.text() and "Emotional neglect" in ui.message.text()
    assert neglect.evidence.property("invalid") is True
    assert detail_for(investigator, case.id).risk_assessments == ()

    qtbot.keyClicks(neglect.evidence, "Social care chronology, 01/02/2026")
    qtbot.keyClicks(form.rows["missing_from_home"].evidence, "MFH log, three reports in February")
    qtbot.keyClicks(form.rows["older_partner"].evidence, "School DSL report 20/02/2026")
    choose_data(ui.finalCategory, 4)  # the assessor's judgement is higher than the score
    assert ui.overrideReason.isEnabled() and "countersign" in ui.overrideHint.text()
    qtbot.mouseClick(ui.recordButton, Left)  # no reason yet
    idle()
    assert "Override reason" in ui.message.text() and ui.overrideReason.property("invalid") is True
    assert detail_for(investigator, case.id).risk_assessments == ()

    qtbot.keyClicks(ui.overrideReason, "Older peer group and new phone; escalating quickly.")
    qtbot.keyClicks(ui.notes, "Agreed with the social worker.")
    with qtbot.waitSignal(tab.session.case_changed, timeout=15000):
        qtbot.mouseClick(ui.recordButton, Left)
    idle()
    (saved,) = detail_for(investigator, case.id).risk_assessments
    assert (saved.score, saved.calculated_category, saved.final_category) == (8, 3, 4)
    assert saved.override_pending and saved.effective_category == 3
    assert saved.evidence["older_partner"] == "School DSL report 20/02/2026"
    assert saved.answers["older_partner"] == "current" and saved.notes == "Agreed with the social worker."
    assert ui.scoreValue.text() == "0"  # the form is clear for the next assessment

    detail = reload(idle, tab, investigator, case.id)
    assert tab.tab_title(detail) == "Risk: Cat 3"  # the override counts once countersigned
    assert tab.history_model.rowCount() == 1
    assert ui.currentChip.text() == "Category 3" and "countersignature" in ui.currentText.text()
    assert ui.reviewLabel.text().startswith("02/04/2026")  # category 3: monthly review
    assert ui.countersignButton.isHidden()  # investigators do not countersign
    qtbot.mouseClick(ui.prefillButton, Left)
    assert ui.scoreValue.text() == "8" and neglect.evidence.text() == "Social care chronology, 01/02/2026"

    supervisor2 = make_session(world.supervisor2)
    signing = build(qtbot, idle, RiskTab, supervisor2, case.id)
    assert signing.ui.countersignButton.isEnabled()
    dialog = signing.open_countersign_dialog()
    assert dialog is not None and "Older peer group" in dialog.summary.toPlainText()
    name = world.supervisor2.display_name
    assert dialog.meaning_label.text() == "<b>Countersigned</b>"
    assert f"{name} (supervisor)" in dialog.signer_label.text()
    # A wrong password keeps the signing dialog open with the attempts left, and countersigns nothing.
    qtbot.keyClicks(dialog.password_edit, "wrong-password")
    qtbot.mouseClick(dialog.sign_button, Left)
    qtbot.waitUntil(lambda: "more failed attempt" in dialog.message.text(), timeout=15000)
    assert dialog.isVisible() and detail_for(supervisor2, case.id).risk_assessments[0].override_pending
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    with qtbot.waitSignal(signing.session.case_changed, timeout=15000):
        qtbot.mouseClick(dialog.sign_button, Left)
    idle()
    assert not dialog.isVisible()
    signed = detail_for(supervisor2, case.id).risk_assessments[0]
    assert not signed.override_pending and signed.effective_category == 4
    assert signed.countersigned_by == world.supervisor2.display_name
    assert signed.countersignature is not None and signed.countersignature.valid
    detail = reload(idle, signing, supervisor2, case.id)
    assert signing.tab_title(detail) == "Risk: Cat 4"
    assert not signing.ui.countersignButton.isEnabled()
    shown = signing.ui.historyDetail.toPlainText()
    assert f"Countersigned: {name} (supervisor)" in shown and "[valid]" in shown
    # Changed behind the app's back: the tab shows the countersignature as superseded, never as still valid.
    with world.ctx.db.write() as session:
        session.execute(update(RiskAssessment).where(RiskAssessment.id == signed.id).values(score=99))
    reload(idle, signing, supervisor2, case.id)
    signing.ui.history.selectRow(0)
    shown = signing.ui.historyDetail.toPlainText()
    assert "[superseded]" in shown and "[valid]" not in shown
    assert signing.history_model.rows[0].countersignature.state == "superseded"


def test_a_supervisor_cannot_countersign_their_own_override(qtbot, world, make_session, idle):
    case = open_case(world)
    supervisor = make_session(world.supervisor)
    tab = build(qtbot, idle, RiskTab, supervisor, case.id)
    qtbot.waitUntil(lambda: tab.form is not None, timeout=15000)
    choose_data(tab.ui.finalCategory, 2)
    qtbot.keyClicks(tab.ui.overrideReason, "Judgement")
    with qtbot.waitSignal(tab.session.case_changed, timeout=15000):
        qtbot.mouseClick(tab.ui.recordButton, Left)
    reload(idle, tab, supervisor, case.id)
    assert not tab.ui.countersignButton.isEnabled()
    assert "another supervisor" in tab.ui.countersignButton.toolTip()


# --- missing episodes ------------------------------------------------------------------------------------


def test_missing_episode_return_and_interview_against_72_hours(qtbot, world, make_session, idle):
    case = open_case(world)
    session = make_session(world.investigator)
    tab = build(qtbot, idle, MissingTab, session, case.id)
    reported = world.clock.now - timedelta(hours=10)

    dialog = tab.open_record_dialog()
    assert dialog is not None
    set_time(dialog.ui.reportedAt, reported)
    refused_inline(qtbot, idle, dialog, "Missing risk grade")
    choose_data(dialog.ui.riskGrade, "high")
    save_dialog(qtbot, idle, tab, dialog)
    (episode,) = detail_for(session, case.id).missing_episodes
    assert (episode.reported_at, episode.risk_grade, episode.rhi_state) == (reported, "high", "still missing")
    detail = reload(idle, tab, session, case.id)
    assert tab.tab_title(detail) == "Missing (1)"
    assert "Still missing" in tab.ui.dueBanner.text()

    world.clock.advance(hours=2)
    returned = world.clock.now - timedelta(hours=1)
    dialog = tab.open_update_dialog()
    assert dialog is not None
    qtbot.mouseClick(dialog.ui.rhiHeldKnown, Left)  # held before it was offered: refused in words
    refused_inline(qtbot, idle, dialog, "offered first")
    qtbot.mouseClick(dialog.ui.rhiHeldKnown, Left)
    qtbot.mouseClick(dialog.ui.foundKnown, Left)
    set_time(dialog.ui.foundAt, returned)
    save_dialog(qtbot, idle, tab, dialog)
    episode = detail_for(session, case.id).missing_episodes[0]
    assert episode.found_at == returned and episode.rhi_offered_at is None
    assert episode.rhi_due == returned + timedelta(hours=72) and episode.rhi_state == "pending"
    reload(idle, tab, session, case.id)
    banner = tab.ui.dueBanner.text()
    assert "Return interview must be offered by" in banner and "Thu 05/03/2026 10:00" in banner
    assert "in 2 days 23 h" in banner

    world.clock.advance(hours=77)  # the 72 hours have run out
    reload(idle, tab, session, case.id)
    assert "6 h overdue" in tab.ui.dueBanner.text()
    assert tab.ui.dueBanner.property("tone") == "overdue"

    dialog = tab.open_update_dialog()
    assert dialog is not None
    assert not dialog.ui.foundKnown.isEnabled()  # the return is recorded; a new absence is a new episode
    qtbot.mouseClick(dialog.ui.rhiOfferedKnown, Left)
    set_time(dialog.ui.rhiOfferedAt, world.clock.now)
    qtbot.mouseClick(dialog.ui.safeWellKnown, Left)
    set_time(dialog.ui.safeWellAt, returned + timedelta(hours=3))
    qtbot.keyClicks(dialog.ui.findings, "With older peers at address A-3.")
    save_dialog(qtbot, idle, tab, dialog)
    episode = detail_for(session, case.id).missing_episodes[0]
    assert episode.rhi_offered_at == world.clock.now and episode.rhi_state == "late"
    assert episode.safe_well_state == "within target" and episode.findings == "With older peers at address A-3."
    reload(idle, tab, session, case.id)
    assert "late" in tab.ui.dueBanner.text()


# --- events and facts ------------------------------------------------------------------------------------


def test_manual_event_and_case_facts(qtbot, world, make_session, idle):
    case = open_case(world)
    session = make_session(world.investigator)
    tab = build(qtbot, idle, EventsTab, session, case.id)
    qtbot.waitUntil(lambda: bool(tab.editors), timeout=15000)

    dialog = tab.open_record_dialog()
    assert dialog is not None
    refused_inline(qtbot, idle, dialog, "Event")
    choose_data(dialog.ui.event, "trial_date_fixed")
    set_time(dialog.ui.occurredAt, world.clock.now - timedelta(hours=1))
    qtbot.keyClicks(dialog.ui.note, "Sheffield Crown Court, listed for 3 days")
    save_dialog(qtbot, idle, tab, dialog)
    detail = detail_for(session, case.id)
    (event,) = [e for e in detail.events if e.event_type == "trial_date_fixed"]
    assert (event.source, event.occurred_at) == ("manual", world.clock.now - timedelta(hours=1))
    assert event.note == "Sheffield Crown Court, listed for 3 days"
    reload(idle, tab, session, case.id)
    assert "Trial date fixed" in [tab.model.rows[i].title for i in range(tab.model.rowCount())]

    assert not detail.step("risk.placement-review").applicable
    looked_after, placement = tab.editors["looked_after"], tab.editors["placement_type"]
    assert looked_after.value() is None
    assert looked_after.widget.accessibleName() == "Child is looked after by the local authority"
    choose_data(looked_after.widget, True)
    choose_data(placement.widget, "residential")
    assert tab.ui.dirtyLabel.text() == "2 unsaved changes"
    reload(idle, tab, session, case.id)  # a reload keeps answers not yet saved
    assert looked_after.value() is True and placement.value() == "residential"
    with qtbot.waitSignal(tab.session.case_changed, timeout=15000):
        qtbot.mouseClick(tab.ui.saveFactsButton, Left)
    idle()
    detail = detail_for(session, case.id)
    assert detail.facts == {"looked_after": True, "placement_type": "residential"}
    assert detail.step("risk.placement-review").applicable  # a residential placement brings in step 2.3
    reload(idle, tab, session, case.id)
    assert tab.ui.dirtyLabel.text() == ""

    choose_data(looked_after.widget, None)  # back to Unknown clears the fact
    with qtbot.waitSignal(tab.session.case_changed, timeout=15000):
        qtbot.mouseClick(tab.ui.saveFactsButton, Left)
    idle()
    assert detail_for(session, case.id).facts == {"placement_type": "residential"}
    reload(idle, tab, session, case.id)
    assert tab._derived_labels["missing_episodes_recorded"].text() == "No"
    assert tab._derived_labels["risk_category"].text() == "0 (never assessed)"


def test_risk_tab_opens_on_the_latest_assessment_and_asks_before_replacing_typed_answers(
    qtbot, world, make_session, idle, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    from checklist_app.services import risk

    case = open_case(world)
    risk.record_assessment(
        world.ctx,
        world.investigator,
        case.id,
        risk.RiskForm(
            answers={"older_partner": "current", "missing_from_home": "yes"},
            evidence={"older_partner": "School DSL 01/03/2026", "missing_from_home": "MFH log"},
        ),
    )
    tab = build(qtbot, idle, RiskTab, make_session(world.investigator), case.id)
    qtbot.waitUntil(lambda: tab.form is not None, timeout=15000)
    assert tab.ui.scoreValue.text() == "7" and tab.ui.categoryValue.text() == "Category 3"
    assert "latest assessment" in tab.ui.message.text()
    qtbot.mouseClick(tab.form.rows["emotional_neglect"].control, Left)  # the user starts changing answers
    assert tab.ui.scoreValue.text() == "8"
    asked: list[str] = []

    def no(*args):  # type: ignore[no-untyped-def]
        asked.append(args[1])
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(no))
    qtbot.mouseClick(tab.ui.prefillButton, Left)
    assert asked == ["Replace your answers?"] and tab.ui.scoreValue.text() == "8"  # kept
    reload(idle, tab, make_session(world.investigator), case.id)
    assert tab.ui.scoreValue.text() == "8"  # a refresh never overwrites what was typed


def test_missing_banner_and_detail_say_the_same_time_missing(qtbot, world, make_session, idle):
    """The banner said '1 minute ago' (rounded up) while the detail said 'still missing after 0 min'."""
    case = open_case(world)
    session = make_session(world.investigator)
    tab = build(qtbot, idle, MissingTab, session, case.id)
    dialog = tab.open_record_dialog()
    assert dialog is not None
    set_time(dialog.ui.reportedAt, world.clock.now)
    choose_data(dialog.ui.riskGrade, "high")
    save_dialog(qtbot, idle, tab, dialog)
    world.clock.advance(seconds=20)
    reload(idle, tab, session, case.id)
    assert "(less than a minute ago)" in tab.ui.dueBanner.text()
    assert "still missing after less than a minute" in tab.ui.detail.toPlainText()
    world.clock.advance(minutes=90)
    reload(idle, tab, session, case.id)
    assert "(1 h 30 min ago)" in tab.ui.dueBanner.text()
    assert "still missing after 1 h 30 min" in tab.ui.detail.toPlainText()
