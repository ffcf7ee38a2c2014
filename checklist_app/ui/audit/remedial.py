"""Remedial actions raised on the signed-in user by casework audits: see them, and complete them with a note."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from checklist_app.services import remedial
from checklist_app.services.audit_dto import RemedialView
from checklist_app.ui.audit.desk import fill, table
from checklist_app.ui.session import AppSession


class RemedialActionsPage(QWidget):
    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("RemedialActions")
        self.session = session
        self.rows: list[RemedialView] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Remedial actions from casework audits</b> (yours, still to do; oldest due first)"))
        self.table = table(["Case", "Action", "Priority", "Due", "Raised by", "State"])
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
        session = self.session
        session.call(self, lambda: remedial.list_remedial_actions(session.ctx, session.actor), self._show)

    def _show(self, rows: list[RemedialView]) -> None:
        self.rows = rows
        fill(
            self.table,
            [
                [
                    a.case_reference,
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

    def complete(self) -> None:
        items = self.table.selectedItems()
        if not items:
            self.problem.setText("Choose an action in the list first.")
            return
        action_id = int(self.table.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole))
        session, note = self.session, self.note.text()

        def done(_view: RemedialView) -> None:
            self.note.clear()
            self.problem.clear()
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.problem.setText(str(exc))

        session.call(
            self, lambda: remedial.complete_remedial_action(session.ctx, session.actor, action_id, note), done, failed
        )
