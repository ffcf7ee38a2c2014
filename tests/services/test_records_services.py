"""Intelligence, risk assessments, missing episodes and decisions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support import intelligence_form, open_case
from world_support import PASSWORD

from checklist_app.services import case_list, cases, intelligence, records, risk
from checklist_app.services.errors import Conflict, InvalidInput, PermissionDenied
from checklist_app.services.records import MissingUpdate

# --- intelligence -----------------------------------------------------------------------------------


def test_intelligence_lifecycle_with_times_against_targets(world):
    case = open_case(world)
    item = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world))
    assert item.reference.startswith("INT-2026-")
    assert item.grade_code == "2BP" and "Untested" in item.grade_text
    assert item.assess_due == world.clock.now + timedelta(hours=2)  # high priority target
    assert item.assess_state == "pending"
    routed = intelligence.route(world.ctx, world.supervisor, item.id, world.intel.user_id)
    assert routed.routed_to == world.intel.display_name and routed.reroute_count == 0
    world.clock.advance(hours=3)
    assessed = intelligence.assess(
        world.ctx, world.intel, item.id, outcome="disseminate", rationale="Links to two other cases", sanitised=True
    )
    assert assessed.assess_state == "late"
    assert assessed.hours_to_assessment == pytest.approx(3.0)
    done = intelligence.record_action(world.ctx, world.investigator, item.id, "Vehicle flagged on ANPR")
    assert done.action_taken == "Vehicle flagged on ANPR"
    detail = cases.case_detail(world.ctx, world.investigator, case.id)
    assert detail.intelligence[0].assessment_outcome == "disseminate"
    assert detail.derived_facts["intelligence_items_recorded"] is True


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"source_evaluation": "4"}, "source evaluation"),
        ({"intelligence_assessment": "F"}, "intelligence assessment"),
        ({"handling_code": "C"}, "conditions"),
        ({"priority": "urgent"}, "high, medium or low"),
        ({"summary": "  "}, "required"),
        ({"protective_marking": "RESTRICTED"}, "Protective marking"),
    ],
)
def test_bad_intelligence_is_refused(world, overrides, message):
    case = open_case(world)
    with pytest.raises(InvalidInput, match=message):
        intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, **overrides))


def test_rerouting_is_counted_and_only_intel_officers_assess(world):
    from checklist_app.services import accounts
    from checklist_app.services.context import system_actor

    accounts.create_user(
        world.ctx,
        system_actor(),
        username="io.ivy",
        display_name="IO Ivy",
        role="intelligence_officer",
        password="correct-horse-42",
        district_code="SHE",
    )
    second = next(u for u in accounts.list_users(world.ctx, world.admin) if u.username == "io.ivy")
    case = open_case(world)
    item = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world))
    intelligence.route(world.ctx, world.supervisor, item.id, world.intel.user_id)
    rerouted = intelligence.route(world.ctx, world.intel, item.id, second.id)
    assert rerouted.reroute_count == 1
    with pytest.raises(PermissionDenied):
        intelligence.assess(world.ctx, world.investigator, item.id, outcome="file", rationale="x", sanitised=False)
    with pytest.raises(InvalidInput, match="sanitised"):
        intelligence.assess(world.ctx, world.intel, item.id, outcome="disseminate", rationale="x", sanitised=False)
    with pytest.raises(Conflict, match="not been assessed"):
        intelligence.record_action(world.ctx, world.investigator, item.id, "Something")


def test_intel_queue_lists_items_routed_to_the_officer(world):
    case = open_case(world)
    item = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, priority="low"))
    intelligence.route(world.ctx, world.supervisor, item.id, world.intel.user_id)
    assert [i.id for i in intelligence.queue(world.ctx, world.intel)] == [item.id]
    assert intelligence.assessors(world.ctx, case.district_id) == [(world.intel.user_id, world.intel.display_name)]


# --- risk -------------------------------------------------------------------------------------------


def test_risk_assessment_scores_bands_and_sets_review(world):
    case = open_case(world)
    form = risk.RiskForm(
        answers={"emotional_neglect": "yes", "missing_from_home": "yes", "older_partner": "current"},
        evidence={
            "emotional_neglect": "Social care chronology, 2026-02-01",
            "missing_from_home": "MFH log x3",
            "older_partner": "School DSL report 2026-02-20",
        },
    )
    view = risk.record_assessment(world.ctx, world.investigator, case.id, form)
    assert view.score == 1 + 2 + 5
    assert (view.calculated_category, view.effective_category, view.band_label) == (3, 3, "Medium risk")
    assert dict(view.section_points) == {"Vulnerabilities": 3, "Significant indicators": 5}
    assert view.next_review_at.month == 4  # category 3 reviews monthly
    row = case_list.list_cases(world.ctx, world.investigator)[0]
    assert row.risk_category == 3


def test_evidence_is_required_for_each_indicator_present(world):
    case = open_case(world)
    with pytest.raises(InvalidInput, match="Emotional neglect"):
        risk.record_assessment(
            world.ctx, world.investigator, case.id, risk.RiskForm(answers={"emotional_neglect": "yes"})
        )


def test_trigger_forces_category_four(world):
    case = open_case(world)
    view = risk.record_assessment(
        world.ctx, world.investigator, case.id, risk.RiskForm(answers={}, triggers=["disclosure"])
    )
    assert (view.score, view.calculated_category) == (0, 4)


def test_override_needs_reason_and_counts_only_after_countersignature(world):
    case = open_case(world)
    with pytest.raises(InvalidInput, match="Override reason"):
        risk.record_assessment(world.ctx, world.investigator, case.id, risk.RiskForm(answers={}, override_category=3))
    view = risk.record_assessment(
        world.ctx,
        world.investigator,
        case.id,
        risk.RiskForm(answers={}, override_category=3, override_reason="Older peer group"),
    )
    assert view.override_pending and view.effective_category == 1
    with pytest.raises(PermissionDenied):
        risk.countersign_override(world.ctx, world.investigator2, view.id, PASSWORD)
    signed = risk.countersign_override(world.ctx, world.supervisor, view.id, PASSWORD)
    assert not signed.override_pending and signed.effective_category == 3
    assert case_list.list_cases(world.ctx, world.investigator)[0].risk_category == 3


def test_supervisor_cannot_countersign_own_override(world):
    case = open_case(world)
    view = risk.record_assessment(
        world.ctx,
        world.supervisor,
        case.id,
        risk.RiskForm(answers={}, override_category=2, override_reason="Judgement"),
    )
    with pytest.raises(Conflict, match="another supervisor"):
        risk.countersign_override(world.ctx, world.supervisor, view.id, PASSWORD)
    risk.countersign_override(world.ctx, world.supervisor2, view.id, PASSWORD)


def test_unknown_indicator_is_refused(world):
    case = open_case(world)
    with pytest.raises(InvalidInput, match="not an indicator"):
        risk.record_assessment(world.ctx, world.investigator, case.id, risk.RiskForm(answers={"nonsense": "yes"}))


# --- missing episodes -------------------------------------------------------------------------------


def test_missing_episode_return_interview_timing(world):
    case = open_case(world)
    reported = world.clock.now - timedelta(hours=1)
    episode_id = records.record_missing_episode(
        world.ctx, world.investigator, case.id, reported_at=reported, risk_grade="high"
    )
    detail = cases.case_detail(world.ctx, world.investigator, case.id)
    assert detail.derived_facts["missing_episodes_recorded"] is True
    assert detail.step("risk.return-interview").applicable
    assert detail.missing_episodes[0].rhi_state == "still missing"
    world.clock.advance(hours=5)
    returned = world.clock.now - timedelta(hours=1)
    records.update_missing_episode(world.ctx, world.investigator, episode_id, MissingUpdate(found_at=returned))
    world.clock.advance(hours=80)
    records.update_missing_episode(
        world.ctx,
        world.investigator,
        episode_id,
        MissingUpdate(safe_well_at=returned + timedelta(hours=3), rhi_offered_at=returned + timedelta(hours=75)),
    )
    view = cases.case_detail(world.ctx, world.investigator, case.id).missing_episodes[0]
    assert view.safe_well_state == "within target"
    assert view.rhi_due == returned + timedelta(hours=72)
    assert view.rhi_state == "late"


def test_missing_episode_times_must_make_sense(world):
    case = open_case(world)
    episode_id = records.record_missing_episode(
        world.ctx, world.investigator, case.id, reported_at=world.clock.now, risk_grade="low"
    )
    with pytest.raises(InvalidInput, match="returned first"):
        records.update_missing_episode(
            world.ctx, world.investigator, episode_id, MissingUpdate(safe_well_at=world.clock.now)
        )
    with pytest.raises(InvalidInput, match="before the child was reported"):
        records.update_missing_episode(
            world.ctx, world.investigator, episode_id, MissingUpdate(found_at=world.clock.now - timedelta(hours=1))
        )
    with pytest.raises(InvalidInput, match="low, medium or high"):
        records.record_missing_episode(
            world.ctx, world.investigator, case.id, reported_at=world.clock.now, risk_grade="severe"
        )


# --- decisions --------------------------------------------------------------------------------------


def test_decision_log_requires_rationale_and_keeps_order(world):
    case = open_case(world)
    with pytest.raises(InvalidInput, match="Rationale"):
        records.add_decision(world.ctx, world.investigator, case.id, decision="Arrest suspect A", rationale="")
    records.add_decision(
        world.ctx,
        world.investigator,
        case.id,
        decision="Arrest suspect A",
        rationale="Risk of further contact",
        category="investigation",
    )
    world.clock.advance(hours=1)
    records.add_decision(
        world.ctx,
        world.supervisor,
        case.id,
        decision="Apply for CAWN",
        rationale="Repeated contact",
        category="disruption",
    )
    detail = cases.case_detail(world.ctx, world.investigator, case.id)
    assert [d.decision for d in detail.decisions] == ["Apply for CAWN", "Arrest suspect A"]
    assert detail.decisions[0].author == world.supervisor.display_name


def test_every_protective_marking_fits(world):
    """The longest marking ("OFFICIAL-SENSITIVE") once overflowed its column on PostgreSQL."""
    from checklist_app.core.intelligence import PROTECTIVE_MARKINGS

    case = open_case(world)
    for marking in PROTECTIVE_MARKINGS:
        item = intelligence.submit(
            world.ctx, world.investigator, case.id, intelligence_form(world, protective_marking=marking)
        )
        assert item.protective_marking == marking
