"""Tones and chips: the colours that say overdue, late or fine, rich-text chips, and sizing helpers for
buttons and labels that the stylesheet would otherwise clip."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

TONE_COLOURS = {
    "overdue": QColor("#a4161a"),
    "late": QColor("#8a5a00"),
    "soon": QColor("#8a5a00"),
    "ok": QColor("#1d6b3a"),
    "muted": QColor("#5b6878"),
}
# Timeliness states the services report (core.intelligence.Timeliness, plus "still missing").
STATE_TONES = {"overdue": "overdue", "late": "late", "within target": "ok", "pending": "", "still missing": "overdue"}


def esc(text: object) -> str:
    return html.escape(str(text)).replace("\n", "<br>")


def chip_html(text: str, tone: str) -> str:
    """An inline coloured label for rich text (QTextBrowser supports background colours on spans)."""
    colours = {
        "overdue": ("#fde2e1", "#8c1216"),
        "late": ("#fff1cc", "#6b4500"),
        "soon": ("#fff1cc", "#6b4500"),
        "ok": ("#dff3e4", "#14532d"),
        "": ("#e8ecf1", "#1b2430"),
        "risk1": ("#dff3e4", "#14532d"),
        "risk2": ("#fff1cc", "#6b4500"),
        "risk3": ("#fde2e1", "#8c1216"),
        "risk4": ("#8c1216", "#ffffff"),
    }
    bg, fg = colours.get(tone, colours[""])
    return f'<span style="background-color:{bg}; color:{fg}; font-weight:600;">&nbsp;{esc(text)}&nbsp;</span>'


def set_chip(label: QLabel, text: str, tone: str) -> None:
    label.setProperty("chip", True)
    label.setProperty("tone", tone)
    label.setText(text)
    repolish(label)


def repolish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def fit_bold(button: QPushButton) -> None:
    """A default or primary button is drawn bold by the stylesheet, which Qt leaves out of its size hint:
    make room for the bold text so it is never clipped."""
    font = QFont(button.font())
    font.setBold(True)
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    width = QFontMetrics(font).horizontalAdvance(text) + QFontMetrics(font).averageCharWidth() * 5
    button.setMinimumWidth(max(button.minimumWidth(), width))
    # The stylesheet's own `min-width` replaces a minimum set in code whenever the button is polished
    # (e.g. when first shown), and the icon a dialog button box adds takes room beside the text: say it in
    # the button's own style, which every polish applies. min-width is the content box, without padding.
    content = QFontMetrics(font).horizontalAdvance(text) + button.iconSize().width() + 12
    button.setStyleSheet(f"min-width: {content}px;")


def align_labels(labels: Iterable[QLabel]) -> None:
    """Give form labels in separate group boxes one width so their fields line up."""
    labels = list(labels)
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)
