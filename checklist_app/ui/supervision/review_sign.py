"""Signing a supervisory review: the supervisor sees what they are signing and its meaning, and enters
their password again. The signing itself runs on the worker thread through the `sign(password)` callable
the review screen gives; a wrong password leaves the dialog open with the service's message (how many
attempts are left before the account locks) and nothing signed. Any other refusal closes the dialog and
is handed back through `refused(exc)` so the review screen can point at the field concerned."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core import wording
from checklist_app.services.errors import AuthenticationFailed, SessionEnded
from checklist_app.ui.errors import explain
from checklist_app.ui.session import AppSession
from checklist_app.ui.tabs.common import call, esc, fit_bold, set_message


class ReviewSignDialog(QDialog):
    """`signed(result)` after the service signed; `refused(exc)` for refusals other than the password."""

    signed = Signal(object)
    refused = Signal(object)

    def __init__(
        self,
        parent: QWidget | None,
        session: AppSession,
        meaning: str,
        content_summary: str,
        sign: Callable[[str], Any],
    ) -> None:
        super().__init__(parent)
        self.session, self._sign = session, sign
        self.busy = False
        self.setObjectName("reviewSignDialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Sign the supervisory review")
        layout = QVBoxLayout(self)
        actor = session.actor
        role = wording.ROLE_LABELS.get(actor.role.value, actor.role.value)
        intro = QLabel(
            f"<p>You are signing as <b>{esc(actor.display_name)}</b> ({esc(role)}), meaning "
            f"<b>“{esc(meaning)}”</b>.</p><p>{esc(content_summary)}</p>"
            "<p>The signature records your printed name, role, the date and time and its meaning, and is bound "
            "to the review as it stands now: a later change to it marks the signature superseded.</p>"
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(intro)
        form = QFormLayout()
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("signPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Your &password", self.password_edit)
        layout.addLayout(form)
        self.message = QLabel()
        set_message(self.message, "")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Sign")
        self.ok_button.setDefault(True)
        fit_bold(self.ok_button)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)
        self.password_edit.setFocus()

    def password(self) -> str:
        return self.password_edit.text()

    def submit(self) -> None:
        if self.busy:
            return
        password = self.password()
        if not password:
            set_message(self.message, "Enter your password to sign.")
            self.password_edit.setFocus()
            return
        self.busy = True
        self.ok_button.setEnabled(False)
        set_message(self.message, "Signing…", error=False)
        sign = self._sign
        call(self.session, self, lambda: sign(password), self._done, self._failed)

    def _done(self, result: object) -> None:
        self.busy = False
        self.password_edit.clear()
        self.signed.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.ok_button.setEnabled(True)
        self.password_edit.clear()
        if isinstance(exc, AuthenticationFailed) and not isinstance(exc, SessionEnded):
            set_message(self.message, f"Not signed: {explain(exc).message}")
            self.password_edit.setFocus()
            return
        self.refused.emit(exc)
        self.reject()
