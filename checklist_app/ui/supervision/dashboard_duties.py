"""Team duties on the dashboard (the SOP's `team_duties`: workload check, quarterly checks, problem-profile
themes): each with its period and whether the team (or, for a district duty, the district) has recorded it,
and a small form built from the duty's evidence fields to record it once for the period. The intelligence
officer's District duties page shows the same panel for the district's duties."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.core.procedure.model import TeamDuty
from checklist_app.services import district_duties, team_duties
from checklist_app.services.dto import EvidenceFieldView
from checklist_app.services.errors import InvalidInput
from checklist_app.services.team_duties import TeamDutyStatus
from checklist_app.ui.discard import AsksBeforeDiscard, EditWatch
from checklist_app.ui.errors import explain
from checklist_app.ui.session import AppSession
from checklist_app.ui.steps.evidence_form import EvidenceForm, describe_value
from checklist_app.ui.widgets.messages import error_label

DONE = QColor("#14532d")
DUE = QColor("#6b4500")
MUTED = QColor("#5b6878")


def fields_of(duty: TeamDuty) -> tuple[EvidenceFieldView, ...]:
    return tuple(EvidenceFieldView(f.id, f.label, f.type.value, f.required, f.choices, f.help) for f in duty.evidence)


def period_words(status: TeamDutyStatus) -> str:
    return status.period


def role_words(role: str) -> str:
    return wording.ROLE_LABELS.get(role, role.replace("_", " ")).lower()


class DutiesPanel(QGroupBox):
    """`recorded()` after a duty was recorded."""

    recorded = Signal()

    def __init__(
        self, session: AppSession, parent: QWidget | None = None, title: str = "Team duties this period"
    ) -> None:
        super().__init__(title, parent)
        self.setObjectName("teamDuties")
        self.session = session
        self.statuses: list[TeamDutyStatus] = []
        self.procedure_id = ""
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("dutyTable")
        self.table.setHorizontalHeaderLabels(["Duty", "Period", "Status"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_button)
        self.table.itemActivated.connect(lambda _item: self.record_selected())
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.record_button = QPushButton("&Record duty…")
        self.record_button.setObjectName("recordDuty")
        self.record_button.setEnabled(False)
        self.record_button.clicked.connect(self.record_selected)
        row.addWidget(self.record_button)
        self.note = QLabel()
        self.note.setProperty("role", "hint")
        self.note.setWordWrap(True)
        row.addWidget(self.note, 1)
        layout.addLayout(row)

    def show_duties(self, statuses: list[TeamDutyStatus], procedure_id: str) -> None:
        selected = self.selected()
        self.statuses, self.procedure_id = list(statuses), procedure_id
        table = self.table
        table.setRowCount(len(statuses))
        own_role = self.session.actor.role.value
        for row, status in enumerate(statuses):
            duty = status.duty
            if status.done:
                text = f"Recorded {wording.day(status.recorded_at)} by {status.recorded_by or 'unknown'}"
                colour = DONE
            elif duty.owner_role.value != own_role:
                text = f"For the {role_words(duty.owner_role.value)}"
                colour = MUTED
            else:
                text = "Due: not yet recorded"
                colour = DUE
            title = f"{duty.title} (district duty)" if duty.level == "district" else duty.title
            cells = [title, period_words(status), text]
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(f"{duty.title} ({duty.period}). {duty.purpose}".strip())
                if column == 2:
                    item.setForeground(QBrush(colour))
                    if status.done:
                        item.setToolTip(evidence_words(status))
                table.setItem(row, column, item)
        if not statuses:
            table.setRowCount(1)
            table.setItem(0, 0, QTableWidgetItem("The procedure sets no team duties"))
        if selected is not None:
            for row, status in enumerate(statuses):
                if status.duty.id == selected.duty.id:
                    table.selectRow(row)
        self._update_button()

    def selected(self) -> TeamDutyStatus | None:
        row = self.table.currentRow()
        rows = {i.row() for i in self.table.selectedItems()}
        if row in rows and 0 <= row < len(self.statuses):
            return self.statuses[row]
        return None

    def _update_button(self) -> None:
        status = self.selected()
        own_role = self.session.actor.role.value
        if status is None:
            self.record_button.setEnabled(False)
            self.note.setText("Select a duty to record it for this period.")
        elif status.done:
            self.record_button.setEnabled(False)
            self.note.setText(f"Recorded for {status.period}: once per period.")
        elif status.duty.owner_role.value != own_role:
            self.record_button.setEnabled(False)
            self.note.setText(f"Recorded by the {role_words(status.duty.owner_role.value)}, not by you.")
        else:
            self.record_button.setEnabled(True)
            self.note.setText(f"Record it once for {status.period}.")

    def record_selected(self) -> None:
        status = self.selected()
        if status is None or not self.record_button.isEnabled():
            return
        dialog = RecordDutyDialog(self.session, status, self.procedure_id, self)
        dialog.recorded.connect(self.recorded)
        dialog.exec()
        dialog.deleteLater()


class RecordDutyDialog(AsksBeforeDiscard, QDialog):
    recorded = Signal()

    def __init__(
        self, session: AppSession, status: TeamDutyStatus, procedure_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("RecordDutyDialog")
        duty = status.duty
        self.setWindowTitle(f"Record: {duty.title}")
        self.session = session
        self.edits = EditWatch(self)  # evidence typed is not lost without asking
        self.duty = duty
        self.procedure_id = procedure_id
        layout = QVBoxLayout(self)
        title = QLabel(f"{duty.title}, for {status.period}")
        title.setProperty("role", "heading")
        title.setWordWrap(True)
        layout.addWidget(title)
        guidance = QLabel(duty.guidance)
        guidance.setWordWrap(True)
        guidance.setProperty("role", "hint")
        layout.addWidget(guidance)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        self.form = EvidenceForm(session.now, body)
        self.form.build(fields_of(duty), {})
        body_layout.addWidget(self.form)
        note_label = QLabel("Note (optional)")
        note_label.setProperty("role", "field")
        body_layout.addWidget(note_label)
        self.note = QPlainTextEdit()
        self.note.setObjectName("dutyNote")
        self.note.setFixedHeight(70)
        note_label.setBuddy(self.note)
        body_layout.addWidget(self.note)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        layout.addWidget(scroll, 1)
        self.message = error_label()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("&Record", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(600, 560)
        first = self.form.first_focus_widget()
        if first is not None:
            first.setFocus()

    def save(self) -> None:
        missing = self.form.missing_required()
        if missing:
            self.form.mark_invalid({f.id for f in missing})
            self.message.setText("Nothing was recorded. Required: " + ", ".join(f.label for f in missing) + ".")
            return
        self.form.clear_invalid()
        values, note = self.form.values(), self.note.toPlainText()
        self.save_button.setEnabled(False)
        recorder = (
            district_duties.record_district_duty if self.duty.level == "district" else team_duties.record_team_duty
        )
        self.session.run(
            self,
            recorder,
            self.duty.id,
            values,
            note,
            self.procedure_id,
            done=self._saved,
            error=self._failed,
        )

    def _saved(self, _status: TeamDutyStatus) -> None:
        self.accept()
        self.recorded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, InvalidInput):
            self.form.mark_invalid({p.field for p in exc.problems})
        self.message.setText(explain(exc).message)


def evidence_words(status: TeamDutyStatus) -> str:
    """What was recorded, in words (for the tooltip of a recorded duty)."""
    by_id = {f.id: f for f in fields_of(status.duty)}
    parts = [f"{by_id[k].label}: {describe_value(by_id[k], v)}" for k, v in status.evidence.items() if k in by_id]
    if status.note:
        parts.append(f"Note: {status.note}")
    return "\n".join(parts)
