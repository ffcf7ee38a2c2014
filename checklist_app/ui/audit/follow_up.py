"""Follow-up of a signed audit's remedial actions on the audit form: what each owner recorded and what the
follow-up found (done or not done, by whom, when, the note), and, for an auditor, recording the follow-up
through `remedial.follow_up_remedial_action`."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from checklist_app.core.permissions import Action
from checklist_app.services import remedial
from checklist_app.services.audit_dto import AuditForm, RemedialView
from checklist_app.ui.session import AppSession


def action_line(a: RemedialView) -> str:
    """One remedial action in words: what, whose, due, what the owner recorded and what the follow-up found."""
    line = f"<b>{a.description}</b> — {a.owner}, {a.priority}, due {a.due_at:%d %b %Y}"
    if a.status == "completed" and a.completed_at is not None:
        line += f"<br>&nbsp;&nbsp;Completed by {a.completed_by} on {a.completed_at:%d %b %Y}: {a.completion_note}"
    else:
        line += "<br>&nbsp;&nbsp;" + ("<b>Overdue</b>" if a.overdue else "Open")
    if a.follow_up and a.followed_up_at is not None:
        found = "done" if a.follow_up == "done" else "<b>not done</b>"
        line += (
            f"<br>&nbsp;&nbsp;Follow-up: {found}, by {a.followed_up_by} on {a.followed_up_at:%d %b %Y}: "
            f"{a.follow_up_note}"
        )
    else:
        line += "<br>&nbsp;&nbsp;Follow-up: not recorded yet"
    return line


class FollowUpBox(QGroupBox):
    """Record whether a remedial action was in fact done. Shown for auditors once the audit is signed."""

    recorded = Signal()

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__("Follow-up", parent)
        self.session = session
        form = QFormLayout(self)
        self.action = QComboBox()
        form.addRow("Acti&on", self.action)
        found = QHBoxLayout()
        self.done = QRadioButton("Done")
        self.not_done = QRadioButton("Not done")
        self.done.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.done)
        group.addButton(self.not_done)
        found.addWidget(self.done)
        found.addWidget(self.not_done)
        found.addStretch(1)
        form.addRow("Found", found)
        self.note = QLineEdit()
        self.note.setPlaceholderText("What the follow-up found")
        form.addRow("No&te", self.note)
        self.record_button = QPushButton("Record &follow-up")
        self.record_button.clicked.connect(self.record)
        form.addRow(self.record_button)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        form.addRow(self.problem)

    def show_form(self, form: AuditForm) -> None:
        """Visible only to someone who may follow actions up, on a signed audit that has actions."""
        self.setVisible(form.signed and bool(form.remedial_actions) and self.session.may(Action.REMEDIAL_FOLLOW_UP))
        chosen = self.action.currentData()
        self.action.clear()
        for a in form.remedial_actions:
            state = f"followed up: {a.follow_up.replace('_', ' ')}" if a.follow_up else "to follow up"
            self.action.addItem(f"{a.description[:60]} ({a.owner}; {state})", a.id)
        if chosen is not None and self.action.findData(chosen) >= 0:
            self.action.setCurrentIndex(self.action.findData(chosen))
        else:
            first_open = next((i for i, a in enumerate(form.remedial_actions) if not a.follow_up), 0)
            self.action.setCurrentIndex(first_open)

    def record(self) -> None:
        action_id = self.action.currentData()
        if action_id is None:
            self.problem.setText("Action: choose the remedial action you followed up.")
            return
        session, done, note = self.session, self.done.isChecked(), self.note.text()

        def recorded(_view: RemedialView) -> None:
            if shiboken6.isValid(self):
                self.note.clear()
                self.problem.clear()
                self.recorded.emit()

        # Not `run`: the service's own `done` argument (the action is done) would clash with run's callback.
        session.call(
            self,
            lambda: remedial.follow_up_remedial_action(session.ctx, session.actor, action_id, done=done, note=note),
            recorded,
            lambda exc: self.problem.setText(str(exc)) if shiboken6.isValid(self) else None,
        )
