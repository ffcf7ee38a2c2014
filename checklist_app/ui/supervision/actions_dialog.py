"""Completing a directed action: its owner (or a supervisor of the team) says what was done. The note is
required; the service refuses a blank one, an action already done, or someone else's action, and the
dialog shows why and keeps what was typed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.services import reviews
from checklist_app.services.reviews import DirectedActionView
from checklist_app.ui.session import AppSession
from checklist_app.ui.widgets.looks import esc, fit_bold
from checklist_app.ui.widgets.messages import set_message, show_failure


class CompleteActionDialog(QDialog):
    """`completed(view)` is emitted once the service has recorded the completion (and the session announces
    `case_changed(changed_case)` when the dialog was given a case)."""

    completed = Signal(object)

    def __init__(self, session: AppSession, action: DirectedActionView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.action = session, action
        self.changed_case: int | None = None
        self.busy = False
        self.setObjectName("completeActionDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Complete a directed action")
        layout = QVBoxLayout(self)
        summary = QLabel(
            f"<p><b>{esc(action.description)}</b></p>"
            f"<p>Directed by {esc(action.directed_by_name)} on {esc(wording.when(action.directed_at))}; "
            f"owner {esc(action.owner_name)}; due {esc(wording.when(action.due_at))}"
            + (" <b style='color:#a4161a'>(overdue)</b>" if action.overdue else "")
            + ".</p>"
        )
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(summary)
        prompt = QLabel("&What was done? The note is kept with the action and shown to the supervisor.")
        prompt.setWordWrap(True)
        self.note = QPlainTextEdit()
        self.note.setObjectName("completionNote")
        self.note.setMinimumHeight(self.note.fontMetrics().lineSpacing() * 5)
        prompt.setBuddy(self.note)
        layout.addWidget(prompt)
        layout.addWidget(self.note, 1)
        self.message = QLabel()
        set_message(self.message, "")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Complete action")
        self.ok_button.setDefault(True)
        fit_bold(self.ok_button)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        self.note.setFocus()

    def submit(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.ok_button.setEnabled(False)
        set_message(self.message, "Saving…", error=False)
        self.session.run(
            self,
            reviews.complete_action,
            self.action.id,
            self.note.toPlainText(),
            done=self._done,
            error=self._failed,
            changed_case=self.changed_case,
        )

    def _done(self, view: DirectedActionView) -> None:
        self.busy = False
        self.completed.emit(view)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.ok_button.setEnabled(True)
        show_failure(self.message, exc, {"note": self.note})
