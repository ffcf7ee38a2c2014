"""Choosing one's own password straight after logging on with a one-time password an administrator set.

Nothing else can be done first: cancelling returns to the log-on dialog. The one-time password the user has
just typed is passed in as the current password, so they only type the new one (twice).
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from checklist_app.core.permissions import Actor
from checklist_app.services import accounts
from checklist_app.services.context import ServiceContext
from checklist_app.ui.admin.widgets import failure_text, say
from checklist_app.ui.forms import load_into
from checklist_app.ui.tasks import TaskRunner


class ChooseOwnPasswordDialog(QDialog):
    def __init__(
        self, ctx: ServiceContext, runner: TaskRunner, actor: Actor, one_time: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.actor, self._one_time = ctx, runner, actor, one_time
        self.setWindowTitle("Choose your own password")
        self.setLayout(QVBoxLayout())
        self.ui = load_into(self, "change_password.ui")
        self.ui.oldLabel.setVisible(False)
        self.ui.oldPassword.setVisible(False)
        say(
            self.ui.message,
            f"{actor.display_name}, you logged on with a one-time password. Choose your own now: at least 8 "
            "characters, not a common password, not containing your user name.",
        )
        self.ui.buttons.accepted.connect(self._save)
        self.ui.buttons.rejected.connect(self.reject)
        self.resize(max(480, self.sizeHint().width()), self.sizeHint().height())
        self.ui.newPassword.setFocus()

    def _save(self) -> None:
        new = self.ui.newPassword.text()
        if new != self.ui.repeatPassword.text():
            say(self.ui.message, "The two passwords do not match.", error=True)
            return
        self.ui.buttons.setEnabled(False)
        ctx, actor, old = self.ctx, self.actor, self._one_time
        self.runner.run(lambda: accounts.change_own_password(ctx, actor, old, new), self._saved, self._refused)

    def _saved(self, _result: object) -> None:
        self._one_time = ""
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.ui.buttons.setEnabled(True)
        self.ui.newPassword.clear()
        self.ui.repeatPassword.clear()
        self.ui.newPassword.setFocus()
        say(self.ui.message, failure_text(exc), error=True)
