"""Log-on: the banner must be acknowledged before credentials can be entered."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from checklist_app.core.permissions import Actor
from checklist_app.services import account_admin, accounts
from checklist_app.services.context import ServiceContext
from checklist_app.services.errors import AuthenticationFailed
from checklist_app.ui.errors import explain
from checklist_app.ui.forms import load_into
from checklist_app.ui.icons import app_icon
from checklist_app.ui.preferences import Preferences
from checklist_app.ui.tasks import TaskRunner


class LoginDialog(QDialog):
    """Accepts with `self.actor` set once the services accept the credentials."""

    def __init__(
        self, ctx: ServiceContext, runner: TaskRunner, prefs: Preferences, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.prefs = ctx, runner, prefs
        self.actor: Actor | None = None
        self.setWindowTitle("Log on: CSE Investigation and Intelligence")
        self.setWindowIcon(app_icon())
        self.setObjectName("LoginDialog")
        self.setLayout(QVBoxLayout())
        self.ui = load_into(self, "login.ui")
        self.ui.databaseLabel.setText(f"Database: {ctx.db.describe()}")
        self.ui.databaseLabel.setToolTip(ctx.db.describe())
        self.ui.message.setObjectName("message")
        self.ui.acknowledge.toggled.connect(self._acknowledged)
        self.ui.username.textChanged.connect(self._update_button)
        self.ui.password.textChanged.connect(self._update_button)
        self.ui.logOnButton.clicked.connect(self.attempt)
        self.ui.password.returnPressed.connect(self.attempt)
        self.ui.quitButton.clicked.connect(self.reject)
        self.ui.username.setText(prefs.last_username)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.reject)
        self._fit(600)
        # The password hasher's library loads on the worker while the user reads the banner and types, not
        # before this screen shows nor after they press Log on; if it cannot load, the log-on says so.
        runner.run(accounts.load_hasher, None, lambda _exc: None)

    def _fit(self, width: int) -> None:
        """As tall as the banner and fields need at `width` (the text wraps), with room for a two-line message
        below the fields, rather than a fixed height that leaves a gap above the buttons."""
        self.ensurePolished()  # the stylesheet's fonts (the large title) count
        layout = self.layout()
        needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
        self.resize(width, needed + 2 * self.fontMetrics().lineSpacing())

    def _acknowledged(self, checked: bool) -> None:
        self.ui.username.setEnabled(checked)
        self.ui.password.setEnabled(checked)
        if checked:
            (self.ui.password if self.ui.username.text() else self.ui.username).setFocus()
        self._update_button()

    def _update_button(self) -> None:
        ready = (
            self.ui.acknowledge.isChecked() and bool(self.ui.username.text().strip()) and bool(self.ui.password.text())
        )
        self.ui.logOnButton.setEnabled(ready)

    def show_message(self, text: str, *, error: bool = True) -> None:
        self.ui.message.setText(text)
        self.ui.message.setProperty("error", error)
        self.ui.message.style().unpolish(self.ui.message)
        self.ui.message.style().polish(self.ui.message)
        QTimer.singleShot(0, self, self._grow_to_fit)  # after the layout has taken the new text's height

    def _grow_to_fit(self) -> None:
        """A message longer than the two lines `_fit` left room for would squeeze the conditions box and cut
        off its last lines (the notice the user has just accepted): grow the dialog instead, within the screen."""
        layout = self.layout()
        if not layout.hasHeightForWidth():
            return
        needed = layout.totalHeightForWidth(self.width())
        screen = self.screen()
        limit = screen.availableGeometry().height() if screen is not None else needed
        if needed > self.height():
            self.resize(self.width(), min(needed, limit))

    def attempt(self) -> None:
        if not self.ui.logOnButton.isEnabled():
            return
        username, password = self.ui.username.text().strip(), self.ui.password.text()
        self.ui.logOnButton.setEnabled(False)
        self.show_message("Checking…", error=False)
        ctx = self.ctx

        def work() -> tuple[Actor, bool]:
            actor = accounts.log_on(ctx, username, password)
            return actor, account_admin.password_change_required(ctx, actor)

        self.runner.run(work, lambda result: self._accepted(*result, password), self._refused)

    def _accepted(self, actor: Actor, must_change: bool = False, one_time: str = "") -> None:
        if must_change:
            from checklist_app.ui.own_password import ChooseOwnPasswordDialog

            chooser = ChooseOwnPasswordDialog(self.ctx, self.runner, actor, one_time, self)
            if chooser.exec() != QDialog.DialogCode.Accepted:
                self.ui.password.clear()
                self.show_message("You must choose your own password before you can work. Log on again to do so.")
                self._update_button()
                return
        self.actor = actor
        self.prefs.last_username = actor.username
        self.ui.password.clear()
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.ui.password.clear()
        self.ui.password.setFocus()
        if isinstance(exc, AuthenticationFailed):
            self.show_message(str(exc))
        else:
            self.show_message(explain(exc).message)
        self._update_button()
