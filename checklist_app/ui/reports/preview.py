"""The report preview: the PDF's pages in a scroll area, with page up/down and zoom, and Save PDF…, Print…
and (compliance) Export CSV…. Each copy that leaves the app is recorded as a disclosure.

Pages are rendered only when near the visible part and dropped when far from it: a 40-page report at
150 % would otherwise hold hundreds of megabytes of pixels.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QPixmap, QResizeEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from checklist_app.services import report_data
from checklist_app.ui.icons import app_icon
from checklist_app.ui.reports.dialogs import in_words
from checklist_app.ui.reports.files import copy_atomically, why_not_writable, with_pdf_suffix
from checklist_app.ui.reports.job import ReportOutput
from checklist_app.ui.reports.render import PdfPages, print_pages
from checklist_app.ui.session import AppSession
from checklist_app.ui.widgets.actions import add_action

ZOOMS = ("Fit width", "50 %", "75 %", "100 %", "125 %", "150 %", "200 %")
PAGE_GAP = 14


class ReportPreview(QMainWindow):
    def __init__(self, session: AppSession, output: ReportOutput, parent: QWidget | None = None) -> None:
        pages = PdfPages(output.pdf)  # first: a file PDFium refuses leaves no half-made window behind
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("ReportPreview")
        self.setWindowIcon(app_icon())
        self.session = session
        self.output = output
        self.setWindowTitle(f"{output.title} ({output.result.report_id})")
        self.pages = pages
        self.rendered: set[int] = set()
        self._closed = False
        self._page = 0  # the page being read: kept across zoom and window size changes
        self._laying_out = False

        self.scroll = QScrollArea()
        self.scroll.setObjectName("reportPages")
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll.setStyleSheet("QScrollArea#reportPages > QWidget > QWidget { background: #5f6368; }")
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setSpacing(PAGE_GAP)
        column.setContentsMargins(PAGE_GAP, PAGE_GAP, PAGE_GAP, PAGE_GAP)
        self.page_labels: list[QLabel] = []
        for index in range(len(self.pages)):
            label = QLabel()
            label.setObjectName("reportPage")
            label.setStyleSheet("background: white;")
            label.setAccessibleName(f"Page {index + 1} of {len(self.pages)}")
            column.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(label)
        column.addStretch(1)
        self.scroll.setWidget(holder)
        self.setCentralWidget(self.scroll)
        self.scroll.verticalScrollBar().valueChanged.connect(self._scrolled)

        self._build_toolbar()
        self.statusBar().showMessage(
            f"{output.result.pages} pages · report {output.result.report_id} · audit chain head "
            f"{output.result.chain_head[:24]}… · not saved yet"
        )
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(60)
        self._relayout.timeout.connect(self._lay_out_pages)
        screen = QGuiApplication.primaryScreen().availableGeometry()
        self.resize(min(1100, int(screen.width() * 0.8)), int(screen.height() * 0.9))
        self._lay_out_pages()

    # --- toolbar -------------------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar("Report", self)
        bar.setObjectName("reportToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(bar)
        self.prev_action = add_action(self, "Previous page", lambda: self.go_to(self._page - 1), "PgUp", "chevron-up")
        self.next_action = add_action(self, "Next page", lambda: self.go_to(self._page + 1), "PgDown", "chevron-down")
        bar.addAction(self.prev_action)
        bar.addAction(self.next_action)
        self.page_label = QLabel()
        self.page_label.setContentsMargins(8, 0, 12, 0)
        bar.addWidget(self.page_label)
        self.zoom = QComboBox()
        self.zoom.addItems(ZOOMS)
        self.zoom.setToolTip("Zoom (Ctrl++ / Ctrl+-)")
        self.zoom.setAccessibleName("Zoom")
        self.zoom.currentIndexChanged.connect(lambda _i: self._lay_out_pages())
        bar.addWidget(self.zoom)
        add_action(self, "Zoom in", lambda: self._step_zoom(1), QKeySequence.StandardKey.ZoomIn)
        add_action(self, "Zoom out", lambda: self._step_zoom(-1), QKeySequence.StandardKey.ZoomOut)
        bar.addSeparator()
        self.save_action = add_action(self, "&Save PDF…", self.save_pdf, "Ctrl+S", "save")
        self.print_action = add_action(self, "&Print…", self.print_report, "Ctrl+P")
        bar.addAction(self.save_action)
        bar.addAction(self.print_action)
        self.csv_action = add_action(self, "&Export CSV…", self.export_csv, "Ctrl+E")
        self.csv_action.setVisible(self.output.csv_dir is not None)
        if self.output.csv_dir is not None:
            bar.addAction(self.csv_action)
        bar.addSeparator()
        self.close_action = add_action(self, "&Close", self.close, "Ctrl+W")
        bar.addAction(self.close_action)

    # --- pages ---------------------------------------------------------------------------------------

    @property
    def page_count(self) -> int:
        return len(self.page_labels)

    def scale(self) -> float:
        """Logical pixels per PDF point at the chosen zoom."""
        text = self.zoom.currentText()
        if text == ZOOMS[0]:
            widest = max((self.pages.page_size(i)[0] for i in range(self.page_count)), default=595.0)
            room = self.scroll.viewport().width() - 2 * PAGE_GAP - self.scroll.verticalScrollBar().sizeHint().width()
            return max(0.2, room / widest)
        return int(text.split()[0]) / 100 * self.logicalDpiX() / 72.0

    def _step_zoom(self, step: int) -> None:
        index = max(1, self.zoom.currentIndex()) if self.zoom.currentIndex() == 0 and step > 0 else None
        if index is None:
            index = min(len(ZOOMS) - 1, max(1, self.zoom.currentIndex() + step))
        self.zoom.setCurrentIndex(index)

    def _lay_out_pages(self) -> None:
        self._laying_out = True  # until the view is back on the page being read
        scale = self.scale()
        for index, label in enumerate(self.page_labels):
            width, height = self.pages.page_size(index)
            label.setFixedSize(round(width * scale), round(height * scale))
            label.clear()
        self.rendered.clear()
        self.centralWidget().widget().layout().activate()  # the pages' new positions, for go_to
        QTimer.singleShot(0, self._back_to_page)

    def _back_to_page(self) -> None:
        if self._closed:
            return
        self._laying_out = False
        self.go_to(self._page)

    def _visible_span(self) -> tuple[int, int]:
        top = self.scroll.verticalScrollBar().value()
        return top, top + self.scroll.viewport().height()

    def render_visible(self) -> None:
        if self._closed:
            return
        top, bottom = self._visible_span()
        reach = bottom - top  # render one screen ahead and behind, so paging does not flash blank pages
        ratio = self.devicePixelRatioF()
        scale = self.scale()
        for index, label in enumerate(self.page_labels):
            near = label.y() + label.height() >= top - reach and label.y() <= bottom + reach
            if near and index not in self.rendered:
                pixmap = QPixmap.fromImage(self.pages.render(index, scale * ratio))
                pixmap.setDevicePixelRatio(ratio)
                label.setPixmap(pixmap)
                self.rendered.add(index)
            elif not near and index in self.rendered:
                label.clear()
                self.rendered.discard(index)

    def current_page(self) -> int:
        """The page under the top third of the view (0-based)."""
        top, bottom = self._visible_span()
        mark = top + (bottom - top) // 3
        current = 0
        for index, label in enumerate(self.page_labels):
            if label.y() <= mark:
                current = index
        return current

    def go_to(self, index: int) -> None:
        if not self.page_labels:
            return
        index = max(0, min(self.page_count - 1, index))
        self._page = index
        if self._laying_out:
            return  # the pages move when the layout is done; the view follows then
        self._laying_out = True  # the scroll below is ours: the page is the one asked for, even the last
        self.scroll.verticalScrollBar().setValue(max(0, self.page_labels[index].y() - PAGE_GAP))
        self._laying_out = False
        self._show_page()

    def _scrolled(self) -> None:
        if self._laying_out:
            return
        self._page = self.current_page()
        self._show_page()

    def _show_page(self) -> None:
        self.render_visible()
        page = self._page
        self.page_label.setText(f"Page {page + 1} of {self.page_count}")
        self.prev_action.setEnabled(page > 0)
        self.next_action.setEnabled(page < self.page_count - 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.zoom.currentIndex() == 0:
            self._relayout.start()  # fit width follows the window, once the resizing pauses
        else:
            QTimer.singleShot(0, self.render_visible)

    # --- leaving the app: save, print, export ----------------------------------------------------------

    def _record(self, how: str, destination: str, sha256: str = ""):  # type: ignore[no-untyped-def]
        session, stamp, kind = self.session, self.output.result.stamp, self.output.kind
        return lambda: report_data.record_release(
            session.ctx, session.actor, stamp, kind=kind, how=how, destination=destination, sha256=sha256
        )

    def _refused(self, title: str, exc: BaseException) -> None:
        if isinstance(exc, OSError):
            text = f"Nothing was written: {exc.strerror or exc}" + (f" ({exc.filename})" if exc.filename else "")
        else:
            text = in_words(exc)
        QMessageBox.warning(self, title, text)

    def _ask_replace(self, question: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Replace?",
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _start_folder(self) -> Path:
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    def save_pdf(self) -> None:
        suggested = self._start_folder() / self.output.suggested_name
        name, _filter = QFileDialog.getSaveFileName(
            self,
            "Save report as PDF",
            str(suggested),
            "PDF files (*.pdf)",
            options=QFileDialog.Option.DontConfirmOverwrite,  # asked below, for typed names too
        )
        if not name:
            return
        target = with_pdf_suffix(Path(name).expanduser()).absolute()
        problem = f"{target} is a folder." if target.is_dir() else why_not_writable(target.parent)
        if problem:
            QMessageBox.warning(self, "Cannot save there", f"Nothing was written: {problem}")
            return
        if target.exists() and not self._ask_replace(f"The file {target} already exists. Replace it?"):
            return
        record = self._record("saved", str(target), self.output.result.sha256)
        self.save_action.setEnabled(False)
        # Not `run`: copying the files and recording the release is file work plus a record, not one use case.
        self.session.call(
            self,
            lambda: copy_atomically([(self.output.pdf, target)], record),
            lambda _done: self._released(f"Saved to {target}", self.save_action),
            lambda exc: self._release_failed("Could not save the report", exc, self.save_action),
        )

    def export_csv(self) -> None:
        source = self.output.csv_dir
        if source is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self, "Export the report's tables as CSV into…", str(self._start_folder())
        )
        if not folder:
            return
        target_dir = Path(folder).expanduser().absolute()
        problem = why_not_writable(target_dir)
        if problem:
            QMessageBox.warning(self, "Cannot export there", f"Nothing was written: {problem}")
            return
        pairs = [(f, target_dir / f.name) for f in sorted(source.glob("*.csv"))]
        clashes = [t.name for _f, t in pairs if t.exists()]
        if len(clashes) == 1:
            question = f"{clashes[0]} already exists in {target_dir}. Replace it?"
        else:
            shown = ", ".join(clashes[:3]) + (f" and {len(clashes) - 3} more" if len(clashes) > 3 else "")
            question = f"{len(clashes)} of the CSV files already exist in {target_dir} ({shown}). Replace them?"
        if clashes and not self._ask_replace(question):
            return
        record = self._record("csv", str(target_dir))
        self.csv_action.setEnabled(False)
        # Not `run`: copying the files and recording the release is file work plus a record, not one use case.
        self.session.call(
            self,
            lambda: copy_atomically(pairs, record),
            lambda _done: self._released(f"{len(pairs)} CSV tables exported to {target_dir}", self.csv_action),
            lambda exc: self._release_failed("Could not export the tables", exc, self.csv_action),
        )

    def print_report(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.output.suggested_name)
        printer.setFullPage(True)  # the report's own margins, which every printer's unprintable edge fits inside
        printer.setFromTo(1, self.page_count)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.page_count)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        destination = printer.outputFileName() or printer.printerName() or "the default printer"
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            printed = print_pages(self.pages, printer)
        except OSError as exc:
            QGuiApplication.restoreOverrideCursor()
            QMessageBox.warning(self, "Could not print", str(exc))
            return
        QGuiApplication.restoreOverrideCursor()
        self.session.run(
            self,
            report_data.record_release,
            self.output.result.stamp,
            kind=self.output.kind,
            how="printed",
            destination=f"{destination} ({printed} pages)",
            done=lambda _done: self._released(f"{printed} pages sent to {destination}", None),
            error=lambda exc: self._release_failed("Printed, but not recorded", exc, None),
        )

    def _released(self, text: str, action: QAction | None) -> None:
        if action is not None:
            action.setEnabled(True)
        self.statusBar().showMessage(text)

    def _release_failed(self, title: str, exc: BaseException, action: QAction | None) -> None:
        if action is not None:
            action.setEnabled(True)
        self._refused(title, exc)

    # --- closing -------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.discard()
        super().closeEvent(event)

    def discard(self) -> None:
        """Close the PDF and delete the private folder (also when the main window closes on log off)."""
        if self._closed:
            return
        self._closed = True
        for label in self.page_labels:
            label.clear()
        self.pages.close()
        shutil.rmtree(self.output.folder, ignore_errors=True)
