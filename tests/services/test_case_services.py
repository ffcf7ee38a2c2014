"""Opening, viewing, listing and changing cases, against a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from support import open_case, settle_for_closure
from world_support import PASSWORD

from checklist_app.services import case_list, cases, closure, steps
from checklist_app.services.case_list import CaseFilter
from checklist_app.services.errors import Conflict, InvalidInput, PermissionDenied
from checklist_app.store.models import AuditEntry


def test_open_case_pins_the_procedure_and_assigns_people(world):
    detail = open_case(world)
    assert detail.reference.startswith("CSE-SHE-2026-")
    assert detail.procedure_label == "test-cse-sop v0.1"
    assert detail.officer_id == world.investigator.user_id
    assert detail.supervisor_id == world.supervisor.user_id  # the team's supervisor by default
    assert detail.district_name == "Sheffield"
    assert [p.number for p in detail.phases] == [1, 2, 3]
    first = detail.step("referral.record-details")
    assert first.due_state == "overdue"  # "on receipt", two hours ago
    assert first.required and first.applicable


def test_references_count_up_per_district(world):
    first = open_case(world)
    second = open_case(world)
    assert int(second.reference[-5:]) == int(first.reference[-5:]) + 1


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"subject_ref": "Jane Smith"}, "subject_ref"),
        ({"subject_ref": "Emily-Johnson"}, "subject_ref"),  # a hyphenated name is not a reference
        ({"subject_ref": "SC-XYZ-1234"}, "subject_ref"),  # not a district code
        ({"referral_source": "Gossip"}, "referral_source"),
        ({"age_band": "40-50"}, "age_band"),
        ({"age_band": None, "date_of_birth": None}, "age_band"),
        ({"district_code": "XXX"}, "district"),
        ({"priority": "urgent"}, "priority"),
        ({"facts": {"looked_after": "maybe"}}, "looked_after"),
        ({"facts": {"not_a_fact": True}}, "not_a_fact"),
        ({"facts": {"placement_type": "hotel"}}, "placement_type"),
    ],
)
def test_open_case_rejects_bad_input_and_saves_nothing(world, override, field):
    with pytest.raises(InvalidInput) as caught:
        open_case(world, **override)
    assert field in {p.field for p in caught.value.problems}
    assert case_list.list_cases(world.ctx, world.investigator, CaseFilter(status="all")) == []


def test_a_hyphenated_name_is_refused_with_the_expected_form(world):
    with pytest.raises(InvalidInput) as caught:
        open_case(world, subject_ref="Emily-Johnson")
    (problem,) = caught.value.problems
    assert "never a name" in problem.message and "for example SC-104233 or SC-SHE-104233" in problem.message
    assert open_case(world, subject_ref="sc-she-104233").subject_ref == "SC-SHE-104233"


def test_referral_in_the_future_is_refused(world):
    with pytest.raises(InvalidInput, match="in the future"):
        open_case(world, referral_at=world.clock.now + timedelta(days=1))


def test_auditor_and_admin_cannot_open_cases(world):
    for actor in (world.auditor, world.admin, world.intel):
        with pytest.raises(PermissionDenied):
            open_case(world, actor)


def test_investigator_cannot_open_a_case_in_another_district(world):
    with pytest.raises((InvalidInput, PermissionDenied)):
        open_case(world, world.other_district_investigator)


def test_viewing_a_case_is_audited_as_a_consultation(world):
    detail = open_case(world)
    cases.case_detail(world.ctx, world.investigator2, detail.id, reason="covering while on leave")
    with world.ctx.db.read() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert (entry.operation, entry.action, entry.user_id) == ("consultation", "case.view", world.investigator2.user_id)
    assert "covering while on leave" in entry.details


def test_district_scoping_of_case_views(world):
    detail = open_case(world)
    cases.case_detail(world.ctx, world.other_team_investigator, detail.id)  # same district: may read
    cases.case_detail(world.ctx, world.auditor, detail.id)  # auditors read everything
    with pytest.raises(PermissionDenied):
        cases.case_detail(world.ctx, world.other_district_investigator, detail.id)
    with pytest.raises(PermissionDenied):
        cases.case_detail(world.ctx, world.admin, detail.id)


def test_case_list_filters(world):
    mine = open_case(world, subject_ref="SC-101")
    theirs = open_case(world, world.investigator2, subject_ref="SC-202")
    other_team = open_case(world, world.other_team_investigator, subject_ref="SC-303")
    ctx, me = world.ctx, world.investigator
    assert {r.id for r in case_list.list_cases(ctx, me, CaseFilter(mine=True))} == {mine.id}
    assert {r.id for r in case_list.list_cases(ctx, me, CaseFilter(team=True))} == {mine.id, theirs.id}
    assert {r.id for r in case_list.list_cases(ctx, me)} == {mine.id, theirs.id, other_team.id}
    assert {r.id for r in case_list.list_cases(ctx, me, CaseFilter(search="sc-2"))} == {theirs.id}
    assert {r.id for r in case_list.list_cases(ctx, me, CaseFilter(search=mine.reference[-5:]))} == {mine.id}
    assert case_list.list_cases(ctx, world.other_district_investigator) == []
    assert len(case_list.list_cases(ctx, world.auditor)) == 3


def test_case_list_shows_next_due_and_overdue_count(world):
    detail = open_case(world)
    row = case_list.list_cases(world.ctx, world.investigator)[0]
    assert row.next_due_step == "1.1"
    assert row.overdue_count(world.clock.now) == 1  # 1.1 was due on receipt
    assert row.overdue_count(world.clock.now + timedelta(days=2)) == 2  # 1.2 within 24h has passed too
    assert case_list.list_cases(world.ctx, world.investigator, CaseFilter(overdue=True))[0].id == detail.id


def test_overdue_filter_excludes_cases_with_nothing_overdue(world):
    detail = open_case(world, referral_at=world.clock.now)
    steps.complete_step(
        world.ctx,
        world.investigator,
        detail.id,
        "referral.record-details",
        {"cse_flag_reference": "CSE/1", "referral_source": "school"},
    )
    assert case_list.list_cases(world.ctx, world.investigator, CaseFilter(overdue=True)) == []


def test_facts_change_which_steps_apply(world):
    detail = open_case(world)
    assert not detail.step("risk.placement-review").applicable
    cases.update_facts(world.ctx, world.investigator, detail.id, {"placement_type": "residential"})
    after = cases.case_detail(world.ctx, world.investigator, detail.id)
    assert after.step("risk.placement-review").applicable
    with pytest.raises(InvalidInput):
        cases.update_facts(world.ctx, world.investigator, detail.id, {"placement_type": "castle"})


def test_manual_event_starts_the_clock_and_only_manual_events_are_allowed(world):
    detail = open_case(world)
    when = world.clock.now - timedelta(hours=1)
    cases.record_event(world.ctx, world.investigator, detail.id, "trial_date_fixed", when, "Crown Court")
    after = cases.case_detail(world.ctx, world.investigator, detail.id)
    assert after.events[0].event_type == "trial_date_fixed"
    with pytest.raises(InvalidInput, match="is recorded by the application, not by hand"):
        cases.record_event(world.ctx, world.investigator, detail.id, "referral_received", when)


def test_close_requires_settled_steps_and_a_supervisor(world):
    detail = open_case(world)
    with pytest.raises(PermissionDenied):
        closure.close_case(world.ctx, world.investigator, detail.id, "Done", PASSWORD)
    with pytest.raises(Conflict, match="cannot be closed"):
        closure.close_case(world.ctx, world.supervisor, detail.id, "Done", PASSWORD)


def test_closed_case_refuses_changes_until_reopened(world):
    detail = open_case(world)
    settle_for_closure(world, detail.id)
    closure.close_case(world.ctx, world.supervisor, detail.id, "No further action: insufficient evidence", PASSWORD)
    with pytest.raises(Conflict, match="closed"):
        steps.save_progress(world.ctx, world.investigator, detail.id, "investigation.seize-devices", {})
    row = case_list.list_cases(world.ctx, world.investigator, CaseFilter(status="closed"))[0]
    assert row.next_due_at is None and not row.open_due
    closure.reopen_case(world.ctx, world.supervisor, detail.id, "New information")
    assert cases.case_detail(world.ctx, world.investigator, detail.id).status == "open"


def test_reassign_needs_a_supervisor_and_a_reason(world):
    detail = open_case(world)
    with pytest.raises(PermissionDenied):
        cases.reassign(world.ctx, world.investigator, detail.id, officer_id=world.investigator2.user_id, reason="x")
    with pytest.raises(InvalidInput):
        cases.reassign(world.ctx, world.supervisor, detail.id, officer_id=world.investigator2.user_id, reason=" ")
    cases.reassign(world.ctx, world.supervisor, detail.id, officer_id=world.investigator2.user_id, reason="Leave")
    assert cases.case_detail(world.ctx, world.supervisor, detail.id).officer_id == world.investigator2.user_id


def test_referral_time_is_kept_in_utc(world):
    from zoneinfo import ZoneInfo

    local = datetime(2026, 3, 1, 23, 30, tzinfo=ZoneInfo("Europe/London"))
    detail = open_case(world, referral_at=local)
    assert detail.referral_at == local.astimezone(UTC)


def test_case_row_fields_match_the_list_query_columns(world):
    from checklist_app.services.case_list import _list_query
    from checklist_app.services.dto import CaseRow

    names = [c.name for c in _list_query(world.investigator, CaseFilter(), world.clock.now).selected_columns]
    assert names == list(CaseRow._fields)
