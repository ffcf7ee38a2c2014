"""Page furniture and building blocks shared by the reports.

Every page carries the protective marking at the top and bottom, the report id, who generated it and
when, page X of Y, and the audit chain head the figures were read at (as `checklist-app verify` prints it)
so a paper copy can be matched to the database later.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

from checklist_app.core.calendar import LOCAL_TZ
from checklist_app.reports import fonts
from checklist_app.services.report_data import ReportStamp

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 15 * mm
HEADER = 14 * mm
FOOTER = 21 * mm


class ReportCancelled(Exception):
    """The user cancelled; the partial file is removed."""


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise ReportCancelled("The report was cancelled; no file was written.")


Progress = Callable[[int, str], None]  # percent, what is happening


def when(moment: datetime | None) -> str:
    """A moment on the London wall clock, which is what officers and the printed record use."""
    if moment is None:
        return ""
    return moment.astimezone(LOCAL_TZ).strftime("%d %b %Y %H:%M")


DAY_FORMAT = "%d %b %Y"


def day(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(LOCAL_TZ).strftime(DAY_FORMAT)


def styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=9, leading=11.5)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontSize=18, leading=22, spaceAfter=6),
        "h1": ParagraphStyle("h1", parent=base["Heading1"], fontSize=13, leading=16, spaceBefore=8, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=11, leading=14, spaceBefore=6, spaceAfter=3),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5),
        "cell": ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9),
        "cellb": ParagraphStyle("cellb", parent=body, fontSize=7.5, leading=9, fontName="Helvetica-Bold"),
        "note": ParagraphStyle("note", parent=body, fontSize=8, leading=10, textColor=colors.HexColor("#333333")),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
    }


STYLES = styles()


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of report markup (already escaped by the templates)."""
    return Paragraph(fonts.marked(text, STYLES[style].fontName), STYLES[style])


PAD = 3  # left and right padding of a table cell, points
# Table cells repeat the same words (dates, names, statuses), so their widths are measured once.
_width = lru_cache(maxsize=16384)(fonts.width)  # runs Helvetica cannot show are measured in the fallback
_CELL_FONTS = {"cell": ("Helvetica", 7.5, 9.0), "cellb": ("Helvetica-Bold", 7.5, 9.0)}


def _wrapped(text: str, font: str, size: float, room: float) -> list[str]:
    """Plain text broken into lines that fit `room` points at word boundaries, as a paragraph would break it;
    a word wider than the column (a pasted link, a reference typed without spaces) is broken between
    characters, as a paragraph splits such a word."""
    lines: list[str] = []
    space = _width(" ", font, size)
    shrink = space * rl_config.spaceShrinkage  # a paragraph lets each space shrink this much to fit a line
    for given in text.split("\n"):
        line = " ".join(given.split())  # tabs, carriage returns and runs of spaces become one space, as in a paragraph
        if _width(line, font, size) - shrink * line.count(" ") <= room:
            lines.append(line)
            continue
        current: list[str] = []
        used = -space
        for word in line.split(" "):
            width = _width(word, font, size)
            if width > room:
                if current:
                    lines.append(" ".join(current))
                *whole, word = _broken_word(word, font, size, room)
                lines += whole
                current, used = [], -space
                width = _width(word, font, size)
            elif current and used + space + width - shrink * len(current) > room:
                lines.append(" ".join(current))
                current, used = [], -space
            current.append(word)
            used += space + width
        lines.append(" ".join(current))
    return lines


def _broken_word(word: str, font: str, size: float, room: float) -> list[str]:
    """`word` cut between characters into pieces that each fit `room` (at least one character a piece)."""
    pieces: list[str] = []
    start, used = 0, 0.0
    for i, char in enumerate(word):
        width = _width(char, font, size)
        if i > start and used + width > room:
            pieces.append(word[start:i])
            start, used = i, 0.0
        used += width
    pieces.append(word[start:])
    return pieces


# A row of plain text taller than this many lines is continued in further rows: a table row cannot be split
# across pages, so one long note (a pasted page, half a megabyte stored by an older version, a word of
# thousands of letters) made ReportLab give up with LayoutError and no report of the case could be made. The
# bound fits the shorter (landscape) page's frame with room for a heading row of three lines.
_SHORTEST_FRAME = LANDSCAPE[1] - (HEADER + 2 * mm) - (FOOTER + 1 * mm) - 12  # the frame's own padding
MAX_ROW_LINES = int((_SHORTEST_FRAME - 3 * 9.0 - 8) // 9.0)


def _cell(value: object, style: str, width: float, *, heading: bool = False) -> Paragraph | list[str]:
    """A cell's value as ReportLab draws it fastest: plain text, broken into lines here, which the table draws
    line by line. A paragraph for every cell made laying out a report several times slower; paragraphs are
    left for template markup."""
    if isinstance(value, Markup):
        return Paragraph(fonts.marked(str(value), STYLES[style].fontName), STYLES[style])
    text = "" if value is None else str(value)
    if heading:  # template wording, already escaped for paragraph markup
        if "<" in text:
            return Paragraph(fonts.marked(text, STYLES[style].fontName), STYLES[style])
        text = html.unescape(text)
    font, size, _ = _CELL_FONTS[style]
    return _wrapped(text, font, size, width - 2 * PAD)


def _pieces(cells: Sequence[Paragraph | list[str]], style: str) -> list[list[Any]]:
    """One row of cells as one or more table rows of at most MAX_ROW_LINES lines each; a paragraph (short
    template markup) stays in the first."""
    tallest = max((len(c) for c in cells if isinstance(c, list)), default=1)
    rows: list[list[Any]] = []
    for start in range(0, max(tallest, 1), MAX_ROW_LINES):
        rows.append(
            [
                _plain(c[start : start + MAX_ROW_LINES], style) if isinstance(c, list) else (c if start == 0 else "")
                for c in cells
            ]
        )
    return rows


def _plain(lines: list[str], style: str) -> str | Paragraph:
    """Lines of plain text as the table draws them: as text, or, holding characters Helvetica cannot show, as
    a paragraph of the same lines with those runs in the fallback font (the lines were measured so)."""
    text = "\n".join(lines)
    if not fonts.needs_fallback(text):
        return text
    markup = "<br/>".join(xml_escape(line) for line in lines)
    return Paragraph(fonts.marked(markup, STYLES[style].fontName), STYLES[style])


def _row_height(cells: Sequence[Any], widths: Sequence[float]) -> float:
    """The height of a row, measured once here so ReportLab does not wrap every cell again each time a
    long table is split across a page."""
    tallest = 0.0
    for value, width in zip(cells, widths, strict=True):
        if isinstance(value, Paragraph):
            height = value.wrap(width - 2 * PAD, 1e6)[1]
        else:
            height = 9.0 * (value.count("\n") + 1)
        tallest = max(tallest, height)
    return tallest + 4  # top and bottom padding


def table(
    headings: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    total_width: float,
    bold_last_row: bool = False,
) -> Table:
    """A table whose cells wrap where they need to, with column widths given as shares of the frame width so
    it always fits the page; the heading row repeats on every page."""
    scale = total_width / sum(widths)
    col_widths = [w * scale for w in widths]

    heading_cells = [_cell(h, "cellb", w, heading=True) for h, w in zip(headings, col_widths, strict=True)]
    data: list[list[Any]] = [[c if isinstance(c, Paragraph) else _plain(c, "cellb") for c in heading_cells]]
    shade: list[int] = []  # data rows (after the heading) drawn on the grey of every other row
    bold_from = None
    for i, row in enumerate(rows):
        style = "cellb" if bold_last_row and i == len(rows) - 1 else "cell"
        if style == "cellb":
            bold_from = len(data)
        pieces = _pieces([_cell(v, style, w) for v, w in zip(row, col_widths, strict=True)], style)
        if i % 2 == 1:
            shade += range(len(data), len(data) + len(pieces))
        data += pieces
    heights = [_row_height(cells, col_widths) for cells in data]
    t = Table(data, colWidths=col_widths, rowHeights=heights, repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), *_CELL_FONTS["cell"]),
        ("FONT", (0, 0), (-1, 0), *_CELL_FONTS["cellb"]),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9D9D9")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if bold_from is not None:
        commands.append(("FONT", (0, bold_from), (-1, -1), *_CELL_FONTS["cellb"]))
    for i in shade:
        commands.append(("BACKGROUND", (0, i), (-1, i), colors.HexColor("#F2F2F2")))
    t.setStyle(TableStyle(commands))
    return t


class Markup(str):
    """Report markup that is already safe (from a template); table() does not escape it again."""


@dataclass(frozen=True)
class Furniture:
    stamp: ReportStamp
    marking: str
    pagesize: tuple[float, float]


def _numbered_canvas(furniture: Furniture) -> type[rl_canvas.Canvas]:
    class NumberedCanvas(rl_canvas.Canvas):
        """Holds each page until the end, so every page can say how many pages there are."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                _draw_furniture(self, furniture, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _draw_furniture(c: rl_canvas.Canvas, f: Furniture, page: int, total: int) -> None:
    width, height = f.pagesize
    s = f.stamp
    c.saveState()
    c.setFillColor(colors.black)
    c.setFont("Helvetica-Bold", 10)
    c.drawCentredString(width / 2, height - 9 * mm, f.marking)
    c.setFont("Helvetica", 7.5)
    left = f"{s.title}: {s.subject}"
    room = width / 2 - MARGIN - c.stringWidth(f.marking, "Helvetica-Bold", 10) / 2 - 4 * mm
    while _width(left, "Helvetica", 7.5) > room and len(left) > 4:
        left = left[:-2].rstrip() + "…"
        left = left.replace("……", "…")
    _draw_text(c, MARGIN, height - 9 * mm, left, "Helvetica", 7.5)
    c.drawRightString(width - MARGIN, height - 9 * mm, f"Report {s.report_id}")
    c.setLineWidth(0.5)
    c.line(MARGIN, height - HEADER + 2 * mm, width - MARGIN, height - HEADER + 2 * mm)
    c.line(MARGIN, FOOTER - 2 * mm, width - MARGIN, FOOTER - 2 * mm)
    generated = f"Generated by {s.generated_by} at {when(s.generated_at)} (UK time)"
    _draw_text(c, MARGIN, FOOTER - 7 * mm, generated, "Helvetica", 7.5)
    c.drawRightString(width - MARGIN, FOOTER - 7 * mm, f"Page {page} of {total}")
    c.setFont("Courier", 6.5)
    c.drawString(MARGIN, FOOTER - 11 * mm, f"Audit chain head: {s.chain_head}")
    c.setFont("Helvetica-Bold", 10)
    c.drawCentredString(width / 2, 4.5 * mm, f.marking)
    c.restoreState()


def _draw_text(c: rl_canvas.Canvas, x: float, y: float, text: str, font: str, size: float) -> None:
    """`text` drawn from (x, y), runs Helvetica cannot show (a user's name in another script) in the fallback."""
    for piece, name in fonts.runs(text, font):
        c.setFont(name, size)
        c.drawString(x, y, piece)
        x += pdfmetrics.stringWidth(piece, name, size)
    c.setFont(font, size)


class ReportDocument(BaseDocTemplate):
    """A document that reports progress and honours Cancel between flowables."""

    def __init__(
        self,
        target: Any,
        furniture: Furniture,
        *,
        cancel: CancelToken | None = None,
        progress: Progress | None = None,
        title: str = "",
    ) -> None:
        super().__init__(
            target,
            pagesize=furniture.pagesize,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=HEADER + 2 * mm,
            bottomMargin=FOOTER + 1 * mm,
            title=title,
            author=furniture.stamp.generated_by,
            subject=f"{furniture.marking} {furniture.stamp.report_id}",
            creator="checklist-app",
            invariant=0,
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        self.furniture = furniture
        self.cancel = cancel
        self.progress = progress
        self._total = 1
        self._done = 0

    def afterFlowable(self, flowable: Flowable) -> None:
        self._done += 1
        if self.cancel is not None:
            self.cancel.check()
        if self.progress is not None and self._done % 5 == 0:
            self.progress(40 + int(55 * min(self._done, self._total) / self._total), "Laying out pages")

    def build_story(self, story: list[Flowable]) -> None:
        self._total = max(len(story), 1)
        self.build(story, canvasmaker=_numbered_canvas(self.furniture))


def gap(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)
