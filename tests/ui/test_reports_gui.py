"""The Reports menu through real widgets: an auditor generates both reports on the worker thread, previews
their pages, saves the PDF (asked before replacing), exports the CSV tables and prints to a PDF file; each
step is audited as a disclosure. Those whose role does not allow reports see no menu; a supervisor asking
about another district's case is refused in words; Cancel leaves nothing behind."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from sqlalchemy import select
from support import open_case

from checklist_app.reports.generate import CSV_NAMES, ReportResult
from checklist_app.services import report_data
from checklist_app.store.models import AuditEntry
from checklist_app.ui.main_window import MainWindow
from checklist_app.ui.reports import dialogs
from checklist_app.ui.reports.dialogs import CaseworkReportDialog, ComplianceReportDialog
from checklist_app.ui.reports.preview import ReportPreview

pytestmark = pytest.mark.gui


def text_of(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages)


def disclosures(world) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    with world.ctx.db.read() as s:
        rows = s.execute(
            select(AuditEntry.action, AuditEntry.details)
            .where(AuditEntry.operation == "disclosure")
            .order_by(AuditEntry.seq)
        ).all()
    return [(a, d if isinstance(d, dict) else json.loads(d)) for a, d in rows]


@pytest.fixture
def main_window(qtbot, make_session, idle):  # type: ignore[no-untyped-def]
    def make(actor):  # type: ignore[no-untyped-def]
        window = MainWindow(make_session(actor))
        window.quit_on_close = False
        qtbot.addWidget(window)
        window.show()
        idle()
        return window

    return make


def the_dialog(window, kind):  # type: ignore[no-untyped-def]
    (dialog,) = [d for d in window.findChildren(kind) if d.isVisible()]
    return dialog


def generate(qtbot, window, dialog) -> ReportPreview:  # type: ignore[no-untyped-def]
    before = set(window.findChildren(ReportPreview))
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(set(window.findChildren(ReportPreview)) - before), timeout=30000)
    (preview,) = set(window.findChildren(ReportPreview)) - before
    qtbot.waitUntil(lambda: shown(preview, 0))
    return preview


def shown(preview: ReportPreview, index: int) -> bool:
    pixmap = preview.page_labels[index].pixmap()
    return pixmap is not None and not pixmap.isNull()


@pytest.fixture
def answers(monkeypatch):  # type: ignore[no-untyped-def]
    """Replace the file dialogs and the Replace? question; record what was asked."""
    state = {"save": "", "folder": "", "replace": QMessageBox.StandardButton.No, "asked": [], "print_to": ""}
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (state["save"], "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: state["folder"]))

    def question(_parent, _title, text, *_a, **_k):  # type: ignore[no-untyped-def]
        state["asked"].append(text)
        return state["replace"]

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    state["warned"] = warned = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _p, _t, text, *a, **k: warned.append(text)))

    def print_dialog_exec(self):  # type: ignore[no-untyped-def]
        """The user picks a printer: a PDF file through QPrinter, optionally with a page range."""
        printer = self.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(state["print_to"])
        if state.get("print_range"):
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(*state["print_range"])
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", print_dialog_exec)
    return state


def test_auditor_generates_previews_saves_exports_and_prints_a_compliance_report(  # type: ignore[no-untyped-def]
    world, qtbot, main_window, idle, tmp_path, answers
):
    open_case(world)
    window = main_window(world.auditor)
    assert window.reports_menu is not None and window.reports_menu.menuAction().isVisible()
    window.compliance_report_action.trigger()
    dialog = the_dialog(window, ComplianceReportDialog)
    qtbot.waitUntil(lambda: len(dialog.districts) == 4)
    assert [b.text() for b in dialog.districts] == ["Barnsley", "Doncaster", "Rotherham", "Sheffield"]
    assert all(b.isChecked() and b.isEnabled() for b in dialog.districts)
    assert (dialog.start.date().toPython().isoformat(), dialog.end.date().toPython().isoformat()) == (
        "2026-02-01",
        "2026-02-28",
    )  # the last whole month before the clock's 2 March 2026
    dialog.preset.setCurrentText("This year to date")
    assert dialog.start.date().toPython().isoformat() == "2026-01-01"
    dialog.marking.setCurrentText("OFFICIAL")
    preview = generate(qtbot, window, dialog)
    pdf = preview.output.pdf
    assert preview.output.folder.stat().st_mode & 0o077 == 0  # the preview file is the user's alone
    pages = len(PdfReader(str(pdf)).pages)
    assert preview.page_count == pages == preview.output.result.pages >= 2
    assert preview.page_label.text() == f"Page 1 of {pages}"
    preview.next_action.trigger()
    assert preview.page_label.text() == f"Page 2 of {pages}"
    preview.zoom.setCurrentText("150 %")
    qtbot.waitUntil(lambda: shown(preview, 1))
    assert preview.page_label.text() == f"Page 2 of {pages}"  # zoom keeps the page
    preview.zoom.setCurrentText("50 %")
    qtbot.waitUntil(lambda: shown(preview, 1))
    for _ in range(pages + 1):
        qtbot.keyClick(preview, Qt.Key.Key_PageDown)
    assert preview.page_label.text() == f"Page {pages} of {pages}" and not preview.next_action.isEnabled()
    assert shown(preview, pages - 1) and not shown(preview, 0)  # far pages give their pixels back
    qtbot.keyClick(preview, Qt.Key.Key_PageUp)
    assert preview.page_label.text() == f"Page {pages - 1} of {pages}"
    assert preview.csv_action.isVisible()

    answers["save"] = str(tmp_path / "compliance")  # no suffix typed: .pdf is added
    preview.save_action.trigger()
    idle()
    saved = tmp_path / "compliance.pdf"
    text = text_of(saved)
    assert len(PdfReader(str(saved)).pages) == pages
    assert "Compliance report" in text and "OFFICIAL" in text and preview.output.result.report_id in text
    assert saved.read_bytes() == pdf.read_bytes()

    saved.write_bytes(b"older file")
    preview.save_action.trigger()  # answered No: the file stays as it was
    idle()
    assert len(answers["asked"]) == 1 and str(saved) in answers["asked"][0]
    assert saved.read_bytes() == b"older file"
    answers["replace"] = QMessageBox.StandardButton.Yes
    preview.save_action.trigger()
    idle()
    assert saved.read_bytes() == pdf.read_bytes()
    assert not list(tmp_path.glob(".*.part"))

    answers["folder"] = str(tmp_path / "tables")
    (tmp_path / "tables").mkdir()
    preview.csv_action.trigger()
    idle()
    tables = {p.name for p in (tmp_path / "tables").glob("*.csv")}
    assert tables == set(CSV_NAMES) and {"steps.csv", "not_applicable_awaiting_agreement.csv"} <= tables
    steps = (tmp_path / "tables" / "steps.csv").read_text(encoding="utf-8").splitlines()
    assert steps[0] == "district,month,on_time,late,no_deadline,not_applicable"
    assert {line.split(",")[0] for line in steps[1:]} == {"Barnsley", "Doncaster", "Rotherham", "Sheffield"}
    (tmp_path / "tables" / "steps.csv").write_text("mine", encoding="utf-8")
    answers["replace"] = QMessageBox.StandardButton.No
    preview.csv_action.trigger()  # the same folder again: asked, answered No, nothing replaced
    idle()
    assert answers["asked"][-1].startswith(f"{len(CSV_NAMES)} of the CSV files already exist in")
    assert (tmp_path / "tables" / "steps.csv").read_text(encoding="utf-8") == "mine"

    answers["save"] = str(tmp_path / "no-such-folder" / "x.pdf")
    preview.save_action.trigger()
    assert answers["warned"] == [f"Nothing was written: The folder {tmp_path / 'no-such-folder'} does not exist."]

    answers["print_to"] = str(tmp_path / "printed.pdf")
    preview.print_action.trigger()
    idle()
    assert len(PdfReader(str(tmp_path / "printed.pdf")).pages) == pages

    recorded = disclosures(world)
    assert [a for a, _ in recorded] == [
        "report.compliance",
        "report.compliance.saved",
        "report.compliance.saved",
        "report.compliance.csv",
        "report.compliance.printed",
    ]
    generated = recorded[0][1]
    assert generated["report_id"] == preview.output.result.report_id
    assert generated["destination"] == "preview in the app"
    assert generated["from"] == "2026-01-01" and generated["to"] == "2026-03-02"
    assert generated["districts"] == ["Barnsley", "Doncaster", "Rotherham", "Sheffield"]
    assert recorded[1][1]["destination"] == str(saved) and recorded[1][1]["sha256"] == preview.output.result.sha256
    assert recorded[4][1]["destination"] == f"{tmp_path / 'printed.pdf'} ({pages} pages)"

    folder = preview.output.folder
    preview.close()
    assert not folder.exists()


def test_auditor_generates_a_casework_report_from_the_open_case(  # type: ignore[no-untyped-def]
    world, qtbot, main_window, idle, tmp_path, answers
):
    case = open_case(world)
    window = main_window(world.auditor)
    window.open_case(case.id)
    qtbot.waitUntil(lambda: getattr(window.ui.caseTabs.currentWidget(), "detail", None) is not None, timeout=15000)
    window.casework_report_action.trigger()
    dialog = the_dialog(window, CaseworkReportDialog)
    assert dialog.reference.text() == case.reference  # from the menu: the case on screen, ready to generate
    dialog.reject()
    QApplication.processEvents()
    workspace = window.ui.caseTabs.currentWidget()
    qtbot.mouseClick(workspace.report_button, Qt.MouseButton.LeftButton)  # or from the case's own header
    dialog = the_dialog(window, CaseworkReportDialog)
    assert dialog.reference.text() == case.reference
    preview = generate(qtbot, window, dialog)
    assert preview.page_count == len(PdfReader(str(preview.output.pdf)).pages) == preview.output.result.pages
    assert not preview.csv_action.isVisible()
    answers["save"] = str(tmp_path / "casework.pdf")
    preview.save_action.trigger()
    idle()
    text = text_of(tmp_path / "casework.pdf")
    assert case.reference in text and "OFFICIAL-SENSITIVE" in text
    assert f"Page {preview.page_count} of {preview.page_count}" in text
    answers["print_to"] = str(tmp_path / "printed.pdf")
    preview.print_action.trigger()
    idle()
    assert len(PdfReader(str(tmp_path / "printed.pdf")).pages) == preview.page_count  # pages print as images
    assert [a for a, _ in disclosures(world)] == ["report.casework", "report.casework.saved", "report.casework.printed"]
    assert preview.page_count >= 3
    answers["print_to"], answers["print_range"] = str(tmp_path / "pages-2-3.pdf"), (2, 3)
    preview.print_action.trigger()  # pages 2 to 3 chosen in the print dialog
    idle()
    assert len(PdfReader(str(tmp_path / "pages-2-3.pdf")).pages) == 2
    action, details = disclosures(world)[-1]
    assert (action, details["destination"]) == ("report.casework.printed", f"{tmp_path / 'pages-2-3.pdf'} (2 pages)")
    window.lock()  # the preview shows case content: it hides with the lock screen and comes back after
    assert not preview.isVisible()
    window.unlock()
    assert preview.isVisible()
    folder = preview.output.folder
    window.close()  # log off or quit: the preview and its private file go too
    assert not folder.exists()
    assert all(d["report_id"] == preview.output.result.report_id for _, d in disclosures(world))


def test_investigators_and_administrators_see_no_reports_menu(world, qtbot, main_window):  # type: ignore[no-untyped-def]
    case = open_case(world)
    for actor in (world.investigator, world.admin, world.intel):
        window = main_window(actor)
        if actor is not world.admin:
            window.open_case(case.id)
            workspace = window.ui.caseTabs.currentWidget()
            qtbot.waitUntil(lambda w=workspace: w.detail is not None, timeout=15000)
            assert workspace.report_button is None
        assert window.reports_menu is None
        assert "&Reports" not in [a.text() for a in window.menuBar().actions()]
        assert not window.casework_report_action.isVisible()
        assert not window.compliance_report_action.isVisible()
        window.casework_report()  # a stray shortcut or call does nothing
        window.compliance_report()
        assert not window.findChildren(CaseworkReportDialog) and not window.findChildren(ComplianceReportDialog)
        window.close()


def test_supervisor_reports_on_own_district_only_and_refusals_are_in_words(  # type: ignore[no-untyped-def]
    world, qtbot, main_window, idle
):
    doncaster = open_case(world, world.other_district_investigator, district_code="DON")
    window = main_window(world.supervisor)
    assert window.casework_report_action.isVisible() and window.compliance_report_action.isVisible()
    window.casework_report_action.trigger()
    dialog = the_dialog(window, CaseworkReportDialog)
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Enter the reference of the case to report on."
    dialog.reference.setText(doncaster.reference.lower())
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    idle()
    qtbot.waitUntil(lambda: dialog.message.isVisible() and "another district" in dialog.message.text())
    assert dialog.generate_button.isEnabled() and dialog.isVisible()
    dialog.reference.setText("CSE-SHE-2026-99999")
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    idle()
    qtbot.waitUntil(lambda: "There is no case with reference CSE-SHE-2026-99999" in dialog.message.text())
    dialog.reject()

    window.compliance_report_action.trigger()
    compliance = the_dialog(window, ComplianceReportDialog)
    qtbot.waitUntil(lambda: len(compliance.districts) == 4)
    assert compliance.chosen_districts() == ["Sheffield"]
    assert [b.isEnabled() for b in compliance.districts] == [False, False, False, True]
    compliance.districts[3].setChecked(False)
    qtbot.mouseClick(compliance.generate_button, Qt.MouseButton.LeftButton)
    assert compliance.message.text() == "Tick at least one district to report on."
    compliance.districts[3].setChecked(True)
    compliance.end.setDate(compliance.start.date().addDays(-1))
    qtbot.mouseClick(compliance.generate_button, Qt.MouseButton.LeftButton)
    assert "before it starts" in compliance.message.text()
    assert compliance.preset.currentText() == "Chosen dates"
    compliance.reject()
    assert disclosures(world) == []


def test_cancel_stops_the_report_and_leaves_nothing(world, qtbot, main_window, idle, monkeypatch):  # type: ignore[no-untyped-def]
    folders: list[Path] = []

    def slow_report(ctx, actor, start, end, districts, pdf, **kw):  # type: ignore[no-untyped-def]
        folders.append(pdf.parent)
        pdf.write_bytes(b"partial")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            kw["progress"](40, "Laying out pages")
            kw["cancel"].check()
            time.sleep(0.02)
        raise AssertionError("Cancel did not reach the worker")

    monkeypatch.setattr(dialogs, "compliance_report", slow_report)
    window = main_window(world.auditor)
    window.compliance_report_action.trigger()
    dialog = the_dialog(window, ComplianceReportDialog)
    qtbot.waitUntil(lambda: dialog.generate_button.isEnabled())
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status.text() == "Laying out pages…")
    assert dialog.progress.isVisible() and dialog.progress.value() == 40 and not dialog.generate_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Escape cancels the report, not the dialog
    assert dialog.isVisible() and dialog.status.text() == "Stopping…"
    idle()
    qtbot.waitUntil(lambda: "Cancelled" in dialog.message.text())
    assert dialog.isVisible() and dialog.generate_button.isEnabled() and not dialog.progress.isVisible()
    assert folders and not folders[0].exists()
    assert not window.findChildren(ReportPreview)
    assert disclosures(world) == []
    dialog.reject()
    QApplication.processEvents()


def test_a_report_the_renderer_cannot_open_is_refused_in_words(world, qtbot, main_window, idle, monkeypatch):  # type: ignore[no-untyped-def]
    case = open_case(world)
    folders: list[Path] = []

    def broken_report(ctx, actor, reference, pdf, **kw):  # type: ignore[no-untyped-def]
        folders.append(pdf.parent)
        pdf.write_bytes(b"not a PDF at all")
        stamp = report_data.casework(ctx, actor, reference).stamp
        return ReportResult(pdf, stamp.report_id, 1, "0" * 64, stamp.chain_head, stamp)

    monkeypatch.setattr(dialogs, "casework_report", broken_report)
    window = main_window(world.auditor)
    window.casework_report(case.reference)
    dialog = the_dialog(window, CaseworkReportDialog)
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    idle()
    qtbot.waitUntil(lambda: "The report was made but cannot be shown, so it was discarded" in dialog.message.text())
    assert dialog.isVisible() and dialog.generate_button.isEnabled()
    assert not window.findChildren(ReportPreview) and folders and not folders[0].exists()
    dialog.reject()
