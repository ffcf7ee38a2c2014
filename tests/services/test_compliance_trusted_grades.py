"""The compliance report counts an audit's grade only while its "audit completed" signature still matches
what the audit holds: a grade changed outside the app (by SQL), which `verify` names, is counted apart as
"grade not trusted (signature does not match)". On a real database (SQLite, or PostgreSQL with
CHECKLIST_APP_TEST_DB)."""

from __future__ import annotations

from datetime import date

from pypdf import PdfReader
from sqlalchemy import event, text
from support import open_case
from world_support import PASSWORD

from checklist_app.reports.generate import compliance_report, csv_tables
from checklist_app.services import audit_rounds, audit_signing, case_audits, report_data
from checklist_app.store.verify import verify_database

GRADES = dict.fromkeys(("audit.referral.flagged", "audit.risk.assessed", "audit.investigation.devices"), "compliant")


def _signed_audits(world, n: int) -> list[int]:  # type: ignore[no-untyped-def]
    for i in range(n):
        open_case(world, subject_ref=f"SC-40{i}")
    detail = audit_rounds.create_round(world.ctx, world.auditor, period="2026-03", sample_size=n, seed=3)
    ids = []
    for sampled in detail.sampled:
        assert sampled.audit_id is not None
        case_audits.save_audit(
            world.ctx,
            world.auditor,
            sampled.audit_id,
            grades=GRADES,
            comments={},
            overall_grade="good",
            rationale="Ok.",
        )
        case_audits.raise_remedial_action(
            world.ctx, world.auditor, sampled.audit_id, description="Record it.", owner_id=world.investigator.user_id
        )
        audit_signing.sign_audit(world.ctx, world.auditor, sampled.audit_id, PASSWORD)
        ids.append(sampled.audit_id)
    return ids


def _figures(world):  # type: ignore[no-untyped-def]
    today = world.clock.now.date()
    return report_data.compliance(world.ctx, world.supervisor, date(today.year, 1, 1), today, ["Sheffield"]).figures


def _tamper(world, statement: str) -> None:  # type: ignore[no-untyped-def]
    with world.ctx.db.engine.begin() as conn:
        conn.execute(text(statement))


def test_a_grade_changed_outside_the_app_is_not_trusted(world, tmp_path):
    first, second, third = _signed_audits(world, 3)
    assert _figures(world).audit_grades == {("Sheffield", "good"): 3}
    assert _figures(world).audit_untrusted == {}
    _tamper(world, f"UPDATE case_audits SET overall_grade = 'outstanding' WHERE id = {first}")
    # A signed remedial action changed behind the app's back breaks its audit's signature too.
    _tamper(world, f"UPDATE remedial_actions SET description = 'Nothing' WHERE audit_id = {second}")
    figures = _figures(world)
    assert figures.audit_grades == {("Sheffield", "good"): 1}  # neither 'outstanding' nor the two
    assert figures.audit_untrusted == {"Sheffield": 2}
    report = verify_database(world.ctx.db)
    broken = " ".join(p.message for p in report.problems)
    assert f"case_audits {first}" in broken and f"case_audits {second}" in broken
    assert f"case_audits {third}" not in broken

    tables = csv_tables(figures)
    assert ["Sheffield", 2] in tables["audit_grades_not_trusted.csv"]
    assert tables["audit_grades.csv"][1:] == [["Sheffield", "good", 1]]
    out = tmp_path / "c.pdf"
    today = world.clock.now.date()
    compliance_report(world.ctx, world.supervisor, date(today.year, 1, 1), today, ["Sheffield"], out)
    words = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(out).pages)
    assert "grade not trusted (signature does not match)" in words


def test_an_audit_whose_signature_is_gone_is_not_trusted(world):
    (audit,) = _signed_audits(world, 1)
    _tamper(world, f"DELETE FROM signatures WHERE object_type = 'case_audits' AND object_id = {audit}")
    figures = _figures(world)
    assert figures.audit_grades == {} and figures.audit_untrusted == {"Sheffield": 1}


def test_the_trust_check_costs_one_query_more_however_many_audits(world):
    def queries(n_audits: int) -> int:
        statements: list[str] = []

        def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(world.ctx.db.engine, "before_cursor_execute", count)
        try:
            figures = _figures(world)
        finally:
            event.remove(world.ctx.db.engine, "before_cursor_execute", count)
        assert sum(figures.audit_grades.values()) == n_audits
        return len(statements)

    _signed_audits(world, 1)
    one = queries(1)
    _signed_audits(world, 4)
    assert queries(5) == one
