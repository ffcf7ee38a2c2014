"""The wizard's input pages: referral, child, case facts and people, each checking itself as the user types."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, SignalInstance
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QWidget,
    QWizardPage,
)

from checklist_app.core import wording
from checklist_app.core.calendar import LOCAL_TZ
from checklist_app.core.facts import AGE_BANDS, age_at
from checklist_app.core.procedure.model import Fact, Role
from checklist_app.core.subjects import (
    AGE_BAND_LABELS,
    SUBJECT_REF_RULE,
    band_for_age,
    subject_ref_problem,
)
from checklist_app.core.wording import PRIORITIES, REFERRAL_SOURCES
from checklist_app.services.errors import FieldProblem
from checklist_app.ui.forms import load_into
from checklist_app.ui.new_case.common import (
    CHILD_FACTS,
    LONDON,
    MAX_CIRCUMSTANCES,
    NOT_KNOWN,
    PRIORITY_TEXT,
    Issue,
    SubjectRefValidator,
    WizardData,
    fact_title,
    from_utc,
    hint,
    message_html,
    plural,
    problem_text,
    set_invalid,
    set_message,
    set_message_html,
    to_utc,
)

if TYPE_CHECKING:
    from checklist_app.ui.new_case.wizard import NewCaseWizard


class WizardPage(QWizardPage):
    """A page built from a Designer form. Subclasses list their `issues()`; the page keeps Next disabled
    while there are any and says what they are in its `message` label."""

    def __init__(self, owner: NewCaseWizard, form: str) -> None:
        super().__init__()
        self.owner = owner
        self.ui = load_into(self, form)
        self.layout().setContentsMargins(14, 10, 16, 4)
        self.heading = self.ui.pageTitle.text()
        self.setAccessibleName(self.heading)
        for label in self.ui.root.findChildren(QLabel):
            if label.objectName().endswith("Hint"):
                hint(label)
        self.inputs: dict[str, QWidget] = {}  # service field name -> widget
        self.server: dict[str, FieldProblem] = {}  # problems the service reported, until the field changes
        self.ui.message.setTextFormat(Qt.TextFormat.RichText)
        self.ui.message.setVisible(False)

    @property
    def ready(self) -> bool:
        return self.owner.data is not None

    def watch(self, field: str, widget: QWidget, signal: SignalInstance) -> None:
        self.inputs[field] = widget
        signal.connect(lambda *_args: self.edited(field))

    def edited(self, field: str) -> None:
        self.server.pop(field, None)
        self.update_state()

    def issues(self) -> list[Issue]:
        return []

    def current_issues(self) -> list[Issue]:
        if self.owner.refusal:
            return [Issue("", self.owner.refusal, invalid=True)]
        if not self.ready:
            return []
        return self.issues()

    def isComplete(self) -> bool:
        return self.ready and not self.owner.refusal and not self.current_issues()

    def validatePage(self) -> bool:
        return self.isComplete()

    def update_state(self) -> None:
        issues = self.current_issues()
        wrong = {i.field for i in issues if i.invalid} | set(self.server)
        for field, widget in self.inputs.items():
            set_invalid(widget, field in wrong)
        self.show_message(issues)
        self.completeChanged.emit()

    def show_message(self, issues: list[Issue]) -> None:
        errors = [problem_text(p) for p in self.server.values()] + [i.text for i in issues if i.invalid]
        missing = [i.text for i in issues if not i.invalid]
        if not self.ready and not errors:
            set_message(self.ui.message, "Loading…", error=False)
            return
        if missing:
            todo = f"To continue, {missing[0]}." if len(missing) == 1 else f"To continue: {'; '.join(missing)}."
        else:
            todo = ""
        set_message_html(self.ui.message, message_html(errors, todo), error=bool(errors))

    def loaded(self, data: WizardData) -> None:
        """Fill in what came from the database."""

    def focus_field(self, field: str) -> None:
        widget = self.inputs.get(field)
        if widget is not None and widget.isEnabled():
            widget.setFocus(Qt.FocusReason.OtherFocusReason)


class ReferralPage(WizardPage):
    def __init__(self, owner: NewCaseWizard) -> None:
        super().__init__(owner, "new_case_referral.ui")
        ui = self.ui
        edit = ui.referralAt
        edit.setTimeZone(LONDON)
        edit.setMinimumDateTime(QDateTime(QDate(2000, 1, 1), QTime(0, 0), LONDON))
        edit.setDateTime(from_utc(owner.session.now().replace(second=0, microsecond=0)))
        for source in REFERRAL_SOURCES:
            ui.referralSource.addItem(source, source)
        ui.referralSource.setCurrentIndex(-1)
        for value in PRIORITIES:
            label, meaning = PRIORITY_TEXT.get(value, (value.capitalize(), ""))
            ui.priority.addItem(label, value)
            ui.priority.setItemData(ui.priority.count() - 1, meaning, Qt.ItemDataRole.ToolTipRole)
        ui.priority.setCurrentIndex(max(0, ui.priority.findData("medium")))
        line = ui.circumstances.fontMetrics().lineSpacing()
        ui.circumstances.setMinimumHeight(line * 3 + 14)
        ui.circumstances.setMaximumHeight(line * 5 + 14)
        self.watch("district", ui.district, ui.district.currentIndexChanged)
        self.watch("referral_at", edit, edit.dateTimeChanged)
        self.watch("referral_source", ui.referralSource, ui.referralSource.currentIndexChanged)
        self.watch("priority", ui.priority, ui.priority.currentIndexChanged)
        self.watch("circumstances", ui.circumstances, ui.circumstances.textChanged)
        ui.priority.currentIndexChanged.connect(self._show_priority)
        ui.districtHint.setVisible(False)
        edit.dateTimeChanged.connect(self._show_when)
        self._show_priority()
        self._show_when()

    def loaded(self, data: WizardData) -> None:
        combo, actor = self.ui.district, self.owner.session.actor
        for district in data.districts:
            combo.addItem(district.name, district.code)
            combo.setItemData(combo.count() - 1, district.id, Qt.ItemDataRole.UserRole + 1)
        own = combo.findData(actor.district_id, Qt.ItemDataRole.UserRole + 1) if actor.district_id else -1
        if own >= 0:
            combo.setCurrentIndex(own)
            combo.setEnabled(False)
            self.ui.districtHint.setText("Your district. You can open cases only in your own district.")
        else:
            combo.setCurrentIndex(-1)
            self.ui.districtHint.setText("Where the child lives or where the concern arose.")
        self.ui.districtHint.setVisible(True)

    def initializePage(self) -> None:
        self._show_when()  # "2 hours ago" moves on while the wizard is open
        self.update_state()

    def referral_at(self) -> datetime:
        return to_utc(self.ui.referralAt.dateTime())

    def issues(self) -> list[Issue]:
        ui, found = self.ui, []
        if ui.district.currentIndex() < 0:
            found.append(Issue("district", "choose the district"))
        now = self.owner.session.now()
        if self.referral_at() > now:
            found.append(
                Issue(
                    "referral_at",
                    "The referral time is in the future. Enter when the report was received, "
                    f"no later than now ({wording.when(now)}).",
                    invalid=True,
                )
            )
        if ui.referralSource.currentIndex() < 0:
            found.append(Issue("referral_source", "choose who made the referral"))
        length = len(ui.circumstances.toPlainText().strip())
        if length > MAX_CIRCUMSTANCES:
            found.append(
                Issue(
                    "circumstances",
                    f"Keep the circumstances short ({length:,} of {MAX_CIRCUMSTANCES:,} characters): "
                    "the full account belongs in the case record.",
                    invalid=True,
                )
            )
        return found

    def _show_priority(self) -> None:
        value = self.ui.priority.currentData()
        self.ui.priorityHint.setText(PRIORITY_TEXT.get(value, ("", ""))[1])

    def _show_when(self) -> None:
        moment, now = self.referral_at(), self.owner.session.now()
        if moment > now:
            ago = "in the future"
        elif now - moment < timedelta(minutes=1):
            ago = "just now"
        else:
            ago = wording.relative(moment, now)
        self.ui.referralAtHint.setText(
            f"{wording.when(moment)}, UK time ({ago}). The procedure's deadlines run from it."
        )


class ChildPage(WizardPage):
    def __init__(self, owner: NewCaseWizard) -> None:
        super().__init__(owner, "new_case_child.ui")
        ui = self.ui
        ui.subjectRef.setValidator(SubjectRefValidator(ui.subjectRef))
        for band in AGE_BANDS:
            ui.ageBand.addItem(AGE_BAND_LABELS.get(band, band), band)
        ui.ageBand.setCurrentIndex(-1)
        self.dob_entered = False
        ui.dateOfBirth.setMaximumDate(QDate.currentDate().addYears(1))
        ui.dateOfBirth.setMinimumDate(QDate(1990, 1, 1))
        ui.dateOfBirth.setEnabled(True)
        ui.dateOfBirth.setVisible(False)
        ui.dobKnown.toggled.connect(self._dob_toggled)
        ui.dateOfBirth.dateChanged.connect(self._dob_changed)
        self.watch("subject_ref", ui.subjectRef, ui.subjectRef.textChanged)
        self.watch("age_band", ui.ageBand, ui.ageBand.currentIndexChanged)
        self.watch("date_of_birth", ui.dateOfBirth, ui.dateOfBirth.dateChanged)
        ui.dobKnown.toggled.connect(lambda _on: self.edited("date_of_birth"))

    def loaded(self, data: WizardData) -> None:
        layout = self.ui.fields
        for fact in data.case_facts():
            if fact.id in CHILD_FACTS:
                fact_input = self.owner.add_fact_input(self, fact)
                label = QLabel(short_fact_label(fact))
                label.setBuddy(fact_input.widget)
                label.setToolTip(fact_input.tooltip)
                layout.addRow(label, fact_input.widget)

    def initializePage(self) -> None:
        if not self.dob_entered:
            self.ui.dateOfBirth.blockSignals(True)
            referral_day = self.owner.referral_page.ui.referralAt.date()
            self.ui.dateOfBirth.setDate(referral_day.addYears(-14))
            self.ui.dateOfBirth.blockSignals(False)
        self.update_state()

    def subject_ref(self) -> str:
        return self.ui.subjectRef.text().strip().upper()

    def date_of_birth(self) -> date | None:
        if not (self.ui.dobKnown.isChecked() and self.dob_entered):
            return None
        value = self.ui.dateOfBirth.date()
        return date(value.year(), value.month(), value.day())

    def age_at_referral(self) -> int | None:
        dob = self.date_of_birth()
        referral_day = self.owner.referral_page.referral_at().astimezone(LOCAL_TZ).date()
        if dob is None or dob > referral_day:
            return None
        return age_at(dob, referral_day)

    def age_band(self) -> str | None:
        if self.ui.dobKnown.isChecked():
            age = self.age_at_referral()
            return band_for_age(age) if age is not None else None
        return self.ui.ageBand.currentData()

    def issues(self) -> list[Issue]:
        ui, found = self.ui, []
        text = ui.subjectRef.text().strip()
        if not text:
            found.append(Issue("subject_ref", "enter the child's pseudonymous subject reference"))
        else:
            problem = subject_ref_problem(text)
            if problem:
                found.append(Issue("subject_ref", problem, invalid=True))
        if ui.dobKnown.isChecked():
            dob = self.date_of_birth()
            referral_day = self.owner.referral_page.referral_at().astimezone(LOCAL_TZ).date()
            if dob is None:
                found.append(Issue("date_of_birth", "enter the date of birth, or untick it and choose an age band"))
            elif dob > referral_day:
                found.append(Issue("date_of_birth", "The date of birth is after the referral date.", invalid=True))
            elif band_for_age(age_at(dob, referral_day)) is None:
                found.append(
                    Issue(
                        "date_of_birth",
                        f"That date of birth makes the child {age_at(dob, referral_day)} at referral; this procedure "
                        "covers children and young people up to 24. Check the date.",
                        invalid=True,
                    )
                )
        elif ui.ageBand.currentIndex() < 0:
            found.append(Issue("age_band", "choose the age band at referral (or tick Date of birth and enter it)"))
        return found

    def update_state(self) -> None:
        self._show_age()
        self._show_reference_hint()
        super().update_state()

    def _show_reference_hint(self) -> None:
        # The pattern admits no name (it needs SC- and digits), so the hint only says what is expected.
        self.ui.subjectRefHint.setText(f"{SUBJECT_REF_RULE}. Letters are capitalised as you type.")

    def _dob_toggled(self, on: bool) -> None:
        self.ui.dateOfBirth.setVisible(on)
        self.ui.ageBand.setEnabled(not on)
        if on:
            self.ui.dateOfBirth.setFocus()

    def _dob_changed(self) -> None:
        self.dob_entered = True

    def _show_age(self) -> None:
        ui = self.ui
        if not ui.dobKnown.isChecked():
            ui.dobHint.setText("Optional. Tick to enter it; the age at referral is then worked out from it.")
            return
        age = self.age_at_referral()
        band = band_for_age(age) if age is not None else None
        if self.date_of_birth() is None:
            ui.dobHint.setText("Type the date of birth (day/month/year) or pick it from the calendar.")
        elif band is not None and age is not None:
            ui.dobHint.setText(f"Age at referral: {age} (age band {AGE_BAND_LABELS.get(band, band)}).")
            index = ui.ageBand.findData(band)
            ui.ageBand.blockSignals(True)
            ui.ageBand.setCurrentIndex(index)
            ui.ageBand.blockSignals(False)
        else:
            ui.dobHint.setText("")


def short_fact_label(fact: Fact) -> str:
    """'Child is looked after by the local authority' -> 'Looked after' for the Child page's form."""
    short = {"looked_after": "&Looked after", "disability": "D&isability or SEN"}
    return short.get(fact.id, fact_title(fact))


def without_mnemonic(text: str) -> str:
    return re.sub(r"&(.)", r"\1", text)


class FactsPage(WizardPage):
    def __init__(self, owner: NewCaseWizard) -> None:
        super().__init__(owner, "new_case_facts.ui")

    def loaded(self, data: WizardData) -> None:
        grid: QGridLayout = self.ui.factsGrid
        facts = [f for f in data.case_facts() if f.id not in CHILD_FACTS]
        if not facts:
            self.ui.intro.setText("This procedure asks for no further facts about the case.")
        for row, fact in enumerate(facts):
            fact_input = self.owner.add_fact_input(self, fact)
            cell = QFrame()
            cell.setObjectName("factRow")
            cell.setProperty("first", row == 0)
            layout = QGridLayout(cell)
            layout.setContentsMargins(0, 8, 0, 8)
            layout.setHorizontalSpacing(16)
            layout.setVerticalSpacing(2)
            title = QLabel(fact_title(fact))
            title.setObjectName("factTitle")
            title.setWordWrap(True)
            title.setBuddy(fact_input.widget)
            title.setToolTip(fact_input.tooltip)
            layout.addWidget(title, 0, 0)
            steps = data.fact_steps.get(fact.id, ())
            note = hint(QLabel(f"Decides {plural(steps)}." if steps else "Recorded for the risk assessment and plans."))
            note.setToolTip(fact_input.tooltip)
            layout.addWidget(note, 1, 0)
            fact_input.widget.setMinimumWidth(fact_input.widget.fontMetrics().horizontalAdvance(NOT_KNOWN) * 2)
            layout.addWidget(fact_input.widget, 0, 1, 2, 1, Qt.AlignmentFlag.AlignVCenter)
            layout.setColumnStretch(0, 1)
            grid.addWidget(cell, row, 0)
        grid.setRowStretch(len(facts), 1)

    def issues(self) -> list[Issue]:
        found = []
        for fact_id, widget in self.inputs.items():
            fact_input = self.owner.fact_inputs.get(fact_id)
            problem = fact_input.problem() if fact_input else None
            if problem and widget is not None:
                found.append(Issue(fact_id, problem, invalid=True))
        return found


NOT_ALLOCATED = -1  # officer combo data for "allocate later"


class PeoplePage(WizardPage):
    def __init__(self, owner: NewCaseWizard) -> None:
        super().__init__(owner, "new_case_people.ui")
        self.watch("officer", self.ui.officer, self.ui.officer.currentIndexChanged)
        self.watch("supervisor", self.ui.supervisor, self.ui.supervisor.currentIndexChanged)

    def loaded(self, data: WizardData) -> None:
        ui, actor = self.ui, self.owner.session.actor
        me = next((u for u in data.users if u.id == actor.user_id), None)
        team = [u for u in data.users if u.active and actor.team_id is not None and u.team_id == actor.team_id]
        ui.team.setText(f"{me.team_name}, {me.district_name}" if me and me.team_name else "Not in a team")
        investigators = [u for u in team if u.role == Role.INVESTIGATOR.value]
        supervisors = [u for u in team if u.role == Role.SUPERVISOR.value]
        if actor.role is Role.INVESTIGATOR and me is not None and all(u.id != me.id for u in investigators):
            investigators.append(me)
        for user in sorted(investigators, key=lambda u: u.display_name):
            you = " (you)" if user.id == actor.user_id else ""
            ui.officer.addItem(f"{user.display_name}{you}", user.id)
        if actor.role is Role.INVESTIGATOR:
            ui.officer.setCurrentIndex(ui.officer.findData(actor.user_id))
            ui.officerHint.setText(
                "You, unless you choose a colleague in your team. The supervisor confirms the allocation at step 1.7."
            )
        else:
            ui.officer.addItem("Not allocated yet (allocate at step 1.7)", NOT_ALLOCATED)
            ui.officer.setCurrentIndex(-1)
            ui.officerHint.setText("Choose one of your team's investigators, or allocate the case later at step 1.7.")
        default = actor.user_id if actor.role is Role.SUPERVISOR else min((u.id for u in supervisors), default=None)
        for user in sorted(supervisors, key=lambda u: u.display_name):
            you = " (you)" if user.id == actor.user_id else ""
            ui.supervisor.addItem(f"{user.display_name}{you}", user.id)
        if supervisors:
            ui.supervisor.setCurrentIndex(ui.supervisor.findData(default))
        else:
            ui.supervisor.addItem("No supervisor in your team", None)
            ui.supervisor.setEnabled(False)
            ui.supervisorHint.setText("Your team has no supervisor: an administrator can add one.")

    def officer_id(self) -> int | None:
        value = self.ui.officer.currentData()
        return None if value in (None, NOT_ALLOCATED) else int(value)

    def supervisor_id(self) -> int | None:
        value = self.ui.supervisor.currentData()
        return int(value) if value is not None else None

    def issues(self) -> list[Issue]:
        if self.ui.officer.currentIndex() < 0:
            return [Issue("officer", 'choose the officer in charge (or "Not allocated yet")')]
        return []
