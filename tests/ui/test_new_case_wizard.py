"""The new-case wizard on real widgets: every page typed through with the keyboard, the case it opens as
the services report it, and the failures a user can meet (a name for a reference, a future referral
time, the service refusing at Finish, a role that may not open cases, no procedure published)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from gui_support import answer_next_question, choose, next_page
from PySide6.QtCore import QDate, QDateTime, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard

from checklist_app.core.procedure.model import Role
from checklist_app.services import accounts, case_list, cases, organisation
from checklist_app.services.context import system_actor
from checklist_app.ui.main_window import MainWindow
from checklist_app.ui.new_case import wizard as new_case_wizard
from checklist_app.ui.new_case.common import LONDON
from checklist_app.ui.new_case.wizard import NewCaseWizard
from checklist_app.ui.session import AppSession

pytestmark = pytest.mark.gui


@pytest.fixture
def session_for(runner, prefs):  # type: ignore[no-untyped-def]
    def make(world, actor) -> AppSession:  # type: ignore[no-untyped-def]
        return AppSession(world.ctx, actor, runner, prefs)

    return make


def open_wizard(qtbot, session: AppSession) -> NewCaseWizard:  # type: ignore[no-untyped-def]
    wizard = NewCaseWizard(session)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # the test reads it after it closes
    # A wizard left open with typed fields would ask before the test's teardown closes it.
    qtbot.addWidget(wizard, before_close_func=lambda w: w.edits.reset())
    wizard.show()
    qtbot.waitUntil(lambda: session.runner.idle, timeout=15000)
    return wizard


def button(wizard: QWizard, which: QWizard.WizardButton):  # type: ignore[no-untyped-def]
    return wizard.button(which)


def type_referral_time(qtbot, wizard: NewCaseWizard, text: str) -> None:  # type: ignore[no-untyped-def]
    edit = wizard.referral_page.ui.referralAt
    edit.setFocus()
    edit.setSelectedSection(edit.Section.DaySection)
    qtbot.keyClicks(edit, "".join(c for c in text if c.isdigit()))  # each full section moves on to the next
    assert edit.text() == text


def fill_referral(qtbot, wizard: NewCaseWizard, when: str = "02/03/2026 06:30") -> None:  # type: ignore[no-untyped-def]
    ui = wizard.referral_page.ui
    type_referral_time(qtbot, wizard, when)
    choose(ui.referralSource, "Education")
    choose(ui.priority, "High")
    qtbot.keyClicks(ui.circumstances, "School reports child collected by unknown adults after school.")


def fill_child(qtbot, wizard: NewCaseWizard) -> None:  # type: ignore[no-untyped-def]
    ui = wizard.child_page.ui
    qtbot.keyClicks(ui.subjectRef, "sc-104233")
    choose(ui.ageBand, "13 to 15")


def test_a_case_typed_through_every_page_is_opened_pinned_to_the_current_sop(qtbot, shipped_world, session_for):
    world = shipped_world
    session = session_for(world, world.investigator)
    wizard = open_wizard(qtbot, session)
    ui = wizard.referral_page.ui

    # Referral: the investigator's own district, locked.
    assert ui.district.currentText() == "Sheffield" and not ui.district.isEnabled()
    assert not button(wizard, QWizard.WizardButton.NextButton).isEnabled()
    assert "choose who made the referral" in ui.message.text()
    fill_referral(qtbot, wizard)
    assert wizard.referral_page.referral_at() == datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
    assert "High" in ui.priority.currentText() and "act now" in ui.priorityHint.text()
    next_page(qtbot, wizard)

    # Child: the reference is capitalised as typed; looked after and disability are asked here, once.
    assert wizard.currentId() == NewCaseWizard.CHILD
    assert "Never record the child's name" in wizard.child_page.ui.noticeTitle.text()
    fill_child(qtbot, wizard)
    assert wizard.child_page.ui.subjectRef.text() == "SC-104233"
    choose(wizard.fact_inputs["looked_after"].widget, "Yes")
    choose(wizard.fact_inputs["disability"].widget, "No")
    next_page(qtbot, wizard)

    # Case facts: every other `source: case` fact of the real SOP, each Yes / No / Not known.
    assert wizard.currentId() == NewCaseWizard.FACTS
    case_facts = {f.id for f in wizard.data.procedure.facts if f.source.value == "case"}
    assert set(wizard.fact_inputs) == case_facts
    assert set(wizard.facts_page.inputs) == case_facts - {"looked_after", "disability"}
    suspect = wizard.fact_inputs["suspect_identified"].widget
    assert [suspect.itemText(i) for i in range(suspect.count())] == ["Yes", "No", "Not known"]
    assert suspect.currentText() == "Not known"
    assert "identified" in suspect.toolTip()
    choose(suspect, "Yes")
    choose(wizard.fact_inputs["complex"].widget, "No")
    next_page(qtbot, wizard)

    # People: the investigator by default, the team's supervisor.
    people = wizard.people_page.ui
    assert people.officer.currentData() == world.investigator.user_id
    assert people.supervisor.currentData() == world.supervisor.user_id
    next_page(qtbot, wizard)

    # Summary, then Open case.
    assert wizard.currentId() == NewCaseWizard.SUMMARY
    summary = wizard.summary_page.summary_text()
    for shown in ("Pinned to cse-sop v1.0", "SC-104233", "Education", "13 to 15", "Suspect identified", "Sheffield"):
        assert shown in summary
    finish = button(wizard, QWizard.WizardButton.FinishButton)
    assert finish.text().replace("&", "") == "Open case" and finish.isEnabled()
    with qtbot.waitSignal(wizard.created, timeout=15000) as created:
        qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.runner.idle)
    assert not wizard.isVisible()

    detail = cases.case_detail(world.ctx, world.investigator, created.args[0])
    assert detail.district_name == "Sheffield"
    assert detail.referral_at == datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
    assert detail.referral_source == "Education"
    assert detail.subject_ref == "SC-104233"
    assert detail.age_band == "13-15" and detail.date_of_birth is None
    assert detail.priority == "high"
    assert detail.circumstances == "School reports child collected by unknown adults after school."
    assert detail.facts == {"looked_after": True, "disability": False, "suspect_identified": True, "complex": False}
    assert detail.procedure_label == "cse-sop v1.0"
    assert detail.officer_id == world.investigator.user_id and detail.supervisor_id == world.supervisor.user_id
    # The facts took effect: a step conditional on a suspect being identified applies.
    assert any(s.applicable and "suspect_identified" in s.condition for s in detail.steps)


def test_a_name_for_the_subject_reference_keeps_next_disabled_and_says_why(qtbot, shipped_world, session_for):
    wizard = open_wizard(qtbot, session_for(shipped_world, shipped_world.investigator))
    fill_referral(qtbot, wizard)
    next_page(qtbot, wizard)
    ui = wizard.child_page.ui
    choose(ui.ageBand, "16 or 17")
    qtbot.keyClicks(ui.subjectRef, "Jane Smith")

    next_button = button(wizard, QWizard.WizardButton.NextButton)
    assert ui.subjectRef.text() == "JANE SMITH"  # every key kept, so the page can say what is wrong
    assert not next_button.isEnabled()
    assert "never a name" in ui.message.text() and ui.message.property("error") is True
    assert ui.subjectRef.property("invalid") is True
    qtbot.keyClick(next_button, Qt.Key.Key_Return)
    assert wizard.currentId() == NewCaseWizard.CHILD

    for name in ("emily-johnson", "janesmith"):  # a hyphenated or run-together name is refused too
        ui.subjectRef.selectAll()
        qtbot.keyClicks(ui.subjectRef, name)
        assert not next_button.isEnabled()
        assert "never a name" in ui.message.text() and "SC-SHE-104233" in ui.message.text()
        assert ui.subjectRef.property("invalid") is True

    ui.subjectRef.selectAll()
    qtbot.keyClicks(ui.subjectRef, "sc-she-2024")
    assert ui.subjectRef.text() == "SC-SHE-2024"
    assert next_button.isEnabled() and ui.subjectRef.property("invalid") is False
    assert not ui.message.isVisible()
    assert "for example SC-104233 or SC-SHE-104233" in ui.subjectRefHint.text()


def test_a_future_referral_time_is_refused_inline(qtbot, shipped_world, session_for):
    session = session_for(shipped_world, shipped_world.investigator)
    wizard = open_wizard(qtbot, session)
    ui = wizard.referral_page.ui
    choose(ui.referralSource, "Health")
    assert button(wizard, QWizard.WizardButton.NextButton).isEnabled()  # default: now

    type_referral_time(qtbot, wizard, "02/03/2026 11:15")  # the clock says 09:00
    assert not button(wizard, QWizard.WizardButton.NextButton).isEnabled()
    assert "in the future" in ui.message.text() and ui.message.property("error") is True
    assert ui.referralAt.property("invalid") is True
    assert "in the future" in ui.referralAtHint.text()

    type_referral_time(qtbot, wizard, "01/03/2026 22:40")
    assert wizard.referral_page.referral_at() == datetime(2026, 3, 1, 22, 40, tzinfo=UTC), ui.referralAt.text()
    assert button(wizard, QWizard.WizardButton.NextButton).isEnabled()
    assert ui.referralAt.property("invalid") is False
    assert "10 hours ago" in ui.referralAtHint.text()


def test_date_of_birth_instead_of_an_age_band(qtbot, shipped_world, session_for):
    world = shipped_world
    session = session_for(world, world.investigator)
    wizard = open_wizard(qtbot, session)
    fill_referral(qtbot, wizard)
    next_page(qtbot, wizard)
    ui = wizard.child_page.ui
    qtbot.keyClicks(ui.subjectRef, "SC-505")
    next_button = button(wizard, QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled() and "age band" in ui.message.text()

    qtbot.mouseClick(ui.dobKnown, Qt.MouseButton.LeftButton, pos=ui.dobKnown.rect().center())
    assert ui.dobKnown.isChecked() and ui.dateOfBirth.isVisible() and not ui.ageBand.isEnabled()
    assert not next_button.isEnabled() and "enter the date of birth" in ui.message.text()
    ui.dateOfBirth.setDate(QDate(2026, 6, 1))
    assert not next_button.isEnabled() and "after the referral" in ui.message.text()
    ui.dateOfBirth.setDate(QDate(2014, 3, 3))  # 11 on 2 March 2026 (12 the next day)
    assert next_button.isEnabled()
    assert "Age at referral: 11" in ui.dobHint.text() and ui.ageBand.currentText() == "Under 13"
    for _ in range(3):
        next_page(qtbot, wizard)
    with qtbot.waitSignal(wizard.created, timeout=15000) as created:
        qtbot.mouseClick(button(wizard, QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    detail = cases.case_detail(world.ctx, world.investigator, created.args[0])
    assert detail.date_of_birth.isoformat() == "2014-03-03" and detail.age_band == "0-12"
    assert detail.derived_facts["age_under_13"] is True


def test_when_the_service_refuses_the_wizard_returns_to_the_field_and_saves_nothing(qtbot, shipped_world, session_for):
    world = shipped_world
    session = session_for(world, world.investigator)
    wizard = open_wizard(qtbot, session)
    fill_referral(qtbot, wizard)
    next_page(qtbot, wizard)
    fill_child(qtbot, wizard)
    for _ in range(3):
        next_page(qtbot, wizard)
    assert wizard.currentId() == NewCaseWizard.SUMMARY

    world.clock.now = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # the referral (06:30) is now in the future
    created: list[int] = []
    wizard.created.connect(created.append)
    qtbot.mouseClick(button(wizard, QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.busy and not button(wizard, QWizard.WizardButton.CancelButton).isEnabled()
    qtbot.waitUntil(lambda: session.runner.idle and not wizard.busy, timeout=15000)

    assert wizard.isVisible() and not created
    assert wizard.currentId() == NewCaseWizard.REFERRAL
    ui = wizard.referral_page.ui
    assert ui.referralAt.property("invalid") is True and ui.referralAt.hasFocus()
    assert "Referral date and time: is in the future" in ui.message.text()
    assert case_list.list_cases(world.ctx, world.investigator, case_list.CaseFilter(status="all")) == []

    # Corrected, the same wizard opens the case.
    type_referral_time(qtbot, wizard, "02/03/2026 04:10")
    assert "Referral date and time" not in ui.message.text()
    for _ in range(4):
        next_page(qtbot, wizard)
    with qtbot.waitSignal(wizard.created, timeout=15000):
        qtbot.mouseClick(button(wizard, QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert len(case_list.list_cases(world.ctx, world.investigator, case_list.CaseFilter(status="all"))) == 1


def test_a_supervisor_chooses_the_officer_from_their_team(qtbot, shipped_world, session_for):
    world = shipped_world
    session = session_for(world, world.supervisor)
    wizard = open_wizard(qtbot, session)
    fill_referral(qtbot, wizard)
    next_page(qtbot, wizard)
    fill_child(qtbot, wizard)
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)

    people = wizard.people_page.ui
    offered = [people.officer.itemText(i) for i in range(people.officer.count())]
    assert offered == ["Dc Alder", "Dc Birch", "Not allocated yet (allocate at step 1.7)"]  # not Dc Elm: team 2
    assert people.officer.currentIndex() == -1
    assert not button(wizard, QWizard.WizardButton.NextButton).isEnabled()
    assert "choose the officer in charge" in people.message.text()
    assert people.supervisor.currentText() == "Ds Cedar (you)"
    people.officer.setFocus()
    choose(people.officer, "Dc Birch")
    next_page(qtbot, wizard)
    assert "Dc Birch" in wizard.summary_page.summary_text()
    with qtbot.waitSignal(wizard.created, timeout=15000) as created:
        qtbot.mouseClick(button(wizard, QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)

    detail = cases.case_detail(world.ctx, world.supervisor, created.args[0])
    assert detail.officer_id == world.investigator2.user_id
    assert detail.supervisor_id == world.supervisor.user_id


def test_choice_facts_of_another_procedure_are_offered_with_their_choices(qtbot, world, session_for, monkeypatch):
    monkeypatch.setattr(new_case_wizard, "PROCEDURE_ID", world.procedure_id)  # the minimal test procedure
    session = session_for(world, world.investigator)
    wizard = open_wizard(qtbot, session)
    fill_referral(qtbot, wizard)
    next_page(qtbot, wizard)
    fill_child(qtbot, wizard)
    next_page(qtbot, wizard)
    placement = wizard.fact_inputs["placement_type"].widget
    assert [placement.itemText(i) for i in range(placement.count())] == [
        "Residential",
        "Foster",
        "Kinship",
        "None",
        "Not known",
    ]
    choose(placement, "Foster")
    next_page(qtbot, wizard)
    next_page(qtbot, wizard)
    assert f"Pinned to {world.procedure_id} v" in wizard.summary_page.summary_text()
    with qtbot.waitSignal(wizard.created, timeout=15000) as created:
        qtbot.mouseClick(button(wizard, QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    detail = cases.case_detail(world.ctx, world.investigator, created.args[0])
    assert detail.facts == {"placement_type": "foster"}


def test_an_auditor_cannot_start_a_new_case(qtbot, shipped_world, session_for, idle):
    world = shipped_world
    session = session_for(world, world.auditor)
    window = MainWindow(session)
    window.quit_on_close = False
    qtbot.addWidget(window)
    window.show()
    idle()
    assert not window.new_case_action.isEnabled()
    assert "new case" in window.new_case_action.toolTip()
    assert window.new_case_action.toolTip().startswith("Your role (Auditor) does not open a new case")  # why
    window.new_case()  # Ctrl+N reaches the slot only if enabled; even called directly it opens nothing
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, NewCaseWizard) and w.isVisible()]

    # And the wizard itself, were it opened, says so and offers no way forward.
    wizard = open_wizard(qtbot, session)
    assert wizard.data is None
    message = wizard.referral_page.ui.message
    assert "Your role (Auditor) cannot open cases" in message.text() and message.property("error") is True
    assert not button(wizard, QWizard.WizardButton.NextButton).isEnabled()
    window.close()


def test_with_no_procedure_published_the_wizard_says_so(qtbot, ctx, runner, prefs):
    system = system_actor()
    organisation.ensure_districts(ctx, system)
    organisation.create_team(ctx, system, "Sheffield CSE Team 1", "SHE")
    accounts.create_user(
        ctx,
        system,
        username="dc.oak",
        display_name="DC Oak",
        role=Role.INVESTIGATOR.value,
        password="correct-horse-42",
        team="Sheffield CSE Team 1",
    )
    actor = accounts.log_on(ctx, "dc.oak", "correct-horse-42")
    wizard = open_wizard(qtbot, AppSession(ctx, actor, runner, prefs))
    qtbot.waitUntil(lambda: bool(wizard.refusal))
    assert "No published procedure" in wizard.referral_page.ui.message.text()
    assert not button(wizard, QWizard.WizardButton.NextButton).isEnabled()


def test_cancel_saves_nothing(qtbot, shipped_world, session_for):
    world = shipped_world
    wizard = open_wizard(qtbot, session_for(world, world.investigator))
    fill_referral(qtbot, wizard)
    next_page(qtbot, wizard)
    fill_child(qtbot, wizard)
    seen: list[str] = []
    answer_next_question("Keep editing", seen)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)  # after typing, Escape asks first
    assert seen and seen[0].startswith("Discard changes?")
    assert wizard.isVisible() and wizard.child_page.ui.subjectRef.text() == "SC-104233"
    answer_next_question("Discard", seen)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert not wizard.isVisible()
    assert case_list.list_cases(world.ctx, world.investigator, case_list.CaseFilter(status="all")) == []


def test_escape_before_typing_closes_without_a_question(qtbot, shipped_world, session_for, monkeypatch):
    world = shipped_world
    wizard = open_wizard(qtbot, session_for(world, world.investigator))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: pytest.fail(f"asked: {self.text()}"))
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert not wizard.isVisible()


def test_referral_time_round_trips_through_uk_summer_time():
    from checklist_app.ui.new_case.common import from_utc, to_utc

    summer = datetime(2026, 7, 2, 9, 30, tzinfo=UTC)
    shown = from_utc(summer)
    assert shown.time().hour() == 10 and shown.timeZone() == LONDON
    assert to_utc(shown) == summer
    assert to_utc(QDateTime.fromMSecsSinceEpoch(0, LONDON)) == datetime(1970, 1, 1, tzinfo=UTC)
    assert from_utc(summer - timedelta(days=120)).time().hour() == 9  # GMT in March
