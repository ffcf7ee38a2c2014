"""Hostile text in the reports (third pass). A table row cannot be split across pages, so one long note in a
cell (half a megabyte stored by an older version, or 20,000 characters in a narrow column) made ReportLab
raise LayoutError and no report of the case could be made; a word longer than its column became a paragraph
taller than a page the same way. Rows are now continued in further rows and such words broken between
characters. Paragraph markup typed into a note is printed as typed; a CSV cell a spreadsheet would run as a
formula is written as text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate
from sqlalchemy import text
from support import open_case

from checklist_app.reports import generate
from checklist_app.reports.generate import casework_report
from checklist_app.reports.layout import FOOTER, HEADER, LANDSCAPE, MAX_ROW_LINES, table
from checklist_app.services import records
from checklist_app.services.compliance_figures import ComplianceFigures, Period

MARKUP = (
    '<font size=40 color=red>BIG</font> <a href="http://example.invalid">link</a> <img src="/etc/passwd"/> &amp; <b>'
)


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_a_cell_taller_than_a_page_is_continued_in_further_rows_with_every_word() -> None:
    note = " ".join(f"w{i}" for i in range(30_000))
    word = "".join(chr(ord("A") + i % 26) for i in range(10_000))
    t = table(
        ["Step number as given", "Note", "Word"],
        [["1.1", note, word], ["1.2", "short", "x"]],
        (0.5, 3, 1),
        total_width=500,
    )
    rows = t._cellvalues[1:]
    assert len(rows) > 10 and rows[-1] == ["1.2", "short", "x"]
    assert all(cell.count("\n") < MAX_ROW_LINES for row in rows for cell in row)
    assert rows[1][0] == ""  # the step number is not repeated in its continuation rows
    pieces = rows[:-1]
    assert " ".join(r[1].replace("\n", " ") for r in pieces).split() == note.split()  # every word, in order
    assert "".join(r[2].replace("\n", "") for r in pieces) == word  # broken between characters, none lost
    buffer = io.BytesIO()
    # On the shorter page the reports use: the compliance report's landscape A4 with its header and footer.
    SimpleDocTemplate(buffer, pagesize=LANDSCAPE, topMargin=HEADER + 2 * mm, bottomMargin=FOOTER + 1 * mm).build([t])
    printed = _pdf_text(buffer.getvalue())
    assert len(PdfReader(buffer).pages) > 10 and "w29999" in printed and "short" in printed


def test_the_casework_report_prints_long_hostile_and_stored_oversized_text(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world)
    records.add_decision(world.ctx, world.investigator, case.id, decision=MARKUP, rationale="Z" * 20_000)
    records.add_decision(world.ctx, world.investigator, case.id, decision="Emoji 😀, Ł, עברית", rationale="ok")
    # As an older version could store it, before the write guard bounded text: half a megabyte.
    with world.ctx.db.engine.begin() as conn:
        conn.execute(
            text("UPDATE decisions SET rationale = :r WHERE decision = 'Emoji 😀, Ł, עברית'"), {"r": "note " * 100_000}
        )
    out = tmp_path / "case.pdf"
    result = casework_report(world.ctx, world.supervisor, case.reference, out)
    assert result.pages > 100
    printed = _pdf_text(out.read_bytes())
    for literal in ("<font size=40 color=red>BIG</font>", 'href="http://example.invalid"', '<img src="/etc/passwd"/>'):
        assert literal in printed
    assert "&amp; <b>" in printed  # the entity as typed, not a bare ampersand
    assert printed.count("note") >= 100_000


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text(tmp_path: Path) -> None:
    figures = ComplianceFigures(Period(date(2026, 1, 1), date(2026, 1, 31)), datetime(2026, 2, 1, tzinfo=UTC), (), ())
    hostile = ['=HYPERLINK("http://example.invalid","Open")', "+cmd|'/C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1"]
    figures.na_reasons["Sheffield"] = [*((reason, 1) for reason in hostile), ("-5", 2), ("Child moved away", 3)]
    figures.districts = ("Sheffield",)
    generate.write_csv(figures, tmp_path)
    with (tmp_path / "not_applicable_reasons.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert [r[1] for r in rows] == [*("'" + h for h in hostile), "-5", "Child moved away"]
    assert [r[2] for r in rows] == ["1"] * 5 + ["2", "3"]


def _fonts(data: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        resources = page["/Resources"]
        for font in (resources.get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_letters_helvetica_cannot_show_are_printed_in_the_fallback_font(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # They were black boxes: the paper copy lost names and words in Polish, Czech, Greek, Russian.
    case = open_case(world)
    plain = tmp_path / "plain.pdf"
    casework_report(world.ctx, world.supervisor, case.reference, plain)
    assert not any("DejaVu" in name for name in _fonts(plain.read_bytes()))  # an ordinary report is unchanged
    words = "Spoke to Łukasz Wiśniewski and Zoë in Třebíč; Ελληνικά; Русский текст"
    records.add_decision(world.ctx, world.investigator, case.id, decision=words, rationale="Ω " * 400)
    out = tmp_path / "case.pdf"
    casework_report(world.ctx, world.supervisor, case.reference, out)
    data = out.read_bytes()
    assert any("DejaVuSans" in name for name in _fonts(data))
    printed = _pdf_text(data)
    for word in words.split():
        assert word.strip(";") in printed, word
    assert printed.count("Ω") == 400
