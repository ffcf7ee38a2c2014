"""The lock screen: hides case content until the signed-in user re-enters their password.

A lock is not a log-off: open cases and unsaved form contents stay as they were underneath. Failed unlock
attempts count towards the account lockout; when the account locks, the session ends. Log off chosen here
(`log_off_chosen`) asks first when work would be lost; a lockout (`log_off_requested`) cannot wait."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget

from checklist_app.services import account_admin, accounts
from checklist_app.ui.forms import load_into
from checklist_app.ui.session import AppSession


class LockScreen(QWidget):
    unlocked = Signal()
    log_off_chosen = Signal()  # the Log off button: the window asks about unsaved work first
    log_off_requested = Signal()  # the account locked: the session ends now

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("lockScreenHost")
        self.ui = load_into(self, "lock_screen.ui")
        self.ui.root.setObjectName("lockScreen")
        self.ui.lockedUser.setText(
            f"Locked by {session.actor.display_name} ({session.actor.username}). "
            "Enter your password to continue, or log off."
        )
        self.ui.unlockButton.clicked.connect(self.attempt)
        self.ui.password.returnPressed.connect(self.attempt)
        self.ui.logOffButton.clicked.connect(self.log_off_chosen)
        self.ui.password.installEventFilter(self)

    # Editing keys a password field needs; any other Ctrl or Alt combination (Ctrl+1, Alt+F: the app's
    # shortcuts, off while locked) must not type its letter into the password.
    _EDITING = frozenset({Qt.Key.Key_A, Qt.Key.Key_V, Qt.Key.Key_Z, Qt.Key.Key_Backspace, Qt.Key.Key_Delete})

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.ui.password and event.type() in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            assert isinstance(event, QKeyEvent)
            modifiers = event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
            )
            if modifiers and not (
                modifiers == Qt.KeyboardModifier.ControlModifier and Qt.Key(event.key()) in self._EDITING
            ):
                event.accept()
                return True
        return super().eventFilter(watched, event)

    def prepare(self) -> None:
        self.ui.password.clear()
        self._message("")
        self.ui.password.setFocus()

    def _message(self, text: str, error: bool = True) -> None:
        self.ui.message.setText(text)
        self.ui.message.setProperty("error", error)
        self.ui.message.style().polish(self.ui.message)

    def attempt(self) -> None:
        password = self.ui.password.text()
        if not password:
            self._message("Enter your password.")
            return
        self.ui.unlockButton.setEnabled(False)
        self.session.run(
            self, accounts.verify_password, password, purpose="unlock", done=self._checked, error=self._failed
        )

    def _checked(self, ok: bool) -> None:
        self.ui.unlockButton.setEnabled(True)
        self.ui.password.clear()
        if ok:
            self.unlocked.emit()
            return
        self.session.run(self, account_admin.attempts_left, done=self._after_failure)

    def _after_failure(self, left: int) -> None:
        if left <= 0:
            self._message("Too many failed attempts: the account is now locked. An administrator must unlock it.")
            self.log_off_requested.emit()
        else:
            self._message(
                f"That password is not right. {left} more failed attempt{'s' if left != 1 else ''} "
                "will lock the account."
            )

    def _failed(self, exc: BaseException) -> None:
        self.ui.unlockButton.setEnabled(True)
        self._message(str(exc))
