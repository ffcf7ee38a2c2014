"""Small dialogs: a required reason, preferences, password change, and first-run set-up."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from checklist_app.services import accounts
from checklist_app.services.context import ServiceContext, system_actor
from checklist_app.services.errors import AuthenticationFailed
from checklist_app.ui.errors import explain
from checklist_app.ui.forms import load_into
from checklist_app.ui.preferences import Preferences
from checklist_app.ui.progress_relay import Cancelled, ProgressRelay
from checklist_app.ui.session import AppSession
from checklist_app.ui.tasks import TaskRunner


def _message(label: QWidget, text: str, error: bool = True) -> None:
    label.setObjectName("message")
    label.setText(text)
    label.setProperty("error", error)
    label.style().unpolish(label)
    label.style().polish(label)


class ReasonDialog(QDialog):
    """Asks for a reason that cannot be blank (not applicable, blocked, reopen, override...)."""

    def __init__(
        self,
        title: str,
        prompt: str,
        parent: QWidget | None = None,
        initial: str = "",
        details: str = "",
        question: str = "",
    ) -> None:
        """`details`, a long text (a list of changes), scrolls in a box of its own under the prompt, and
        `question`, right above the reason box, says what the reason is for: put in the prompt, a long list
        pushed the prompt's top out of the dialog and squeezed the reason box to one line at 150 %."""
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setLayout(QVBoxLayout())
        self.ui = load_into(self, "reason_dialog.ui")
        self.ui.prompt.setText(prompt)
        self.ui.reason.setPlainText(initial)
        line = self.fontMetrics().lineSpacing()
        self.ui.reason.setMinimumHeight(line * 4)
        outer = self.ui.reason.parentWidget().layout()
        self.details: QPlainTextEdit | None = None
        if details:
            self.details = QPlainTextEdit(details)
            self.details.setObjectName("details")
            self.details.setReadOnly(True)
            self.details.setTabChangesFocus(True)
            self.details.setMinimumHeight(line * 6)
            outer.insertWidget(outer.indexOf(self.ui.prompt) + 1, self.details, 1)
            self.ui.reason.setMaximumHeight(line * 6)  # the list takes the room left, not the reason
        self.question: QLabel | None = None
        if question:
            self.question = QLabel(question)
            self.question.setObjectName("question")
            self.question.setWordWrap(True)
            self.question.setBuddy(self.ui.reason)
            outer.insertWidget(outer.indexOf(self.ui.reason), self.question)
        self.ui.buttons.accepted.connect(self._accept)
        self.ui.buttons.rejected.connect(self.reject)
        self.resize(520, 280 if not details else 520)
        self.ui.reason.setFocus()

    @property
    def reason(self) -> str:
        return self.ui.reason.toPlainText().strip()

    def _accept(self) -> None:
        if not self.reason:
            _message(self.ui.message, "A reason is required.")
            self.ui.reason.setFocus()
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, prompt: str, details: str = "", question: str = "") -> str | None:
        dialog = cls(title, prompt, parent, details=details, question=question)
        return dialog.reason if dialog.exec() == QDialog.DialogCode.Accepted else None


class PreferencesDialog(QDialog):
    def __init__(self, prefs: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.setWindowTitle("Preferences")
        self.setLayout(QVBoxLayout())
        self.ui = load_into(self, "preferences.ui")
        self.ui.lockMinutes.setValue(prefs.lock_minutes)
        self.ui.buttons.accepted.connect(self._save)
        self.ui.buttons.rejected.connect(self.reject)

    def _save(self) -> None:
        self.prefs.lock_minutes = self.ui.lockMinutes.value()
        self.accept()


class ChangePasswordDialog(QDialog):
    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Change password")
        self.setLayout(QVBoxLayout())
        self.ui = load_into(self, "change_password.ui")
        self.ui.buttons.accepted.connect(self._save)
        self.ui.buttons.rejected.connect(self.reject)

    def _save(self) -> None:
        old, new = self.ui.oldPassword.text(), self.ui.newPassword.text()
        if new != self.ui.repeatPassword.text():
            _message(self.ui.message, "The new passwords do not match.")
            return
        self.session.run(
            self,
            accounts.change_own_password,
            old,
            new,
            done=lambda _r: self.accept(),
            error=self._refused,
        )

    def _refused(self, exc: BaseException) -> None:
        self.ui.oldPassword.clear()
        self.ui.oldPassword.setFocus()
        if isinstance(exc, AuthenticationFailed) and exc.locked:
            # Too many wrong current passwords locked the account: trying again cannot succeed.
            self.ui.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        _message(self.ui.message, explain(exc).message)


class FirstRunDialog(QDialog):
    """Shown when the database has no users: create the first administrator, or load demo data."""

    def __init__(self, ctx: ServiceContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.demo_loaded = False
        self.created_username = ""
        self.setWindowTitle("Set up: CSE Investigation and Intelligence")
        self.setLayout(QVBoxLayout())
        self.ui = load_into(self, "first_run.ui")
        self.ui.title.setObjectName("title")
        self.ui.createAdminButton.clicked.connect(self.create_admin)
        self.ui.loadDemoButton.clicked.connect(self.load_demo)
        self.ui.buttons.rejected.connect(self._cancel_pressed)
        self._demo_running = False
        self.relay = ProgressRelay(self)
        self.relay.changed.connect(self._demo_progress)
        hint = self.sizeHint()
        self.resize(max(620, hint.width()), max(560, hint.height()))

    def _busy(self, busy: bool, text: str = "") -> None:
        for widget in (self.ui.adminGroup, self.ui.demoGroup):
            widget.setEnabled(not busy)
        self.ui.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)
        _message(self.ui.message, text, error=False)

    def create_admin(self) -> None:
        username, name = self.ui.username.text().strip(), self.ui.displayName.text().strip()
        password = self.ui.password.text()
        if password != self.ui.repeatPassword.text():
            _message(self.ui.message, "The passwords do not match.")
            return
        self._busy(True, "Creating the administrator…")
        self.runner.run(
            lambda: accounts.create_user(
                self.ctx,
                system_actor(),
                username=username,
                display_name=name or username,
                role="administrator",
                password=password,
            ),
            self._admin_created,
            self._failed,
        )

    def _admin_created(self, user: object) -> None:
        self.created_username = getattr(user, "username", "")
        self.accept()

    def load_demo(self) -> None:
        from checklist_app.demo.generator import generate

        count = self.ui.demoCases.value()
        self._busy(True, f"Generating {count} synthetic cases… this takes a few seconds per hundred cases.")
        self.ui.progress.setVisible(True)
        self.ui.progress.setRange(0, 0)  # preparing the staff and the plans: no count yet
        relay = self.relay
        relay.start()
        self._demo_running = True
        # Cancel stays available: it stops after the batch being written, which stays consistent.
        self.ui.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(True)
        self.runner.run(
            lambda: generate(self.ctx, system_actor(), cases=count, seed=2016, progress=relay.report),
            self._demo_done,
            self._demo_failed,
        )

    def _cancel_pressed(self) -> None:
        if self._demo_running:
            self.relay.cancel()
            self.ui.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(False)
            _message(self.ui.message, "Stopping after the cases being written…", error=False)
        elif self.demo_loaded:
            self.accept()  # cases were written before the stop: go on to log on
        else:
            self.reject()

    def _demo_progress(self, text: str, _done: int, _total: int) -> None:
        found = re.search(r"(\d+)/(\d+) cases", text)
        if found:
            done, total = int(found.group(1)), int(found.group(2))
            self.ui.progress.setRange(0, total)
            self.ui.progress.setValue(done)
            self.ui.progress.setFormat(f"{done:,} of {total:,} cases written")

    def _demo_done(self, _report: object) -> None:
        self._demo_running = False
        self.relay.stop()
        self.demo_loaded = True
        self.created_username = "investigator"
        self.ui.progress.setVisible(False)
        self.accept()

    def _demo_failed(self, exc: BaseException) -> None:
        self._demo_running = False
        self.relay.stop()
        if not isinstance(exc, Cancelled):
            self._failed(exc)
            return
        written = self.ui.progress.value() if self.ui.progress.maximum() > 0 else 0
        self.ui.progress.setVisible(False)
        self._busy(False)
        self.ui.adminGroup.setEnabled(False)
        self.ui.demoGroup.setEnabled(False)
        if written > 0:
            self.demo_loaded, self.created_username = True, "investigator"
            self.ui.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Continue to log-on")
            text = f"Stopped: {written:,} cases were written and kept (the audit chain is intact). Continue to log on."
        else:
            text = "Stopped before any case was written. Close this window and start again."
        _message(self.ui.message, text, error=False)

    def _failed(self, exc: BaseException) -> None:
        self.ui.progress.setVisible(False)
        self._busy(False)
        _message(self.ui.message, explain(exc).message)
