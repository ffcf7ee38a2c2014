"""The case header's overdue steps and the case list's overdue count come from one rule
(core.agreement.overdue_step_ids): a mandatory step marked not applicable counts as open, with its deadline,
until a supervisor agrees. On a real database (SQLite, or PostgreSQL with CHECKLIST_APP_TEST_DB)."""

from __future__ import annotations

from support import open_case, settle_for_closure
from world_support import PASSWORD

from checklist_app.services import case_list, cases, closure, steps
from checklist_app.services.case_list import CaseFilter

MANDATORY = "referral.record-details"  # 1.3, due within 24 hours


def _figures(world, case_id: int) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    detail = cases.case_detail(world.ctx, world.supervisor, case_id)
    (row,) = [r for r in case_list.list_cases(world.ctx, world.supervisor) if r.id == case_id]
    return [s.step_id for s in detail.overdue_steps], row.overdue_count(world.clock.now)


def test_a_step_awaiting_agreement_counts_in_both_until_agreed(world):
    case = open_case(world)
    world.clock.advance(minutes=5)
    steps.mark_not_applicable(world.ctx, world.investigator, case.id, MANDATORY, "Referral came by phone")
    world.clock.advance(days=2)
    header, listed = _figures(world, case.id)
    assert MANDATORY in header and len(header) == listed > 0
    phases = cases.case_detail(world.ctx, world.supervisor, case.id).phases
    assert sum(p.overdue for p in phases) == listed  # the phase list's "n overdue" too
    world.clock.advance(minutes=5)
    steps.agree_not_applicable(world.ctx, world.supervisor, case.id, MANDATORY, PASSWORD)
    agreed, listed_after = _figures(world, case.id)
    assert MANDATORY not in agreed and len(agreed) == listed_after == listed - 1


def test_the_header_lists_overdue_steps_earliest_first_like_the_list(world):
    case = open_case(world)
    world.clock.advance(days=40)
    header, listed = _figures(world, case.id)
    detail = cases.case_detail(world.ctx, world.supervisor, case.id)
    dues = [s.due_at for s in detail.overdue_steps]
    assert len(header) == listed > 1 and dues == sorted(dues)  # type: ignore[type-var]
    assert all(s.due_state == "overdue" and s.required for s in detail.overdue_steps)


def test_a_closed_case_has_no_overdue_steps_in_either(world):
    case = open_case(world)
    world.clock.advance(days=3)
    header, listed = _figures(world, case.id)
    assert len(header) == listed > 0
    settle_for_closure(world, case.id)
    closure.close_case(world.ctx, world.supervisor, case.id, "All steps settled.", PASSWORD)
    detail = cases.case_detail(world.ctx, world.supervisor, case.id)
    (row,) = [r for r in case_list.list_cases(world.ctx, world.supervisor, CaseFilter(status="all")) if r.id == case.id]
    assert detail.overdue_steps == () and row.overdue_count(world.clock.now) == 0
