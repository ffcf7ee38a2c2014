"""Remedial actions from casework audits: the signed-in user's own (a page beside the case list), or one case's
open ones (on the case workspace, see case_remedial.py); the owner completes them with a note."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from checklist_app.services import remedial
from checklist_app.services.audit_dto import RemedialView
from checklist_app.ui.audit.tables import fill, table
from checklist_app.ui.empty_state import empty_hint
from checklist_app.ui.session import AppSession


class RemedialActionsPage(QWidget):
    shown = Signal(int)  # how many actions are listed, after each load

    def __init__(self, session: AppSession, parent: QWidget | None = None, case_id: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RemedialActions")
        self.session = session
        self.case_id = case_id
        self.rows: list[RemedialView] = []
        layout = QVBoxLayout(self)
        if case_id is None:
            heading = "<b>Remedial actions from casework audits</b> (yours, still to do; oldest due first)"
        else:
            layout.setContentsMargins(0, 0, 0, 0)
            heading = "Open actions on this case from casework audits; their owner completes them here."
        layout.addWidget(QLabel(heading))
        self.table = table(["Case" if case_id is None else "Owner", "Action", "Priority", "Due", "Raised by", "State"])
        empty_hint(
            self.table,
            "No remedial actions for you to do. Actions an auditor raises for you come here to complete with a note."
            if case_id is None
            else "No open remedial actions on this case.",
        )
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.note = QLineEdit()
        self.note.setPlaceholderText("What was done")
        self.complete_button = QPushButton("&Complete")
        self.complete_button.clicked.connect(self.complete)
        row.addWidget(QLabel("&Note"))
        row.itemAt(0).widget().setBuddy(self.note)  # type: ignore[union-attr]
        row.addWidget(self.note, 1)
        row.addWidget(self.complete_button)
        layout.addLayout(row)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet("color: #b00020")
        layout.addWidget(self.problem)

    def refresh(self) -> None:
        if self.case_id is None:
            self.session.run(self, remedial.list_remedial_actions, done=self._show)
        else:
            self.session.run(
                self,
                remedial.case_remedial_actions,
                self.case_id,
                done=self._show,
                error=lambda exc: self.problem.setText(str(exc)),
            )

    def show_rows(self, rows: list[RemedialView]) -> None:
        self._show(rows)

    def _show(self, rows: list[RemedialView]) -> None:
        self.rows = rows
        fill(
            self.table,
            [
                [
                    a.case_reference if self.case_id is None else a.owner,
                    a.description,
                    a.priority,
                    f"{a.due_at:%d %b %Y %H:%M} UTC",
                    a.raised_by,
                    "overdue" if a.overdue else "open",
                ]
                for a in rows
            ],
            [a.id for a in rows],
        )
        for r, a in enumerate(rows):
            if a.overdue:
                for c in range(self.table.columnCount()):
                    self.table.item(r, c).setForeground(Qt.GlobalColor.red)
        self.shown.emit(len(rows))

    def complete(self) -> None:
        items = self.table.selectedItems()
        if not items:
            self.problem.setText("Choose an action in the list first.")
            return
        action_id = int(self.table.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole))
        note = self.note.text()

        def done(_view: RemedialView) -> None:
            self.note.clear()
            self.problem.clear()
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.problem.setText(str(exc))

        self.session.run(self, remedial.complete_remedial_action, action_id, note, done=done, error=failed)
