"""The intelligence officer's desk: the district's items still waiting, at the stage each waits at."""

from __future__ import annotations

import json

import pytest
from support import intelligence_form, open_case

from checklist_app.services import intelligence
from checklist_app.services.errors import PermissionDenied
from checklist_app.services.intelligence_desk import intelligence_desk
from checklist_app.store.models import AuditEntry
from checklist_app.store.verify import verify_database


def test_each_item_is_listed_at_the_stage_it_waits_at(world) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world)
    submitted = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, priority="low"))
    routed = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, priority="medium"))
    intelligence.route(world.ctx, world.supervisor, routed.id, world.intel.user_id)
    assessed = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world))
    intelligence.assess(world.ctx, world.intel, assessed.id, outcome="file", rationale="Nothing new", sanitised=True)
    finished = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world))
    intelligence.assess(world.ctx, world.intel, finished.id, outcome="file", rationale="Known", sanitised=True)
    intelligence.record_action(world.ctx, world.investigator, finished.id, "Noted on the case")

    desk = intelligence_desk(world.ctx, world.intel)

    by_id = {line.item_id: line for line in desk.lines}
    assert set(by_id) == {submitted.id, routed.id, assessed.id}  # the finished item has left the desk
    assert by_id[submitted.id].stage == "route" and by_id[submitted.id].with_whom == ""
    assert by_id[submitted.id].due_at == submitted.route_due
    assert by_id[routed.id].stage == "assess" and by_id[routed.id].mine
    assert by_id[routed.id].with_whom == world.intel.display_name
    assert by_id[routed.id].due_at == routed.assess_due
    assert by_id[assessed.id].stage == "action" and not by_id[assessed.id].mine
    assert by_id[assessed.id].with_whom == world.investigator.display_name  # the case's officer acts on it
    assert by_id[assessed.id].due_at == assessed.action_due
    assert [line.due_at for line in desk.lines] == sorted(line.due_at for line in desk.lines)
    assert (desk.count("route"), desk.count("assess"), desk.count("action"), desk.mine) == (1, 1, 1, 1)
    assert all(line.case_reference == case.reference for line in desk.lines)
    assert desk.district_name == "Sheffield"
    assert desk.overdue == 0


def test_an_item_waiting_on_a_closed_case_is_listed_and_marked_closed(world) -> None:  # type: ignore[no-untyped-def]
    # The closed-case guard refuses routing and assessment until a supervisor reopens the case: the desk
    # keeps the item (it is not forgotten) and says why nothing can be done with it yet.
    from support import settle_for_closure
    from world_support import PASSWORD

    from checklist_app.services import closure

    case = open_case(world)
    unrouted = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world))
    assessed = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world))
    intelligence.assess(world.ctx, world.intel, assessed.id, outcome="file", rationale="Known", sanitised=True)
    assert [line.case_closed for line in intelligence_desk(world.ctx, world.intel).lines] == [False, False]
    settle_for_closure(world, case.id)
    closure.close_case(world.ctx, world.supervisor, case.id, "No further action", PASSWORD)

    (line,) = intelligence_desk(world.ctx, world.intel).lines  # the investigator's action is gone with closure
    assert line.item_id == unrouted.id and line.stage == "route" and line.case_closed


def test_an_item_past_its_target_is_overdue(world) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world)
    item = intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, priority="high"))
    world.clock.advance(hours=2)  # high priority: routed within 1 hour
    (line,) = intelligence_desk(world.ctx, world.intel).lines
    assert line.item_id == item.id and line.overdue


def test_the_desk_shows_only_the_officers_district(world) -> None:  # type: ignore[no-untyped-def]
    doncaster = open_case(world, world.other_district_investigator, district_code="DON")
    intelligence.submit(world.ctx, world.other_district_investigator, doncaster.id, intelligence_form(world))
    assert intelligence_desk(world.ctx, world.intel).lines == ()


@pytest.mark.parametrize("who", ["investigator", "supervisor", "auditor", "admin"])
def test_only_intelligence_officers_have_a_desk(world, who: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        intelligence_desk(world.ctx, getattr(world, who))


def test_the_summary_is_cut_to_an_excerpt_on_one_line(world) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world)
    long_text = "Vehicle seen\nnear location L-4. " + "More detail. " * 30
    intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world, summary=long_text))
    (line,) = intelligence_desk(world.ctx, world.intel).lines
    assert "\n" not in line.excerpt and line.excerpt.startswith("Vehicle seen near location L-4.")
    assert len(line.excerpt) <= 120 and line.excerpt.endswith("…")


def test_looking_at_the_desk_is_audited_and_keeps_verify_clean(world) -> None:  # type: ignore[no-untyped-def]
    case = open_case(world)
    intelligence.submit(world.ctx, world.investigator, case.id, intelligence_form(world))
    world.clock.advance(minutes=5)
    intelligence_desk(world.ctx, world.intel)
    with world.ctx.db.read() as session:
        entry = session.query(AuditEntry).order_by(AuditEntry.seq.desc()).first()
        assert entry is not None
        assert (entry.action, entry.operation, entry.object_type) == ("intel.desk.view", "consultation", "districts")
        assert json.loads(entry.details) == {"items": 1}
    report = verify_database(world.ctx.db)
    assert report.ok, [str(p) for p in report.problems]
