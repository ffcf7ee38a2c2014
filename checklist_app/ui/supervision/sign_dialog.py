"""The electronic signature dialog: the signer sees what the signature means and what it is on, with their
printed name and role, and enters their password again.

Two ways to use it:

    dialog = SignDialog(parent, session, "approved for closure", "Case CSE-0001: ...")
    if dialog.exec() == QDialog.DialogCode.Accepted:
        password = dialog.password()

or, so that a wrong password keeps the dialog open with the service's message (attempts left, or locked):

    dialog.sign_with(closure.close_case, case_id, rationale, done=on_done, error=on_error, changed_case=case_id)
    dialog.exec()

`sign_with` runs the signing use case through `session.run`, with the password entered as its `password`;
an AuthenticationFailed leaves the dialog open with the message (the service has already counted the failure
towards lockout). Any other error (the service refused the change itself) closes the dialog and goes to
`error` when given, so the screen that asked can show it where the user can act on it; without `error` it is
shown in the dialog, which stays open. Success closes the dialog and hands the result to `done`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from checklist_app.services.errors import AuthenticationFailed
from checklist_app.ui.errors import explain
from checklist_app.ui.session import AppSession
from checklist_app.ui.widgets.messages import error_label


def role_words(role: str) -> str:
    return str(role).replace("_", " ")


class SignDialog(QDialog):
    def __init__(self, parent: QWidget | None, session: AppSession, meaning: str, content_summary: str) -> None:
        super().__init__(parent)
        self.setObjectName("SignDialog")
        self.setWindowTitle("Sign")
        self.session = session
        self.meaning = str(meaning)
        self._password = ""
        self._call: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any], int | None] | None = None
        self._on_done: Callable[[Any], None] | None = None
        self._on_error: Callable[[BaseException], None] | None = None
        self.result_value: Any = None
        self.busy = False

        layout = QVBoxLayout(self)
        intro = QLabel(
            "You are signing electronically. Your signature records your printed name, role, the date and time "
            "and its meaning, and is bound to the content below: a later change to that content marks it "
            "superseded."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.meaning_label = QLabel(f"<b>{self.meaning.capitalize()}</b>")
        self.meaning_label.setObjectName("meaning")
        form.addRow("Meaning:", self.meaning_label)
        actor = session.actor
        self.signer_label = QLabel(f"{actor.display_name} ({role_words(actor.role)})")
        self.signer_label.setObjectName("signer")
        form.addRow("Signed by:", self.signer_label)
        layout.addLayout(form)

        layout.addWidget(QLabel("What you are signing:"))
        self.summary = QPlainTextEdit(content_summary)
        self.summary.setObjectName("summary")
        self.summary.setReadOnly(True)
        self.summary.setMinimumHeight(90)
        layout.addWidget(self.summary, 1)

        password_form = QFormLayout()
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        password_form.addRow("&Password:", self.password_edit)
        layout.addLayout(password_form)

        self.message = error_label(selectable=True)
        layout.addWidget(self.message)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.sign_button = self.buttons.addButton("&Sign", QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setObjectName("sign")
        self.buttons.accepted.connect(self._sign)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, 420)
        self.password_edit.setFocus()

    def password(self) -> str:
        """The password entered, once the dialog was accepted (empty before)."""
        return self._password

    def sign_with(
        self,
        use_case: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], None] | None = None,
        error: Callable[[BaseException], None] | None = None,
        changed_case: int | None = None,
        **kwargs: Any,
    ) -> None:
        """Have Sign run `use_case(ctx, actor, *args, password=..., **kwargs)` through `session.run` (which
        announces `changed_case` once signed); a wrong password keeps the dialog open."""
        self._call = (use_case, args, kwargs, changed_case)
        self._on_done = done
        self._on_error = error

    def show_message(self, text: str) -> None:
        self.message.setText(text)

    def _sign(self) -> None:
        if self.busy:
            return
        password = self.password_edit.text()
        if not password:
            self.show_message("Enter your password to sign.")
            self.password_edit.setFocus()
            return
        if self._call is None:
            self._password = password
            self.accept()
            return
        use_case, args, kwargs, changed_case = self._call
        self.busy = True
        self.sign_button.setEnabled(False)
        self.show_message("")
        self.session.run(
            self,
            use_case,
            *args,
            password=password,
            done=self._signed,
            error=self._failed,
            changed_case=changed_case,
            **kwargs,
        )

    def _signed(self, result: Any) -> None:
        self.busy = False
        self.result_value = result
        self.password_edit.clear()
        self.accept()
        if self._on_done is not None:
            self._on_done(result)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.sign_button.setEnabled(True)
        self.password_edit.clear()
        self.password_edit.setFocus()
        if not isinstance(exc, AuthenticationFailed) and self._on_error is not None:
            self.reject()
            self._on_error(exc)
            return
        if isinstance(exc, AuthenticationFailed) and exc.locked:
            self.sign_button.setEnabled(False)
        self.show_message(explain(exc).message)
