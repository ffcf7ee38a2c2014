"""The new-case wizard: referral, child, case facts (the procedure's `source: case` facts), people, and a
summary whose Finish button ("Open case") opens the case pinned to the current procedure version.

No child's name is ever stored: the subject reference is pseudonymous, the page says so, and both this
wizard and the service refuse anything that does not look like a reference. Each page checks itself as the
user types: Next stays disabled and the page says what is missing or wrong. The service checks everything
again when the case is opened; when it refuses, the wizard goes back to the page holding the first problem
field, highlights the field and shows the service's words. Nothing is saved in that case.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, QSize, Qt, QTime, QTimeZone, Signal, SignalInstance
from PySide6.QtGui import QCloseEvent, QDoubleValidator, QFont, QFontMetrics, QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from checklist_app.core import wording
from checklist_app.core.calendar import LOCAL_TZ
from checklist_app.core.condition_words import fact_steps
from checklist_app.core.facts import AGE_BANDS, age_at
from checklist_app.core.permissions import Action, Actor
from checklist_app.core.procedure.model import Fact, FactSource, FactType, Procedure, Role
from checklist_app.core.readable import readable_procedure
from checklist_app.core.subjects import (
    AGE_BAND_LABELS,
    SUBJECT_REF_RULE,
    band_for_age,
    is_subject_ref,
    subject_ref_problem,
)
from checklist_app.core.wording import PRIORITIES, REFERRAL_SOURCES
from checklist_app.services import accounts, cases, procedures
from checklist_app.services.cases import NewCase
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import CaseDetail, DistrictInfo, UserInfo
from checklist_app.services.errors import FieldProblem, InvalidInput
from checklist_app.ui.discard import EditWatch, confirm_discard
from checklist_app.ui.errors import explain
from checklist_app.ui.forms import load_into
from checklist_app.ui.session import AppSession

PRIORITY_TEXT = {
    "high": ("High", "Threat to life, serious harm or imminent risk: act now."),
    "medium": ("Medium", "Time-critical, but no immediate danger to the child."),
    "low": ("Low", "No immediate risk or time pressure: routine enquiries."),
}
CHILD_FACTS = ("looked_after", "disability")  # asked on the Child page, not again on the Case facts page
NOT_KNOWN = "Not known"
MAX_CIRCUMSTANCES = 1000
LONDON = QTimeZone(b"Europe/London")
NOTE_COLOUR = "#2b4a6f"  # QLabel#message[error="false"] in style.qss
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PROCEDURE_ID = NewCase.procedure_id  # new cases follow the latest published version of this procedure


# --- plain helpers (no widgets) ----------------------------------------------------------------------


@dataclass(frozen=True)
class WizardData:
    """What the wizard needs from the database, loaded once on the worker thread."""

    districts: list[DistrictInfo]
    procedure: Procedure
    users: list[UserInfo]
    fact_steps: dict[str, tuple[str, ...]]  # case fact id -> numbers of the steps whose condition uses it

    @property
    def procedure_label(self) -> str:
        return f"{self.procedure.id} v{self.procedure.version}"

    def case_facts(self) -> list[Fact]:
        return [f for f in self.procedure.facts if f.source is FactSource.CASE]


def load_wizard_data(ctx: ServiceContext, actor: Actor, procedure_id: str = PROCEDURE_ID) -> WizardData:
    procedure = procedures.current_procedure(ctx, procedure_id)
    return WizardData(
        districts=accounts.list_districts(ctx),
        procedure=readable_procedure(procedure),  # shown to the user: titles, never internal names
        users=accounts.list_users(ctx, actor),
        fact_steps=fact_steps(procedure),
    )


def problem_text(problem: FieldProblem) -> str:
    return str(problem) if problem.label else problem.message


def plural(numbers: tuple[str, ...]) -> str:
    if len(numbers) == 1:
        return f"step {numbers[0]}"
    return f"steps {', '.join(numbers[:-1])} and {numbers[-1]}"


def to_utc(value: QDateTime) -> datetime:
    return _EPOCH + timedelta(milliseconds=value.toMSecsSinceEpoch())


def from_utc(moment: datetime) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int((moment - _EPOCH) / timedelta(milliseconds=1)), LONDON)


def repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def set_invalid(widget: QWidget, invalid: bool) -> None:
    if bool(widget.property("invalid")) != invalid:
        widget.setProperty("invalid", invalid)
        repolish(widget)


def set_message(label: QLabel, text: str, error: bool) -> None:
    """Show plain `text` in a page's message label (rich text, so it is escaped here)."""
    set_message_html(label, html.escape(text, quote=False).replace("\n", "<br>"), error)


def set_message_html(label: QLabel, text: str, error: bool) -> None:
    label.setText(text)
    label.setVisible(bool(text))
    if label.property("error") != error:
        label.setProperty("error", error)
        repolish(label)


def message_html(errors: list[str], note: str = "") -> str:
    """Problems in the message colour (red when the label is an error), then a neutral note."""
    lines = [html.escape(e, quote=False) for e in errors]
    if note:
        lines.append(f"<span style='color:{NOTE_COLOUR}; font-weight:400'>{html.escape(note, quote=False)}</span>")
    return "<br>".join(lines)


def hint(label: QLabel) -> QLabel:
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


class SubjectRefValidator(QValidator):
    """Capitalises as the user types and never blocks a key, so a name typed by mistake stays visible and
    the page can say why it is refused (a pattern validator would silently drop the spaces)."""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:  # type: ignore[override]
        upper = text.upper()
        state = QValidator.State.Acceptable if is_subject_ref(upper) else QValidator.State.Intermediate
        return state, upper, pos


class FactInput:
    """One case fact: a Yes / No / Not known combo (or the choices, or a number box) with its description."""

    def __init__(self, fact: Fact) -> None:
        self.fact = fact
        self.widget: QComboBox | QLineEdit
        if fact.type is FactType.NUMBER:
            edit = QLineEdit()
            edit.setValidator(QDoubleValidator(edit))
            edit.setPlaceholderText(NOT_KNOWN)
            self.widget = edit
            self.changed: SignalInstance = edit.textChanged
        else:
            combo = QComboBox()
            if fact.type is FactType.YESNO:
                combo.addItem("Yes", True)
                combo.addItem("No", False)
            else:
                for choice in fact.choices:
                    combo.addItem(choice[:1].upper() + choice[1:], choice)
            combo.addItem(NOT_KNOWN, None)
            combo.setCurrentIndex(combo.count() - 1)
            self.widget = combo
            self.changed = combo.currentIndexChanged
        self.widget.setObjectName(f"fact_{fact.id}")
        self.widget.setAccessibleName(fact.title)
        self.widget.setToolTip(self.tooltip)
        if fact.description:
            self.widget.setAccessibleDescription(fact.description)

    @property
    def tooltip(self) -> str:
        if not self.fact.description:
            return ""
        return f"<b>{html.escape(self.fact.title)}</b><br>{html.escape(self.fact.description)}"

    def value(self) -> object | None:
        if isinstance(self.widget, QComboBox):
            return self.widget.currentData()
        text = self.widget.text().strip().replace(",", "")
        if not text:
            return None
        number = float(text)
        return int(number) if number.is_integer() else number

    def problem(self) -> str | None:
        if isinstance(self.widget, QLineEdit) and self.widget.text().strip() and not self.widget.hasAcceptableInput():
            return f"{self.fact.title}: enter a number, or leave it empty when not known."
        return None

    def text(self) -> str:
        value = self.value() if self.problem() is None else None
        if value is None:
            return NOT_KNOWN
        return self.widget.currentText() if isinstance(self.widget, QComboBox) else str(value)


def fact_title(fact: Fact) -> str:
    return fact.title.replace("&", "&&")


# --- pages -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    field: str
    text: str
    invalid: bool = False  # wrong (red, field highlighted) rather than not given yet


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


class SummaryPage(WizardPage):
    def __init__(self, owner: NewCaseWizard) -> None:
        super().__init__(owner, "new_case_summary.ui")
        self.status = ""
        self.status_error = False

    def initializePage(self) -> None:
        self.status, self.status_error = "", False
        self.build()
        self.update_state()

    def isComplete(self) -> bool:
        return super().isComplete() and not self.owner.busy

    def validatePage(self) -> bool:
        return self.owner.finish()

    def show_message(self, issues: list[Issue]) -> None:
        if self.status:
            set_message(self.ui.message, self.status, error=self.status_error)
        elif self.server:
            set_message(self.ui.message, "\n".join(problem_text(p) for p in self.server.values()), error=True)
        else:
            super().show_message(issues)
            if not self.ui.message.text():
                set_message(
                    self.ui.message,
                    "The case reference is given when the case opens. Nothing is saved until you press Open case.",
                    error=False,
                )

    def set_status(self, text: str, error: bool = False) -> None:
        self.status, self.status_error = text, error
        self.update_state()

    def build(self) -> None:
        data, owner = self.owner.data, self.owner
        if data is None:
            return
        procedure = data.procedure
        self.ui.procedureTitle.setText(f"Pinned to {data.procedure_label}")
        self.ui.procedureText.setText(
            f"{procedure.title}, effective {procedure.effective_date:%d/%m/%Y}. The case follows this version of "
            "the procedure until a supervisor moves it to a later one."
        )
        ref, child, people = owner.referral_page.ui, owner.child_page, owner.people_page.ui
        dob = child.date_of_birth()
        band = child.age_band()
        age = AGE_BAND_LABELS.get(band, band) if band else ""
        if dob is not None:
            age = f"{child.age_at_referral()} ({age}), born {dob:%d/%m/%Y}"
        answers: dict[str, list[str]] = {"Yes": [], "No": []}
        child_rows = []
        for fact_id, fact_input in owner.fact_inputs.items():
            if fact_id in CHILD_FACTS:
                child_rows.append((without_mnemonic(short_fact_label(fact_input.fact)), fact_input.text()))
            else:
                answers.setdefault(fact_input.text(), []).append(fact_input.fact.title)
        unknown = len(answers.pop(NOT_KNOWN, []))
        fact_rows = [(answer, "\n".join(titles)) for answer, titles in answers.items() if titles]
        if unknown:
            others = "All" if not fact_rows else f"{unknown} other{'s' if unknown != 1 else ''}"
            fact_rows.append((NOT_KNOWN, f"{others} (count as no until answered)"))
        left = [
            (
                "Referral",
                [
                    ("District", ref.district.currentText()),
                    ("Received", f"{wording.when(owner.referral_page.referral_at())}"),
                    ("Source", ref.referralSource.currentText()),
                    ("Priority", ref.priority.currentText()),
                    ("Circumstances", ref.circumstances.toPlainText().strip() or "None given"),
                ],
            ),
            (
                "People",
                [
                    ("Officer in charge", people.officer.currentText().replace(" (you)", "")),
                    ("Supervisor", people.supervisor.currentText().replace(" (you)", "")),
                ],
            ),
        ]
        right = [
            ("Child", [("Subject reference", child.subject_ref()), ("Age at referral", age), *child_rows]),
            ("Case facts", fact_rows or [("Facts", "None asked by this procedure")]),
        ]
        self._fill(self.ui.leftGrid, left)
        self._fill(self.ui.rightGrid, right)

    def _fill(self, grid: QGridLayout, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        clear_layout(grid)
        row = 0
        for title, rows in sections:
            heading = QLabel(title)
            heading.setObjectName("sectionTitle")
            heading.setIndent(0)
            heading.setProperty("first", row == 0)
            grid.addWidget(heading, row, 0, 1, 2)
            row += 1
            for key, value in rows:
                key_label = QLabel(key)
                key_label.setProperty("role", "summaryKey")
                key_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                value_label = QLabel(value)
                value_label.setObjectName("summaryValue")
                value_label.setAccessibleName(key)
                value_label.setWordWrap(True)
                value_label.setTextFormat(Qt.TextFormat.PlainText)
                value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                grid.addWidget(key_label, row, 0)
                grid.addWidget(value_label, row, 1)
                row += 1
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(row, 1)

    def summary_text(self) -> str:
        """Everything the summary shows, as plain text (for tests and screen readers)."""
        parts = [self.ui.procedureTitle.text(), self.ui.procedureText.text()]
        for grid in (self.ui.leftGrid, self.ui.rightGrid):
            parts += [grid.itemAt(i).widget().text() for i in range(grid.count()) if grid.itemAt(i).widget()]
        return "\n".join(parts)


def clear_layout(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.setParent(None)  # type: ignore[call-overload]
            widget.deleteLater()
    if isinstance(layout, QGridLayout):
        for row in range(layout.rowCount()):
            layout.setRowStretch(row, 0)


# --- the wizard --------------------------------------------------------------------------------------


class StepList(QFrame):
    """The pages down the side, the current one highlighted, and the procedure version at the foot."""

    def __init__(self, titles: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wizardSteps")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 16, 12, 14)
        layout.setSpacing(4)
        heading = QLabel("New case")
        heading.setObjectName("wizardStepsTitle")
        layout.addWidget(heading)
        layout.addSpacing(8)
        self.labels = []
        for number, title in enumerate(titles, start=1):
            label = QLabel(f"{number}   {title}")
            label.setProperty("wizardStep", True)
            label.setProperty("state", "todo")
            layout.addWidget(label)
            self.labels.append(label)
        layout.addStretch(1)
        self.footer = hint(QLabel(""))
        self.footer.setObjectName("wizardStepsFooter")
        layout.addWidget(self.footer)
        widest = max(label.sizeHint().width() for label in self.labels)
        self.setMinimumWidth(widest + layout.contentsMargins().left() + layout.contentsMargins().right() + 8)

    def set_current(self, index: int) -> None:
        for i, label in enumerate(self.labels):
            state = "current" if i == index else "done" if i < index else "todo"
            if label.property("state") != state:
                label.setProperty("state", state)
                repolish(label)
            label.setAccessibleName(f"{label.text()} ({'current page' if state == 'current' else state})")


class NewCaseWizard(QWizard):
    """Open a case from a referral. Emits `created(case_id)` once the case is saved."""

    created = Signal(int)
    REFERRAL, CHILD, FACTS, PEOPLE, SUMMARY = range(5)

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.data: WizardData | None = None
        self.refusal = ""  # why this wizard cannot be used at all (role, no procedure published)
        self.busy = False
        self.created_id: int | None = None
        self.fact_inputs: dict[str, FactInput] = {}
        self._tasks: list[int] = []
        self.setObjectName("newCaseWizard")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("New case")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, "&Next")
        self.setButtonText(QWizard.WizardButton.BackButton, "&Back")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Open case")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Cancel")
        for which, tip in (
            (QWizard.WizardButton.NextButton, "Next page (Enter)"),
            (QWizard.WizardButton.BackButton, "Previous page (Alt+B)"),
            (QWizard.WizardButton.FinishButton, "Open the case (Enter)"),
            (QWizard.WizardButton.CancelButton, "Close without saving anything (Esc)"),
        ):
            button = self.button(which)
            button.setToolTip(tip)
            # The default button is drawn bold (style.qss): size it for the bold text so nothing is clipped.
            bold = QFont(button.font())
            bold.setWeight(QFont.Weight.Bold)
            text = without_mnemonic(self.buttonText(which))
            button.setMinimumWidth(
                QFontMetrics(bold).horizontalAdvance(text) + 4 * QFontMetrics(bold).averageCharWidth() + 16
            )

        self.referral_page = ReferralPage(self)
        self.child_page = ChildPage(self)
        self.facts_page = FactsPage(self)
        self.people_page = PeoplePage(self)
        self.summary_page = SummaryPage(self)
        self.pages_in_order: list[WizardPage] = [
            self.referral_page,
            self.child_page,
            self.facts_page,
            self.people_page,
            self.summary_page,
        ]
        for page_id, page in enumerate(self.pages_in_order):
            self.setPage(page_id, page)
        self.steps = StepList([p.heading for p in self.pages_in_order])
        self.setSideWidget(self.steps)
        self.currentIdChanged.connect(self._page_changed)
        self.edits = EditWatch(self)
        self.edits.attach()
        self.resize(900, 640)

        if not session.may(Action.CASE_OPEN):
            role = wording.ROLE_LABELS.get(session.actor.role.value, session.actor.role.value)
            self.refusal = f"Your role ({role}) cannot open cases. Ask an investigator or a supervisor."
            self._refresh_pages()
        else:
            ctx = session.ctx
            self._refresh_pages()
            procedure_id, actor = PROCEDURE_ID, session.actor
            self._tasks.append(
                session.call(self, lambda: load_wizard_data(ctx, actor, procedure_id), self._loaded, self._load_failed)
            )

    # --- loading -------------------------------------------------------------------------------------

    def _loaded(self, data: WizardData) -> None:
        self.data = data
        for page in self.pages_in_order:
            page.loaded(data)
        self.steps.footer.setText(f"Follows procedure\n{data.procedure_label}")
        self._align_labels()
        self.edits.attach()  # the inputs built for the procedure's facts
        self._refresh_pages()

    def _align_labels(self) -> None:
        """One label column width on every page, so fields line up as the user moves through."""
        labels: list[QWidget] = []
        for page in self.pages_in_order:
            for form in page.ui.root.findChildren(QFormLayout):
                for row in range(form.rowCount()):
                    item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                    if item is not None and item.widget() is not None:
                        labels.append(item.widget())
        width = max((label.sizeHint().width() for label in labels), default=0)
        for label in labels:
            label.setMinimumWidth(width)

    def _load_failed(self, exc: BaseException) -> None:
        self.refusal = f"The new-case form could not be prepared. {explain(exc).message}"
        self._refresh_pages()

    def _refresh_pages(self) -> None:
        for page in self.pages_in_order:
            if self.refusal:  # nothing here can be used: say why, and leave no field that looks usable
                for widget in page.inputs.values():
                    widget.setEnabled(False)
            page.update_state()

    def add_fact_input(self, page: WizardPage, fact: Fact) -> FactInput:
        fact_input = FactInput(fact)
        self.fact_inputs[fact.id] = fact_input
        page.watch(fact.id, fact_input.widget, fact_input.changed)
        return fact_input

    def _page_changed(self, page_id: int) -> None:
        self.steps.set_current(page_id)
        self.edits.attach()
        page = self.page(page_id)
        if isinstance(page, WizardPage):
            page.update_state()

    # --- the form ------------------------------------------------------------------------------------

    def new_case(self) -> NewCase:
        """What the user entered, as the service's input (valid only when every page is complete)."""
        assert self.data is not None
        ref, child, people = self.referral_page.ui, self.child_page, self.people_page
        facts = {fact_id: fi.value() for fact_id, fi in self.fact_inputs.items() if fi.problem() is None}
        return NewCase(
            district_code=ref.district.currentData() or "",
            referral_at=self.referral_page.referral_at(),
            referral_source=ref.referralSource.currentData() or "",
            subject_ref=child.subject_ref(),
            age_band=child.age_band(),
            date_of_birth=child.date_of_birth(),
            circumstances=ref.circumstances.toPlainText().strip(),
            priority=ref.priority.currentData() or "medium",
            facts={k: v for k, v in facts.items() if v is not None},
            officer_id=people.officer_id(),
            supervisor_id=people.supervisor_id(),
            procedure_id=self.data.procedure.id,
            procedure_version=self.data.procedure.version,
        )

    # --- finishing -----------------------------------------------------------------------------------

    def finish(self) -> bool:
        """Finish pressed: True once the case exists (the wizard then closes), else start opening it."""
        if self.created_id is not None:
            return True
        if self.busy or self.data is None or self.refusal:
            return False
        form = self.new_case()
        ctx, actor = self.session.ctx, self.session.actor
        self._set_busy(True)
        self._tasks.append(
            self.session.call(self, lambda: cases.open_case(ctx, actor, form), self._opened, self._failed)
        )
        return False

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
            self.summary_page.set_status("Opening the case…")
        else:
            self.unsetCursor()
        self.summary_page.update_state()  # Finish follows isComplete
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(not busy)

    def _opened(self, detail: CaseDetail) -> None:
        self.created_id = detail.id
        self._set_busy(False)
        self.accept()
        self.created.emit(detail.id)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, InvalidInput):
            self.show_problems(exc.problems)
            return
        explained = explain(exc)
        again = " Press Open case to try again." if explained.retry else ""
        self.summary_page.set_status(f"The case was not opened. {explained.message}{again}", error=True)

    def show_problems(self, problems: list[FieldProblem]) -> None:
        """The service refused: put each problem on the page that holds its field and go to the first."""
        for page in self.pages_in_order:
            page.server.clear()
        first: WizardPage | None = None
        first_field = ""
        for problem in problems:
            page = next((p for p in self.pages_in_order if problem.field in p.inputs), self.summary_page)
            page.server[problem.field or f"_{len(page.server)}"] = problem
            if first is None:
                first, first_field = page, problem.field
        self.summary_page.set_status("")
        if first is None:
            return
        target = self.pages_in_order.index(first)
        while self.currentId() > target:
            self.back()
        self._refresh_pages()
        first.focus_field(first_field)

    # --- closing -------------------------------------------------------------------------------------

    def reject(self) -> None:
        if self.busy:  # the case is being saved: wait for the outcome rather than leave it unknown
            return
        if self.edits.edited and not confirm_discard(self, ["the new case you started"]):
            return
        super().reject()

    def done(self, result: int) -> None:
        if self.busy:
            return
        super().done(result)
        if not self.isVisible():
            for task_id in self._tasks:
                self.session.runner.cancel_callbacks(task_id)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(900, 640)


__all__ = ["NewCaseWizard", "WizardData", "load_wizard_data"]
