"""Installation self-check for the desktop part: every shipped form loads, every icon and the stylesheet
are found. Run by `checklist-app --self-check` after `pip install` and on a frozen build."""

from __future__ import annotations

import os
import sys


def check_shipped_ui() -> tuple[int, list[str]]:
    """(number of forms loaded, problems)."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and sys.platform.startswith("linux"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QWidget

    from checklist_app import paths
    from checklist_app.ui.forms import FormError, load_into
    from checklist_app.ui.icons import icon, stylesheet

    app = QApplication.instance() or QApplication([])
    problems: list[str] = []
    forms = sorted(node.name for node in paths.form("").iterdir() if node.name.endswith(".ui"))
    for name in forms:
        host = QWidget()
        try:
            load_into(host, name)
        except FormError as exc:
            problems.append(str(exc))
        finally:
            host.deleteLater()
    icons = sorted(node.name for node in paths.resource("icons").iterdir() if node.name.endswith(".svg"))
    for name in icons:
        if icon(name.removesuffix(".svg")).isNull():
            problems.append(f"icon {name} does not load")
    if not stylesheet().strip():
        problems.append("the stylesheet is empty")
    problems += check_pdf_preview()
    app.processEvents()
    return len(forms), problems


def check_pdf_preview() -> list[str]:
    """The report preview's renderer (pypdfium2 and its PDFium library, which a frozen build must carry) draws a
    page that ReportLab made."""
    import tempfile
    from pathlib import Path

    from reportlab.pdfgen import canvas

    try:
        from checklist_app.ui.reports.render import PdfPages

        with tempfile.TemporaryDirectory(prefix="checklist-selfcheck-") as folder:
            path = Path(folder) / "check.pdf"
            page = canvas.Canvas(str(path), pagesize=(200, 100))
            page.drawString(20, 50, "self-check")
            page.save()
            pages = PdfPages(path)
            try:
                image = pages.render(0, 1.0)
            finally:
                pages.close()
    except Exception as exc:  # any failure here means reports cannot be previewed or printed
        return [f"the PDF renderer for report previews does not work: {type(exc).__name__}: {exc}"]
    if image.isNull() or (image.width(), image.height()) != (200, 100):
        return ["the PDF renderer for report previews drew nothing"]
    return []
