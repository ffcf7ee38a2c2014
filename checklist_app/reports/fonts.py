"""Text the standard PDF fonts cannot show, drawn in a bundled font instead of as black boxes.

The reports are set in Helvetica, whose PDF encoding (WinAnsi) holds Western European letters only: 'Łukasz
Wiśniewski', Greek, Cyrillic, Hebrew and Arabic were printed as black boxes, in names as in notes, so the paper
copy of a case lost what was typed. Runs of such characters are set in DejaVu Sans (bundled, resources/fonts,
Bitstream Vera licence), which covers those scripts; text in WinAnsi is unchanged, so ordinary reports look and
lay out exactly as before. Characters DejaVu lacks too (Chinese, emoji) still show as boxes, and right-to-left
text is printed in stored order without shaping (see README, Known limits).
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import as_file

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from checklist_app.paths import resource

FALLBACK = "DejaVuSans"
FALLBACK_BOLD = "DejaVuSans-Bold"
_FILES = {FALLBACK: "DejaVuSans.ttf", FALLBACK_BOLD: "DejaVuSans-Bold.ttf"}
_BOLD_FONTS = frozenset({"Helvetica-Bold", FALLBACK_BOLD})

# Every character Helvetica's WinAnsi encoding holds: cp1252's printable characters, and white space.
_WIN_ANSI = "".join(c for c in map(chr, range(0x20, 0x100)) if c.encode("cp1252", "ignore")) + "".join(
    bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
)
_OTHER = re.compile(f"[^\\t\\n\\r{re.escape(_WIN_ANSI)}]+")


@cache
def register() -> None:
    """Register the fallback fonts with ReportLab, once; Paragraph's <b> inside them picks the bold one."""
    for name, file in _FILES.items():
        with as_file(resource("fonts", file)) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(FALLBACK, 0, 0, FALLBACK)
    addMapping(FALLBACK, 1, 0, FALLBACK_BOLD)
    addMapping(FALLBACK, 0, 1, FALLBACK)
    addMapping(FALLBACK, 1, 1, FALLBACK_BOLD)


def needs_fallback(text: str) -> bool:
    return _OTHER.search(text) is not None


def fallback_for(font: str) -> str:
    return FALLBACK_BOLD if font in _BOLD_FONTS else FALLBACK


def runs(text: str, font: str) -> list[tuple[str, str]]:
    """`text` as (piece, font) runs: WinAnsi text in `font`, the rest in the fallback of the same weight."""
    if not needs_fallback(text):
        return [(text, font)]
    register()
    other = fallback_for(font)
    out: list[tuple[str, str]] = []
    start = 0
    for found in _OTHER.finditer(text):
        if found.start() > start:
            out.append((text[start : found.start()], font))
        out.append((found.group(), other))
        start = found.end()
    if start < len(text):
        out.append((text[start:], font))
    return out


def width(text: str, font: str, size: float) -> float:
    """The width `text` takes when its runs are drawn in their fonts."""
    if _OTHER.search(text) is None:  # nearly always: measured as before
        return pdfmetrics.stringWidth(text, font, size)
    return sum(pdfmetrics.stringWidth(piece, name, size) for piece, name in runs(text, font))


def marked(markup: str, font: str) -> str:
    """Paragraph markup with every run of characters `font` cannot show wrapped in the fallback font. Tags and
    entities are ASCII, so a run is never inside one."""
    if not needs_fallback(markup):
        return markup
    register()
    other = fallback_for(font)
    return _OTHER.sub(lambda m: f'<font name="{other}">{m.group()}</font>', markup)
