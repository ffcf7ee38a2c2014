"""The casework audit report prints a casework audit as it now stands: the grade an addendum revised (with
the grade first signed), the addenda and the moderations with their signatures, the score as a percentage
and the signed records named in words, not by their tables."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select
from world_support import PASSWORD, add_user

from checklist_app.core.procedure.model import Role
from checklist_app.reports.generate import casework_report
from checklist_app.services import audit_signing
from checklist_app.store.models import Case, CaseAudit


def test_addenda_moderations_and_the_revised_grade_are_in_the_casework_report(world, tmp_path: Path):  # type: ignore[no-untyped-def]
    from test_audit_services import _signed_audit

    audit_id, _ = _signed_audit(world)
    second = add_user(world.ctx, "aud.ivy", Role.AUDITOR)
    audit_signing.moderate_audit(
        world.ctx, second, audit_id, overall_grade="requires_improvement", note="Step 4.6 missed.", password=PASSWORD
    )
    audit_signing.add_addendum(
        world.ctx,
        world.auditor,
        audit_id,
        text="Risk review 4.6 was missed; grade revised.",
        revised_grade="requires_improvement",
        revised_rationale="Risk review 4.6 was missed; grade revised.",
        password=PASSWORD,
    )
    with world.ctx.db.read() as session:
        case_id = session.get(CaseAudit, audit_id).case_id
        reference = session.scalar(select(Case.reference).where(Case.id == case_id))
    out = tmp_path / "case.pdf"
    casework_report(world.ctx, world.auditor, reference, out)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(str(out)).pages)
    assert "overall grade Requires improvement (revised by an addendum; Good when signed)" in text
    assert "Risk review 4.6 was missed; grade revised." in text  # the addendum
    assert "Addendum By Signed Revised grade Signature" in text
    assert "Moderated by Verdict Their grade" in text and "disagrees" in text and "Step 4.6 missed." in text
    assert "score 100%" in text and "score 1 " not in text and "score 1." not in text
    signatures = text[text.index("Every electronic signature") : text.index("Casework audits: findings")]
    assert "case_audits" not in signatures and "audit_addenda" not in signatures  # the tables' names
    assert "casework audit #" in signatures and "audit addendum #" in signatures


def test_the_compliance_report_counts_an_audit_by_its_revised_grade(world, tmp_path: Path):  # type: ignore[no-untyped-def]
    from datetime import date

    from test_audit_services import _signed_audit

    from checklist_app.reports.generate import compliance_report

    audit_id, _ = _signed_audit(world)
    audit_signing.add_addendum(
        world.ctx,
        world.auditor,
        audit_id,
        text="Risk review 4.6 was missed; grade revised.",
        revised_grade="requires_improvement",
        revised_rationale="Risk review 4.6 was missed.",
        password=PASSWORD,
    )
    today = world.clock.now.date()
    report = tmp_path / "compliance.pdf"
    compliance_report(world.ctx, world.auditor, date(today.year, 1, 1), today, ["Sheffield"], report)
    summary = " ".join((PdfReader(str(report)).pages[0].extract_text() or "").split())
    assert "by overall grade (signature matches) Requires improvement: 1" in summary
    assert "Good: 1" not in summary


def test_the_rounds_sample_table_shows_the_revised_grade(world):  # type: ignore[no-untyped-def]
    from test_audit_services import _signed_audit

    from checklist_app.services import audit_rounds

    audit_id, _ = _signed_audit(world)
    audit_signing.add_addendum(
        world.ctx,
        world.auditor,
        audit_id,
        text="Risk review 4.6 was missed.",
        revised_grade="requires_improvement",
        revised_rationale="Risk review 4.6 was missed.",
        password=PASSWORD,
    )
    (summary,) = audit_rounds.list_rounds(world.ctx, world.auditor)
    detail = audit_rounds.round_detail(world.ctx, world.auditor, summary.id)
    (row,) = [c for c in detail.sampled if c.audit_id == audit_id]
    assert row.overall_grade == "Requires improvement"
