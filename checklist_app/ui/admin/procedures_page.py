"""Procedure versions: what is published, what changed between two versions, and publishing a new file
once it has passed validation (as `checklist-app sop validate|publish|diff|list`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPlainTextEdit, QTableWidgetItem, QVBoxLayout, QWidget

from checklist_app.core import wording
from checklist_app.core.procedure.diff import diff_procedures
from checklist_app.core.procedure.loader import SopValidationError, load_procedure_text, read_procedure_file
from checklist_app.core.procedure.model import Procedure
from checklist_app.services import procedures
from checklist_app.services.context import ServiceContext
from checklist_app.services.dto import ProcedureVersionInfo, PublishResult
from checklist_app.services.errors import NotFound
from checklist_app.ui.admin.widgets import KEY_ROLE, button, button_row, failure_text, message_label, say, table
from checklist_app.ui.empty_state import empty_hint

COLUMNS = ("Procedure", "Version", "Title", "Effective", "Phases", "Steps", "Published", "By", "Content hash")
FILE_FILTER = "Procedure files (*.yaml *.yml);;All files (*)"


@dataclass(frozen=True)
class CheckedFile:
    path: Path
    text: str
    procedure: Procedure
    previous: str  # label of the latest published version of the same procedure, or ""
    changes: list[str]


def check_file(ctx: ServiceContext, path: Path) -> CheckedFile:
    """Read and validate a procedure file and compare it with the latest published version (worker thread)."""
    text = read_procedure_file(path)  # bounded, ordinary files only: a pipe or /dev/zero must not hang the worker
    procedure = load_procedure_text(text, str(path))
    try:
        latest = procedures.current_procedure(ctx, procedure.id)
    except NotFound:
        return CheckedFile(path, text, procedure, "", [])
    return CheckedFile(path, text, procedure, latest.label, diff_procedures(latest, procedure).lines())


def compare(ctx: ServiceContext, old: ProcedureVersionInfo, new: ProcedureVersionInfo) -> list[str]:
    before = procedures.load_published(ctx, old.procedure_id, old.version)
    after = procedures.load_published(ctx, new.procedure_id, new.version)
    return diff_procedures(before, after).lines()


class ProceduresPage(QWidget):
    def __init__(self, session, parent: QWidget | None = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.session = session
        self.versions: list[ProcedureVersionInfo] = []
        layout = QVBoxLayout(self)
        self.publish_button = button("&Publish a file…", "Validate a procedure file and publish it", primary=True)
        self.compare_button = button(
            "&Compare", "What changed: two selected versions, or the selected one and the version before it"
        )
        layout.addLayout(button_row(self.publish_button, self.compare_button))
        self.table = table(COLUMNS, multi=True)
        empty_hint(self.table, "No procedure versions yet. Publish a file… validates and publishes one.")
        layout.addWidget(self.table, 2)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setFont(QFont("monospace"))
        self.details.setPlaceholderText("Changes between versions and validation results appear here.")
        layout.addWidget(self.details, 3)
        self.message = message_label()
        layout.addWidget(self.message)
        self.publish_button.clicked.connect(self.choose_file)
        self.compare_button.clicked.connect(self.compare_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def refresh(self) -> None:
        ctx = self.session.ctx
        # Not `run`: the published versions are not a use case of the signed-in user (no actor).
        self.session.call(self, lambda: procedures.list_versions(ctx), self._show)

    def _show(self, versions: list[ProcedureVersionInfo]) -> None:
        self.versions = versions
        self.table.setRowCount(len(versions))
        for row, v in enumerate(versions):
            values = (
                v.procedure_id,
                v.version,
                v.title,
                v.effective_date.strftime("%d/%m/%Y"),
                str(v.phases),
                str(v.steps),
                wording.when(v.published_at),
                v.published_by,
                v.content_hash[:16] + "…",
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(KEY_ROLE, v.id)
                if column == 8:
                    item.setToolTip(v.content_hash)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected(self) -> list[ProcedureVersionInfo]:
        ids = {self.table.item(index.row(), 0).data(KEY_ROLE) for index in self.table.selectionModel().selectedRows()}
        return [v for v in self.versions if v.id in ids]

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.compare_button.setEnabled(len(chosen) == 2 or (len(chosen) == 1 and self._before(chosen[0]) is not None))

    def _before(self, version: ProcedureVersionInfo) -> ProcedureVersionInfo | None:
        earlier = [v for v in self.versions if v.procedure_id == version.procedure_id and v.id < version.id]
        return earlier[-1] if earlier else None

    def compare_selected(self) -> None:
        chosen = sorted(self.selected(), key=lambda v: v.id)
        if len(chosen) == 1:
            before = self._before(chosen[0])
            if before is None:
                return
            chosen = [before, chosen[0]]
        if len(chosen) != 2:
            return
        old, new = chosen
        ctx = self.session.ctx
        # Not `run`: comparing two versions is not a use case of the signed-in user (no actor).
        self.session.call(
            self,
            lambda: compare(ctx, old, new),
            lambda lines: self.details.setPlainText(
                f"--- {old.label}\n+++ {new.label}\n" + ("\n".join(lines) if lines else "no differences")
            ),
            lambda exc: say(self.message, failure_text(exc), error=True),
        )

    # --- publishing ----------------------------------------------------------------------------------

    def choose_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Choose a procedure file to publish", str(Path.home()), FILE_FILTER
        )
        if chosen:
            self.check_and_publish(Path(chosen))

    def check_and_publish(self, path: Path) -> None:
        say(self.message, f"Checking {path.name}…")
        ctx = self.session.ctx
        # Not `run`: checking a file before publishing is not a use case of the signed-in user (no actor).
        self.session.call(self, lambda: check_file(ctx, path), self._checked, self._invalid)

    def _invalid(self, exc: BaseException) -> None:
        if isinstance(exc, SopValidationError):
            self.details.setPlainText("\n".join(str(p) for p in exc.problems))
            say(
                self.message,
                f"The file has {len(exc.problems)} problem(s) (listed above); nothing was published.",
                error=True,
            )
        else:
            say(self.message, failure_text(exc), error=True)

    def _checked(self, checked: CheckedFile) -> None:
        p = checked.procedure
        summary = f"{checked.path.name}: OK {p.label}, {len(p.phases)} phases, {len(p.steps)} steps"
        if checked.previous:
            changes = "\n".join(checked.changes) if checked.changes else "no differences"
            self.details.setPlainText(
                f"{summary}\n\nChanges from {checked.previous}:\n--- {checked.previous}\n+++ {p.label}\n{changes}"
            )
        else:
            self.details.setPlainText(f"{summary}\n\nThe first published version of {p.id}.")
        say(self.message, f"{checked.path.name} is valid.")
        answer = QMessageBox.question(
            self,
            "Publish procedure",
            f"Publish {p.label} ({p.title}), effective {p.effective_date:%d/%m/%Y}?\n\n"
            "A published version cannot be changed. New cases will follow it; open cases stay on their version "
            "until a supervisor moves them.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            say(self.message, "Not published.")
            return
        self.session.run(
            self,
            procedures.publish,
            checked.text,
            str(checked.path),
            done=self._published,
            error=lambda exc: say(self.message, failure_text(exc), error=True),
        )

    def _published(self, result: PublishResult) -> None:
        info = result.version
        if result.created:
            say(self.message, f"Published {info.label}: {info.phases} phases, {info.steps} steps.")
        else:
            say(self.message, f"{info.label} is already published with this content; nothing changed.")
        self.refresh()
