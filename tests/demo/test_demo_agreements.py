"""Demo data carries supervisors' agreements on mandatory steps marked not applicable: every one on a closed
case is agreed, open cases have some agreed and some awaiting, and the case list's figures and `verify` agree."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from checklist_app.core.procedure.model import Requirement
from checklist_app.core.signatures import Meaning
from checklist_app.demo import generator as demo
from checklist_app.services import signatures, summary_check
from checklist_app.services.context import system_actor
from checklist_app.store.models import Case, Signature, StepRecord
from checklist_app.store.verify import verify_database

AS_OF = datetime(2026, 11, 22, tzinfo=UTC)


def test_demo_agreements_some_given_some_awaiting_all_valid(initialised):
    report = demo.generate(initialised, system_actor(), cases=60, seed=5, as_of=AS_OF, workers=0)
    ctx = initialised
    agreed = {"open": 0, "closed": 0}
    awaiting = {"open": 0, "closed": 0}
    with ctx.db.read() as session:
        cases = {c.id: c for c in session.scalars(select(Case))}
        marked = session.scalars(
            select(StepRecord).where(StepRecord.status == "not_applicable", StepRecord.retired.is_(False))
        ).all()
        signed = signatures.signatures_on(session, "step_records", [r.id for r in marked])
        for record in marked:
            case = cases[record.case_id]
            step = ctx.procedure(session, case.procedure_version_id).step(record.step_id)
            if step.requirement is not Requirement.MANDATORY:
                assert record.id not in signed  # only mandatory steps need (or get) an agreement
                continue
            valid = signatures.latest_valid(signed.get(record.id, []), Meaning.AGREED_NOT_APPLICABLE)
            (agreed if valid else awaiting)[case.status] += 1
            if valid:
                assert valid.signer_id == case.supervisor_id and valid.signed_at >= record.updated_at
        assert session.scalar(select(Signature.id).limit(1)) is not None
    assert report.agreements == agreed["open"] + agreed["closed"]
    assert agreed["open"] and awaiting["open"] and agreed["closed"]
    assert awaiting["closed"] == 0  # closure needs every agreement
    assert summary_check.summary_problems(ctx) == []
    assert verify_database(ctx.db).ok
