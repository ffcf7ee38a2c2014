"""The casework report prints the case's supervisory reviews, directed actions and every signature with
its state; who may produce it; producing it is audited as a disclosure."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from support import open_case
from test_reviews import ANSWERS, signed_review
from world_support import PASSWORD

from checklist_app.reports.generate import casework_report
from checklist_app.services import reviews
from checklist_app.services.errors import PermissionDenied
from checklist_app.store.models import AuditEntry, Case


def test_reviews_actions_and_signatures_in_the_casework_report(world, tmp_path: Path):  # type: ignore[no-untyped-def]
    case = open_case(world)
    review, action = signed_review(world, case.id)
    reviews.save_review(world.ctx, world.supervisor, review.id, ANSWERS, "Findings corrected after review")
    reviews.sign_review(world.ctx, world.supervisor, review.id, PASSWORD)
    with world.ctx.db.read() as session:
        reference = session.scalar(select(Case.reference).where(Case.id == case.id))
    out = tmp_path / "case.pdf"
    result = casework_report(world.ctx, world.supervisor, reference, out)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(out)).pages)
    assert "Supervisory reviews and directed actions" in text
    assert "Findings corrected after review" in text
    assert "Reassess risk with the SERAF tool" in text
    assert "superseded" in text and "valid" in text
    assert text.count(" reviewed ") >= 2  # both signatures, with their meaning
    with world.ctx.db.read() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (entry.operation, entry.action, entry.case_id, entry.username) == (
        "disclosure",
        "report.casework",
        case.id,
        world.supervisor.username,
    )
    assert result.report_id in entry.details and reference in entry.details
    del action
    # One review (amended and signed again) on the day the case was opened: within 28 days of the opening;
    # 30 days on, the next (28 days after that review) is overdue.
    from datetime import date

    from checklist_app.reports.generate import compliance_report

    world.clock.advance(days=30)
    today = world.clock.now.date()
    report = tmp_path / "compliance.pdf"
    compliance_report(world.ctx, world.supervisor, date(today.year, 1, 1), today, [], report)
    summary = " ".join((PdfReader(str(report)).pages[0].extract_text() or "").split())
    assert "Supervisory reviews in date (due 28d after the last review or the opening) 50.0% (1 of 2)" in summary


def test_who_may_produce_a_casework_report(world, tmp_path: Path):  # type: ignore[no-untyped-def]
    case = open_case(world)
    with world.ctx.db.read() as session:
        reference = session.scalar(select(Case.reference).where(Case.id == case.id))
    casework_report(world.ctx, world.auditor, reference, tmp_path / "a.pdf")
    for actor in (world.investigator, world.intel, world.admin):
        with pytest.raises(PermissionDenied):
            casework_report(world.ctx, actor, reference, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_audit_findings_remedial_actions_and_grades_in_the_reports(world, tmp_path: Path):  # type: ignore[no-untyped-def]
    from datetime import date

    from test_audit_services import _signed_audit

    from checklist_app.reports.generate import compliance_report
    from checklist_app.store.models import CaseAudit

    audit_id, _ = _signed_audit(world, remedial_owner=world.supervisor)
    with world.ctx.db.read() as session:
        audit = session.get(CaseAudit, audit_id)
        reference = session.scalar(select(Case.reference).where(Case.id == audit.case_id))
    out = tmp_path / "case.pdf"
    casework_report(world.ctx, world.auditor, reference, out)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(out)).pages)
    assert "Casework audits: findings and remedial actions" in text
    assert "Record the grounds for the flag." in text
    assert "Sound." in text
    today = world.clock.now.date()
    report = tmp_path / "compliance.pdf"
    compliance_report(world.ctx, world.auditor, date(today.year, 1, 1), today, ["Sheffield"], report)
    summary = " ".join((PdfReader(str(report)).pages[0].extract_text() or "").split())
    assert "Remedial actions from audits still open, now 1 (0 overdue)" in summary
    assert "Case audits signed in the period, by overall grade (signature matches) good: 1" in summary.replace(
        "Good", "good"
    )
