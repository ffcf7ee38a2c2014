"""Starting the desktop app: open (or create) the database, first-run set-up, log-on, main window.

Database problems a user can meet are explained and offer a way forward: retry when another program
holds the lock, create a new database, open another one, or restore a backup.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QStyleFactory, QWidget

from checklist_app.services import accounts, opening, witness_check
from checklist_app.services.context import ServiceContext
from checklist_app.services.errors import (
    DatabaseBusy,
    DatabaseMissing,
    DatabaseTooNew,
    DatabaseUnreadable,
    StoreError,
)
from checklist_app.ui import gc_guard, invalid_marks, tab_focus, wheel_guard
from checklist_app.ui.errors import explain, install_excepthook
from checklist_app.ui.icons import app_icon, stylesheet
from checklist_app.ui.login import LoginDialog
from checklist_app.ui.main_window import MainWindow
from checklist_app.ui.preferences import Preferences
from checklist_app.ui.session import AppSession
from checklist_app.ui.tasks import TaskRunner

T = TypeVar("T")
DB_FILTER = "Checklist databases (*.db *.sqlite *.bak);;All files (*)"


def configure(app: QApplication) -> None:
    gc_guard.install(app)
    wheel_guard.install(app)
    tab_focus.install(app)
    invalid_marks.install(app)
    app.setApplicationName("checklist-app")
    app.setOrganizationName("checklist-app")
    app.setApplicationDisplayName("CSE Investigation and Intelligence")
    app.setWindowIcon(app_icon())
    if "Fusion" in QStyleFactory.keys():  # noqa: SIM118 - keys() is a Qt static method, not a dict
        app.setStyle("Fusion")
    app.setStyleSheet(stylesheet())


def wait_for(runner: TaskRunner, work: Callable[[], T], text: str, parent: QWidget | None = None) -> T:
    """Run `work` on the worker thread while a small progress dialog keeps the GUI responsive."""
    loop = QEventLoop()
    outcome: dict[str, Any] = {}
    progress = QProgressDialog(text, "", 0, 0, parent)
    progress.setCancelButton(None)  # type: ignore[arg-type]
    progress.setWindowModality(Qt.WindowModality.ApplicationModal)
    progress.setMinimumDuration(400)
    runner.run(
        work,
        lambda r: (outcome.setdefault("result", r), loop.quit()),
        lambda e: (outcome.setdefault("error", e), loop.quit()),
    )
    loop.exec()
    progress.close()
    if "error" in outcome:
        raise outcome["error"]
    if "result" not in outcome:
        # The loop was ended from outside (the application told to exit while it was starting): the work
        # may still be running, and there is no answer to go on with.
        raise StartUpInterrupted(text)
    return outcome["result"]  # type: ignore[no-any-return]


class StartUpInterrupted(Exception):
    """The application was told to exit while waiting for start-up work; it stops without an error."""


class AppController:
    def __init__(self, location: str | None, runner: TaskRunner | None = None, prefs: Preferences | None = None):
        self.location = location
        self.runner = runner or TaskRunner()
        self.prefs = prefs or Preferences()
        self.ctx: ServiceContext | None = None
        self.window: MainWindow | None = None
        self.login: LoginDialog | None = None
        self.runner.session_ended.connect(self._session_ended)

    # --- database ------------------------------------------------------------------------------------

    def open_database(self) -> bool:
        """Open the database, resolving problems with the user. False when the user gives up."""
        while True:
            try:
                where = opening.locate(self.location)
                if where.missing and not where.is_default and not self._confirm_create(where.file):
                    return False
                self.ctx = wait_for(
                    self.runner, lambda url=where.url: opening.open_or_upgrade(url), "Opening the database…"
                )
                return True
            except DatabaseBusy as exc:
                if not self._ask_retry(str(exc)):
                    return False
            except (DatabaseTooNew, DatabaseUnreadable, DatabaseMissing, StoreError) as exc:
                if not self._recover(exc):
                    return False

    def _confirm_create(self, path: Path | None) -> bool:
        """A named file that does not exist: create it, or choose another. (The built-in default is simply
        created on a first start, without asking.)"""
        answer = QMessageBox.question(
            None,
            "Database not found",
            f"There is no database at\n{path}\n\nCreate a new, empty database there?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            return True
        chosen = self._choose_existing()
        if chosen is None:
            return False
        self.location = chosen
        return Path(chosen).exists()

    def _ask_retry(self, message: str) -> bool:
        answer = QMessageBox.warning(
            None, "Database busy", message, QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel
        )
        return answer == QMessageBox.StandardButton.Retry

    def _recover(self, exc: Exception) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Cannot open the database", str(exc))
        open_other = box.addButton("Open another database…", QMessageBox.ButtonRole.ActionRole)
        restore = box.addButton("Restore a backup…", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is open_other:
            chosen = self._choose_existing()
            if chosen:
                self.location = chosen
                return True
            return False
        if box.clickedButton() is restore:
            return self._restore_backup()
        return False

    def _choose_existing(self) -> str | None:
        chosen, _ = QFileDialog.getOpenFileName(None, "Open a checklist database", str(Path.home()), DB_FILTER)
        return chosen or None

    def _restore_backup(self) -> bool:
        backup, _ = QFileDialog.getOpenFileName(None, "Choose a backup to restore", str(Path.home()), DB_FILTER)
        if not backup:
            return False
        from checklist_app.services import admin  # backup and restore code, needed only here

        try:
            restored = wait_for(
                self.runner,
                lambda: admin.restore_backup(Path(backup), self.location),
                "Checking and restoring the backup…",
            )
        except Exception as exc:  # shown in words; the user can try another backup
            QMessageBox.warning(None, "Backup not restored", explain(exc).message)
            return True
        QMessageBox.information(None, "Backup restored", f"The backup was checked and restored to\n{restored}")
        self.location = str(restored)
        return True

    # --- session -------------------------------------------------------------------------------------

    def start(self) -> bool:
        if not self.open_database():
            return False
        assert self.ctx is not None
        ctx = self.ctx
        self._check_witness(ctx)
        if wait_for(self.runner, lambda: accounts.user_count(ctx), "Checking accounts…") == 0:
            from checklist_app.ui.dialogs import FirstRunDialog  # a new database's first start only

            first_run = FirstRunDialog(ctx, self.runner)
            if not first_run.exec():
                return False
            if first_run.created_username:
                self.prefs.last_username = first_run.created_username
        return self.show_login()

    def _check_witness(self, ctx: ServiceContext) -> None:
        """Every anchor in the witness file against the stored log, and the entries written since the last full
        verify re-hashed (a second or less). A problem is told to the user and work can go on: children's cases
        must stay reachable, and the administrator's full `verify` says exactly what changed."""
        try:
            check = wait_for(self.runner, lambda: witness_check.check_witness(ctx), "Checking the audit log…")
        except Exception as exc:  # a failed check must not stop the app; say so instead
            QMessageBox.warning(None, "Audit log not checked", explain(exc).message)
            return
        if check.ok:
            return
        QMessageBox.warning(
            None,
            "The audit log failed its start-up check",
            "\n\n".join(check.problems)
            + (f"\n\nWitness file: {check.witness_file}" if check.witness_file else "")
            + "\n\nYou can go on working, but tell your administrator now: they should run "
            "`checklist-app verify` on this database, which names every record and entry that changed.",
        )

    def show_login(self) -> bool:
        assert self.ctx is not None
        self.login = LoginDialog(self.ctx, self.runner, self.prefs)
        self.login.accepted.connect(self._logged_on)
        self.login.rejected.connect(self.quit)
        self.login.show()
        return True

    def _logged_on(self) -> None:
        assert self.ctx is not None and self.login is not None and self.login.actor is not None
        session = AppSession(self.ctx, self.login.actor, self.runner, self.prefs)
        self.window = MainWindow(session)
        self.window.log_off_requested.connect(self.log_off)
        self.window.show()

    def log_off(self) -> None:
        if self.window is not None:
            window, self.window = self.window, None
            window.quit_on_close = False
            window.close()
            window.deleteLater()
        QTimer.singleShot(0, self.show_login)

    def _session_ended(self, message: str) -> None:
        if self.window is None:
            return  # several tasks may fail the same way; the first one logs off
        QMessageBox.warning(self.window, "Signed out", message)
        self.log_off()

    def quit(self) -> None:
        QApplication.quit()

    def shutdown(self) -> None:
        self.runner.shutdown()
        if self.ctx is not None:
            self.ctx.close()


def _smoke_report(controller: AppController) -> None:
    """For the installer's smoke test: say whether the log-on screen came up, then quit."""
    login = controller.login
    shown = login is not None and login.isVisible()
    print(f"gui: log-on screen {'shown' if shown else 'NOT shown'}", flush=True)
    QApplication.exit(0 if shown else 1)


def run(location: str | None = None, *, smoke_test: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    configure(app)
    install_excepthook()
    app.setQuitOnLastWindowClosed(False)
    controller = AppController(location)
    try:
        try:
            if not controller.start():
                return 1
        except StartUpInterrupted:
            return 1
        if smoke_test:
            QTimer.singleShot(500, lambda: _smoke_report(controller))
        code = app.exec()
        return int(code)
    finally:
        controller.shutdown()
