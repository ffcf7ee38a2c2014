"""PDF pages as images, with pypdfium2 (PDFium, the renderer Chrome uses).

PySide6-Essentials has no QtPdf; PySide6-Addons does, but adds ~170 MB to the installer for one preview,
where pypdfium2 adds ~4 MB. PDFium is not thread-safe: render only on the GUI thread (a page of a report
renders in tens of milliseconds).
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter

POINTS_PER_INCH = 72.0
PRINT_DPI_LIMIT = 300  # enough for text on paper; a 1200 dpi printer would get 16x the pixels for nothing


class PdfPages:
    """An open PDF whose pages render to QImages at a scale (1.0 = 72 pixels per inch)."""

    def __init__(self, path: Path) -> None:
        self._pdf = pdfium.PdfDocument(str(path))

    def __len__(self) -> int:
        return len(self._pdf)

    def page_size(self, index: int) -> tuple[float, float]:
        """Width and height in points."""
        width, height = self._pdf[index].get_size()
        return float(width), float(height)

    def render(self, index: int, scale: float) -> QImage:
        page = self._pdf[index]
        bitmap = page.render(scale=scale, may_draw_forms=False, prefer_bgrx=True, rev_byteorder=True)
        image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGBX8888)
        return image.copy()  # the bitmap's buffer goes when the bitmap does; the copy owns its pixels

    def close(self) -> None:
        self._pdf.close()


def print_pages(pages: PdfPages, printer: QPrinter) -> int:
    """Paint every page (or the range chosen in the print dialog) onto the printer, each scaled to fit the
    printable area, keeping its proportions. Returns the number of pages printed."""
    first, last = 0, len(pages) - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(0, printer.fromPage() - 1)
        last = min(last, (printer.toPage() or len(pages)) - 1)
    dpi = min(printer.resolution(), PRINT_DPI_LIMIT)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be started (is it connected, or the file writable?).")
    try:
        printed = 0
        for index in range(first, last + 1):
            if printed:
                printer.newPage()
            image = pages.render(index, dpi / POINTS_PER_INCH)
            area = painter.viewport()
            size = QSize(image.width(), image.height()).scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(area.x() + (area.width() - size.width()) // 2, area.y(), size.width(), size.height())
            painter.drawImage(target, image)
            printed += 1
    finally:
        painter.end()
    return printed
