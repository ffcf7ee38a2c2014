"""A mandatory step marked not applicable counts as open in the case list's figures until a supervisor agrees
(issue 11), and `verify`'s recomputation of those figures agrees with them. On SQLite, or PostgreSQL with
CHECKLIST_APP_TEST_DB."""

from __future__ import annotations

from datetime import date

from pypdf import PdfReader
from support import open_case
from world_support import PASSWORD

from checklist_app.reports.generate import compliance_report, csv_tables
from checklist_app.services import case_list, report_data, steps, summary_check

MANDATORY = "referral.record-details"
OPTIONAL = "investigation.seize-devices"


def _row(world, case_id: int):  # type: ignore[no-untyped-def]
    rows = case_list.list_cases(world.ctx, world.supervisor, case_list.CaseFilter(status="all"))
    return next(r for r in rows if r.id == case_id)


def test_the_case_list_counts_an_unagreed_not_applicable_as_open(world):
    case = open_case(world)
    before = _row(world, case.id)
    assert before.next_due_step == "1.1"  # the mandatory step falls due first
    world.clock.advance(minutes=5)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    awaiting = _row(world, case.id)
    assert awaiting.steps_done == before.steps_done
    assert list(awaiting.open_due) == list(before.open_due)
    assert (awaiting.next_due_step, awaiting.next_due_at) == (before.next_due_step, before.next_due_at)
    world.clock.advance(days=3)  # its deadline passes while it waits: it is overdue in the list
    assert _row(world, case.id).overdue_count(world.clock.now) >= 1
    assert summary_check.summary_problems(world.ctx) == []
    steps.agree_not_applicable(world.ctx, world.supervisor, case.id, MANDATORY, PASSWORD)
    agreed = _row(world, case.id)
    assert agreed.steps_done == before.steps_done + 1
    assert len(agreed.open_due) == len(before.open_due) - 1
    assert agreed.next_due_step != "1.1"
    assert summary_check.summary_problems(world.ctx) == []


def _figures(world):  # type: ignore[no-untyped-def]
    today = world.clock.now.date()
    data = report_data.compliance(world.ctx, world.supervisor, date(today.year, 1, 1), today, ["Sheffield"])
    return data.figures


def test_compliance_counts_an_unagreed_not_applicable_apart_until_agreed(world):
    case = open_case(world)
    world.clock.advance(minutes=5)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, OPTIONAL, "No devices seized")
    figures = _figures(world)
    assert figures.step_total("Sheffield").not_applicable == 1  # the optional one needs no agreement
    assert figures.na_awaiting == {"Sheffield": 1}
    assert figures.na_reasons["Sheffield"] == [("No devices seized", 1)]
    tables = csv_tables(figures)
    assert ["Sheffield", 1] in tables["not_applicable_awaiting_agreement.csv"]
    world.clock.advance(minutes=5)
    steps.agree_not_applicable(world.ctx, world.supervisor, case.id, MANDATORY, PASSWORD)
    figures = _figures(world)
    assert figures.step_total("Sheffield").not_applicable == 2 and figures.na_awaiting == {}
    assert sorted(figures.na_reasons["Sheffield"]) == [("No devices seized", 1), ("Referral came by phone", 1)]
    # Marked again after the agreement: awaiting once more.
    world.clock.advance(minutes=5)
    steps.reopen_step(world.ctx, world.supervisor, case.id, MANDATORY, "Check again")
    world.clock.advance(minutes=5)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    assert _figures(world).na_awaiting == {"Sheffield": 1}


def test_the_compliance_pdf_names_the_awaiting_line(world, tmp_path):  # type: ignore[no-untyped-def]
    case = open_case(world)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    today = world.clock.now.date()
    report = tmp_path / "compliance.pdf"
    compliance_report(world.ctx, world.supervisor, date(today.year, 1, 1), today, ["Sheffield"], report)
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(report).pages)
    assert "awaiting a supervisor's agreement" in text
