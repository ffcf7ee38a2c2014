"""One report generated on the worker thread into a private folder, with progress and Cancel.

The file goes to a folder only this user can read (mkdtemp makes it 0700); the preview shows it from
there, Save copies it out, and closing the preview deletes the folder. A cancelled or failed report
leaves nothing behind: the generator removes its partial file and this removes the folder.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Signal

from checklist_app.reports.generate import ReportResult
from checklist_app.reports.layout import CancelToken, ReportCancelled
from checklist_app.ui.progress_relay import Cancelled, ProgressRelay
from checklist_app.ui.session import AppSession

# What the disclosure entry says about where the generated report went; saving and printing are
# recorded separately when they happen.
PREVIEW_DESTINATION = "preview in the app"

# (pdf path, cancel token, progress callback (percent, text), csv folder) -> the generator's result
Work = Callable[[Path, CancelToken, Callable[[int, str], None], Path], ReportResult]


@dataclass(frozen=True)
class ReportOutput:
    kind: str  # "casework" or "compliance"
    title: str  # for the preview window: the report and its case or period
    suggested_name: str  # file name offered by Save
    folder: Path  # private folder holding the PDF (and CSV tables); deleted when the preview closes
    pdf: Path
    csv_dir: Path | None
    result: ReportResult


class ReportJob(QObject):
    """Runs one report; `progressed(percent, text)`, then exactly one of `done(output)`, `failed(exc)` or
    `cancelled()`, all on the GUI thread."""

    progressed = Signal(int, str)
    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()

    def __init__(self, session: AppSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.relay = ProgressRelay(self)
        self.relay.changed.connect(lambda text, percent, _total: self.progressed.emit(percent, text))
        self.running = False
        self._token = CancelToken()

    def start(self, owner: object, kind: str, title: str, suggested_name: str, work: Work, csv: bool) -> None:
        folder = Path(tempfile.mkdtemp(prefix="checklist-report-"))
        pdf = folder / suggested_name
        csv_dir = folder / "csv" if csv else None
        if csv_dir is not None:
            csv_dir.mkdir(mode=0o700)
        self._token = token = CancelToken()
        relay = self.relay
        relay.start()
        self.running = True

        def progress(percent: int, text: str) -> None:  # on the worker thread
            relay.report(text, percent, 100)

        def run() -> ReportResult:
            try:
                return work(pdf, token, progress, csv_dir or folder)
            except BaseException:  # also when the session ended, which never reaches went_wrong
                shutil.rmtree(folder, ignore_errors=True)
                raise

        def finished(result: ReportResult) -> None:
            if not shiboken6.isValid(self):  # the dialog went (log off) while the report was made
                shutil.rmtree(folder, ignore_errors=True)
                return
            self._stop()
            self.done.emit(ReportOutput(kind, title, suggested_name, folder, pdf, csv_dir, result))

        def went_wrong(exc: BaseException) -> None:
            shutil.rmtree(folder, ignore_errors=True)
            if not shiboken6.isValid(self):
                return
            self._stop()
            if isinstance(exc, ReportCancelled | Cancelled):
                self.cancelled.emit()
            else:
                self.failed.emit(exc)

        # Not `run`: the job cleans up its temporary folder even when the dialog has gone, which `run` would skip.
        self.session.call(owner, run, finished, went_wrong)  # type: ignore[arg-type]

    def cancel(self) -> None:
        """Stops at the next page or table laid out; the partial file is deleted and nothing is recorded."""
        self._token.cancel()
        self.relay.cancel()

    def _stop(self) -> None:
        self.running = False
        self.relay.stop()
