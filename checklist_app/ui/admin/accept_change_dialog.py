"""Accepting an account or a case changed outside the app, once the change is investigated: the user name
or case reference, a reason naming the investigation, and the administrator's own password. The service
decides (services/outside_change.py); its refusals are shown here and the dialog stays open."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from checklist_app.services.outside_change import MIN_REASON, AcceptedChange, accept_outside_change
from checklist_app.ui.admin.widgets import failure_text, message_label, say
from checklist_app.ui.session import AppSession
from checklist_app.ui.widgets.looks import fit_bold


class AcceptChangeDialog(QDialog):
    """`self.accepted_change` holds what was accepted once the dialog is accepted."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.accepted_change: AcceptedChange | None = None
        self.setWindowTitle("Accept an outside change")
        layout = QVBoxLayout(self)
        explain = QLabel(
            "Only once the change has been investigated. The record is accepted as it now stands: the audit "
            "log keeps your name, the time and your reason, and verify will note the acceptance for good. It "
            "does not show what was changed or by whom."
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItem("Account (user name)", "users")
        self.kind.addItem("Case (reference)", "cases")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. dc.rowan, or a case reference")
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText(f"At least {MIN_REASON} characters, naming the investigation")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(5 * self.fontMetrics().lineSpacing())
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Record", self.kind)
        form.addRow("&Name", self.name)
        form.addRow("Re&ason", self.reason)
        form.addRow("Your &password", self.password)
        layout.addLayout(form)
        self.message = message_label()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Accept the change")
        fit_bold(ok)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(max(560, self.sizeHint().width()), self.sizeHint().height())

    def save(self) -> None:
        self.buttons.setEnabled(False)
        say(self.message, "Checking…")
        self.session.run(
            self,
            accept_outside_change,
            self.kind.currentData(),
            self.name.text(),
            self.reason.toPlainText(),
            password=self.password.text(),
            done=self._saved,
            error=self._refused,
        )

    def _saved(self, accepted: AcceptedChange) -> None:
        self.accepted_change = accepted
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.password.clear()
        say(self.message, failure_text(exc), error=True)
