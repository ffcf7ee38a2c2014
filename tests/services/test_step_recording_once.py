"""Recording a step works out the case's steps awaiting agreement once in its transaction, and still leaves
the case's list row and the returned view as a fresh reckoning of the case gives them."""

from __future__ import annotations

from support import open_case

from checklist_app.services import case_state as cs
from checklist_app.services import cases, step_agreement, steps
from checklist_app.services.case_summary import expected_summary
from checklist_app.store.models import Case, CaseSummary

FLAG = {"cse_flag_reference": "CSE/2026/0001", "referral_source": "school"}
DONE = "referral.record-details"
FIGURES = ("phase_number", "next_due_step", "next_due_title", "open_due", "steps_required", "steps_done")


def _awaiting_candidate(world, case_id: int) -> str:  # type: ignore[no-untyped-def]
    """A mandatory step the investigator may mark not applicable now (not the one completed below)."""
    detail = cases.case_detail(world.ctx, world.investigator, case_id)
    return next(
        s.step_id
        for s in detail.steps
        if s.step_id != DONE and s.requirement == "mandatory" and s.applicable and s.can_work
        if s.status == "not_started"
    )


def test_completing_a_step_works_out_the_awaiting_steps_once_and_the_list_row_matches(world, monkeypatch):
    case = open_case(world)
    marked = _awaiting_candidate(world, case.id)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, marked, "Does not apply to this referral")

    calls: list[int] = []
    real = step_agreement.awaiting_agreement_many

    def counted(session, loaded):  # type: ignore[no-untyped-def]
        calls.append(len(loaded))
        return real(session, loaded)

    monkeypatch.setattr(step_agreement, "awaiting_agreement_many", counted)
    view = steps.complete_step(world.ctx, world.investigator, case.id, DONE, FLAG)
    monkeypatch.undo()

    assert calls == [1]  # once for the summary and the view together
    assert view.status == "done" and not view.awaiting_agreement
    assert view.completed_by == world.investigator.display_name
    detail = cases.case_detail(world.ctx, world.investigator, case.id)
    assert next(s for s in detail.steps if s.step_id == marked).awaiting_agreement
    with world.ctx.db.read() as session:
        loaded = cs.load_for(session, world.ctx, session.get_one(Case, case.id))
        fresh = expected_summary(session, world.ctx, loaded, world.clock.now)
        row = session.get_one(CaseSummary, case.id)
        assert {k: getattr(row, k) for k in FIGURES} == {k: fresh[k] for k in FIGURES}
    # The step awaiting agreement counts as open in the list's figures: one fewer done than marked.
    assert fresh["steps_done"] == sum(
        s.status in ("done", "not_applicable") and s.required for s in detail.steps if s.step_id != marked
    )
