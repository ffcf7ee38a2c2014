"""The database: verify the audit chain and every record (with progress and Cancel), back up to a chosen
file (checked before it is kept), and the chain head to write down outside the database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core.permissions import Action
from checklist_app.services import admin
from checklist_app.ui.admin.accept_change_dialog import AcceptChangeDialog
from checklist_app.ui.admin.widgets import button, button_row, failure_text, message_label, say
from checklist_app.ui.progress_relay import Cancelled, ProgressRelay
from checklist_app.ui.session import AppSession

BACKUP_FILTER = "Checklist databases (*.db);;All files (*)"
_STAGES = {"database file": "the database file", "audit chain": "the audit chain", "done": "finished"}


class DatabasePage(QWidget):
    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.relay = ProgressRelay(self)
        self.relay.changed.connect(self._progress)
        layout = QVBoxLayout(self)
        where = QLabel(f"Database: {session.ctx.db.describe()}")
        where.setWordWrap(True)
        where.setProperty("role", "hint")
        layout.addWidget(where)

        head_box = QGroupBox("Chain head: write it down outside the database")
        head_layout = QVBoxLayout(head_box)
        explain = QLabel(
            "Anyone who can write to the database could rebuild the audit chain. Keep the head below somewhere "
            "they cannot reach (a notebook, an e-mail to a supervisor); `checklist-app verify --anchor` later "
            "proves that every entry up to it is unchanged."
        )
        explain.setWordWrap(True)
        head_layout.addWidget(explain)
        row = QHBoxLayout()
        self.head = QLineEdit()
        self.head.setReadOnly(True)
        self.head.setFont(QFont("monospace"))
        self.copy_button = button("C&opy", "Copy the chain head as SEQ:HASH")
        row.addWidget(self.head, 1)
        row.addWidget(self.copy_button)
        head_layout.addLayout(row)
        layout.addWidget(head_box)

        verify_box = QGroupBox("Verify")
        verify_layout = QVBoxLayout(verify_box)
        self.verify_button = button(
            "&Verify the database", "Check the audit chain and every audited record", primary=True
        )
        self.cancel_button = button("Cancel", "Stop verifying")
        self.cancel_button.setEnabled(False)
        verify_layout.addLayout(button_row(self.verify_button, self.cancel_button))
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        verify_layout.addWidget(self.progress)
        self.result = QPlainTextEdit()
        self.result.setReadOnly(True)
        self.result.setPlaceholderText("Verification results appear here.")
        self.result.setMinimumHeight(4 * self.fontMetrics().lineSpacing())  # fits a 1280x720 (150 %) screen
        verify_layout.addWidget(self.result, 1)
        layout.addWidget(verify_box, 1)

        backup_box = QGroupBox("Back up")
        backup_layout = QVBoxLayout(backup_box)
        self.backup_button = button("&Back up to a file…", "Copy the database to a file and check the copy")
        self.backup_button.setEnabled(session.may(Action.SYSTEM_BACKUP))
        backup_layout.addLayout(button_row(self.backup_button))
        layout.addWidget(backup_box)

        accept_box = QGroupBox("Outside changes")
        accept_layout = QVBoxLayout(accept_box)
        self.accept_button = button(
            "&Accept an outside change…",
            "Accept an account or case that was changed outside the app, once the change is investigated",
        )
        self.accept_button.setEnabled(session.may(Action.RECORD_ACCEPT_CHANGE))
        accept_layout.addLayout(button_row(self.accept_button))
        layout.addWidget(accept_box)
        self.message = message_label()
        layout.addWidget(self.message)

        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.head.text()))
        self.verify_button.clicked.connect(self.verify)
        self.cancel_button.clicked.connect(self.cancel)
        self.backup_button.clicked.connect(self.choose_backup)
        self.accept_button.clicked.connect(self.accept_change)

    def refresh(self) -> None:
        self.session.run(self, admin.chain_head, done=lambda h: self.head.setText(h.anchor))

    # --- verify --------------------------------------------------------------------------------------

    def verify(self) -> None:
        relay = self.relay
        self.verify_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.result.setPlainText("Verifying…")
        relay.start()
        self.session.run(self, admin.verify, progress=relay.report, done=self._verified, error=self._verify_failed)

    def cancel(self) -> None:
        self.relay.cancel()
        self.cancel_button.setEnabled(False)
        say(self.message, "Stopping…")

    def _progress(self, stage: str, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.progress.setFormat(f"Checking {_STAGES.get(stage, stage)}: %p%")

    def _finished(self) -> None:
        self.relay.stop()
        self.verify_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)

    def _verified(self, report: admin.VerifyReport) -> None:
        self._finished()
        anchor = f"{report.head_seq}:{report.head_hash}"
        if report.ok:
            self.result.setPlainText(
                f"OK: {report.entries:,} audit entries and {report.records_checked:,} records checked; nothing has "
                f"been changed outside the application{' unless noted below' if report.notices else ''}.\n"
                f"Chain head: {anchor}"
            )
            say(self.message, "The database verified.")
        else:
            problems = "\n".join(str(p) for p in report.problems)
            self.result.setPlainText(
                f"FAILED: {len(report.problems)} problem(s); {report.entries:,} audit entries checked.\n\n{problems}"
            )
        if report.notices:
            # Not failures, but kept in view: superseded signatures, outside changes an administrator accepted.
            notes = "\n".join(f"note: {n}" for n in report.notices)
            self.result.appendPlainText(f"\nNotes (not failures):\n{notes}")
        if not report.ok:
            say(
                self.message,
                "The database did not verify: see the problems listed. Keep a copy for investigation.",
                error=True,
            )
        self.head.setText(anchor)

    def _verify_failed(self, exc: BaseException) -> None:
        self._finished()
        if isinstance(exc, Cancelled):
            self.result.setPlainText("Verification was cancelled before it finished: nothing was concluded.")
            say(self.message, "Cancelled.")
            return
        self.result.setPlainText("")
        say(self.message, failure_text(exc), error=True)

    # --- outside changes --------------------------------------------------------------------------------

    def accept_change(self) -> None:
        dialog = AcceptChangeDialog(self.session, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.accepted_change is not None:
            accepted = dialog.accepted_change
            say(
                self.message,
                f"Accepted the outside change to {accepted.label} as audit entry {accepted.entry_seq}; verify will "
                "note it from now on.",
            )
            self.refresh()

    # --- backup --------------------------------------------------------------------------------------

    def choose_backup(self) -> None:
        suggested = str(Path.home() / f"checklist-backup-{self.session.now():%Y%m%d-%H%M}.db")
        # The file dialog has already asked before replacing an existing file.
        chosen, _ = QFileDialog.getSaveFileName(self, "Back up the database to", suggested, BACKUP_FILTER)
        if chosen:
            self.backup(Path(chosen), overwrite=True)

    def backup(self, target: Path, *, overwrite: bool = False) -> None:
        self.backup_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress.setFormat("Backing up and checking the copy…")
        say(self.message, f"Backing up to {target} and checking the copy…")
        self.session.run(
            self, admin.backup, target, overwrite=overwrite, done=self._backed_up, error=self._backup_failed
        )

    def _backed_up(self, report: admin.BackupReport) -> None:
        self.backup_button.setEnabled(True)
        self.progress.setVisible(False)
        say(
            self.message,
            f"Backup written to {report.target} ({report.size:,} bytes) and checked: {report.entries:,} audit "
            f"entries, chain head {report.head_hash[:16]}…",
        )
        self.refresh()

    def _backup_failed(self, exc: BaseException) -> None:
        self.backup_button.setEnabled(True)
        self.progress.setVisible(False)
        say(self.message, failure_text(exc), error=True)
