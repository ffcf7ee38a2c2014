"""Report table cells are plain text broken into lines by layout.py (a paragraph only where a word is wider
than its column): the lines fit the column as a paragraph's would, no text is lost or escaped twice, and the
table still draws into a valid PDF with every word in it."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate

from checklist_app.reports.layout import PAD, STYLES, Markup, table

WIDTH = 500.0
LONG = (
    "Child was with older peers at address A-3; travelled by taxi. Multiple victims identified & workload over "
    "threshold <see note>."
)


def cells(t) -> list[list[object]]:  # type: ignore[no-untyped-def]
    return t._cellvalues


def test_short_values_are_plain_strings_and_long_ones_wrap_within_the_column() -> None:
    t = table(["Step", "Findings"], [["1.1", LONG], [2, None]], (1, 1), total_width=WIDTH)
    (head, first, second) = cells(t)
    assert head == ["Step", "Findings"]
    assert first[0] == "1.1" and second == ["2", ""]
    lines = first[1].split("\n")
    assert len(lines) > 1
    assert " ".join(lines) == LONG  # every word kept, in order, and not escaped for markup
    room = WIDTH / 2 - 2 * PAD
    for line in lines:
        # a paragraph lets spaces shrink by 5 % to fit a line; the split here allows the same
        assert stringWidth(line, "Helvetica", 7.5) - 0.05 * stringWidth(" ", "Helvetica", 7.5) * line.count(" ") <= room
    assert t._argH[1] == 9 * len(lines) + 4


def test_lines_break_where_a_paragraph_of_the_same_width_breaks_them() -> None:
    text = " ".join(LONG.replace("&", "and").replace("<", "").replace(">", "") for _ in range(3))
    for width in (60.0, 97.0, 150.0, 233.0):
        (value,) = cells(table(["Note"], [[text]], (1,), total_width=width))[1]
        para = Paragraph(text, STYLES["cell"])
        para.wrap(width - 2 * PAD, 1e6)
        assert value.split("\n") == [" ".join(words) for _, words in para.blPara.lines], width


def test_line_breaks_in_values_are_kept_and_each_line_wraps_on_its_own() -> None:
    t = table(["Evidence"], [["Final category: 3\r\n\nDecision:\t " + LONG]], (1,), total_width=200)
    lines = cells(t)[1][0].split("\n")
    assert lines[:2] == ["Final category: 3", ""]  # a blank line kept, as a paragraph keeps <br/><br/>
    assert lines[2].startswith("Decision: Child ") and len(lines) > 4  # other white space is one space


def test_a_word_wider_than_its_column_is_broken_between_characters_and_template_markup_stays_a_paragraph() -> None:
    word = "Reference:" + "X" * 60
    markup = Markup("<b>Signed</b> by DS Lapwing 46")
    t = table(["Item", "Detail"], [[f"See {word} now", markup]], (1, 1), total_width=200)
    value, marked = cells(t)[1]
    assert isinstance(value, str) and isinstance(marked, Paragraph)
    lines = value.split("\n")
    assert len(lines) > 2 and lines[0] == "See" and lines[-1].endswith(" now")
    assert "".join(lines[1:]).removesuffix(" now") == word  # every character kept, in order
    assert all(stringWidth(line, "Helvetica", 7.5) <= 100 - 2 * PAD for line in lines)
    assert "<b>Signed</b>" in marked.text


def test_headings_are_unescaped_template_wording() -> None:
    t = table(["Risk &amp; grade", "Calculated"], [["a", "b"]], (1, 1), total_width=300)
    assert cells(t)[0] == ["Risk & grade", "Calculated"]


def test_a_table_of_plain_and_wrapped_cells_draws_every_word() -> None:
    rows = [[f"{i}.1", LONG if i % 3 == 0 else "Done", "26 Jan 2026 03:38"] for i in range(120)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build(
        [table(["Step", "Note", "Due"], rows, (0.6, 3, 1), total_width=WIDTH, bold_last_row=True)]
    )
    reader = PdfReader(buffer)
    assert len(reader.pages) > 1  # split across pages, heading repeated
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert text.count("Step Note Due") == len(reader.pages)
    assert text.count("26 Jan 2026 03:38") == 120
    assert text.count("travelled by taxi.") == 40 and "threshold <see note>." in text
