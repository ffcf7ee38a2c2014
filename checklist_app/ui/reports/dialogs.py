"""The two report dialogs: what to report on, then Generate (on the worker, with progress and Cancel),
then the preview. Refusals and bad input are shown in the dialog in words; nothing is written."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from checklist_app.core.calendar import LOCAL_TZ
from checklist_app.core.intelligence import PROTECTIVE_MARKINGS
from checklist_app.core.permissions import Action, Scope, scope_for
from checklist_app.reports.generate import casework_report, compliance_report
from checklist_app.reports.settings import BadMarking, protective_marking
from checklist_app.services import report_data
from checklist_app.services.errors import InvalidInput
from checklist_app.ui.errors import explain
from checklist_app.ui.reports.job import PREVIEW_DESTINATION, ReportJob, ReportOutput, Work
from checklist_app.ui.session import AppSession


def in_words(exc: BaseException) -> str:
    if isinstance(exc, InvalidInput):
        return " ".join(p.message if not p.label else str(p) for p in exc.problems)
    return explain(exc).message


def _set_message(label: QLabel, text: str, error: bool = True) -> None:
    label.setText(text)
    label.setVisible(bool(text))
    label.setProperty("error", error)
    label.style().unpolish(label)
    label.style().polish(label)


class ReportDialog(QDialog):
    """The parts both dialogs share: marking, message, progress, Generate and Cancel."""

    def __init__(self, session: AppSession, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # a new one each time the menu is used
        self.setMinimumWidth(520)
        self.output: ReportOutput | None = None
        self.preview: QWidget | None = None
        layout = QVBoxLayout(self)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        self.marking = QComboBox()
        self.marking.addItems(PROTECTIVE_MARKINGS)
        try:
            self.marking.setCurrentText(protective_marking())
        except BadMarking:  # a mistyped force setting: the default stands and the user sees what is chosen
            self.marking.setCurrentText("OFFICIAL-SENSITIVE")
        self.marking.setToolTip("Printed at the top and bottom of every page")
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.status = QLabel()
        self.status.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.generate_button = self.buttons.addButton("&Generate", QDialogButtonBox.ButtonRole.AcceptRole)
        self.generate_button.setDefault(True)
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.generate)
        self.buttons.rejected.connect(self._cancel_pressed)
        self._tail = layout
        self.job = ReportJob(session, self)
        self.job.progressed.connect(self._progressed)
        self.job.done.connect(self._done)
        self.job.failed.connect(self._failed)
        self.job.cancelled.connect(self._cancelled)

    def _finish_layout(self) -> None:
        self.form.addRow("Protective &marking:", self.marking)
        for widget in (self.message, self.status, self.progress, self.buttons):
            self._tail.addWidget(widget)

    # --- running -------------------------------------------------------------------------------------

    def generate(self) -> None:
        raise NotImplementedError  # each dialog gathers its own choices

    def _start(self, kind: str, title: str, name: str, work: Work, csv: bool = False) -> None:
        _set_message(self.message, "")
        self._running(True)
        self.job.start(self, kind, title, name, work, csv)

    def _running(self, running: bool) -> None:
        for i in range(self.form.rowCount()):
            item = self.form.itemAt(i, QFormLayout.ItemRole.FieldRole)
            if item is not None and item.widget() is not None:
                item.widget().setEnabled(not running)
        self.generate_button.setEnabled(not running)
        self.progress.setVisible(running)
        self.status.setVisible(running)
        self.progress.setValue(0)
        self.status.setText("Starting…" if running else "")

    def _progressed(self, percent: int, text: str) -> None:
        self.progress.setValue(percent)
        self.status.setText(text + "…")

    def _cancel_pressed(self) -> None:
        if self.job.running:
            self.job.cancel()
            self.status.setText("Stopping…")
            self.cancel_button.setEnabled(False)
        else:
            self.reject()

    def _done(self, output: ReportOutput) -> None:
        self._running(False)
        self.output = output
        from checklist_app.ui.reports.preview import ReportPreview

        try:
            self.preview = ReportPreview(self.session, output, self.parentWidget())
        except Exception as exc:  # the file cannot be shown (PDFium refused it): say so, leave nothing behind
            shutil.rmtree(output.folder, ignore_errors=True)
            _set_message(self.message, f"The report was made but cannot be shown, so it was discarded. {in_words(exc)}")
            return
        self.preview.show()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._running(False)
        self.cancel_button.setEnabled(True)
        _set_message(self.message, in_words(exc))

    def _cancelled(self) -> None:
        self._running(False)
        self.cancel_button.setEnabled(True)
        _set_message(self.message, "Cancelled: no report was written and nothing was recorded.", error=False)

    def reject(self) -> None:
        if self.job.running:  # Escape or the window's close button while generating: stop it first
            self._cancel_pressed()
            return
        super().reject()


class CaseworkReportDialog(ReportDialog):
    """Everything done on one case against the procedure, for audit."""

    def __init__(self, session: AppSession, parent: QWidget | None = None, reference: str = "") -> None:
        super().__init__(session, "Casework audit report", parent)
        self.reference = QLineEdit(reference)
        self.reference.setPlaceholderText("e.g. CSE-SHE-2026-00012")
        self.reference.setToolTip("The case reference, as shown in the case list")
        self.form.addRow("Case &reference:", self.reference)
        self._finish_layout()
        self.reference.setFocus()

    def generate(self) -> None:
        reference = self.reference.text().strip().upper()
        if not reference:
            _set_message(self.message, "Enter the reference of the case to report on.")
            self.reference.setFocus()
            return
        ctx, actor, marking = self.session.ctx, self.session.actor, self.marking.currentText()

        def work(pdf: Path, cancel, progress, _csv: Path):  # type: ignore[no-untyped-def]
            return casework_report(
                ctx, actor, reference, pdf, marking=marking, cancel=cancel, progress=progress,
                record_as=PREVIEW_DESTINATION,
            )  # fmt: skip

        self._start("casework", f"Casework audit report: {reference}", f"casework-report-{reference}.pdf", work)


PRESETS = ("Last month", "Last three months", "Last twelve months", "This year to date", "Chosen dates")


def preset_period(name: str, today: date) -> tuple[date, date]:
    """Whole calendar months ending with the last complete one, or the year so far."""
    first_of_month = today.replace(day=1)
    last_complete = first_of_month - timedelta(days=1)
    months = {"Last month": 1, "Last three months": 3, "Last twelve months": 12}.get(name)
    if months is None:
        return today.replace(month=1, day=1), today
    year, month = last_complete.year, last_complete.month - months + 1
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1), last_complete


class ComplianceReportDialog(ReportDialog):
    """Compliance by district and month over a period, the districts side by side."""

    def __init__(self, session: AppSession, parent: QWidget | None = None) -> None:
        super().__init__(session, "Compliance report", parent)
        self.today = session.now().astimezone(LOCAL_TZ).date()
        self.preset = QComboBox()
        self.preset.addItems(PRESETS)
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.dateChanged.connect(self._dates_edited)
        self.preset.currentTextChanged.connect(self._apply_preset)
        self.form.addRow("&Period:", self.preset)
        self.form.addRow("&From:", self.start)
        self.form.addRow("&To (inclusive):", self.end)
        self.district_box = QWidget()
        self.district_row = QHBoxLayout(self.district_box)
        self.district_row.setContentsMargins(0, 0, 0, 0)
        self.district_row.addWidget(QLabel("Loading…"))
        self.districts: list[QCheckBox] = []
        self.form.addRow("Districts:", self.district_box)
        self.csv_note = QLabel("The tables behind the figures can be exported as CSV from the preview.")
        self.csv_note.setWordWrap(True)
        self.csv_note.setObjectName("hint")
        self._finish_layout()
        self._tail.insertWidget(1, self.csv_note)
        self._applying = False
        self._apply_preset(PRESETS[0])
        self.generate_button.setEnabled(False)  # until the districts are known
        # Not `run`: the list of districts is not a use case of the signed-in user (no actor).
        session.call(self, lambda: report_data.district_ids_by_name(session.ctx, []), self._districts_loaded)

    def _apply_preset(self, name: str) -> None:
        if name == PRESETS[-1]:
            return
        start, end = preset_period(name, self.today)
        self._applying = True
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.end.setDate(QDate(end.year, end.month, end.day))
        self._applying = False

    def _dates_edited(self) -> None:
        if not self._applying:
            self.preset.setCurrentText(PRESETS[-1])

    def _districts_loaded(self, rows: tuple[tuple[int, str], ...]) -> None:
        while self.district_row.count():
            item = self.district_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        own_only = scope_for(self.session.actor.role, Action.REPORT_COMPLIANCE) is Scope.DISTRICT
        for district_id, name in rows:
            box = QCheckBox(name)
            box.setChecked(not own_only or district_id == self.session.actor.district_id)
            if own_only and district_id != self.session.actor.district_id:
                box.setEnabled(False)
                box.setToolTip("Supervisors report on their own district only")
            self.district_row.addWidget(box)
            self.districts.append(box)
        self.district_row.addStretch(1)
        self.generate_button.setEnabled(bool(rows))
        if not rows:
            _set_message(self.message, "There are no districts in the database, so there is nothing to report.")

    def chosen_districts(self) -> list[str]:
        return [box.text() for box in self.districts if box.isChecked() and box.isEnabled()]

    def generate(self) -> None:
        start, end = self.start.date().toPython(), self.end.date().toPython()
        districts = self.chosen_districts()
        if not districts:
            _set_message(self.message, "Tick at least one district to report on.")
            return
        if end < start:
            _set_message(self.message, f"The period ends ({end:%d %B %Y}) before it starts ({start:%d %B %Y}).")
            self.end.setFocus()
            return
        ctx, actor, marking = self.session.ctx, self.session.actor, self.marking.currentText()

        def work(pdf: Path, cancel, progress, csv_dir: Path):  # type: ignore[no-untyped-def]
            return compliance_report(
                ctx, actor, start, end, districts, pdf, marking=marking, csv_dir=csv_dir, cancel=cancel,
                progress=progress, record_as=PREVIEW_DESTINATION,
            )  # fmt: skip

        names = ", ".join(districts) if len(districts) < len(self.districts) else "all districts"
        title = f"Compliance report: {start:%d %b %Y} to {end:%d %b %Y}, {names}"
        self._start("compliance", title, f"compliance-report-{start}-to-{end}.pdf", work, csv=True)
