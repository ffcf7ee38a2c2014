"""The case list's first page: the first rows of the desktop list's opening order, audited like any list."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from support import open_case, settle_for_closure
from world_support import PASSWORD

from checklist_app.services import case_list, closure
from checklist_app.store.models import AuditEntry

_FAR = datetime.max.timestamp()


def _opening_order(rows):  # type: ignore[no-untyped-def]
    """What the desktop list does: by reference, then (stable) by next due time, none last."""
    by_reference = sorted(rows, key=lambda r: r.reference)
    return sorted(by_reference, key=lambda r: r.next_due_at.timestamp() if r.next_due_at else _FAR)


def test_first_cases_are_the_first_rows_of_the_opening_order_and_are_audited(world):
    for n in range(6):
        open_case(world, subject_ref=f"SC-80{n}")
    everything = case_list.list_cases(world.ctx, world.auditor, case_list.CaseFilter(status="all"))
    first = case_list.first_cases(world.ctx, world.auditor, case_list.CaseFilter(status="all"), 4)
    assert [r.id for r in first] == [r.id for r in _opening_order(everything)][:4]
    assert first == [next(r for r in everything if r.id == f.id) for f in first]  # the same rows, field by field
    with world.ctx.db.read() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "case.list").order_by(AuditEntry.seq.desc()).limit(1)
        ).one()
    details = json.loads(entry.details)
    assert details["first"] is True and details["rows"] == 4
    assert details["cases"] == case_list.id_ranges(r.id for r in first)


def test_first_cases_obey_the_role_scope(world):
    mine = open_case(world, subject_ref="SC-901")
    open_case(world, world.other_district_investigator, district_code="DON", subject_ref="SC-902")
    first = case_list.first_cases(world.ctx, world.investigator, case_list.CaseFilter(status="all"), 10)
    assert [r.id for r in first] == [mine.id]  # the other district's case is not the investigator's to see


def test_cases_without_a_due_time_come_last_by_reference_when_the_page_reaches_them(world):
    cases = [open_case(world, subject_ref=f"SC-81{n}") for n in range(4)]
    for case in cases[:2]:  # a closed case has no step due
        settle_for_closure(world, case.id)
        closure.close_case(world.ctx, world.supervisor, case.id, "No further action", PASSWORD)
    everything = case_list.list_cases(world.ctx, world.auditor, case_list.CaseFilter(status="all"))
    assert sum(r.next_due_at is None for r in everything) == 2
    opening = [r.id for r in _opening_order(everything)]
    for limit in (1, 2, 3, 4, 10):
        first = case_list.first_cases(world.ctx, world.auditor, case_list.CaseFilter(status="all"), limit)
        assert [r.id for r in first] == opening[:limit]
