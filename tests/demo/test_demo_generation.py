"""Demo data: the same seed gives the same cases whether they are prepared here or in worker processes,
and the bulk-written rows verify exactly like rows the services write."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from db_support import server_url
from sqlalchemy import select

from checklist_app.demo import generator as demo
from checklist_app.services.context import system_actor
from checklist_app.store.models import Case, CaseSummary, IntelligenceItem, StepRecord
from checklist_app.store.verify import verify_database

AS_OF = datetime(2026, 11, 22, tzinfo=UTC)


def _projection(ctx) -> tuple:  # type: ignore[no-untyped-def]
    with ctx.db.read() as session:
        cases = session.execute(
            select(Case.reference, Case.referral_at, Case.status, Case.facts).order_by(Case.id)
        ).all()
        records = session.execute(
            select(StepRecord.case_id, StepRecord.step_id, StepRecord.status, StepRecord.evidence).order_by(
                StepRecord.id
            )
        ).all()
        intel = session.execute(
            select(IntelligenceItem.reference, IntelligenceItem.summary).order_by(IntelligenceItem.id)
        ).all()
        summaries = session.execute(select(CaseSummary.case_id, CaseSummary.next_due_at, CaseSummary.open_due)).all()
    return tuple(map(tuple, cases)), tuple(map(tuple, records)), tuple(map(tuple, intel)), tuple(map(tuple, summaries))


@pytest.mark.skipif(bool(server_url()), reason="two databases at once; the server run covers the bulk writer elsewhere")
def test_worker_processes_give_the_same_data(initialised, tmp_path):
    from checklist_app.services import admin

    report = demo.generate(initialised, system_actor(), cases=24, seed=11, as_of=AS_OF, workers=0)
    other, _ = admin.initialise(str(tmp_path / "other.db"), system_actor())
    try:
        parallel = demo.generate(other, system_actor(), cases=24, seed=11, as_of=AS_OF, workers=1)
        assert (parallel.cases, parallel.step_records) == (report.cases, report.step_records)
        assert _projection(other) == _projection(initialised)
        assert verify_database(other.db).ok
    finally:
        other.close()


def test_demo_rows_verify_and_list(initialised):
    from checklist_app.services import accounts, case_list

    demo.generate(initialised, system_actor(), cases=15, seed=3, as_of=AS_OF)
    assert verify_database(initialised.db).ok
    auditor = accounts.log_on(initialised, "auditor", "demo-pass-2026")
    rows = case_list.list_cases(initialised, auditor, case_list.CaseFilter(status="all"))
    assert len(rows) == 15 and all(r.reference.startswith("CSE-") for r in rows)


def test_new_cases_open_on_the_newest_version_and_older_ones_stay_on_the_previous(initialised):
    """The demo opens recent cases on procedure 1.2 and keeps older ones on the version before it (1.1), so a
    supervisor can try the move to the newer version; every 1.1 case opened before the cutover, every 1.2
    case after it."""
    from checklist_app.store.models import ProcedureVersion

    demo.generate(initialised, system_actor(), cases=40, seed=5, as_of=AS_OF)
    cutover = AS_OF - demo.NEWEST_VERSION_SPAN
    with initialised.db.read() as session:
        rows = session.execute(
            select(ProcedureVersion.version, Case.opened_at).join(
                ProcedureVersion, ProcedureVersion.id == Case.procedure_version_id
            )
        ).all()
    versions = {version for version, _ in rows}
    assert versions == {"1.1", "1.2"}
    for version, opened in rows:
        opened = opened if opened.tzinfo else opened.replace(tzinfo=UTC)
        assert (opened >= cutover) == (version == "1.2"), (version, opened)
    assert verify_database(initialised.db).ok
