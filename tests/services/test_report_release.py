"""A report generated in the app and then saved, printed or exported is a further disclosure: recorded with
the report's id and where it went, and refused to anyone who could not have produced the report."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from support import open_case

from checklist_app.core.permissions import PermissionDenied
from checklist_app.services import report_data
from checklist_app.services.errors import InvalidInput, NotFound
from checklist_app.store.models import AuditEntry


def _last(world):  # type: ignore[no-untyped-def]
    with world.ctx.db.read() as s:
        row = s.execute(
            select(AuditEntry.action, AuditEntry.operation, AuditEntry.case_id, AuditEntry.details)
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).one()
    details = row.details if isinstance(row.details, dict) else json.loads(row.details)
    return row.action, row.operation, row.case_id, details


def test_saving_a_casework_report_is_recorded_against_the_case(world):  # type: ignore[no-untyped-def]
    case = open_case(world)
    data = report_data.casework(world.ctx, world.auditor, case.reference)
    report_data.record_release(
        world.ctx, world.auditor, data.stamp, kind="casework", how="saved", destination="/x/y.pdf", sha256="ab" * 32
    )
    action, operation, case_id, details = _last(world)
    assert (action, operation, case_id) == ("report.casework.saved", "disclosure", case.id)
    assert details == {
        "report_id": data.stamp.report_id,
        "report": "Casework audit report",
        "subject": case.reference,
        "released": "saved as a file",
        "destination": "/x/y.pdf",
        "sha256": "ab" * 32,
    }


def test_release_is_refused_to_those_who_could_not_produce_the_report(world):  # type: ignore[no-untyped-def]
    doncaster = open_case(world, world.other_district_investigator, district_code="DON")
    stamp = report_data.casework(world.ctx, world.auditor, doncaster.reference).stamp
    for actor in (world.investigator, world.supervisor):  # no reports at all; another district's case
        with pytest.raises(PermissionDenied):
            report_data.record_release(world.ctx, actor, stamp, kind="casework", how="printed", destination="p")
    with pytest.raises(PermissionDenied):
        report_data.record_release(world.ctx, world.intel, stamp, kind="compliance", how="csv", destination="d")
    with pytest.raises(InvalidInput):
        report_data.record_release(world.ctx, world.auditor, stamp, kind="casework", how="faxed", destination="f")
    gone = report_data.ReportStamp(
        "CA-1", "Casework audit report", "CSE-SHE-1999-00001", "x", stamp.generated_at, 1, "0"
    )
    with pytest.raises(NotFound):
        report_data.record_release(world.ctx, world.auditor, gone, kind="casework", how="saved", destination="f")
    assert _last(world)[0] != "report.casework.printed"
