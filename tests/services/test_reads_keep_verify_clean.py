"""Reading never makes `verify` fail. Consultations and disclosures name the record they read (a case, a
team's dashboard, a report) without recording its state; verify must not take them for the record's last
word. Every read-only use case below is followed by a full verification."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from support import open_case

from checklist_app.reports.generate import casework_report, compliance_report
from checklist_app.services import cases, dashboard
from checklist_app.store.verify import verify_database


def _assert_verifies(world) -> None:  # type: ignore[no-untyped-def]
    report = verify_database(world.ctx.db)
    assert report.ok, [str(p) for p in report.problems]


def test_every_read_leaves_the_database_verifying(world, tmp_path: Path) -> None:
    case = open_case(world)
    _assert_verifies(world)
    cases.case_detail(world.ctx, world.investigator, case.id)
    _assert_verifies(world)
    dashboard.team_dashboard(world.ctx, world.supervisor, world.procedure_id)
    _assert_verifies(world)
    casework_report(world.ctx, world.auditor, case.reference, tmp_path / "casework.pdf")
    _assert_verifies(world)
    today = world.clock().date()
    compliance_report(world.ctx, world.auditor, date(today.year, 1, 1), today, [], tmp_path / "compliance.pdf")
    _assert_verifies(world)
