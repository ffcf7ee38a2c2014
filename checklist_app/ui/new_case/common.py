"""Shared pieces of the new-case wizard: its data, constants, small widget helpers and fact inputs."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, QTimeZone, SignalInstance
from PySide6.QtGui import QDoubleValidator, QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from checklist_app.core.condition_words import fact_steps
from checklist_app.core.permissions import Actor
from checklist_app.core.procedure.model import Fact, FactSource, FactType, Procedure
from checklist_app.core.readable import readable_procedure
from checklist_app.core.subjects import (
    is_subject_ref,
)
from checklist_app.services import accounts, organisation, procedures
from checklist_app.services.case_opening import NewCase
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import DistrictInfo, UserInfo
from checklist_app.services.errors import FieldProblem

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
        districts=organisation.list_districts(ctx),
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
