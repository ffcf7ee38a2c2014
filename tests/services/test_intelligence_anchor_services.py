"""Procedure 1.2 through the services: an intelligence item submitted long after steps 5.1 to 5.3 were recorded
is not overdue the moment it arrives (5.4, 5.5 and 5.7 count from the waiting item's submission), a case still
on 1.1 keeps 1.1's date, the case list's figures follow each stage of an item (verify's summary check agrees),
and a supervisor's move of a 1.1 case to 1.2 lists the new anchors. On SQLite, or PostgreSQL with
CHECKLIST_APP_TEST_DB."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support import intelligence_form, open_case
from world_support import World, build_world

from checklist_app import paths
from checklist_app.services import case_versions, cases, intelligence, procedures, steps, summary_check
from checklist_app.services.context import system_actor
from checklist_app.store.verify import verify_database


def _text(name: str) -> str:
    return (paths.sop_dir() / name).read_text(encoding="utf-8")


@pytest.fixture
def v11_world(ctx, clock) -> World:  # type: ignore[no-untyped-def]
    return build_world(ctx, clock, _text("cse-sop-v1.1.yaml"))


def _first_report(world: World, case_id: int) -> None:
    """Steps 5.1 to 5.3 recorded for the case's first report, now."""
    at = world.clock.now.isoformat(timespec="seconds")
    steps.complete_step(
        world.ctx,
        world.investigator,
        case_id,
        "intelligence.submit",
        {"intel_submission_reference": "INT/1", "intel_submitted_at": at, "intel_grading": "2-B-P"},
    )
    steps.complete_step(
        world.ctx,
        world.intel,
        case_id,
        "intelligence.quality-check",
        {"intel_priority": "High", "intel_grading_changed": False},
    )
    steps.complete_step(
        world.ctx,
        world.intel,
        case_id,
        "intelligence.sanitise",
        {"sanitised_reference": "SAN/1", "sanitised_marking": "OFFICIAL"},
    )


def test_a_late_item_is_not_overdue_at_once_on_1_2_and_a_1_1_case_keeps_its_date(v11_world: World) -> None:
    world = v11_world
    old = open_case(world)
    assert old.procedure_label == "cse-sop v1.1"
    _first_report(world, old.id)
    procedures.publish(world.ctx, system_actor(), _text("cse-sop-v1.2.yaml"), "v1.2")
    new = open_case(world)
    assert new.procedure_label == "cse-sop v1.2"
    _first_report(world, new.id)
    first = world.clock.now

    world.clock.advance(days=30)
    intelligence.submit(world.ctx, world.investigator, old.id, intelligence_form(world, priority="high"))
    item = intelligence.submit(world.ctx, world.investigator, new.id, intelligence_form(world, priority="high"))
    submitted = world.clock.now
    world.clock.advance(minutes=20)

    route_new = cases.case_detail(world.ctx, world.supervisor, new.id).step("intelligence.route")
    assert route_new.due_at == submitted + timedelta(hours=1)
    assert route_new.due_state == "due_soon"
    assess_new = cases.case_detail(world.ctx, world.supervisor, new.id).step("intelligence.assess")
    assert assess_new.due_at == submitted + timedelta(hours=2)
    assert assess_new.due_state != "overdue"

    route_old = cases.case_detail(world.ctx, world.supervisor, old.id).step("intelligence.route")
    assert route_old.due_at == first + timedelta(hours=1)  # 1.1: from completing 5.1, a month ago
    assert route_old.due_state == "overdue"

    # With a second item waiting, each stage of the first moves the 1.2 case's deadlines (to the second
    # item's submission); the stored case-list row keeps up with them, as verify's summary check shows.
    world.clock.advance(days=1)
    second = intelligence.submit(world.ctx, world.investigator, new.id, intelligence_form(world, priority="low"))
    intelligence.route(world.ctx, world.supervisor, item.id, world.intel.user_id)
    route_new = cases.case_detail(world.ctx, world.supervisor, new.id).step("intelligence.route")
    assert route_new.due_at == second.submitted_at + timedelta(hours=1)  # the case's most urgent priority: high
    world.clock.advance(minutes=30)
    intelligence.assess(world.ctx, world.intel, item.id, outcome="task", rationale="Links to L-12", sanitised=True)
    world.clock.advance(minutes=30)
    intelligence.record_action(world.ctx, world.investigator, item.id, "Address visited")
    assert verify_database(world.ctx.db).ok
    assert summary_check.summary_problems(world.ctx) == []


def test_moving_a_1_1_case_to_1_2_lists_the_changes_and_takes_the_new_anchor(v11_world: World) -> None:
    world = v11_world
    case = open_case(world)
    _first_report(world, case.id)
    procedures.publish(world.ctx, system_actor(), _text("cse-sop-v1.2.yaml"), "v1.2")
    world.clock.advance(days=30)
    intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, priority="high"))
    submitted = world.clock.now

    preview = case_versions.preview_version_move(world.ctx, world.supervisor, case.id)
    assert preview is not None
    assert (preview.current, preview.target) == ("cse-sop v1.1", "cse-sop v1.2")
    assert preview.retired == 0
    changes = "\n".join(preview.changes)
    assert "5.5" in changes and "intelligence_to_assess" in changes
    assert "3.1" in changes and "1.3" in changes

    move = case_versions.move_to_version(world.ctx, world.supervisor, case.id, "1.2", "Citations corrected")
    assert set(move.kept) == {"intelligence.submit", "intelligence.quality-check", "intelligence.sanitise"}
    assert move.retired == () and move.added == ()
    detail = cases.case_detail(world.ctx, world.supervisor, case.id)
    assert detail.procedure_label == "cse-sop v1.2"
    route = detail.step("intelligence.route")
    assert route.due_at == submitted + timedelta(hours=1)
    assert route.due_state != "overdue"
    assert verify_database(world.ctx.db).ok
    assert summary_check.summary_problems(world.ctx) == []
